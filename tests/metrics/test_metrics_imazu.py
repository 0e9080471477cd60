"""Acceptance: Imazu cases 1-4 without avoidance give the expected type and own-ship role
(1 head-on, 2 crossing give-way, 3 overtaking, 4 crossing stand-on)."""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from autoship.colregs import load_profile
from autoship.metrics import score_run

from .runs import ship, track, write_run

SCEN = Path(__file__).resolve().parents[2] / "scenarios" / "imazu"
EXPECTED = {
    1: ("head-on", "both"),
    2: ("crossing", "give-way"),
    3: ("overtaking", "give-way"),
    4: ("crossing", "stand-on"),
}


# Class of every target at the start (Imazu table, Sawada 2021 Table 4 geometry, classes
# computed from the initial states with the Woerner/Minne/Hagen and DNV classifiers); HO head-on,
# GW/SO crossing give-way/stand-on, OT own ship overtaking.
TABLE = {
    5: "HO GW", 6: "GW GW", 7: "OT GW", 8: "HO GW", 9: "GW GW", 10: "GW SO", 11: "SO GW",
    12: "GW GW", 13: "HO SO SO", 14: "GW GW GW", 15: "OT GW GW", 16: "SO SO GW",
    17: "OT SO GW", 18: "GW GW GW", 19: "SO GW GW", 20: "OT GW GW", 21: "GW SO GW",
    22: "OT GW GW",
}  # fmt: skip
CLASS = {
    "HO": ("head-on", "both"),
    "GW": ("crossing", "give-way"),
    "SO": ("crossing", "stand-on"),
    "OT": ("overtaking", "give-way"),
}


def straight_run(tmp_path, case, profile=None):
    """Every ship on its scenario course and speed (what --planner waypoint does)."""
    with open(SCEN / f"imazu-{case:02d}.toml", "rb") as fh:
        raw = tomllib.load(fh)
    t = np.arange(0.0, raw["scenario"]["duration_s"] + 1, 5.0)
    tracks, ships = [], []
    for s in raw["ship"]:
        st = s["start"]
        tracks.append(track(t, st["north_m"], st["east_m"], s["course_deg"], s["speed_kn"]))
        ships.append(ship(s["id"], s["role"], s.get("planner", "keep-course")))
    return score_run(
        write_run(tmp_path / "run", t, tracks, ships, scenario_id=raw["scenario"]["id"]), profile
    )


@pytest.mark.parametrize("profile", ["large-ship", "dnv2023"])
@pytest.mark.parametrize("case", sorted(TABLE))
def test_imazu_multi_target_classes(tmp_path, case, profile):
    # Both angle sets give the same classes at the start.
    run = straight_run(tmp_path, case, load_profile(profile))
    got = [(e["type"], e["own_role"]) for e in run["encounters"] if e["own"] == "os"]
    assert got == [CLASS[c] for c in TABLE[case].split()]


@pytest.mark.parametrize("case", [1, 2, 3, 4])
def test_imazu_straight_tracks(tmp_path, case):
    run = straight_run(tmp_path, case)
    (enc,) = run["encounters"]
    assert (enc["type"], enc["own_role"]) == EXPECTED[case]
    assert enc["cpa_m"] < 1.0 and enc["tcpa_s"] == pytest.approx(1800.0, abs=5.0)
    assert run["min_separation_m"] < 50.0 and not run["passed"]


def test_imazu_runs_through_the_simulator(tmp_path):
    """End to end: autoship run --planner waypoint on cases 1-4, then autoship score."""
    pytest.importorskip("autoship.sim")
    from autoship.cli.main import main

    files = [str(SCEN / f"imazu-{c:02d}.toml") for c in EXPECTED]
    out = tmp_path / "runs"
    rc = main(["run", *files, "--out", str(out), "--planner", "waypoint"])
    assert rc == 1  # no avoidance: collisions
    for case, want in EXPECTED.items():
        run = score_run(out / f"imazu-{case:02d}")
        assert run["planner"] == "waypoint" and run["scenario_id"] == f"imazu-{case:02d}"
        assert [(e["type"], e["own_role"]) for e in run["encounters"]] == [want]
        assert run["collision"] and not run["passed"]
    junit = tmp_path / "score.xml"
    assert main(["score", str(out), "--junit", str(junit)]) == 1
    cases = ET.parse(junit).getroot().findall("./testsuite/testcase")
    assert [c.get("classname") for c in cases] == [f"imazu-{c:02d}" for c in EXPECTED]
    assert all(c.find("failure").get("message").startswith("collision:") for c in cases)
