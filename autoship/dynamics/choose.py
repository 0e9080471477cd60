"""Pick a library ship for what AIS says about a vessel: length, beam and ship type.

AIS ship and cargo types are ITU-R M.1371-5, Table 53 (first digit the class, second the
cargo/hazard category): 30 fishing, 31/32 towing, 33 dredging, 34 diving, 35 military,
36 sailing, 37 pleasure craft, 4x high-speed craft, 50 pilot, 51 search and rescue, 52 tug,
53 port tender, 54 anti-pollution, 55 law enforcement, 58 medical, 6x passenger, 7x cargo,
8x tanker, 9x other. The rules below map a type and size to the library ship whose declared
valid lengths (``valid_length_min_m`` / ``valid_length_max_m``) contain the length; when the
preferred ship does not cover it, the next candidate that does is taken, and ``generic-cargo``
(valid 10-250 m) is the last resort. Cargo ships (7x) are not told apart by AIS: a long, slender
one (L/B >= 6.8 within the container ship's range) is taken as a container ship, a full-bodied
one of 150 m or more as a bulk carrier/tanker, anything else as the generic placeholder.
"""

from __future__ import annotations

from functools import cache

from autoship.dynamics.library import ShipDef, load_ship
from autoship.dynamics.scaling import valid_lengths

_SMALL_CRAFT = ("pilot-boat", "motor-yacht", "fishing-vessel", "tug", "generic-cargo")


def _candidates(length_m: float, beam_m: float | None, ship_type: int | None) -> list[str]:
    t = -1 if ship_type is None else int(ship_type)
    slender = beam_m is not None and beam_m > 0 and length_m / beam_m >= 6.8
    if t == 30:
        return ["fishing-vessel", "generic-cargo"]
    if t in (31, 32, 52):
        return ["tug", "fishing-vessel", "generic-cargo"]
    if t == 36:
        return ["sailing-yacht", "motor-yacht", "generic-cargo"]
    if t == 37:
        return ["motor-yacht", "sailing-yacht", "pilot-boat", "generic-cargo"]
    if 40 <= t <= 49 or t in (50, 51, 53, 54, 55, 58):
        return ["pilot-boat", "fishing-vessel", "motor-yacht", "generic-cargo"]
    if 60 <= t <= 69:
        return ["ferry", "pilot-boat", "generic-cargo"]
    if 70 <= t <= 79:
        return (["container"] if slender else []) + ["tanker", "generic-cargo"]
    if 80 <= t <= 89:
        return ["tanker", "generic-cargo"]
    # Unknown, dredger, diving, military, other: by size alone.
    if length_m <= 25.0:
        return list(_SMALL_CRAFT)
    return ["generic-cargo"]


@cache
def _valid(name: str) -> tuple[float, float]:
    # Mining asks for thousands of ships: read each library file's range once.
    return valid_lengths(load_ship(name))


def ship_choice(
    length_m: float, beam_m: float | None = None, ship_type: int | None = None
) -> tuple[str, str]:
    """Library ship name for an AIS vessel, and a one-line reason (for a scenario's provenance)."""
    if not (length_m > 0.0):
        raise ValueError(f"length must be positive, got {length_m!r}")
    for name in _candidates(length_m, beam_m, ship_type):
        lo, hi = _valid(name)
        if lo <= length_m <= hi:
            kind = "unknown type" if ship_type is None else f"AIS type {ship_type}"
            return name, f"{kind}, {length_m:g} m: {name} (valid {lo:g}-{hi:g} m)"
    return "generic-cargo", f"{length_m:g} m outside every matching ship's range: placeholder"


def ship_for(length_m: float, beam_m: float | None = None, ship_type: int | None = None) -> ShipDef:
    """The library ship for an AIS vessel, scaled to its length (and beam when given).

    ``ship_type`` is the AIS ship and cargo type (ITU-R M.1371 Table 53), None if unknown. The
    draught follows the chosen ship's length ratio; the beam does too when AIS gives none. Ships
    that are not scalable (``container``) are returned at their own size, which the choice
    guarantees is within their (narrow) valid range.
    """
    name, _ = ship_choice(length_m, beam_m, ship_type)
    sd = load_ship(name)
    if not sd.scalable:
        return sd
    k = length_m / sd.length_m
    beam = beam_m if beam_m is not None and 0.0 < beam_m < length_m else sd.beam_m * k
    return sd.with_dimensions(length_m, beam, sd.draught_m * k)
