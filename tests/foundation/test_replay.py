"""Replayed targets follow their recorded tracks; they are handed over only when the own ship's
deviation from its own recording creates a new close-quarters situation."""

from pathlib import Path

import numpy as np
import pytest

from autoship.errors import ScenarioError
from autoship.geo import LocalFrame
from autoship.scenario import load_scenario
from autoship.sim import simulate

FRAME = LocalFrame(45.0, -30.0)
V = 12 * 1852 / 3600


def _write_track(path: Path, t, north, east) -> None:
    lat, lon = FRAME.to_latlon(np.asarray(north, float), np.asarray(east, float))
    rows = ["t_s,lat_deg,lon_deg"] + [
        f"{a},{b:.9f},{c:.9f}" for a, b, c in zip(t, lat, lon, strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")


def _scenario(tmp: Path, own_track: bool, own_east_m: float) -> Path:
    t = np.arange(0, 1801, 60.0)
    # Target crosses from starboard, passing through (0, 0) at t = 900 s, heading west.
    _write_track(tmp / "ts.csv", t, np.zeros_like(t), V * (900 - t))
    own = ""
    if own_track:
        # In the recording the own ship stayed 2 NM west of the crossing point.
        _write_track(tmp / "os.csv", t, V * (t - 900), np.full_like(t, -3704.0))
        own = 'track = "os.csv"\nplanner = "keep-course"\n'
    else:
        own = (
            f"start = {{ north_m = {-V * 900:.3f}, east_m = {own_east_m} }}\n"
            'course_deg = 0.0\nspeed_kn = 12.0\nplanner = "keep-course"\n'
        )
    text = f"""
[scenario]
id = "replay-test"
title = "replay"
source = "unit test"
seed = 1
duration_s = 1200.0
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
{own}
[[ship]]
id = "ts"
role = "target"
model = "generic-cargo"
track = "ts.csv"
handover_planner = "keep-course"
"""
    p = tmp / "s.toml"
    p.write_text(text)
    return p


def test_replayed_ship_follows_its_recording(tmp_path):
    # Own ship far away (20 km east): nothing to react to, so the target replays to the end.
    res = simulate(load_scenario(_scenario(tmp_path, False, 20000.0)))
    ts = 1
    t = res.arrays["t"]
    assert np.allclose(res.arrays["north"][:, ts], 0.0, atol=1e-3)
    assert np.allclose(res.arrays["east"][:, ts], V * (900 - t), atol=1e-3)
    assert res.meta["ships"][ts]["replayed"] is True
    assert not [e for e in res.events if e["kind"] == "handover"]


def test_own_ship_on_collision_course_without_recording_triggers_handover(tmp_path):
    res = simulate(load_scenario(_scenario(tmp_path, False, 0.0)))
    hand = [e for e in res.events if e["kind"] == "handover"]
    assert len(hand) == 1 and hand[0]["ships"] == ["ts", "os"]
    # CPA is at t = 900 s, so TCPA < 15 min from the first tick after t = 0: handed over at the
    # first planner tick where TCPA is strictly inside the window.
    assert 0.0 < hand[0]["t_s"] <= 10.0
    assert res.meta["ships"][1]["handover_t_s"] == hand[0]["t_s"]


def test_own_ship_that_sticks_to_its_recording_causes_no_handover(tmp_path):
    res = simulate(load_scenario(_scenario(tmp_path, True, 0.0)))
    assert not [e for e in res.events if e["kind"] == "handover"]
    # The own ship started from its recorded track's first point.
    assert res.arrays["east"][0, 0] == pytest.approx(-3704.0, abs=1e-3)


def test_bad_track_file_names_scenario_key_and_track(tmp_path):
    p = _scenario(tmp_path, False, 20000.0)
    (tmp_path / "ts.csv").write_text("t_s,lat_deg\n0,45\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    line = info.value.one_line()
    assert "ship.ts.track" in line and "lon_deg" in line and "ts.csv" in line


def test_replayed_ship_moves_along_its_recorded_course_not_its_heading(tmp_path):
    # A ship crabbing across a stream: course over ground 270 deg (due west, as the positions
    # say) while its bow points 290 deg. The simulated ground velocity is the recorded one, so
    # the referee sees a ship going straight west, not one turning.
    t = np.arange(0, 1801, 60.0)
    lat, lon = FRAME.to_latlon(np.zeros_like(t), V * (900 - t))
    rows = ["t_s,lat_deg,lon_deg,sog_kn,cog_deg,heading_deg"] + [
        f"{a},{b:.9f},{c:.9f},12.0,270.0,290.0" for a, b, c in zip(t, lat, lon, strict=True)
    ]
    p = _scenario(tmp_path, False, 20000.0)
    (tmp_path / "ts.csv").write_text("\n".join(rows) + "\n")
    res = simulate(load_scenario(p))
    a = res.arrays
    assert np.allclose(np.degrees(a["heading"][:, 1]), 290.0, atol=1e-6)
    assert np.allclose(a["vn"][:, 1], 0.0, atol=1e-4)
    assert np.allclose(a["ve"][:, 1], -V, atol=1e-4)
    # ...and equal to what the recording says (the human baseline's arrays).
    assert np.allclose(a["vn"][:, 1], a["rec_vn"][:, 1], atol=1e-9)
    assert np.allclose(a["ve"][:, 1], a["rec_ve"][:, 1], atol=1e-9)
