"""Track cleaning and resampling: hand-built reports with known faults, and the Solent file."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autoship.ais.records import AisData, PositionBuilder, ReadSummary, ShipInfo
from autoship.ais.source import read_ais
from autoship.ais.tracks import build_tracks, resample, ticks
from autoship.errors import AisError
from autoship.geo import LocalFrame
from autoship.units import KNOT

FRAME = LocalFrame(50.0, -1.0)


def _data(rows) -> AisData:
    """rows: (t, mmsi, north_m, east_m, sog_ms) in FRAME."""
    b = PositionBuilder()
    for t, mmsi, n, e, sog in rows:
        lat, lon = FRAME.to_latlon(n, e)
        b.add(t, mmsi, float(lat), float(lon), sog, math.nan, math.nan, math.nan, 1, 0)
    pos = b.build()
    ships = {m: ShipInfo(mmsi=m) for m in set(pos.mmsi.tolist())}
    return AisData(pos, ships, ReadSummary(source="test"))


def _straight(mmsi=1, n=30, dt=10.0, v=5.0, t0=0.0):
    # Heading 060 deg at v m/s.
    c = math.radians(60)
    return [
        (t0 + k * dt, mmsi, k * dt * v * math.cos(c), k * dt * v * math.sin(c), v) for k in range(n)
    ]


def test_straight_track_resampled_exactly():
    ts = build_tracks(_data(_straight()), FRAME)
    assert len(ts.tracks) == 1
    r = resample(ts.tracks, ticks(0.0, 290.0, 1.0))
    assert np.allclose(r.speed[:, 0], 5.0, atol=1e-6)
    assert np.allclose(r.course[:, 0], math.radians(60), atol=1e-6)
    assert r.north[100, 0] == pytest.approx(100 * 5.0 * math.cos(math.radians(60)), abs=1e-3)


def test_spike_dropped_and_order_and_duplicates():
    rows = _straight()
    rows[10] = (rows[10][0], 1, rows[10][2] + 5000.0, rows[10][3], 5.0)  # a bad fix, 5 km off
    rows = rows[::-1] + [rows[5]]  # reversed order and one duplicate
    ts = build_tracks(_data(rows), FRAME)
    assert len(ts.tracks) == 1
    assert ts.drops["jump"] == 1 and ts.drops["duplicate"] == 1
    assert len(ts.tracks[0]) == 29
    assert np.all(np.diff(ts.tracks[0].t) > 0)


def test_gap_and_reappearance_split_tracks():
    a = _straight(n=10)
    gap = _straight(n=10, t0=2000.0)  # 1,700 s later
    far = [(t + 4000.0, 1, n + 50_000.0, e, s) for t, _, n, e, s in _straight(n=10)]
    ts = build_tracks(_data(a + gap + far), FRAME, max_gap_s=600.0)
    assert [tr.key for tr in ts.tracks] == ["1", "1-1", "1-2"]
    assert ts.splits["gap"] == 2
    # 1,000 s after the second piece ends the ship is 50 km away: a split too (gap or jump).
    short = build_tracks(_data(a + [(100.0, 1, 9e4, 0.0, 5.0)]), FRAME)
    assert len(short.tracks) == 1 and short.drops["short_segment"] == 1


def test_speed_limit_follows_reported_sog():
    # A 300 m step in 10 s (30 m/s) from a ship saying it does 2 m/s is impossible, and the
    # ship goes on from there at 2 m/s: the track splits at the step.
    rows = [
        (0.0, 7, 0.0, 0.0, 2.0),
        (10.0, 7, 20.0, 0.0, 2.0),
        (20.0, 7, 320.0, 0.0, 2.0),
        (30.0, 7, 340.0, 0.0, 2.0),
        (40.0, 7, 360.0, 0.0, 2.0),
    ]
    ts = build_tracks(_data(rows), FRAME, min_points=2)
    assert ts.splits["jump"] == 1
    # The same geometry with a reported 15 m/s is one track.
    fast = [(t, m, n, e, 15.0) for t, m, n, e, _ in rows]
    assert len(build_tracks(_data(fast), FRAME, min_points=2).tracks) == 1


def test_no_time_means_no_tracks():
    rows = [(math.nan, 1, 0.0, 0.0, 1.0)] * 3
    ts = build_tracks(_data(rows), FRAME)
    assert ts.tracks == [] and ts.drops["no_time"] == 3


def test_resample_rejects_bad_ticks():
    ts = build_tracks(_data(_straight()), FRAME)
    with pytest.raises(AisError):
        resample(ts.tracks, np.array([0.0, 0.0, 1.0]))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(5.0, 30.0), st.floats(-200.0, 200.0), st.floats(-200.0, 200.0)),
        min_size=3,
        max_size=25,
    ),
    st.sampled_from([0.5, 1.0, 2.0, 5.0]),
)
def test_tick_velocity_steps_onto_next_position(steps, dt):
    t, n, e, rows = 0.0, 0.0, 0.0, []
    for k, (ddt, dn, de) in enumerate(steps):
        if k:
            t, n, e = t + ddt, n + dn, e + de
        rows.append((t, 3, n, e, math.nan))
    ts = build_tracks(_data(rows), FRAME, min_points=2, min_interval_s=0.0)
    for tr in ts.tracks:
        if tr.t[-1] - tr.t[0] < 2 * dt:
            continue
        r = resample([tr], ticks(tr.t[0], tr.t[-1], dt))
        ok = np.isfinite(r.north[:, 0])
        nn, ee = r.north[ok, 0], r.east[ok, 0]
        vn, ve = r.vn[ok, 0], r.ve[ok, 0]
        # p_k + v_k dt = p_{k+1} for every tick but the last (backward difference there).
        assert np.allclose(nn[:-1] + vn[:-1] * dt, nn[1:], atol=1e-6)
        assert np.allclose(ee[:-1] + ve[:-1] * dt, ee[1:], atol=1e-6)
        assert np.allclose(r.speed[ok, 0], np.hypot(vn, ve))


def test_solent_tracks(solent_csv):
    d = read_ais(solent_csv)
    ts = build_tracks(d)
    assert 85 <= len({tr.mmsi for tr in ts.tracks}) <= 91
    # The README's bogus row (lon 54.8) is 3,800 km off: it must not survive in any track.
    for tr in ts.tracks:
        assert tr.lon_deg.max() < 0.0
        v = np.hypot(np.diff(tr.north), np.diff(tr.east)) / np.diff(tr.t)
        assert v.max() < 60.0 * KNOT
    span = d.time_span()
    r = resample(ts.tracks, ticks(span[0], span[1], 1.0))
    assert r.north.shape == (5071, len(ts.tracks))
    assert np.nanmax(r.speed) < 45.0 * KNOT
