"""Per-step labels against hand-worked encounters (keep-course ships, first decision, t = 0)."""

from __future__ import annotations

import json
import math

import pytest

from autoship.dataset.episodes import Episode
from autoship.dataset.labels import label_episode
from autoship.units import KNOT

SCEN = """
[scenario]
id = "{sid}"
title = "{sid}"
source = "hand-worked"
seed = 1
duration_s = 10.0
dt_s = 1.0
planner_period_s = 5.0
visibility = "good"

[frame]
origin_lat_deg = 45.0
origin_lon_deg = -30.0

[[ship]]
id = "os"
role = "own"
model = "generic-cargo"
start = {{ north_m = 0.0, east_m = 0.0 }}
course_deg = 0.0
speed_kn = 10.0
planner = "keep-course"

[[ship]]
id = "ts1"
role = "target"
model = "generic-cargo"
start = {{ north_m = {n}, east_m = {e} }}
course_deg = {c}
speed_kn = 10.0
planner = "keep-course"
"""


def _label(sid: str, n: float, e: float, c: float) -> dict:
    ep = Episode(sid, sid, 5, SCEN.format(sid=sid, n=n, e=e, c=c), None, json.dumps({}))
    return label_episode(ep, "keep-course", None, 2)


def test_head_on():
    lab = _label("ho", 5000.0, 0.0, 180.0)
    p = {k: v[0] for k, v in lab["pairs"].items()}
    v = 10.0 * KNOT
    assert p["target_id"] == "ts1"
    assert p["range_m"] == pytest.approx(5000.0)
    assert p["bearing_rad"] == pytest.approx(0.0, abs=1e-9)
    assert p["dcpa_m"] == pytest.approx(0.0, abs=1e-6)
    assert p["tcpa_s"] == pytest.approx(5000.0 / (2 * v))
    assert (p["encounter"], p["role"], p["risk"]) == ("head-on", "both", True)
    # Two decisions (10 s, one every 5 s), one target: one pair record per step.
    assert lab["steps"]["step"] == [0, 1] and len(lab["pairs"]["step"]) == 2
    # Keep-course orders the start course and speed.
    assert lab["steps"]["order_course_rad"][0] == pytest.approx(0.0, abs=1e-9)
    assert lab["steps"]["order_speed_mps"][0] == pytest.approx(v)
    assert lab["episode"]["outcome"] in ("passed", "failed")


def test_crossing_give_way_from_starboard():
    # Target 3 km ahead and 3 km to starboard heading west at the same speed: both reach
    # (3000, 0) together, so DCPA 0 at 3000 m / v.
    lab = _label("cr", 3000.0, 3000.0, 270.0)
    p = {k: v[0] for k, v in lab["pairs"].items()}
    v = 10.0 * KNOT
    assert p["range_m"] == pytest.approx(3000.0 * math.sqrt(2.0))
    assert p["bearing_rad"] == pytest.approx(math.radians(45.0))
    assert p["dcpa_m"] == pytest.approx(0.0, abs=1e-6)
    assert p["tcpa_s"] == pytest.approx(3000.0 / v)
    assert (p["encounter"], p["role"], p["risk"]) == ("crossing-give-way", "give-way", True)


def test_passing_clear_is_no_risk():
    # Same course and speed, 5 km abeam: the tracks never close (TCPA 0, DCPA the range). The
    # classifier's label is geometry only (target on the starboard beam: crossing sector);
    # ``risk`` is what says no rule applies yet.
    lab = _label("par", 0.0, 5000.0, 0.0)
    p = {k: v[0] for k, v in lab["pairs"].items()}
    assert p["dcpa_m"] == pytest.approx(5000.0)
    assert p["bearing_rad"] == pytest.approx(math.radians(90.0))
    assert p["risk"] is False
    assert p["encounter"] == "crossing-give-way"


def test_rules_served_window():
    from autoship.dataset.labels import _rules_served

    enc = {"rules": {"16": 1.0, "8": 0.9, "15": 1.0}, "manoeuvre": {"t_s": 45.0}, "t_cpa_s": 900}
    assert _rules_served(enc, 44.0) is None
    assert _rules_served(enc, 45.0) == "8,15,16"
    assert _rules_served(enc, 900.0) == "8,15,16"
    assert _rules_served(enc, 901.0) is None
    # Never manoeuvred (e.g. a keep-course own ship): no step serves a rule.
    assert _rules_served({**enc, "manoeuvre": {"t_s": None}}, 100.0) is None
    lab = _label("ho2", 5000.0, 0.0, 180.0)
    assert set(lab["pairs"]["ref_rules"]) == {None}


def test_mined_episode_names_its_recording_for_the_licence_notes():
    """A mined Solent scenario (cut to 30 s, replayed traffic): the episode row names its AIS
    source, and the card's licence notes name the recording."""
    from pathlib import Path

    from autoship.dataset.card import _licence

    root = Path(__file__).resolve().parents[2]
    path = root / "scenarios" / "solent" / "ais-solentais-20160112-130211-01.toml"
    text = path.read_text().replace("duration_s = 900.0", "duration_s = 30.0")
    lab = label_episode(Episode("m", "m", 1, text, str(path), "{}"), "vo", None, 4)
    row = lab["episode"]
    assert row["error"] is None and row["source"] == "ais"
    assert row["source_ref"].startswith("SolentAIS_20160112_130211.csv")
    assert len(lab["pairs"]["step"]) == row["n_steps"] * len(row["target_models"])
    note = _licence({"source": ["ais", "sweep:x"], "source_ref": [row["source_ref"], None]})
    assert "1 episodes are mined from recorded AIS (SolentAIS_20160112_130211.csv)" in note
    assert "Generated episodes" in _licence({"source": ["sweep:x"], "source_ref": [None]})


def test_an_episode_that_cannot_run_is_an_error_row_without_its_folder(tmp_path):
    bad = SCEN.format(sid="bad", n=5000.0, e=0.0, c=180.0).replace("[[ship]]", "[[ship]]\nx=1", 1)
    path = tmp_path / "deep" / "bad.toml"
    lab = label_episode(Episode("bad", "bad", 1, bad, str(path), "{}"), "vo", None, 2)
    row = lab["episode"]
    assert (row["outcome"], row["n_steps"], lab["steps"]["step"]) == ("error", 0, [])
    assert row["error"] == "bad.toml: ship.os.x: unknown key"
