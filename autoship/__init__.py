"""autoship: autonomous ship navigation and collision-avoidance simulator.

``autoship.run_scenario(...)`` runs and scores one scenario in memory, ``autoship.score(result)``
scores a run (docs/api.md).
"""

from __future__ import annotations

import importlib

from autoship.errors import AutoshipError, ScenarioError

# typing.TYPE_CHECKING without importing typing (a few ms of every CLI start); mypy treats any
# name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from autoship.api import RunResult, run_scenario, score

__version__ = "0.1.0"

__all__ = ["AutoshipError", "RunResult", "ScenarioError", "__version__", "run_scenario", "score"]

# Imported on first use (PEP 562): autoship.api pulls in the scenario loader, the ship models
# and the simulation, and `import autoship` (every CLI start) must not pay for them.
_LAZY = {"RunResult": "autoship.api", "run_scenario": "autoship.api", "score": "autoship.api"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'autoship' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
