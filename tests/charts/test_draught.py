"""Draught matters: the same track over the same chart grounds a deep ship, not a shallow one."""

from __future__ import annotations

import math

import numpy as np
import pytest

# A 2.3 km track in the bay off Calvert Cliffs (38.55 N, 76.40 W): from the 10.9-18.2 m
# channel, across a 5.4-9.1 m shoal, back into 10.9 m water (positions picked from the chart;
# no obstruction within 2 km, so only depth decides).
TRACK = ((38.54729, -76.40831), (38.56399, -76.39329))


@pytest.fixture(scope="module")
def track(enc_frame):
    n, e = enc_frame.to_local(
        np.array([TRACK[0][0], TRACK[1][0]]), np.array([TRACK[0][1], TRACK[1][1]])
    )
    heading = math.atan2(e[1] - e[0], n[1] - n[0]) % (2 * math.pi)
    return n, e, heading


def test_track_over_shoal(enc_chart, track):
    n, e, psi = track
    d1, _ = enc_chart.depth_at(n, e)
    assert np.all(d1 >= 10.9)  # both ends in the channel
    t = np.linspace(0.0, 1.0, 400)
    depths, _ = enc_chart.depth_at(n[0] + t * (n[1] - n[0]), e[0] + t * (e[1] - e[0]))
    assert np.nanmin(depths) == pytest.approx(5.4)


def test_deep_ship_grounds_shallow_ship_does_not(enc_chart, track):
    n, e, psi = track
    deep = enc_chart.hazards(draught_m=9.0, ukc_m=0.5)
    shallow = enc_chart.hazards(draught_m=2.5, ukc_m=0.5)
    # In ticks of 100 m, as the loop would check them.
    k = 24
    t = np.linspace(0.0, 1.0, k + 1)
    pn = n[0] + t * (n[1] - n[0])
    pe = e[0] + t * (e[1] - e[0])
    args = (pn[:-1], pe[:-1], pn[1:], pe[1:], psi, psi, 180.0, 30.0)
    assert deep.swept_hits(*args).any()
    assert not shallow.swept_hits(*args).any()
    # The deep ship sees hazards that the shallow one does not, at the same points.
    assert deep.contains(pn, pe).any()
    assert not shallow.contains(pn, pe).any()
    assert shallow.clearance(pn, pe).min() > 1000.0


def test_distance_fields_agree(enc_chart, track):
    n, e, _ = track
    t = np.linspace(0.0, 1.0, 200)
    pn = n[0] + t * (n[1] - n[0])
    pe = e[0] + t * (e[1] - e[0])
    deep = enc_chart.hazards(9.0, 0.5).distance_field(50.0)
    shallow = enc_chart.hazards(2.5, 0.5).distance_field(50.0)
    assert deep.sample(pn, pe).min() < 0.0
    assert shallow.sample(pn, pe).min() > 900.0


def test_check_ship_names_the_ship(enc_chart, enc_frame, track):
    from autoship.charts import ChartError

    n, e, _ = track
    # Find a point of the shoal on the track for the deep ship's goal.
    t = np.linspace(0.0, 1.0, 400)
    pn = n[0] + t * (n[1] - n[0])
    pe = e[0] + t * (e[1] - e[0])
    k = int(np.argmax(enc_chart.hazards(9.0, 0.5).contains(pn, pe)))
    shoal = (pn[k], pe[k])
    enc_chart.check_ship("tug", 2.5, 0.5, (n[0], e[0]), shoal)  # fine for the shallow one
    with pytest.raises(ChartError, match="ship 'bulk'.*goal.*hazard") as exc:
        enc_chart.check_ship("bulk", 9.0, 0.5, (n[0], e[0]), shoal, file="x.toml")
    assert exc.value.field == "ship[bulk].goal"
    assert exc.value.file == "x.toml"
    kent = enc_frame.to_local(38.98, -76.32)
    with pytest.raises(ChartError, match="ship 'tug'.*start.*hazard"):
        enc_chart.check_ship("tug", 2.5, 0.5, kent, None)
    far = enc_frame.to_local(38.2, -76.3)
    with pytest.raises(ChartError, match="ship 'tug'.*outside the chart"):
        enc_chart.check_ship("tug", 2.5, 0.5, far, None)
