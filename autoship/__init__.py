"""autoship: autonomous ship navigation and collision-avoidance simulator."""

from autoship.errors import AutoshipError, ScenarioError

__version__ = "0.1.0"

__all__ = ["AutoshipError", "ScenarioError", "__version__"]
