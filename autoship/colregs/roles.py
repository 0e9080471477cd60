"""Rule 18 responsibilities between vessel categories, AIS status/type mapping, rule 19 duties.

Rank (our implementation of rule 18 (a)-(c)): not under command = restricted in ability to
manoeuvre (3) > engaged in fishing (2) > sailing (1) > power-driven (0). A lower rank keeps out of
the way of a higher rank; equal ranks fall back to rules 13-15. Rule 13 (overtaking) prevails over
rule 18 ("except where rules 9, 10 and 13 otherwise require"). A vessel constrained by her
draught is power-driven with a "do not impede" flag (18(d)): any vessel except NUC/RAM avoids
impeding her. Rule 12 (two sailing vessels) decides by tack and windward side when the run
records a wind; without one the rules 14/15 geometry is used and the encounter says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from autoship.colregs.classify import (
    CODE_ROLE,
    CROSSING_GIVE_WAY,
    CROSSING_STAND_ON,
    HEAD_ON,
    NONE,
    OVERTAKEN,
    OVERTAKING,
)

POWER = "power-driven"
SAILING = "sailing"
FISHING = "fishing"
RAM = "restricted-manoeuvrability"
NUC = "not-under-command"
CBD = "constrained-by-draught"
SEAPLANE = "seaplane"
WIG = "wig"
NOT_UNDER_WAY = "not-under-way"  # at anchor, moored, aground: an obstacle without a role

RANK = {POWER: 0, CBD: 0, SEAPLANE: 0, WIG: 0, SAILING: 1, FISHING: 2, RAM: 3, NUC: 3}

_ALIASES = {
    "power": POWER,
    "power-driven": POWER,
    "sailing": SAILING,
    "fishing": FISHING,
    "engaged-in-fishing": FISHING,
    "restricted-manoeuvrability": RAM,
    "restricted-maneuverability": RAM,
    "ram": RAM,
    "not-under-command": NUC,
    "nuc": NUC,
    "constrained-by-draught": CBD,
    "constrained-by-draft": CBD,
    "cbd": CBD,
    "seaplane": SEAPLANE,
    "wig": WIG,
    "at-anchor": NOT_UNDER_WAY,
    "moored": NOT_UNDER_WAY,
    "aground": NOT_UNDER_WAY,
    "not-under-way": NOT_UNDER_WAY,
}

# ITU-R M.1371 navigational status -> COLREG Rule 18 category (the mapping is ours). None =
# undefined, infer.
_NAV_STATUS = {
    0: POWER,
    1: NOT_UNDER_WAY,
    2: NUC,
    3: RAM,
    4: CBD,
    5: NOT_UNDER_WAY,
    6: NOT_UNDER_WAY,
    7: FISHING,
    8: SAILING,
    9: POWER,
    10: WIG,
    11: POWER,
    12: POWER,
    13: None,
    14: NOT_UNDER_WAY,  # AIS-SART / MOB / EPIRB: a distress hazard, not a vessel role
    15: None,
}


@dataclass(frozen=True)
class Category:
    category: str
    source: str  # "scenario", "ais-status", "ais-type" or "default"

    @property
    def rank(self) -> int:
        return RANK.get(self.category, 0)

    @property
    def under_way(self) -> bool:
        return self.category != NOT_UNDER_WAY


def _ship_type_category(ship_type: int) -> str:
    # Ship type only refines an undefined status: fishing (30) and sailing (36) vessels may be on
    # passage or motoring, so they are power-driven unless the status says otherwise.
    if 20 <= ship_type <= 29:
        return WIG
    return POWER


def ship_category(ship: dict[str, Any]) -> Category:
    """Rule 18 category of a ship entry from run meta (``category``, ``nav_status``,
    ``ship_type``). An explicit non-default scenario category wins; then the AIS navigational
    status; then the ship type; otherwise power-driven."""
    raw = ship.get("category")
    cat = None
    if isinstance(raw, str) and raw.strip():
        cat = _ALIASES.get(raw.strip().lower().replace("_", "-").replace(" ", "-"))
    if cat is not None and cat != POWER:
        return Category(cat, "scenario")
    status = ship.get("nav_status")
    if isinstance(status, int) and not isinstance(status, bool):
        mapped = _NAV_STATUS.get(status)
        if mapped is not None:
            return Category(mapped, "ais-status")
    stype = ship.get("ship_type")
    if isinstance(stype, int) and not isinstance(stype, bool) and stype > 0:
        return Category(_ship_type_category(stype), "ais-type")
    if cat is not None:
        return Category(cat, "scenario")
    return Category(POWER, "default")


@dataclass(frozen=True)
class Role:
    role: str  # give-way | stand-on | both | none
    basis: str  # the rule the role comes from, e.g. "rule 15", "rule 18(a)", "rule 19"
    note: str = ""


def rule12_role(
    heading_own: float,
    heading_target: float,
    p_rel_n: float,
    p_rel_e: float,
    wind_from: float,
) -> str:
    """Rule 12 between two sailing vessels (angles rad, p_rel = target - own): on different
    tacks the vessel with the wind on her port side keeps out of the way; on the same tack the
    vessel to windward keeps out of the way. The tack is taken from the side the wind comes
    from (a vessel running dead before the wind counts as on the port tack, 12(a)(iii) "in
    doubt, keep out of the way"). Returns own ship's role: "give-way" or "stand-on"."""
    rel_own = math.remainder(wind_from - heading_own, 2 * math.pi)
    rel_tgt = math.remainder(wind_from - heading_target, 2 * math.pi)
    port_own = rel_own <= 0.0 or abs(rel_own) >= math.pi
    port_tgt = rel_tgt <= 0.0 or abs(rel_tgt) >= math.pi
    if port_own != port_tgt:
        return "give-way" if port_own else "stand-on"
    # Same tack: own ship is to windward when it lies further towards where the wind comes from.
    upwind = -(p_rel_n * math.cos(wind_from) + p_rel_e * math.sin(wind_from))
    return "give-way" if upwind > 0.0 else "stand-on"


def resolve_role(
    code: int,
    own: Category,
    target: Category,
    restricted_visibility: bool,
    rule12: str | None = None,
) -> Role:
    """Own ship's role for a geometric encounter ``code`` (see ``classify``).

    Complementary by construction: ``resolve_role(MIRROR[c], b, a, rv)`` gives the other ship's
    role (give-way <-> stand-on, both <-> both) for every case except rule 19 and the 18(d)
    "do not impede" duty, where both ships may have to act. ``rule12`` is own ship's role from
    ``rule12_role`` when both are sailing and the wind is known.
    """
    if not own.under_way:
        return Role("none", "not under way")
    if code == NONE:
        return Role("none", "no rule 13-15 situation")
    if restricted_visibility:
        # Rule 19: not in sight of one another, no stand-on vessel; every vessel that detects
        # a risk of collision takes avoiding action in ample time.
        return Role("give-way", "rule 19")
    if not target.under_way:
        return Role("give-way", "rule 8", "target not under way")
    if code == OVERTAKING:
        return Role("give-way", "rule 13")
    if code == OVERTAKEN:
        return Role("stand-on", "rule 13")
    if own.rank != target.rank:
        if own.rank < target.rank:
            return Role("give-way", _rule18_clause(own.category), f"target is {target.category}")
        return Role("stand-on", _rule18_clause(target.category), f"own ship is {own.category}")
    note = ""
    if own.category == SAILING and target.category == SAILING:
        if rule12 in ("give-way", "stand-on"):
            return Role(rule12, "rule 12")
        note = "rule 12 (wind side) not evaluated: no wind; rules 14/15 geometry used"
    elif own.rank > 0:
        note = f"both {own.category}: rules 14/15 geometry used"
    base = CODE_ROLE[code]
    basis = "rule 14" if code == HEAD_ON else "rule 15"
    if (
        base == "stand-on"
        and target.category == CBD
        and own.category not in (NUC, RAM, CBD)
        and code in (CROSSING_STAND_ON, HEAD_ON)
    ):
        return Role("give-way", "rule 18(d)", "avoid impeding a vessel constrained by her draught")
    if code in (CROSSING_GIVE_WAY, CROSSING_STAND_ON, HEAD_ON):
        return Role(base, basis, note)
    return Role("none", "no rule 13-15 situation")


def _rule18_clause(lower_category: str) -> str:
    """Rule 18 clause that binds the lower-ranked vessel of the pair."""
    return {SAILING: "rule 18(b)", FISHING: "rule 18(c)"}.get(lower_category, "rule 18(a)")
