"""Referee calibration (issue 12 item 9): synthetic violation tracks, injected violations in a
hand-built two-ship scene fail on the right rule, and `autoship referee calibrate` on a short
window of the bundled Solent recording."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from autoship.cli.main import main
from autoship.colregs import load_profile
from autoship.metrics.calibrate import (
    PASS_FRACTION,
    TURN_RATE,
    VIOLATIONS,
    fails_on,
    inject,
    kinematics,
    rate,
    specificity,
    synthesised_scene,
    synthetic_tracks,
)

ROOT = Path(__file__).resolve().parents[2]
SOLENT = ROOT / "tests" / "data" / "ais" / "SolentAIS_20160112_130211.csv"
RATE_KEYS = {"passed", "total", "rate", "wilson_lo", "wilson_hi"}


def test_synthetic_track_turns_at_the_rate_and_keeps_speed():
    t = np.arange(0.0, 121.0, 5.0)
    n, e = synthetic_tracks(t, 0.0, 0.0, 0.0, 5.0, np.array([10.0]), np.radians([-30.0]))
    vn, ve, hdg = kinematics(t, n[0], e[0])
    # Positions, velocities and headings agree: p + v dt is the next record, heading = course.
    assert np.allclose(n[0, :-1] + vn[:-1] * 5.0, n[0, 1:])
    assert np.allclose(e[0, :-1] + ve[:-1] * 5.0, e[0, 1:])
    assert np.allclose(hdg, np.mod(np.arctan2(ve, vn), 2 * math.pi))
    # Straight north before the turn, 30 deg to port after it (turn lasts 10 s at 3 deg/s).
    assert abs(e[0, 2]) < 1e-9
    assert math.degrees(hdg[-2]) == pytest.approx(330.0, abs=0.01)
    assert 30.0 / math.degrees(TURN_RATE) == pytest.approx(10.0)
    # Chord speed stays within the arc's chord shortening (constant speed along the path).
    assert np.all(np.hypot(vn, ve) <= 5.0 + 1e-9)
    assert np.all(np.hypot(vn, ve) >= 5.0 * 0.995)


def _target(t: np.ndarray, course_deg: float, speed: float) -> dict[str, np.ndarray]:
    c = math.radians(course_deg)
    n = 3000.0 + speed * math.cos(c) * t
    e = -1000.0 + speed * math.sin(c) * t
    vn, ve, hdg = kinematics(t, n, e)
    return {"north": n, "east": e, "vn": vn, "ve": ve, "heading": hdg}


@pytest.mark.parametrize("course_deg", [60.0, 300.0])  # and its mirror image
@pytest.mark.parametrize("cls", VIOLATIONS, ids=[v.name for v in VIOLATIONS])
def test_injected_violation_in_a_hand_built_scene_fails_on_the_right_rule(cls, course_deg):
    profile = load_profile("harbour")
    t = np.arange(0.0, 1201.0, 5.0)
    tgt = _target(t, course_deg, 4.0)  # a 30 m craft at about 8 kn
    ship = {"id": "tgt", "length_m": 30.0, "beam_m": 8.0, "draught_m": 2.5}
    made = synthesised_scene(t, tgt, ship, 0, cls, profile, own_id="own")
    assert made is not None, "the hand-built encounter is not of the class's type"
    scene, enc = made
    assert (enc["type"], enc["own_role"]) == (cls.type, cls.role)
    d_risk = float(enc["risk_distance_m"])
    out = inject(scene, cls, profile, d_risk)
    assert out.status == "failed", (out.detail, out.reasons)
    assert fails_on(out.reasons, cls.rules)
    # The pass was aimed close (inside the risk distance, outside the separation gate).
    assert profile.gates.min_separation_m <= out.pass_m <= d_risk
    assert out.pass_m == pytest.approx(PASS_FRACTION * d_risk, abs=0.5 * d_risk)


def _side(**kw):
    base = {
        "own": "a", "target": "b", "type": "crossing", "own_role": "give-way",
        "in_action_range": True, "rules": {"15": 1.0, "16": 0.9}, "penalties": [],
        "min_range_m": 80.0, "collision": False, "hull_contact": False, "t_detect_s": 10.0,
    }  # fmt: skip
    base.update(kw)
    return base


def test_specificity_counts_only_recorded_sides_with_a_duty():
    profile = load_profile("harbour")
    sides = [
        _side(),  # passes
        _side(rules={"16": 0.2}),  # rule score below the gate
        _side(
            penalties=[{"rule": "15", "penalty": 0.1, "reason": "crossed ahead", "breach": True}]
        ),
        _side(min_range_m=profile.gates.min_separation_m - 1.0),  # separation gate
        _side(collision=True, rules={"16": 0.0}),  # excluded: a collision
        _side(in_action_range=False, rules={"16": 0.0}),  # excluded: never in action range
        _side(type="none", own_role="none", rules={}),  # excluded: no encounter
        _side(own_role="none", rules={"16": 0.0}),  # excluded: no COLREG role
    ]
    out = specificity(sides, profile)
    spec = out["specificity"]
    assert (spec["passed"], spec["total"], spec["excluded_collisions"]) == (1, 4, 1)
    reasons = [f["reasons"] for f in out["failing_recorded"]]
    assert len(reasons) == 3
    assert reasons[0][0].startswith("rule 16:")
    assert reasons[1][0].startswith("rule 15 breach:")
    assert reasons[2][0].startswith("separation:")


def test_rate_has_a_wilson_interval():
    r = rate(9, 10)
    assert set(r) == RATE_KEYS
    assert r["rate"] == 0.9
    assert 0.0 <= r["wilson_lo"] < 0.9 < r["wilson_hi"] <= 1.0
    assert rate(0, 0)["rate"] is None


@pytest.mark.skipif(not SOLENT.is_file(), reason="bundled Solent recording missing")
def test_cli_on_a_short_solent_window_writes_the_report(tmp_path, capsys):
    out = tmp_path / "cal.json"
    md = tmp_path / "cal.md"
    rc = main(
        [
            "referee",
            "calibrate",
            str(SOLENT),
            "--start",
            "2400",
            "--duration",
            "900",
            "--json",
            str(out),
            "--markdown",
            str(md),
        ]
    )
    assert rc in (0, 1)
    rep = json.loads(out.read_text())
    for key in ("profile", "recording", "specificity", "sensitivity", "failing_recorded"):
        assert key in rep
    assert rep["profile"] == "harbour"
    assert set(rep["specificity"]) >= RATE_KEYS
    assert set(rep["sensitivity"]["overall"]) >= RATE_KEYS
    assert set(rep["sensitivity"]["by_class"]) == {v.name for v in VIOLATIONS}
    rates = [rep["specificity"], rep["sensitivity"]["overall"]]
    rates += list(rep["sensitivity"]["by_class"].values())
    for r in rates:
        assert r["total"] > 0
        assert 0.0 <= r["rate"] <= 1.0
        assert 0.0 <= r["wilson_lo"] <= r["rate"] <= r["wilson_hi"] <= 1.0
    for f in rep["failing_recorded"]:
        assert set(f) == {"own", "target", "type", "own_role", "t_s", "reasons"}
        assert f["reasons"]
    assert rc == (0 if rep["goals"]["met"] else 1)
    assert "specificity" in md.read_text()
    assert "specificity" in capsys.readouterr().out


def test_cli_missing_recording_is_exit_2_with_one_line(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    rc = main(["referee", "calibrate", str(missing)])
    assert rc == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("autoship: error:") and "nope.csv" in err


def test_cli_unknown_profile_is_exit_2(tmp_path, capsys):
    rc = main(["referee", "calibrate", str(SOLENT), "--profile", "no-such-profile"])
    assert rc == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
