"""Ship dynamics: state layout, ship library, model kernels and the fleet that steps them."""

from autoship.dynamics.fleet import FAMILIES, Fleet
from autoship.dynamics.guidance import LOSGuidance, los_course
from autoship.dynamics.library import ShipDef, library_names, load_ship

__all__ = [
    "FAMILIES",
    "Fleet",
    "LOSGuidance",
    "ShipDef",
    "library_names",
    "load_ship",
    "los_course",
]
