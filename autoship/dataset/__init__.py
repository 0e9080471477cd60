"""Labelled training datasets from simulated encounters (``autoship dataset``).

    from autoship.dataset import load_spec, build_dataset
    build_dataset(load_spec("datasets/example.toml"), "out/example")

Layout and schema: docs/dataset.md.
"""

from autoship.dataset.build import BuildResult, build_dataset
from autoship.dataset.schema import SCHEMA_VERSION
from autoship.dataset.spec import DatasetSpec, DatasetSpecError, load_spec, parse_spec

__all__ = [
    "SCHEMA_VERSION",
    "BuildResult",
    "DatasetSpec",
    "DatasetSpecError",
    "build_dataset",
    "load_spec",
    "parse_spec",
]
