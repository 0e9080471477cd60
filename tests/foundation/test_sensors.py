"""The AIS-like sensor: reports at intervals, noise, dropouts, dead reckoning, staleness."""

from pathlib import Path

import numpy as np
import pytest

from autoship.errors import ScenarioError
from autoship.planner import Command, register
from autoship.scenario import parse_scenario
from autoship.scenario.schema import SensorSpec
from autoship.sim import simulate
from autoship.sim.sensors import AisPicture


def _picture(**kw) -> AisPicture:
    return AisPicture(SensorSpec(model="ais", **kw), 2, np.random.default_rng(0))


def test_dead_reckoning_of_a_steady_ship_is_exact_between_reports():
    p = _picture(report_interval_s=10.0)
    pos = lambda t: (np.array([0.0, 5.0 * t]), np.array([0.0, 100.0]))  # noqa: E731
    vn, ve, hd = np.array([0.0, 5.0]), np.zeros(2), np.zeros(2)
    for t in np.arange(0.0, 60.0, 1.0):
        p.update(t, *pos(t), vn, ve, hd)
    n, e, _, _, _, valid = p.picture(59.5)
    assert valid.all()
    assert n[1] == pytest.approx(5.0 * 59.5) and e[1] == pytest.approx(100.0)
    # The last report is at most one interval old.
    assert 59.0 - p.last_t.min() < 10.0


def test_a_ship_not_heard_is_not_shown_and_stale_reports_expire():
    p = _picture(report_interval_s=10.0, dropout=0.95, stale_after_s=20.0)
    z = np.zeros(2)
    seen = []
    for t in np.arange(0.0, 600.0, 1.0):
        p.update(t, z, z, z, z, z)
        seen.append(p.picture(t)[5].copy())
    seen = np.array(seen)
    # With 95 % of reports lost, ships are invisible most of the time, but not always.
    assert 0.0 < seen.mean() < 0.5


def test_noise_has_the_requested_spread():
    p = _picture(report_interval_s=1.0, position_noise_m=30.0)
    z = np.zeros(2)
    errs = []
    for t in np.arange(0.0, 2000.0, 1.0):
        p.update(t, z, z, z, z, z)
        errs.append(p.north[p.last_t == t])
    errs = np.concatenate(errs)
    assert errs.std() == pytest.approx(30.0, rel=0.1)


SEEN: list = []


@register("test-recorder")
class _Recorder:
    """Keeps course and records what it was shown."""

    def __init__(self, params):
        pass

    def reset(self, ctx):
        self.ctx = ctx

    def plan(self, obs):
        SEEN.append((obs.t, obs.north.copy(), obs.valid.copy()))
        return Command(self.ctx.initial_course, self.ctx.cruise_speed)


TEXT = """
[scenario]
id = "sensors"
title = "AIS sensor"
source = "unit test"
seed = 4
duration_s = 300.0
dt_s = 1.0
planner_period_s = 5.0
visibility = "good"
[frame]
origin_lat_deg = 45.0
origin_lon_deg = -30.0
[sensors]
model = "ais"
report_interval_s = 30.0
position_noise_m = 0.0
[[ship]]
id = "os"
role = "own"
model = "generic-cargo"
start = { north_m = 0.0, east_m = 0.0 }
course_deg = 90.0
speed_kn = 10.0
planner = "test-recorder"
[[ship]]
id = "ts"
role = "target"
model = "generic-cargo"
start = { north_m = 3000.0, east_m = 0.0 }
course_deg = 0.0
speed_kn = 10.0
"""


def test_planners_see_the_ais_picture_and_themselves_as_they_are():
    SEEN.clear()
    res = simulate(parse_scenario(TEXT, Path("s.toml")))
    assert res.meta["sensors"]["model"] == "ais"
    north_true = res.arrays["north"]
    t_rec = res.arrays["t"]
    # First reports are staggered over one interval: at t = 0 the target has not been heard.
    assert SEEN[0][0] == 0.0 and not SEEN[0][2][1]
    for t, north, valid in SEEN:
        k = int(np.searchsorted(t_rec, t))
        assert north[0] == north_true[k, 0]  # own ship: the truth
        if valid[1]:
            # A steady target is dead-reckoned exactly between 30 s reports.
            assert north[1] == pytest.approx(north_true[k, 1], abs=1e-6)
    assert all(v[1] for t, _, v in SEEN if t >= 30.0)


def test_unknown_sensor_model_is_a_one_line_error():
    with pytest.raises(ScenarioError, match="sensors.model"):
        parse_scenario(TEXT.replace('model = "ais"', 'model = "radar"'), Path("s.toml"))
