"""AIS out: reporting intervals, explicit fields, framing, and decoding by other software."""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais import decode

from autoship.ais import read_nmea
from autoship.ais.emit import (
    AisScheduler,
    ShipIdentity,
    derived_mmsi,
    emit_reports,
    format_lines,
    parse_host_port,
    report_interval_s,
    reports_from_run,
)
from autoship.errors import AisError
from autoship.geo import LocalFrame
from autoship.units import KNOT

START = 1_600_000_000.0  # 2020-09-13T12:26:40Z


def _one(sog_kn, rot=0.0, ais_class="A", status=0, dt=0.1, duration=60.0, cog=45.0):
    t = np.arange(0.0, duration, dt)
    col = np.ones((t.size, 1))
    ships = [ShipIdentity(mmsi=235000001, ais_class=ais_class, nav_status=status)]
    return emit_reports(
        t,
        50.0 * col,
        -1.0 * col,
        sog_kn * col,
        cog * col,
        cog * col,
        rot * col,
        ships,
        start_utc_s=START,
        static_interval_s=1e9,
    )


def _report_times(msgs):
    return [m.t_s for m in msgs if m.msg_type in (1, 18)]


@pytest.mark.parametrize(
    ("sog", "rot", "cls", "status", "interval"),
    [
        (10.0, 0.0, "A", 0, 10.0),
        (10.0, 20.0, "A", 0, 10.0 / 3.0),
        (18.0, 0.0, "A", 0, 6.0),
        (18.0, -15.0, "A", 0, 2.0),
        (30.0, 0.0, "A", 0, 2.0),
        (1.0, 0.0, "A", 1, 180.0),  # at anchor, not moving faster than 3 kn
        (4.0, 0.0, "A", 5, 10.0),  # moored but moving faster than 3 kn
        (5.0, 0.0, "B", 15, 30.0),
        (1.5, 0.0, "B", 15, 180.0),
    ],
)
def test_reporting_intervals(sog, rot, cls, status, interval):
    turning = abs(rot) >= 10.0
    assert report_interval_s(cls, sog, turning, status) == pytest.approx(interval)
    msgs = _one(sog, rot, cls, status, duration=400.0)
    gaps = np.diff(_report_times(msgs))
    # Records every 0.1 s: a report goes out on the first record at or after it is due.
    assert gaps.min() >= interval - 1e-9
    assert gaps.max() <= interval + 0.1 + 1e-9


def test_static_every_six_minutes_and_fragments_consecutive():
    t = np.arange(0.0, 800.0, 1.0)
    col = np.ones((t.size, 2))
    ships = [
        ShipIdentity(mmsi=235000001, name="Own", own=True, length_m=100, beam_m=16),
        ShipIdentity(mmsi=235000002, ais_class="B", name="Yacht", length_m=12, beam_m=4),
    ]
    msgs = emit_reports(
        t, 50 * col, -1 * col, 12 * col, 10 * col, 10 * col, 0 * col, ships, start_utc_s=START
    )
    assert [m.t_s for m in msgs if m.msg_type == 5] == [0.0, 360.0, 720.0]
    assert [m.t_s for m in msgs if m.msg_type == 24] == [0.0, 0.0, 360.0, 360.0, 720.0, 720.0]
    lines = format_lines(msgs)
    # Own ship -> VDO, others -> VDM; both fragments of every type 5 follow each other.
    i = 0
    while i < len(lines):
        f = lines[i].split(",")
        n_frag = int(f[1])
        group = lines[i : i + n_frag]
        assert [g.split(",")[2] for g in group] == [str(k + 1) for k in range(n_frag)]
        assert len({g.split(",")[3] for g in group}) == 1
        mmsi = decode(*group).mmsi
        talker = "!AIVDO" if mmsi == 235000001 else "!AIVDM"
        assert all(g.startswith(talker) for g in group)
        i += n_frag


def test_not_available_values_sent_as_sentinels():
    t = np.array([0.0])
    nan = np.array([[math.nan]])
    ships = [ShipIdentity(mmsi=366000001)]
    msgs = emit_reports(
        t, np.array([[40.0]]), np.array([[-70.0]]), nan, nan, nan, nan, ships, start_utc_s=START
    )
    pos = next(m for m in msgs if m.msg_type == 1)
    d = decode(*pos.lines)
    assert d.speed == 102.3 and d.course == 360.0 and d.heading == 511
    assert float(d.turn) == -128.0
    assert d.second == 40  # START is 12:26:40 UTC
    five = next(m for m in msgs if m.msg_type == 5)
    s = decode(*five.lines)
    # ETA not available is month 0, day 0, hour 24, minute 60; sizes 0 = not available.
    assert (s.month, s.day, s.hour, s.minute) == (0, 0, 24, 60)
    assert (s.to_bow, s.to_stern, s.to_port, s.to_starboard) == (0, 0, 0, 0)
    # A ship not in the water (NaN position) says nothing at all.
    silent = emit_reports(t, nan, nan, nan, nan, nan, nan, ships, start_utc_s=START)
    assert silent == []


def test_round_trip_through_our_reader_with_tag_blocks():
    t = np.arange(0.0, 120.0, 1.0)
    rng = np.random.default_rng(7)
    lat = 50.0 + rng.uniform(-0.1, 0.1, (t.size, 3))
    lon = -1.0 + rng.uniform(-0.1, 0.1, (t.size, 3))
    sog = rng.uniform(0.5, 30.0, (t.size, 3))
    cog = rng.uniform(0, 359.9, (t.size, 3))
    ships = [
        ShipIdentity(mmsi=235000001 + k, ais_class="AB"[k % 2], length_m=50, beam_m=10)
        for k in range(3)
    ]
    msgs = emit_reports(t, lat, lon, sog, cog, cog, 0 * sog, ships, start_utc_s=START)
    d = read_nmea(format_lines(msgs, tag_blocks=True))
    assert d.summary.dropped == 0
    pos = [m for m in msgs if m.msg_type in (1, 18)]
    assert len(d.positions) == len(pos)
    for row, m in enumerate(pos):
        i = int(m.t_s)
        assert d.positions.t[row] == START + m.t_s
        assert d.positions.mmsi[row] == ships[m.ship].mmsi
        # Resolution: 1/10000 minute in position, 0.1 kn, 0.1 deg.
        assert d.positions.lat_deg[row] == pytest.approx(lat[i, m.ship], abs=2e-6)
        assert d.positions.lon_deg[row] == pytest.approx(lon[i, m.ship], abs=2e-6)
        assert d.positions.sog[row] / KNOT == pytest.approx(sog[i, m.ship], abs=0.051)
        assert math.degrees(d.positions.cog[row]) == pytest.approx(cog[i, m.ship], abs=0.051)
    assert d.ships[235000002].ais_class == "B" and d.ships[235000002].length_m == 50.0


@pytest.mark.skipif(
    shutil.which("gpsdecode") is None,
    reason="gpsdecode not installed (Debian package gpsd-clients)",
)
def test_gpsdecode_reads_what_we_write():
    t = np.arange(0.0, 60.0, 1.0)
    n = t.size
    lat = np.column_stack([50.5 + 1e-5 * t, -33.9 + 0 * t])
    lon = np.column_stack([-1.2 + 0 * t, 151.25 - 2e-5 * t])
    sog = np.column_stack([12.3 + 0 * t, 6.7 + 0 * t])
    cog = np.column_stack([0.0 + 0 * t, 271.4 + 0 * t])
    hdg = np.column_stack([359.0 + 0 * t, 270.0 + 0 * t])
    rot = np.zeros((n, 2))
    ships = [
        ShipIdentity(
            mmsi=235000001,
            name="OWN SHIP",
            own=True,
            length_m=120,
            beam_m=20,
            draught_m=7.5,
            ship_type=70,
            callsign="ABCD1",
        ),
        ShipIdentity(
            mmsi=503000002, ais_class="B", name="YACHT", length_m=11, beam_m=4, ship_type=37
        ),
    ]
    msgs = emit_reports(t, lat, lon, sog, cog, hdg, rot, ships, start_utc_s=START)
    text = "\n".join(format_lines(msgs)) + "\n"
    out = subprocess.run(
        ["gpsdecode", "--split24"],
        input=text,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    objs = [json.loads(x) for x in out.splitlines() if x.strip()]
    by_type: dict[int, list[dict]] = {}
    for o in objs:
        by_type.setdefault(o["type"], []).append(o)
    assert len(by_type[1]) == len([m for m in msgs if m.msg_type == 1])
    assert len(by_type[18]) == len([m for m in msgs if m.msg_type == 18])
    for o in by_type[1]:
        i = int(round(o["second"] - 40)) % 60
        assert o["mmsi"] == 235000001
        assert o["lat"] == pytest.approx(lat[i, 0], abs=2e-6)
        assert o["lon"] == pytest.approx(lon[i, 0], abs=2e-6)
        assert o["speed"] == pytest.approx(12.3)
        assert o["course"] == pytest.approx(0.0)
        assert o["heading"] == 359
    for o in by_type[18]:
        assert o["mmsi"] == 503000002
        assert o["lat"] == pytest.approx(-33.9, abs=2e-6)
        assert o["speed"] == pytest.approx(6.7) and o["course"] == pytest.approx(271.4)
    five = by_type[5][0]
    assert (five["shipname"], five["callsign"], five["shiptype"]) == ("OWN SHIP", "ABCD1", 70)
    assert five["to_bow"] + five["to_stern"] == 120 and five["draught"] == pytest.approx(7.5)
    parts = {o["part"]: o for o in by_type[24]}
    assert parts["A"]["shipname"] == "YACHT" and parts["B"]["shiptype"] == 37


def test_identity_and_input_checks():
    assert derived_mmsi("imazu-01", "target-1") == derived_mmsi("imazu-01", "target-1")
    assert derived_mmsi("imazu-01", "target-1") != derived_mmsi("imazu-01", "target-2")
    assert 999_000_000 <= derived_mmsi("a", "b") <= 999_999_999
    with pytest.raises(AisError, match="MMSI"):
        ShipIdentity(mmsi=0)
    with pytest.raises(AisError, match="class"):
        ShipIdentity(mmsi=1, ais_class="C")
    with pytest.raises(AisError, match="own ship"):
        AisScheduler([ShipIdentity(1, own=True), ShipIdentity(2, own=True)], START)
    with pytest.raises(AisError, match="shape"):
        emit_reports(
            np.arange(3.0),
            np.zeros((3, 2)),
            np.zeros((3, 2)),
            np.zeros((3, 2)),
            np.zeros((3, 2)),
            np.zeros((3, 2)),
            np.zeros((3, 2)),
            [ShipIdentity(1)],
            start_utc_s=START,
        )
    assert parse_host_port("127.0.0.1:10110") == ("127.0.0.1", 10110)
    with pytest.raises(AisError):
        parse_host_port("localhost")


def test_reports_from_run_turns_grid_course_to_true():
    frame = LocalFrame(50.0, -1.0)
    t = np.arange(0.0, 10.0, 1.0)
    n = t.size
    # Ship 0 at the origin going grid north; ship 1 40 km east going grid north.
    north = np.column_stack([5.0 * t, 5.0 * t])
    east = np.column_stack([0 * t, 40_000.0 + 0 * t])
    arrays = {
        "t": t,
        "north": north,
        "east": east,
        "vn": np.full((n, 2), 5.0),
        "ve": np.zeros((n, 2)),
        "heading": np.zeros((n, 2)),
        "r": np.zeros((n, 2)),
    }
    meta = {
        "scenario": {"id": "s1"},
        "frame": frame.to_dict(),
        "ships": [
            {"id": "own", "role": "own", "mmsi": 235000001, "length_m": 100},
            {"id": "t1", "role": "target", "mmsi": None, "ship_type": 37},
        ],
    }
    rep = reports_from_run(meta, arrays)
    assert rep.sog_kn[0, 0] == pytest.approx(5.0 / KNOT)
    assert rep.cog_deg[0, 0] == pytest.approx(0.0, abs=1e-6)
    conv = math.degrees(float(frame.convergence_rad(rep.lat_deg[0, 1], rep.lon_deg[0, 1])))
    assert abs(conv) > 0.1  # 40 km east at 50 N: the grid is visibly off true north
    assert (rep.cog_deg[0, 1] - conv) % 360.0 == pytest.approx(0.0, abs=1e-6)
    assert rep.ships[0].own and not rep.ships[1].own
    assert rep.ships[1].mmsi == derived_mmsi("s1", "t1") and rep.ships[1].ais_class == "B"


def test_every_field_is_set_explicitly(monkeypatch):
    from pyais.messages import MSG_CLASS

    import autoship.ais.emit as emit_mod

    seen: list[dict] = []
    real = emit_mod.encode_dict

    def spy(data, **kw):
        seen.append(dict(data))
        return real(data, **kw)

    monkeypatch.setattr(emit_mod, "encode_dict", spy)
    t = np.array([0.0])
    one = np.ones((1, 2))
    ships = [ShipIdentity(235000001, own=True), ShipIdentity(235000002, ais_class="B")]
    emit_reports(
        t, 50 * one, -1 * one, 5 * one, 90 * one, 90 * one, 0 * one, ships, start_utc_s=START
    )
    assert sorted(d["type"] for d in seen) == [1, 5, 18, 24, 24]
    for d in seen:
        cls = MSG_CLASS[d["type"]]
        if d["type"] == 24:
            from pyais.messages import MessageType24PartA, MessageType24PartB

            cls = MessageType24PartA if d["partno"] == 0 else MessageType24PartB
        names = {f.name for f in cls.fields()} - {"msg_type", "spare_1", "spare_2"}
        missing = names - set(d)
        assert not missing, f"type {d['type']} leaves {missing} to pyais defaults"


_maybe = st.one_of(st.just(math.nan), st.floats(0.0, 1.0))


@settings(max_examples=60, deadline=None)
@given(
    lat=st.floats(-89.9, 89.9),
    lon=st.floats(-179.9, 179.9),
    sog=_maybe,
    cog=_maybe,
    hdg=_maybe,
    cls=st.sampled_from(["A", "B"]),
)
def test_any_state_survives_the_round_trip(lat, lon, sog, cog, hdg, cls):
    sog_kn, cog_deg, hdg_deg = sog * 102.2, cog * 359.9, hdg * 359.0
    a = [[lat]], [[lon]], [[sog_kn]], [[cog_deg]], [[hdg_deg]], [[math.nan]]
    msgs = emit_reports(
        np.array([0.0]),
        *map(np.array, a),
        [ShipIdentity(235000009, ais_class=cls)],
        start_utc_s=START,
    )
    d = read_nmea(format_lines(msgs))
    p = d.positions
    assert d.summary.dropped == 0 and len(p) == 1
    assert p.lat_deg[0] == pytest.approx(lat, abs=2e-6)
    assert p.lon_deg[0] == pytest.approx(lon, abs=2e-6)
    for got, want, unit, tol in (
        (p.sog[0], sog_kn, KNOT, 0.051),
        (p.cog[0], cog_deg, math.pi / 180, 0.051),
        (p.heading[0], hdg_deg, math.pi / 180, 0.51),
    ):
        if math.isnan(want):
            assert math.isnan(got)  # "not available" out, missing back in: never a number
        else:
            # 359.96 deg rounds to 0.0, the same direction.
            diff = abs(got / unit - want)
            if unit != KNOT:
                diff = min(diff, 360.0 - diff)
            assert diff <= tol
