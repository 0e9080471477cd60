"""The Numba bulk NMEA decoder against the line-by-line pyais reader (the oracle): whole bundled
recordings, every static message field by field, mutated lines, and round trips through our
own encoder."""

from __future__ import annotations

import gzip
import io
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyais.messages import AISSentence

from autoship.ais import fastnmea as fx
from autoship.ais import nmea
from autoship.ais.emit import ShipIdentity, emit_reports, format_lines
from autoship.ais.records import rot_from_deg_min

DATA = Path(__file__).resolve().parents[1] / "data" / "ais"
CORPORA = sorted(
    p for p in DATA.iterdir() if p.suffix in (".txt", ".log", ".aivdm", ".nmea") and p.is_file()
)
POS_FIELDS = ("t", "mmsi", "lat_deg", "lon_deg", "sog", "cog", "heading", "rot")
POS_FIELDS += ("msg_type", "nav_status")


def oracle(data: bytes, name: str = "x", t_recv: float = math.nan):
    """NmeaDecoder fed the lines as a binary file yields them."""
    dec = nmea.NmeaDecoder(name)
    for raw in io.BytesIO(data):
        dec.feed(raw, t_recv)
    return dec.finish()


def assert_same(want, got) -> None:
    a, b = want.summary, got.summary
    for f in ("source", "layout", "lines", "sentences", "messages", "examples"):
        assert getattr(a, f) == getattr(b, f), f
    for f in ("by_type", "drops", "skipped", "ignored"):
        assert list(getattr(a, f).items()) == list(getattr(b, f).items()), f
    for k in POS_FIELDS:
        x, y = getattr(want.positions, k), getattr(got.positions, k)
        assert x.dtype == y.dtype and x.shape == y.shape, k
        np.testing.assert_array_equal(x, y, err_msg=k)  # NaN equal to NaN, values bit for bit
    assert list(want.ships) == list(got.ships)
    for m, ship in want.ships.items():
        assert ship.to_dict() == got.ships[m].to_dict()


def test_the_kernels_limits_are_the_readers():
    from autoship.ais import records

    assert fx.MAX_OPEN_GROUPS == nmea._MAX_OPEN_GROUPS
    assert (fx.MMSI_MAX, fx.T_MIN_S, fx.T_MAX_S) == (
        records.MMSI_MAX,
        records.T_MIN_S,
        records.T_MAX_S,
    )
    assert {t: int(b) for t, b in enumerate(fx._MIN_BITS) if b} == nmea._MIN_BITS


def test_the_corpora_are_found():
    names = {p.name for p in CORPORA}
    assert {"stream_example.txt", "sample.aivdm", "ais-nmea.log"} <= names
    assert len(CORPORA) >= 6


@pytest.mark.parametrize("path", CORPORA, ids=lambda p: p.name)
def test_every_bundled_recording_reads_the_same(path):
    data = path.read_bytes()
    want = oracle(data, str(path))
    assert_same(want, nmea.read_nmea(path))  # the file path: the bulk decoder
    assert want.summary.messages > 0


def test_all_recordings_in_one_buffer_and_gzip(tmp_path):
    # Concatenated: multipart groups, clocks and $PGHP times carry across file boundaries.
    blob = b"".join(p.read_bytes() for p in CORPORA)
    want = oracle(blob, "all")
    assert_same(want, fx.decode_nmea_bytes(blob, "all"))
    gz = tmp_path / "all.nmea.gz"
    gz.write_bytes(gzip.compress(blob))
    got = nmea.read_nmea(gz, name="all")
    assert_same(want, got)


def test_every_static_message_field_by_field(monkeypatch):
    """Each type 5, 19 and 24 message against pyais's own decode of it (the merged ShipInfo
    would hide all but the last message of a ship)."""
    decoded = []
    real = AISSentence.decode

    def spy(self):
        d = real(self)
        decoded.append((d, self.bv))
        return d

    monkeypatch.setattr(AISSentence, "decode", spy)
    blob = b"".join(p.read_bytes() for p in CORPORA)
    oracle(blob)
    monkeypatch.undo()
    ok = [(d, bv) for d, bv in decoded if 0 < int(d.mmsi) <= fx.MMSI_MAX]
    arrays = _raw_run(blob)
    msgs, st_ints, st_text, st_tlen = arrays
    assert len(msgs) == len(ok)
    n_static = 0
    for (d, bv), (mmsi, mt, e) in zip(ok, msgs.tolist(), strict=True):
        assert (int(d.mmsi), int(d.msg_type)) == (mmsi, mt)
        if e < 0:
            assert mt not in (5, 19, 24)
            continue
        n_static += 1
        ints = st_ints[e, 2:].tolist()

        def text(slot, col, _e=e):
            return fx._text_value(st_text[_e], int(st_tlen[_e, slot]), col)

        def num(v):
            return None if v < 0 else v

        if mt == 5:
            assert text(0, 0) == d.shipname and text(1, 20) == d.callsign
            assert text(2, 27) == d.destination
            assert num(ints[fx.I_IMO]) == d.imo
            assert num(ints[fx.I_DRAUGHT]) / 10.0 == d.draught
            assert ints[fx.I_RAW_TYPE] == bv.get(232, 8)
        elif mt == 19:
            assert text(0, 0) == d.shipname
            assert ints[fx.I_RAW_TYPE] == bv.get(263, 8)
        elif d.partno == 0:
            assert text(0, 0) == d.shipname
            continue
        else:
            assert text(1, 20) == d.callsign and ints[fx.I_RAW_TYPE] == bv.get(40, 8)
            if not hasattr(d, "to_bow"):  # auxiliary craft: the mother ship instead of sizes
                continue
        dims = [num(ints[k]) for k in (fx.I_BOW, fx.I_STERN, fx.I_PORT, fx.I_STBD)]
        assert dims == [d.to_bow, d.to_stern, d.to_port, d.to_starboard]
    assert n_static > 100


def _raw_run(data: bytes):
    # The bulk decoder's own outputs: every decoded message and static event, in order.
    real = fx.run_lines
    got = []

    def keep(*args):
        real(*args)
        *_, msgs, st_ints, st_text, st_tlen, out_n, _final = args
        got.append((msgs[: out_n[2]], st_ints[: out_n[3]], st_text, st_tlen))

    fx.run_lines = keep
    try:
        fx.decode_nmea_bytes(data, "x")
    finally:
        fx.run_lines = real
    assert len(got) == 2  # one block of lines, and the empty last one
    return got[0]


def _classify_both(data: bytes):
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, ends = fx.split_lines(buf)
    n = starts.shape[0]
    kind = np.zeros(n, dtype=np.int8)
    reason = np.zeros(n, dtype=np.int8)
    detail = np.zeros(n, dtype=np.int64)
    tval = np.full(n, math.nan)
    trail = np.full(n, math.nan)
    fields = np.zeros((n, 10), dtype=np.int64)
    fx.classify_lines(buf, starts, ends, kind, reason, detail, tval, trail, fields)
    codes = fx._Codes()
    for i in range(n):
        k, r, d, tv, tr, f = fx.classify_line_py(data, int(starts[i]), int(ends[i]), codes, [])
        if kind[i] == fx.K_PY:
            continue
        assert (kind[i], reason[i], detail[i]) == (k, r, d), data[starts[i] : ends[i]]
        if k in (fx.K_AIS, fx.K_PGHP_OK, fx.K_CLOCK_OK):
            np.testing.assert_array_equal(tval[i], tv)
        if k == fx.K_AIS:
            np.testing.assert_array_equal(trail[i], tr)
            assert tuple(fields[i].tolist()) == f
    return kind


def test_kernel_line_classes_match_the_python_rules():
    blob = b"".join(p.read_bytes() for p in CORPORA)
    kind = _classify_both(blob)
    # Almost every line is settled in the kernel (sample.aivdm's odd sentences go to Python).
    assert np.count_nonzero(kind == fx.K_PY) < 0.02 * kind.size


_LINES = [ln for p in CORPORA for ln in p.read_bytes().splitlines(keepends=True)][:4000]
_EXTRA = [
    b"\\c:1600000000*5B\\!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*23\n",
    b"\\s:rORBCOMM,c:1600000000000*0F\\!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*23\n",
    b"\\c:16000.5*00\\!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*23\n",
    b"!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*23,raishu,1600000000\n",
    b"$GPZDA,120000.50,13,09,2020,00,00*6D\n",
    b"$PGHP,1,2010,6,11,11,46,11,929,219,,2190047,1,12*34\n",
    b"!aivdm,1,1,,a,13u?etPv2;0n:dDPwUM1U1Cb069D,0*03\n",
]
_BYTES = st.sampled_from(list(b"!$\\*,0159AIVDMOPGHZc:.-@w\x00\xff \r\n"))


@st.composite
def _mutated_logs(draw):
    lines = list(draw(st.lists(st.sampled_from(_LINES + _EXTRA), min_size=1, max_size=40)))
    for _ in range(draw(st.integers(0, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        ln = bytearray(lines[i])
        op = draw(st.integers(0, 3))
        pos = draw(st.integers(0, max(len(ln) - 1, 0)))
        if op == 0 and ln:
            del ln[pos]
        elif op == 1 and ln:
            ln[pos] = draw(_BYTES)
        elif op == 2:
            ln.insert(pos, draw(_BYTES))
        else:
            lines.insert(i, lines[i])  # a repeated fragment or report
        lines[i] = bytes(ln)
    return b"".join(lines)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=_mutated_logs())
def test_mutated_logs_read_the_same(data):
    assert_same(oracle(data, "m"), fx.decode_nmea_bytes(data, "m"))
    _classify_both(data)


@settings(max_examples=40, deadline=None)
@given(n_groups=st.integers(60, 70), seed=st.integers(0, 10))
def test_many_open_multipart_groups_evict_in_the_same_order(n_groups, seed):
    rng = np.random.default_rng(seed)
    base = [ln for ln in _LINES if b",2,1," in ln]
    lines = [base[int(k)] for k in rng.integers(0, len(base), n_groups)]
    # Distinct sequence ids make distinct groups; none is ever completed.
    out = []
    for j, ln in enumerate(lines):
        parts = ln.split(b"*")[0].split(b",")
        parts[3] = str(j).encode()
        body = b",".join(parts)
        c = 0
        for ch in body[1:]:
            c ^= ch
        out.append(body + b"*%02X\n" % c)
    data = b"".join(out)
    assert_same(oracle(data), fx.decode_nmea_bytes(data, "x"))


def test_rate_of_turn_for_every_raw_value():
    from pyais.messages import to_turn

    for raw in range(-128, 128):
        want = rot_from_deg_min(to_turn(float(raw)))
        got = fx._rot(True, raw)
        assert (math.isnan(want) and math.isnan(got)) or want == got, raw


_maybe = st.one_of(st.just(math.nan), st.floats(0.0, 1.0))


@settings(max_examples=60, deadline=None)
@given(
    lat=st.floats(-89.9, 89.9),
    lon=st.floats(-179.9, 179.9),
    sog=_maybe,
    cog=_maybe,
    hdg=_maybe,
    rot=st.one_of(st.just(math.nan), st.floats(-800.0, 800.0)),
    cls=st.sampled_from(["A", "B"]),
    name=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789-", max_size=20),
    callsign=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=7),
    length=st.one_of(st.just(0), st.integers(10, 400)),
    beam=st.integers(0, 60),
    draught=st.floats(0.0, 25.0),
    ship_type=st.integers(0, 99),
    tags=st.booleans(),
)
def test_round_trip_through_our_encoder(
    lat, lon, sog, cog, hdg, rot, cls, name, callsign, length, beam, draught, ship_type, tags
):
    ship = ShipIdentity(
        235000009,
        ais_class=cls,
        name=name,
        callsign=callsign,
        imo=9123456,
        ship_type=ship_type,
        length_m=float(length),
        beam_m=float(beam),
        draught_m=draught,
        destination="SOUTHAMPTON",
    )
    t = np.array([0.0, 10.0, 20.0])
    col = np.ones((3, 1))
    arrays = (lat * col, lon * col, sog * 102.2 * col, cog * 359.9 * col, hdg * 359.0 * col)
    msgs = emit_reports(t, *arrays, rot * col, [ship], start_utc_s=1_600_000_000.0)
    data = ("\n".join(format_lines(msgs, tag_blocks=tags)) + "\n").encode()
    got = fx.decode_nmea_bytes(data, "rt")
    assert_same(oracle(data, "rt"), got)
    p = got.positions
    sent = [m.utc_s for m in msgs if m.msg_type in (1, 18)]
    assert got.summary.dropped == 0 and len(p) == len(sent) >= 1
    assert np.all(np.abs(p.lat_deg - lat) <= 2e-6) and np.all(np.abs(p.lon_deg - lon) <= 2e-6)
    if tags:
        np.testing.assert_array_equal(p.t, np.floor(sent))
    info = got.ships[235000009]
    assert info.ais_class == cls
    assert info.name == (name.strip() or None)
    assert info.callsign == (callsign.strip() or None)
    if length:
        assert info.length_m == pytest.approx(length, abs=1.0)
    if cls == "A":
        assert info.destination == "SOUTHAMPTON"


def test_a_buffer_of_nothing_and_of_garbage():
    empty = fx.decode_nmea_bytes(b"", "e")
    assert_same(oracle(b"", "e"), empty)
    assert len(empty.positions) == 0 and empty.summary.lines == 0
    junk = bytes(range(256)) * 3 + b"\n\n!\n$\n\\\n"
    assert_same(oracle(junk, "j"), fx.decode_nmea_bytes(junk, "j"))


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(0, 120_000), max_size=30), seed=st.integers(0, 3))
def test_any_cut_into_blocks_reads_the_same(cuts, seed):
    """Lines, multipart groups and clocks straddle the blocks the file is read in."""
    data = _BLOB[seed * 30_000 : seed * 30_000 + 120_000]
    dec = fx.BulkDecoder("b")
    at = 0
    for c in sorted(cuts):
        dec.feed(data[at:c])
        at = max(at, c)
    dec.feed(data[at:])
    assert_same(oracle(data, "b"), dec.finish())


def test_read_nmea_takes_a_buffer():
    want = oracle(_BLOB, "<bytes>")
    assert_same(want, nmea.read_nmea(_BLOB))
    assert_same(want, nmea.read_nmea(bytearray(_BLOB)))


def test_a_file_read_in_small_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(fx, "BLOCK_BYTES", 4096)
    path = tmp_path / "all.nmea"
    path.write_bytes(_BLOB)
    assert_same(oracle(_BLOB, str(path)), nmea.read_nmea(path))


_BLOB = b"".join(p.read_bytes() for p in CORPORA)
