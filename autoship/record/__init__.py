"""The run-folder format: the one contract between simulation, metrics and viewer.

A run is a folder with ``meta.json`` (everything but arrays), ``track.npz`` (arrays, read with
``allow_pickle=False``) and optionally ``chart.json`` (chart polygons in the local frame).
This module imports only numpy and the standard library so the viewer can use it without
compiling kernels or importing shapely/pyproj. ``records`` has the typed form of meta.json
and of the report (``RunMeta``, ``ShipRecord``, ``EventRecord``, ``RunReport``, ...) and
``schemas`` their versioned JSON Schemas.
"""

from autoship.record.records import (
    EncounterEntry,
    EventRecord,
    Report,
    RunMeta,
    RunReport,
    ScenarioInfo,
    ShipRecord,
    legacy_under_test,
    ship_under_test,
    under_test_rule,
)
from autoship.record.run import (
    ARRAY_NAMES,
    FORMAT,
    FORMAT_VERSION,
    Run,
    RunWriter,
    in_memory_run,
    load_run,
)

__all__ = [
    "ARRAY_NAMES",
    "EncounterEntry",
    "EventRecord",
    "Report",
    "RunMeta",
    "RunReport",
    "ScenarioInfo",
    "ShipRecord",
    "legacy_under_test",
    "ship_under_test",
    "under_test_rule",
    "FORMAT",
    "FORMAT_VERSION",
    "Run",
    "RunWriter",
    "in_memory_run",
    "load_run",
]
