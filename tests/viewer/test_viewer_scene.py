"""The scene model: interpolation, CPA, encounter labels, events, score.json, chart layers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from viewer_synth import SPEED, make_run, meta, tracks

from autoship.errors import RunFolderError
from autoship.geometry import cpa_tcpa
from autoship.metrics.score import is_autonomous, score_run
from autoship.record import RunWriter
from autoship.units import NAUTICAL_MILE
from viewer.scene import (
    AUTONOMOUS,
    OWN,
    REPLAYED,
    TRAFFIC,
    EncounterLabel,
    chart_layers,
    load_scene,
)


def test_reference_cpa_worked_check() -> None:
    # Constant-velocity CPA, Imazu case 4 in the NTNU encoding: OS at origin 10 m/s north; TS at
    # (2560, -5500) on course 040 at 10 m/s -> DCPA 525 m, TCPA 884 s.
    c = math.radians(40.0)
    dcpa, tcpa = cpa_tcpa(
        np.array(2560.0),
        np.array(-5500.0),
        np.array(10 * math.cos(c) - 10),
        np.array(10 * math.sin(c)),
    )
    assert float(dcpa) == pytest.approx(525, abs=1)
    assert float(tcpa) == pytest.approx(884, abs=1)


def test_cpa_zero_relative_speed_is_current_range() -> None:
    dcpa, tcpa = cpa_tcpa(np.array(300.0), np.array(400.0), np.array(0.0), np.array(0.0))
    assert float(tcpa) == 0.0 and float(dcpa) == pytest.approx(500.0)


def test_poses_interpolate_between_records(run_dir: Path) -> None:
    s = load_scene(run_dir)
    p = s.poses(5.0)  # halfway between the records at 0 s and 10 s
    assert p.north[0] == pytest.approx(-6 * NAUTICAL_MILE + SPEED * 5.0)
    assert p.east[1] == pytest.approx(6 * NAUTICAL_MILE - SPEED * 5.0)
    assert p.sog[0] == pytest.approx(SPEED)
    assert math.degrees(p.cog[1]) == pytest.approx(270.0)
    # Times outside the run clamp to its ends.
    assert s.poses(-50).t == 0.0 and s.poses(1e9).t == s.t1


def test_heading_interpolates_across_north(tmp_path: Path) -> None:
    s = load_scene(make_run(tmp_path / "r"))
    s.heading = s.heading.copy()
    s.heading[0, 0], s.heading[1, 0] = math.radians(350.0), math.radians(10.0)
    h = math.degrees(float(s.poses(5.0).heading[0]))
    assert min(h, 360.0 - h) == pytest.approx(0.0, abs=1e-9)


def test_ship_kinds_and_handover(run_dir: Path) -> None:
    s = load_scene(run_dir)
    # T1 keeps its course: traffic, not under test (the referee's rule without score.json).
    assert [sh.kind for sh in s.ships] == [OWN, TRAFFIC, REPLAYED]
    assert s.under_test_ids == ["OS"]
    a1 = s.ships[2]
    assert a1.handover_t_s == 900.0
    assert s.ships[0].handover_t_s is None
    # Handed over to a reactive model: simulated traffic, still not under test.
    assert a1.kind_at(899.0) == REPLAYED and a1.kind_at(900.0) == TRAFFIC


def test_score_names_the_ships_under_test(tmp_path: Path) -> None:
    d = make_run(tmp_path / "r", score=True)
    score = json.loads((d / "score.json").read_text())
    (d / "score.json").write_text(json.dumps({**score, "autonomous_ships": ["OS", "T1"]}))
    s = load_scene(d)
    assert [sh.kind for sh in s.ships] == [OWN, AUTONOMOUS, REPLAYED]


def test_most_dangerous_target_and_cpa_points(run_dir: Path) -> None:
    s = load_scene(run_dir)
    c = s.cpa(300.0)
    # Imazu case 2 geometry: before the turn both ships would meet at the origin at 1800 s.
    assert c is not None and c.target == 1
    assert c.dcpa_m == pytest.approx(0.0, abs=1e-6)
    assert c.tcpa_s == pytest.approx(1500.0)
    assert c.own_cpa == pytest.approx((0.0, 0.0), abs=1e-6)
    assert c.target_cpa == pytest.approx((0.0, 0.0), abs=1e-6)
    assert c.range_m == pytest.approx(math.hypot(9260.0, 9260.0), rel=1e-3)


def test_no_cpa_when_everyone_is_opening(run_dir: Path) -> None:
    s = load_scene(run_dir)
    assert s.cpa(0.0) is not None
    # Reverse every ship: each one now moves away from the own ship.
    s.vn, s.ve = -s.vn, -s.ve
    assert s.cpa(0.0) is None
    s.own_index = None
    assert s.cpa(100.0) is None


@pytest.mark.parametrize(
    ("typ", "role", "text"),
    [
        ("head-on", "both", "Head-on · both · Rule 14"),
        ("overtaking", "give-way", "Overtaking · give-way · Rule 13/16"),
        ("overtaken", "stand-on", "Overtaken · stand-on · Rule 13/17"),
        ("crossing", "stand-on", "Crossing · stand-on · Rule 15/17"),
    ],
)
def test_encounter_label_text(typ: str, role: str, text: str) -> None:
    assert EncounterLabel("OS", "T1", 1, typ, role, estimated=False).text == text


def test_estimated_encounter_without_score(tmp_path: Path) -> None:
    s = load_scene(make_run(tmp_path / "straight", turn=False))
    assert s.score is None
    # 8.5 NM apart, meeting in 30 min: inside the large-ship profile's observation range r1
    # (22.5 km), TCPA under 40 min and DCPA 0 under 1500 m, so the referee's risk test holds.
    assert [e.type for e in s.encounters(0.0)] == ["crossing"]
    labels = s.encounters(1500.0)
    assert [(e.target, e.type, e.own_role, e.estimated) for e in labels] == [
        ("T1", "crossing", "give-way", True)
    ]
    assert labels[0].text == "Crossing · give-way · Rule 15/16 (est.)"
    assert s.encounters(s.t1) == []  # passed: no longer engaged


def test_encounters_from_score_json(scored_run_dir: Path) -> None:
    s = load_scene(scored_run_dir)
    assert s.encounters(200.0) == []  # before t_start_s
    (e,) = s.encounters(800.0)
    assert (e.own, e.target, e.type, e.own_role, e.estimated) == (
        "OS",
        "T1",
        "crossing",
        "give-way",
        False,
    )
    assert e.text == "Crossing · give-way · Rule 15/16"
    assert s.encounters(1700.0) == []  # after t_end_s


def test_events_merge_meta_and_score(scored_run_dir: Path, run_dir: Path) -> None:
    s = load_scene(scored_run_dir)
    assert [(e.t_s, e.kind) for e in s.events] == [
        (600.0, "first_manoeuvre"),
        (700.0, "rule_penalty"),
        (900.0, "handover"),
        (1450.0, "near_miss"),
        (1500.0, "fallback"),
    ]
    assert s.events[1].label == "rule penalty (OS, T1): Rule 16 delay"
    assert [e.kind for e in load_scene(run_dir).events] == ["handover", "fallback"]


def test_bad_score_json_names_file_and_field(run_dir: Path) -> None:
    (run_dir / "score.json").write_text(json.dumps({"encounters": {"not": "a list"}}))
    with pytest.raises(RunFolderError) as ei:
        load_scene(run_dir)
    assert "score.json" in str(ei.value) and "encounters" in str(ei.value)
    (run_dir / "score.json").write_text("{broken")
    with pytest.raises(RunFolderError, match="score.json"):
        load_scene(run_dir)


def test_missing_explicit_score_file(run_dir: Path) -> None:
    with pytest.raises(RunFolderError, match="score file not found"):
        load_scene(run_dir, run_dir / "nope.json")


def test_not_a_run_folder(tmp_path: Path) -> None:
    with pytest.raises(RunFolderError, match="meta.json missing"):
        load_scene(tmp_path)


def test_depth_shading_against_draught_plus_ukc() -> None:
    ring = [[0, 0], [10, 0], [10, 10], [0, 10]]
    chart = {
        "polygons": [
            {"kind": "depth", "drval1": -1.0, "drval2": 0.0, "rings": [ring]},
            {"kind": "depth", "drval1": 5.0, "drval2": 10.0, "rings": [ring]},
            {"kind": "depth", "drval1": 10.0, "drval2": 20.0, "rings": [ring]},
            {"kind": "depth", "drval1": 20.0, "drval2": 30.0, "rings": [ring]},
            {"kind": "land", "rings": [ring]},
        ],
        "points": [
            {"kind": "wreck", "east": 1.0, "north": 2.0, "depth_m": 4.0},
            {"kind": "wreck", "east": 1.0, "north": 2.0, "depth_m": 40.0},
            {"kind": "sounding", "east": 1.0, "north": 2.0, "depth_m": 1.0},
        ],
    }
    layers = chart_layers(chart, safety_depth_m=9.0, file="chart.json")
    assert sorted(shade for _, shade in layers.depth) == [0, 1, 2, 3]
    assert len(layers.land) == 1
    assert layers.points == [(1.0, 2.0, "wreck")]  # only the one shallower than 9 m


def test_depth_areas_drawn_large_first() -> None:
    small = [[0, 0], [1, 0], [1, 1], [0, 1]]
    big = [[0, 0], [100, 0], [100, 100], [0, 100]]
    chart = {
        "polygons": [
            {"kind": "depth", "drval1": 1.0, "rings": [small]},
            {"kind": "depth", "drval1": 30.0, "rings": [big, small]},
        ]
    }
    layers = chart_layers(chart, 5.0, "chart.json")
    assert [len(r) for r, _ in layers.depth] == [4, 4]
    assert layers.depth[0][0].max() == 100 and layers.depth[1][1] == 1


@pytest.mark.parametrize(
    ("poly", "field"),
    [
        ({"kind": "lava", "rings": [[[0, 0], [1, 0], [1, 1]]]}, "polygons[0].kind"),
        ({"kind": "land", "rings": [[[0, 0], [1, 0]]]}, "polygons[0].rings[0]"),
        ({"kind": "land", "rings": []}, "polygons[0]"),
        ({"kind": "land", "rings": [[[0, 0], [1, "x"], [1, 1]]]}, "polygons[0].rings[0]"),
    ],
)
def test_bad_chart_json(poly: dict, field: str) -> None:
    with pytest.raises(RunFolderError) as ei:
        chart_layers({"polygons": [poly]}, 5.0, "x/chart.json")
    assert ei.value.file == "x/chart.json" and ei.value.field == field


def test_trail_ends_at_current_pose(run_dir: Path) -> None:
    s = load_scene(run_dir)
    n, e = s.trail(605.0, span_s=300.0, max_points=10)
    p = s.poses(605.0)
    assert n.shape[1] == 3 and n.shape[0] <= 12
    assert n[-1] == pytest.approx(p.north) and e[-1] == pytest.approx(p.east)
    assert n[0, 0] == pytest.approx(-6 * NAUTICAL_MILE + SPEED * 310.0)


def test_closest_approach_time(run_dir: Path) -> None:
    s = load_scene(run_dir)
    t = s.closest_approach_t()
    rng = [
        math.hypot(s.north[k, 0] - s.north[k, j], s.east[k, 0] - s.east[k, j])
        for k in range(len(s.t_rec))
        for j in (1, 2)
    ]
    k = int(np.argmin(rng)) // 2
    assert t == s.t_rec[k]


# One run entry as autoship.metrics.score_run writes it (keys the viewer reads).
METRICS_ENTRY = {
    "scenario_id": "synthetic-crossing",
    "run_dir": "",
    "passed": False,
    "collision": False,
    "grounding": False,
    "min_separation_m": 1510.0,
    "score": 0.4,
    "failed_gates": ["rule 16: OS vs T1 (crossing, give-way) scored 0.40 < 0.50"],
    "encounters": [
        {
            "own": "OS",
            "target": "T1",
            "type": "crossing",
            "own_role": "give-way",
            "t_detect_s": 400.0,
            "t_cpa_s": 1500.0,
            "t_end_s": 1650.0,
            "manoeuvre": {"t_s": 600.0},
            "penalties": [
                {"rule": "16", "penalty": 0.3, "reason": "rule 16: late"},
                {"rule": "8", "penalty": 0.0, "reason": "rule 8: fine"},
            ],
            "near_miss": True,
        },
        # The same pair seen from the target (an autonomous target has its own entry).
        {
            "own": "T1",
            "target": "OS",
            "type": "crossing",
            "own_role": "stand-on",
            "t_detect_s": 400.0,
            "t_cpa_s": 1500.0,
            "t_end_s": 1650.0,
            "manoeuvre": {"t_s": None},
            "penalties": [],
            "near_miss": True,
        },
        {"own": "OS", "target": "A1", "type": "none", "own_role": "none", "penalties": []},
    ],
}


def test_metrics_run_entry(run_dir: Path) -> None:
    (run_dir / "score.json").write_text(json.dumps(METRICS_ENTRY))
    s = load_scene(run_dir)
    assert [(e.t_s, e.kind, e.ships) for e in s.events] == [
        (600.0, "first_manoeuvre", ("OS",)),
        (900.0, "handover", ("A1", "OS")),
        (1500.0, "fallback", ("OS",)),
        (1500.0, "near_miss", ("OS", "T1")),  # once, though both sides report it
        (1500.0, "rule_penalty", ("OS", "T1")),
    ]
    pen = next(e for e in s.events if e.kind == "rule_penalty")
    assert pen.detail == "rule 16: late"  # zero penalties are not marked
    assert s.encounters(399.0) == []
    assert [(e.target, e.own_role) for e in s.encounters(401.0)] == [("T1", "give-way")]
    assert s.encounters(1651.0) == []


def test_whole_report_picks_this_run(run_dir: Path, tmp_path: Path) -> None:
    other = {**METRICS_ENTRY, "run_dir": "/somewhere/else", "score": 0.9}
    mine = {**METRICS_ENTRY, "run_dir": str(run_dir)}
    rep = tmp_path / "report.json"
    rep.write_text(json.dumps({"runs": [other, mine]}))
    assert load_scene(run_dir, rep).score["score"] == 0.4
    rep.write_text(json.dumps({"runs": [other, other]}))
    with pytest.raises(RunFolderError, match="2 runs"):
        load_scene(run_dir, rep)


def test_score_without_encounters_means_none(tmp_path: Path) -> None:
    # The scorer found no encounter: no estimated labels either.
    run = make_run(tmp_path / "s", turn=False)
    (run / "score.json").write_text(json.dumps({"passed": True, "encounters": []}))
    assert load_scene(run).encounters(1500.0) == []
    (run / "score.json").write_text(json.dumps({"passed": True}))
    assert [e.estimated for e in load_scene(run).encounters(1500.0)] == [True]


def test_encounter_windows(scored_run_dir: Path, tmp_path: Path) -> None:
    (w,) = load_scene(scored_run_dir).encounter_windows()
    assert (w.t0, w.t1, w.label.target, w.label.own_role) == (300.0, 1600.0, "T1", "give-way")
    est = load_scene(make_run(tmp_path / "straight", turn=False)).encounter_windows()
    assert len(est) == 1 and est[0].label.estimated
    s = load_scene(tmp_path / "straight")
    # The window is where the live estimate labels the encounter.
    assert s.encounters(est[0].t0) and s.encounters(est[0].t1)
    # Engaged from the first record (inside r1 with the risk present) until they open.
    assert est[0].t0 == s.t0 and not s.encounters(est[0].t1 + 10.0)


def test_cpa_ignores_pairs_not_closing(run_dir: Path) -> None:
    s = load_scene(run_dir)
    # Own ship and T1 still, side by side: no relative motion, no CPA line.
    for a in (s.vn, s.ve):
        a[:] = 0.0
    s.vn[:, 2] = 0.05  # A1 creeping at 0.05 m/s: below the 0.2 m/s floor
    assert s.cpa(100.0) is None
    s.vn[:, 2] = -1.0  # now closing at 1 m/s
    assert s.cpa(100.0) is None  # but TCPA is beyond 30 min (A1 is ~14 km away)
    s.vn[:, 2] = -10.0
    c = s.cpa(100.0)
    assert c is not None and c.target == 2


def test_key_time(tmp_path: Path) -> None:
    events = [
        {"t_s": 300.0, "kind": "grounding", "ships": ["A1"], "detail": ""},
        {"t_s": 700.0, "kind": "collision", "ships": ["OS", "T1"], "detail": ""},
    ]
    s = load_scene(make_run(tmp_path / "k", events=events))
    assert s.key_time() == 700.0  # the own ship's event, not A1's grounding
    s2 = load_scene(make_run(tmp_path / "k2", events=[]))
    assert s2.key_time() == s2.closest_approach_t()
    # A target moored next to the own ship (no relative motion) is not its closest approach.
    s2.north[:, 1], s2.east[:, 1] = s2.north[:, 0] + 30.0, s2.east[:, 0]
    s2.vn[:, 1], s2.ve[:, 1] = s2.vn[:, 0], s2.ve[:, 0]
    rng_a1 = np.hypot(s2.north[:, 2] - s2.north[:, 0], s2.east[:, 2] - s2.east[:, 0])
    assert s2.closest_approach_t() == s2.t_rec[int(np.argmin(rng_a1))]


# --- the referee's classification, profile and ships under test (issue 15) --------------------


def _write_run(path: Path, meta: dict, arrays: dict) -> Path:
    RunWriter(path).write(meta, arrays, None)
    return path


def _stopped_boat_run(path: Path, profile: str = "large-ship") -> Path:
    """The own ship northbound at 12 kn passes 60 m from a boat lying still dead ahead on its
    track (moored, or stopped on a mooring buoy): the shape the old viewer classifier called
    "Overtaking" (own ship faster, target's stern sector), though a vessel not under way has no
    rule 13 role (rule 3(i); docs/referee.md section 1)."""
    arrays = tracks(turn=False)
    t = arrays["t"]
    arrays["north"][:, 1] = 0.0
    arrays["east"][:, 1] = 60.0
    arrays["heading"][:, 1] = 0.0
    arrays["vn"][:, 1] = 0.0
    arrays["ve"][:, 1] = 0.0
    arrays["u"][:, 1] = 0.0
    assert t[-1] == 1800.0
    m = meta(events=[])
    m["profile"] = profile
    m["ships"][1]["length_m"], m["ships"][1]["beam_m"] = 12.0, 4.0
    return _write_run(path, m, arrays)


def test_stopped_boat_near_own_ship_is_not_overtaken_under_rule_13(tmp_path: Path) -> None:
    s = load_scene(_stopped_boat_run(tmp_path / "r"))
    labels = [e for t in range(0, 1801, 60) for e in s.encounters(float(t)) if e.target == "T1"]
    assert labels, "the boat on the own ship's track is an estimated encounter"
    assert {e.type for e in labels} == {"obstacle"}
    assert all(e.rules == "" and "Rule 13" not in e.text for e in labels)
    assert labels[0].text == "Obstacle, not under way (est.)"


def test_stopped_boat_label_agrees_with_the_referee(tmp_path: Path) -> None:
    d = _stopped_boat_run(tmp_path / "r")
    entry = score_run(d)
    mine = [e for e in entry["encounters"] if e["own"] == "OS" and e["target"] == "T1"]
    assert mine and all(e["own_role"] == "none" for e in mine)
    (d / "score.json").write_text(json.dumps(entry))
    s = load_scene(d)
    texts = {e.text for w in s.encounter_windows() for e in [w.label]}
    texts |= {e.text for t in range(0, 1801, 60) for e in s.encounters(float(t))}
    assert not any("Overtaking" in x or "Rule 13" in x for x in texts), texts


def test_a_target_that_slows_below_making_way_is_an_obstacle_only_after_still_time(
    tmp_path: Path,
) -> None:
    # The same boat moving north at 0.4 m/s, under the profile's still_speed_mps (0.5 m/s):
    # lying still from its first record. At 0.6 m/s it is under way, and overtaken.
    for speed, want in ((0.4, "obstacle"), (0.6, "overtaking")):
        d = _stopped_boat_run(tmp_path / f"r{speed}")
        run = load_scene(d).run
        arrays = dict(run.arrays)
        arrays["vn"] = arrays["vn"].copy()
        arrays["north"] = arrays["north"].copy()
        arrays["vn"][:, 1] = speed
        arrays["north"][:, 1] = speed * arrays["t"]
        d2 = _write_run(tmp_path / f"s{speed}", run.meta, arrays)
        types = {e.type for t in range(0, 1801, 60) for e in load_scene(d2).encounters(float(t))}
        assert types == {want}


def test_estimate_uses_the_run_profile_thresholds(tmp_path: Path) -> None:
    # Under the harbour profile the observation range is 3 km and the risk distance 100 m
    # (harbour.toml): 8.5 NM apart nothing is engaged yet, and at 1500 s (1.2 km apart,
    # meeting at the origin) the crossing is.
    d = make_run(tmp_path / "r", turn=False)
    run = load_scene(d).run
    m = {**run.meta, "profile": "harbour"}
    s = load_scene(_write_run(tmp_path / "h", m, dict(run.arrays)))
    assert s.profile.name == "harbour"
    assert s.encounters(0.0) == []
    assert [e.type for e in s.encounters(1500.0)] == ["crossing"]


def test_unknown_profile_is_a_one_line_error_naming_meta_json(tmp_path: Path) -> None:
    d = make_run(tmp_path / "r", turn=False)
    run = load_scene(d).run
    bad = _write_run(tmp_path / "b", {**run.meta, "profile": "no-such-profile"}, dict(run.arrays))
    with pytest.raises(RunFolderError, match="no-such-profile") as exc:
        load_scene(bad).encounters(0.0)
    assert exc.value.file.endswith("meta.json") and exc.value.field == "profile"


@pytest.mark.parametrize(
    ("planner", "extra", "tested"),
    [
        ("keep-course", {}, False),
        ("keep_course", {}, False),
        ("waypoint", {}, False),
        ("sbmpc", {}, True),
        ("sbmpc", {"replayed": True}, False),
        ("sbmpc", {"ignores_duty": True}, False),
        # The simulator's explicit flag wins over the planner's name.
        ("keep-course", {"under_test": False}, False),
        ("sbmpc", {"under_test": False}, False),
        ("my-own-planner", {"under_test": True}, True),
    ],
)
def test_ships_under_test_are_the_referees(
    tmp_path: Path, planner: str, extra: dict, tested: bool
) -> None:
    d = make_run(tmp_path / "r")
    run = load_scene(d).run
    m = json.loads(json.dumps(run.meta))
    m["ships"][1] = {**m["ships"][1], "planner": planner, **extra}
    s = load_scene(_write_run(tmp_path / "k", m, dict(run.arrays)))
    t1 = s.ships[1]
    assert t1.under_test == is_autonomous(m["ships"][1]) == tested
    # Keep-course traffic (and replayed or duty-ignoring ships) is never labelled autonomous.
    assert (t1.kind == AUTONOMOUS) == tested
