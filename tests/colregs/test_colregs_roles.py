"""Rule 18 responsibilities, AIS status/type mapping, rule 19 duties, complementary roles."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autoship.colregs import (
    CROSSING_GIVE_WAY,
    CROSSING_STAND_ON,
    HEAD_ON,
    MIRROR,
    NONE,
    OVERTAKEN,
    OVERTAKING,
    resolve_role,
    ship_category,
)
from autoship.colregs.roles import (
    CBD,
    FISHING,
    NOT_UNDER_WAY,
    NUC,
    POWER,
    RAM,
    SAILING,
    WIG,
    Category,
    rule12_role,
)


def cat(c):
    return Category(c, "scenario")


@pytest.mark.parametrize(
    "ship,category,source",
    [
        ({"category": "power-driven"}, POWER, "scenario"),
        ({}, POWER, "default"),
        ({"category": "fishing"}, FISHING, "scenario"),
        ({"category": "power-driven", "nav_status": 7}, FISHING, "ais-status"),
        ({"nav_status": 2}, NUC, "ais-status"),
        ({"nav_status": 3}, RAM, "ais-status"),
        ({"nav_status": 4}, CBD, "ais-status"),
        ({"nav_status": 8}, SAILING, "ais-status"),
        ({"nav_status": 1}, NOT_UNDER_WAY, "ais-status"),
        ({"nav_status": 5}, NOT_UNDER_WAY, "ais-status"),
        ({"nav_status": 0, "ship_type": 30}, POWER, "ais-status"),
        # Undefined status: the ship type refines it, but a fishing vessel (30) or sailing
        # vessel (36) may be on passage / motoring, so both stay power-driven.
        ({"nav_status": 15, "ship_type": 30}, POWER, "ais-type"),
        ({"nav_status": 15, "ship_type": 36}, POWER, "ais-type"),
        ({"nav_status": 15, "ship_type": 25}, WIG, "ais-type"),
        ({"nav_status": 15}, POWER, "default"),
        ({"category": "sailing", "nav_status": 0}, SAILING, "scenario"),
    ],
)
def test_ship_category_sources(ship, category, source):
    c = ship_category(ship)
    assert (c.category, c.source) == (category, source)


def test_power_driven_rules_13_to_15():
    p = cat(POWER)
    assert resolve_role(HEAD_ON, p, p, False).role == "both"
    assert resolve_role(HEAD_ON, p, p, False).basis == "rule 14"
    assert resolve_role(CROSSING_GIVE_WAY, p, p, False).role == "give-way"
    assert resolve_role(CROSSING_STAND_ON, p, p, False).role == "stand-on"
    assert resolve_role(OVERTAKING, p, p, False).role == "give-way"
    assert resolve_role(OVERTAKEN, p, p, False).role == "stand-on"
    assert resolve_role(NONE, p, p, False).role == "none"


@pytest.mark.parametrize(
    "own,target,code,role,basis",
    [
        # 18(a): power-driven keeps out of the way of NUC, RAM, fishing, sailing even when the
        # geometry would make it stand-on.
        (POWER, FISHING, CROSSING_STAND_ON, "give-way", "rule 18(a)"),
        (POWER, SAILING, HEAD_ON, "give-way", "rule 18(a)"),
        (POWER, NUC, CROSSING_STAND_ON, "give-way", "rule 18(a)"),
        (FISHING, POWER, CROSSING_GIVE_WAY, "stand-on", "rule 18(a)"),
        # 18(b): sailing keeps out of the way of fishing and RAM.
        (SAILING, FISHING, CROSSING_STAND_ON, "give-way", "rule 18(b)"),
        (SAILING, RAM, HEAD_ON, "give-way", "rule 18(b)"),
        # 18(c): fishing keeps out of the way of NUC / RAM.
        (FISHING, NUC, CROSSING_STAND_ON, "give-way", "rule 18(c)"),
        # Rule 13 prevails: a power-driven vessel overtaking a sailing vessel gives way, and a
        # sailing vessel overtaking a power-driven one gives way too.
        (SAILING, POWER, OVERTAKING, "give-way", "rule 13"),
        (POWER, SAILING, OVERTAKEN, "stand-on", "rule 13"),
        # 18(d): avoid impeding a vessel constrained by her draught.
        (POWER, CBD, CROSSING_STAND_ON, "give-way", "rule 18(d)"),
        (NUC, CBD, CROSSING_STAND_ON, "stand-on", "rule 18(a)"),  # CBD is power-driven
    ],
)
def test_rule_18(own, target, code, role, basis):
    r = resolve_role(code, cat(own), cat(target), False)
    assert (r.role, r.basis) == (role, basis)


def test_two_sailing_vessels_note_rule_12():
    r = resolve_role(CROSSING_GIVE_WAY, cat(SAILING), cat(SAILING), False)
    assert r.role == "give-way" and "rule 12" in r.note
    # With the wind known, rule 12 decides, whatever the rule 15 geometry says.
    r = resolve_role(CROSSING_GIVE_WAY, cat(SAILING), cat(SAILING), False, "stand-on")
    assert (r.role, r.basis) == ("stand-on", "rule 12")
    # Rule 13 still prevails.
    assert resolve_role(OVERTAKING, cat(SAILING), cat(SAILING), False, "stand-on").role == (
        "give-way"
    )


R = math.radians


def test_rule12_hand_worked():
    # Wind from the north. Heading east: wind on the port side (port tack); heading west:
    # starboard tack. Different tacks: the port-tack vessel keeps out of the way (12(a)(i)).
    assert rule12_role(R(90), R(270), 500.0, 500.0, 0.0) == "give-way"
    assert rule12_role(R(270), R(90), -500.0, -500.0, 0.0) == "stand-on"
    # Same tack (both heading east): the windward (northern) vessel keeps out of the way.
    assert rule12_role(R(90), R(90), -100.0, 50.0, 0.0) == "give-way"  # target downwind
    assert rule12_role(R(90), R(90), 100.0, 50.0, 0.0) == "stand-on"  # target upwind
    # Running dead before the wind counts as port tack ("in doubt", 12(a)(iii)).
    assert rule12_role(R(180), R(270), 0.0, 300.0, 0.0) == "give-way"


@given(
    st.floats(0, 2 * math.pi),
    st.floats(0, 2 * math.pi),
    st.floats(-5000, 5000),
    st.floats(-5000, 5000),
    st.floats(0, 2 * math.pi),
)
def test_rule12_complementary(h1, h2, pn, pe, wind):
    assume(abs(pn * math.cos(wind) + pe * math.sin(wind)) > 1e-6)
    a = rule12_role(h1, h2, pn, pe, wind)
    b = rule12_role(h2, h1, -pn, -pe, wind)
    assert b == COMPLEMENT[a]


def test_restricted_visibility_has_no_stand_on():
    p = cat(POWER)
    for code in (HEAD_ON, CROSSING_GIVE_WAY, CROSSING_STAND_ON, OVERTAKING, OVERTAKEN):
        r = resolve_role(code, p, p, True)
        assert (r.role, r.basis) == ("give-way", "rule 19")


def test_not_under_way():
    anchored = Category(NOT_UNDER_WAY, "ais-status")
    assert resolve_role(CROSSING_GIVE_WAY, anchored, cat(POWER), False).role == "none"
    r = resolve_role(CROSSING_STAND_ON, cat(POWER), anchored, False)
    assert r.role == "give-way" and r.basis == "rule 8"


COMPLEMENT = {"give-way": "stand-on", "stand-on": "give-way", "both": "both", "none": "none"}
ranked = st.sampled_from([POWER, SAILING, FISHING, RAM, NUC])
codes = st.sampled_from(
    [NONE, HEAD_ON, CROSSING_GIVE_WAY, CROSSING_STAND_ON, OVERTAKING, OVERTAKEN]
)


@given(codes, ranked, ranked)
def test_roles_are_complementary(code, a, b):
    ra = resolve_role(code, cat(a), cat(b), False)
    rb = resolve_role(int(MIRROR[code]), cat(b), cat(a), False)
    assert rb.role == COMPLEMENT[ra.role]
