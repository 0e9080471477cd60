"""The referee's rules 9(a) and 10 from the chart's routeing objects (metrics/routing_rules.py).

Scripted own ships (keep-course, no traffic) on the synthetic Harrow Bank TSS
(charts/tss_demo) and in Fishing Creek Channel on the bundled NOAA ENC US4MD81M: only the
routeing rules can fail, and each scenario is built to pass or to fail one of them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autoship.api import run_scenario
from autoship.charts.routing import Routing, RoutingFeature
from autoship.colregs.profile import load_profile, profile_from_dict
from autoship.errors import ProfileError
from autoship.metrics.report import build_report, junit_tree, markdown
from autoship.metrics.routing_rules import (
    RULE_LANE,
    excused_windows,
    routing_entries,
    tss_entry,
    tss_facts,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "routing"

# scenario -> (passes, rules that must be present with score 1, rules that must fail)
CASES = {
    "tss-follow-lane": (True, {"10(b)(i)", "10(e)"}, set()),
    "tss-join-from-side": (True, {"10(b)(i)", "10(e)"}, set()),
    "tss-against-flow": (False, {"10(e)"}, {"10(b)(i)"}),
    "tss-cross-90": (True, {"10(c)", "10(e)"}, set()),
    "tss-cross-45": (False, {"10(e)"}, {"10(c)"}),
    "tss-separation-zone": (False, set(), {"10(e)"}),
    "channel-starboard-side": (True, {"9(a)"}, set()),
    "channel-port-side": (False, set(), {"9(a)"}),
}


@pytest.fixture(scope="module")
def runs():
    return {name: run_scenario(DATA / f"{name}.toml") for name in CASES}


def _routing_entry(report):
    ents = [e for e in report["encounters"] if e["type"] == "routing"]
    assert len(ents) == 1, ents
    return ents[0]


@pytest.mark.parametrize("name", list(CASES))
def test_routing_scenarios_pass_or_fail_the_right_rule(runs, name):
    passes, clean, failing = CASES[name]
    rep = runs[name].report
    assert not rep["collision"] and not rep["grounding"]
    e = _routing_entry(rep)
    for rule in clean:
        assert e["rules"][rule] == 1.0, (rule, e["rules"])
    for rule in failing:
        assert e["rules"][rule] < 0.5
        assert any(p["rule"] == rule and p.get("breach") for p in e["penalties"])
    assert rep["passed"] is passes, rep["failed_gates"]
    # Every failed gate is one of the routeing rules this scenario exists to fail.
    heads = {g.split(":")[0].replace(" breach", "") for g in rep["failed_gates"]}
    assert heads == {f"rule {r}" for r in failing}


def test_measured_figures(runs):
    # Against the flow: the whole 1500 s run is in the eastbound lane, all of it against it.
    f = _routing_entry(runs["tss-against-flow"].report)["routing"]
    assert f["lane_time_s"] == pytest.approx(1500.0)
    assert f["against_flow_s"] == pytest.approx(1500.0)
    # Crossing at 45 deg: both lanes crossed, each 45 deg off square; the zone (1 km wide,
    # crossed at 12 kn on 045: 1000 / (6.17 cos 45) ~ 230 s) is excused as part of the crossing.
    f = _routing_entry(runs["tss-cross-45"].report)["routing"]
    assert [c["heading_off_square_deg"] for c in f["crossings"]] == pytest.approx([45.0, 45.0])
    assert f["zone_time_s"] == pytest.approx(
        1000.0 / (12 * 1852 / 3600 * np.cos(np.pi / 4)), abs=10
    )
    assert f["zone_unexcused_s"] == 0.0
    # Crossing at right angles: 2 km lanes at 6.17 m/s, ~324 s each.
    f = _routing_entry(runs["tss-cross-90"].report)["routing"]
    assert [c["heading_off_square_deg"] for c in f["crossings"]] == pytest.approx(
        [0.0, 0.0], abs=0.5
    )
    # Fishing Creek: 9 m either side of a ~43 m channel's centreline, about 0.4 of the half width.
    port = _routing_entry(runs["channel-port-side"].report)["routing"]
    stbd = _routing_entry(runs["channel-starboard-side"].report)["routing"]
    assert port["fairways"] == stbd["fairways"] == ["Fishing Creek Channel"]
    assert port["port_fraction"] == 1.0 and stbd["port_fraction"] == 0.0
    assert port["mean_lateral"] < -0.2 and stbd["mean_lateral"] > 0.2
    assert port["transit_s"] >= load_profile("harbour").routing.channel_min_transit_s


def test_joining_from_the_side_rests_on_the_small_angle_allowance(runs):
    # The waypoint route joins the eastbound lane on about 050, 40 deg off its ORIENT, for
    # about 250 s: inside join_angle_max_deg (45). With the allowance at 35 deg the same track
    # fails 10(b)(i): the allowance, not luck, is what passes it.
    from dataclasses import replace

    from autoship.api import score

    prof = load_profile("large-ship")
    strict = replace(prof, routing=replace(prof.routing, join_angle_max_deg=35.0))
    rep = score(runs["tss-join-from-side"], strict)
    e = _routing_entry(rep)
    assert e["routing"]["wrong_way_s"] > prof.routing.lane_wrong_way_max_s
    assert not rep["passed"] and rep["failed_gates"][0].startswith("rule 10(b)(i)")


def test_reports_list_the_routing_rules(runs):
    rep = build_report([runs["tss-against-flow"].report], load_profile("large-ship"))
    md = markdown(rep)
    assert "traffic separation scheme" in md and "10(b)(i): 0.00" in md
    assert "rule 10(b)(i): own vs traffic separation scheme" in md
    xml = junit_tree(rep)
    text = "".join(xml.getroot().itertext()) + "".join(
        str(el.attrib) for el in xml.getroot().iter()
    )
    assert "rule 10(b)(i)" in text and "against it" in text


def test_chart_without_routing_gives_no_entries():
    prof = load_profile("large-ship")
    res = {"tracks": None, "autonomous": np.array([0]), "encounters": []}
    assert routing_entries(None, res, [{"id": "own"}], prof) == []
    assert routing_entries({"polygons": [], "points": []}, res, [{"id": "own"}], prof) == []


def test_give_way_and_stand_on_windows_are_excused():
    encs = [
        {"own": "a", "target": "b", "type": "crossing", "own_role": "give-way",
         "t_detect_s": 100.0, "t_end_s": 400.0, "t_may_act_s": None},
        {"own": "a", "target": "c", "type": "crossing", "own_role": "stand-on",
         "t_detect_s": 500.0, "t_end_s": 900.0, "t_may_act_s": 700.0},
        {"own": "a", "target": "d", "type": "crossing", "own_role": "stand-on",
         "t_detect_s": 950.0, "t_end_s": 990.0, "t_may_act_s": None},
        {"own": "b", "target": "a", "type": "crossing", "own_role": "stand-on",
         "t_detect_s": 100.0, "t_end_s": 400.0, "t_may_act_s": None},
    ]  # fmt: skip
    assert excused_windows(encs, "a") == [(100.0, 400.0), (700.0, 900.0)]
    assert excused_windows(encs, "b") == []


def test_lane_time_in_an_encounter_is_not_against_the_flow():
    # A ship against the flow of a 10 km lane for 1000 s: a breach, unless it is all inside an
    # encounter window (rule 10(a): the steering and sailing rules still apply in a lane).
    r = Routing([RoutingFeature("TSSLPT", _box(-5000, -1000, 5000, 1000), 90.0)])
    t = np.arange(0.0, 1001.0, 5.0)
    east = 4000.0 - 6.0 * t
    north = np.zeros_like(t)
    cog = np.full_like(t, 270.0)
    sog = np.full_like(t, 6.0)
    p = load_profile("large-ship").routing
    f = tss_facts(r, t, north, east, cog, cog, sog, np.zeros(t.shape, bool), p)
    assert f["wrong_way_s"] == pytest.approx(1000.0)
    f = tss_facts(r, t, north, east, cog, cog, sog, np.ones(t.shape, bool), p)
    assert f["wrong_way_s"] == 0.0 and f["lane_time_s"] == 0.0


def test_joining_from_the_side_at_a_small_angle_is_not_against_the_flow():
    # Joins the eastbound lane from its south side on 050 (40 deg off ORIENT: outside the 30 deg
    # of the flow, inside the 45 deg of joining) for about 245 s, then follows it on 090: within
    # join_leave_s of joining, so no wrong-way time.
    r = Routing([RoutingFeature("TSSLPT", _box(-5000, 0, 5000, 2000), 90.0)])
    t = np.arange(0.0, 1201.0, 5.0)
    v = 6.0
    k = t <= 400.0
    ang = np.where(k, 50.0, 90.0)
    ve, vn = v * np.sin(np.radians(ang)), v * np.cos(np.radians(ang))
    east = -3000.0 + np.concatenate([[0.0], np.cumsum(ve[:-1] * 5.0)])
    north = -600.0 + np.concatenate([[0.0], np.cumsum(vn[:-1] * 5.0)])
    p = load_profile("large-ship").routing
    f = tss_facts(r, t, north, east, ang, ang, np.full_like(t, v), np.zeros(t.shape, bool), p)
    assert f["lane_time_s"] > 600.0
    assert f["wrong_way_s"] == 0.0 and f["crossings"] == []


def _box(e0, n0, e1, n1):
    import shapely

    return shapely.box(e0, n0, e1, n1)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("lane_course_tolerance_deg", 95.0),
        ("crossing_edge", 1.5),
        ("sample_s", 0.0),
        ("separation_zone_max_s", -1.0),
    ],
)
def test_bad_routing_profile_keys_name_the_key(key, value):
    import tomllib

    raw = tomllib.loads((ROOT / "autoship/colregs/profiles/large-ship.toml").read_text())
    raw["routing"][key] = value
    with pytest.raises(ProfileError, match=rf"x\.toml: routing\.{key}: "):
        profile_from_dict(raw, file="x.toml")


def test_profiles_state_every_routing_key():
    import tomllib
    from dataclasses import fields

    from autoship.colregs.profile import RoutingParams, available_profiles

    names = {f.name for f in fields(RoutingParams)}
    for name in available_profiles():
        raw = tomllib.loads((ROOT / f"autoship/colregs/profiles/{name}.toml").read_text())
        assert set(raw["routing"]) == names, name


def test_lane_without_orient_is_not_scored_for_the_flow():
    r = Routing([RoutingFeature("TSSLPT", _box(-5000, -1000, 5000, 1000), None)])
    t = np.arange(0.0, 501.0, 5.0)
    east = 4000.0 - 6.0 * t
    cog = np.full_like(t, 270.0)
    p = load_profile("large-ship").routing
    f = tss_facts(
        r, t, np.zeros_like(t), east, cog, cog, np.full_like(t, 6.0), np.zeros(t.shape, bool), p
    )
    assert f["lane_time_s"] == 0.0 and f["wrong_way_s"] == 0.0
    assert RULE_LANE not in tss_entry("own", f, p)["rules"]
