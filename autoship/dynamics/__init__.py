"""Ship dynamics: state layout, ship library, model kernels and the fleet that steps them."""

from autoship.dynamics.fleet import FAMILIES, Fleet
from autoship.dynamics.library import ShipDef, library_names, load_ship

__all__ = ["FAMILIES", "Fleet", "ShipDef", "library_names", "load_ship"]
