"""Engine-order telegraph: orders to shaft-speed demands and the steady speed they give.

Fractions of the service shaft speed (ahead) and of the ship's full-astern shaft speed (astern)
follow common bridge practice for fixed-pitch propellers [U]; ships may differ.
"""

from __future__ import annotations

import numpy as np

from autoship.dynamics.library import ShipDef
from autoship.errors import ShipModelError

ORDERS: dict[str, float] = {
    "full-ahead": 1.0,
    "half-ahead": 0.7,
    "slow-ahead": 0.5,
    "dead-slow-ahead": 0.3,
    "stop": 0.0,
    "dead-slow-astern": -0.3,
    "slow-astern": -0.5,
    "half-astern": -0.7,
    "full-astern": -1.0,
}


def _check(order: str) -> float:
    if order not in ORDERS:
        raise ShipModelError(
            f"unknown engine order {order!r}; known: {', '.join(ORDERS)}", field="order"
        )
    return ORDERS[order]


def engine_order_demand(sdef: ShipDef, order: str) -> float:
    """Propulsion demand of an order: shaft rev/s for propeller families, m/s for Nomoto ones."""
    from autoship.dynamics.fleet import FAMILIES

    frac = _check(order)
    fam = FAMILIES[sdef.family]
    P = np.ascontiguousarray(fam.pack_params([sdef]))
    if frac >= 0.0:
        return frac * fam.propulsion_demand(P, 0, sdef.service_speed, "trim")
    return -frac * fam.propulsion_demand(P, 0, sdef.service_speed, "astern")


def engine_order_speed(sdef: ShipDef, order: str) -> float:
    """Steady straight-ahead speed (m/s) an ahead order settles at; 0 for stop and astern."""
    from autoship.dynamics.fleet import FAMILIES

    frac = _check(order)
    if frac <= 0.0:
        return 0.0
    fam = FAMILIES[sdef.family]
    P = np.ascontiguousarray(fam.pack_params([sdef]))
    demand = engine_order_demand(sdef, order)
    # Propulsion demand is monotonic in speed: bisect the trim map.
    lo, hi = 0.0, 3.0 * sdef.service_speed
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if fam.propulsion_demand(P, 0, mid, "trim") < demand:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
