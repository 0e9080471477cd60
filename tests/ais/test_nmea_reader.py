"""NMEA reader against real recordings (values from the files' own comments) and bad input."""

from __future__ import annotations

import gzip
import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais import encode_dict

from autoship.ais import read_nmea
from autoship.ais.source import read_ais
from autoship.errors import AisError
from autoship.units import DEG, KNOT


def _row(data, mmsi: int) -> int:
    idx = np.flatnonzero(data.positions.mmsi == mmsi)
    assert idx.size, f"no position for {mmsi}"
    return int(idx[0])


def _with_checksum(body: str) -> str:
    c = 0
    for ch in body[1:]:
        c ^= ord(ch)
    return f"{body}*{c:02X}"


# -- real samples ------------------------------------------------------------------------------


def test_sample_aivdm_every_type_counted(data_dir):
    d = read_nmea(data_dir / "sample.aivdm")
    # gpsd's conformance file has examples of all 27 types; pyais decodes 102 messages from it.
    assert set(d.summary.by_type) == set(range(1, 28))
    assert d.summary.messages == 102
    # The one line without the leading '!' ("That fragment misses part 1") is garbage.
    assert dict(d.summary.drops) == {"garbage": 1}


def test_sample_aivdm_type1_fields(data_dir):
    # From the comment under the first type 1 in sample.aivdm (Kurt Schwehr's dump).
    d = read_nmea(data_dir / "sample.aivdm")
    p = d.positions
    i = _row(d, 371798000)
    assert p.msg_type[i] == 1
    assert p.nav_status[i] == 0
    assert p.lat_deg[i] == pytest.approx(48.38163333333, abs=1e-5)
    assert p.lon_deg[i] == pytest.approx(-123.395383333, abs=1e-5)
    assert p.sog[i] == pytest.approx(12.3 * KNOT, rel=1e-6)
    assert p.cog[i] == pytest.approx(224 * DEG)
    assert p.heading[i] == pytest.approx(215 * DEG)
    # ROT -127 is "turning left faster than 5 deg/30 s, no indicator": no number.
    assert math.isnan(p.rot[i])
    # Second type 1 (440348000): heading 511 and ROT -128 are "not available".
    j = _row(d, 440348000)
    assert math.isnan(p.heading[j]) and math.isnan(p.rot[j])
    assert p.sog[j] == 0.0


def test_sample_aivdm_static_data_merged(data_dir):
    d = read_nmea(data_dir / "sample.aivdm")
    ever = d.ships[351759000]  # type 5
    assert ever.name == "EVER DIADEM"
    assert ever.callsign == "3FOF8"
    assert ever.imo == 9134270
    assert ever.ship_type == 70
    assert (ever.length_m, ever.beam_m, ever.draught_m) == (295.0, 32.0, 12.2)
    assert ever.ais_class == "A"
    rimes = d.ships[367059850]  # type 19 carries both position and static data
    assert rimes.name == "CAPT.J.RIMES"
    assert (rimes.length_m, rimes.beam_m) == (26.0, 8.0)
    assert rimes.ais_class == "B"
    assert rimes.n_positions == 1
    proguy = d.ships[271041815]  # type 24 part A (name) and part B (type, call sign, size)
    assert proguy.name == "PROGUY"
    assert proguy.callsign == "TC6163"
    assert proguy.ship_type == 60
    assert (proguy.length_m, proguy.beam_m) == (15.0, 5.0)


def test_class_b_has_no_nav_status(data_dir):
    d = read_nmea(data_dir / "sample.aivdm")
    p = d.positions
    assert set(p.nav_status[p.msg_type == 18].tolist()) == {-1}


def test_pyais_sample_counts(data_dir):
    d = read_nmea(data_dir / "nmea_data_sample.txt")
    s = d.summary
    assert s.lines == 898
    assert s.messages == 778
    assert s.drops["empty_payload"] == 100
    # 20 first halves of type 5 whose second fragment is not in the file: never decoded.
    assert s.drops["incomplete_multipart"] == 20
    assert 5 not in s.by_type
    assert d.time_span() is None  # plain sentences: no clock
    assert len(d.ships) == 165


def test_gatehouse_timestamps(data_dir):
    d = read_nmea(data_dir / "stream_example.txt")
    s = d.summary
    assert s.skipped["timestamp_line"] == 4051
    # 4,500 sentences make 4,051 messages (449 second fragments carry no $PGHP line).
    assert s.sentences == 4500
    assert np.isfinite(d.positions.t).all()
    t0, t1 = d.time_span()
    start = datetime(2010, 6, 11, 11, 46, 10, tzinfo=UTC).timestamp()
    end = datetime(2010, 6, 11, 11, 46, 39, tzinfo=UTC).timestamp()
    assert start <= t0 < t1 <= end
    # !BSVDM (base station talker) sentences are read like !AIVDM.
    assert s.messages + s.dropped - s.drops["no_position"] == 4051


def test_mixed_nmea_and_invalid_type24_part(data_dir):
    d = read_nmea(data_dir / "ais-nmea.log")
    # 164 of the 1313 other sentences are $GPRMC fixes: the receiver clock (timestamp lines).
    assert d.summary.skipped["other_nmea"] + d.summary.skipped["timestamp_line"] == 1313
    assert d.summary.skipped["timestamp_line"] == 164
    assert d.summary.dropped == d.summary.drops["no_position"]
    # Helsinki class B file: every type 24 part B has part number 3, which M.1371 does not
    # define (gpsd prints nothing for them either); they are dropped, not guessed.
    h = read_nmea(data_dir / "ais-18-27.log")
    assert h.summary.drops["decode_error"] == 69
    assert h.summary.by_type[24] == 69
    assert all(sh.ais_class == "B" for sh in h.ships.values() if sh.mmsi != 0)


# -- corrupted input ---------------------------------------------------------------------------

GOOD = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"


def test_bad_checksum_counted_never_decoded():
    bad = GOOD[:-2] + "4B"
    d = read_nmea([bad, GOOD])
    assert d.summary.drops["bad_checksum"] == 1
    assert len(d.positions) == 1
    # A corrupted payload with the old checksum must not produce a ship either.
    flipped = GOOD.replace("15RTgt", "15RTgu")
    d = read_nmea([flipped])
    assert d.summary.drops["bad_checksum"] == 1 and len(d.positions) == 0 and not d.ships


def test_corrupted_lines_counted_by_reason():
    lines = [
        _with_checksum("!AIVDM,1,1,,A,15RTgt0PAso;90TK,0"),  # truncated type 1
        _with_checksum("!AIVDM,2,2,3,A,00000000000,2"),  # lone second fragment
        _with_checksum("!AIVDM,1,0,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0"),  # fragment number 0
        _with_checksum("!AAVDM,0,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0"),  # fragment count 0
        _with_checksum("!AIVDM,1,1,,A,000000000000000000000000000,0"),  # all zero: type 0
        "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0",  # no checksum
        _with_checksum("!AIVDM,1,1,,B,,0"),  # empty payload
        "\x00\xff\xfe garbage \x13",
        GOOD,
    ]
    raw = [x.encode("latin-1") for x in lines]
    d = read_nmea(raw)
    s = d.summary
    assert s.drops["truncated"] == 1
    assert s.drops["orphan_fragment"] == 1
    assert s.drops["malformed"] == 2
    assert s.drops["unknown_type"] == 1
    assert s.drops["no_checksum"] == 1
    assert s.drops["empty_payload"] == 1
    assert s.drops["garbage"] == 1
    assert len(d.positions) == 1 and d.positions.mmsi[0] == 371798000


def test_lone_first_fragment_and_interrupted_group():
    p1, p2 = encode_dict(
        {
            "type": 5,
            "mmsi": 211000001,
            "shipname": "TEST",
            "ship_type": 70,
            "to_bow": 10,
            "to_stern": 20,
            "to_port": 3,
            "to_starboard": 4,
            "draught": 5.0,
        },
        seq_id=1,
        sentence_type="VDM",
    )
    d = read_nmea([p1, p2])
    assert d.ships[211000001].length_m == 30.0 and d.summary.dropped == 0
    d = read_nmea([p1])
    assert d.summary.drops["incomplete_multipart"] == 1 and not d.ships
    # A new first fragment on the same channel and sequence id abandons the old group.
    d = read_nmea([p1, p1, p2])
    assert d.summary.drops["incomplete_multipart"] == 1
    assert d.ships[211000001].beam_m == 7.0


def test_empty_file_and_missing_file(tmp_path):
    empty = tmp_path / "empty.nmea"
    empty.write_bytes(b"")
    d = read_ais(empty)
    assert len(d.positions) == 0 and d.summary.dropped == 0
    with pytest.raises(AisError, match="no such file"):
        read_nmea(tmp_path / "nope.nmea")


def test_binary_file_never_raises(tmp_path):
    f = tmp_path / "random.bin"
    f.write_bytes(bytes(range(256)) * 40)
    d = read_ais(f)
    assert len(d.positions) == 0
    assert d.summary.dropped > 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.binary(max_size=90), max_size=30))
def test_arbitrary_bytes_never_raise(lines):
    d = read_nmea(lines)
    assert d.summary.lines == len(lines)
    assert d.summary.messages <= len(lines)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, len(GOOD) - 1), st.characters(min_codepoint=32, max_codepoint=126))
def test_any_single_character_change_is_caught_or_harmless(pos, ch):
    line = GOOD[:pos] + ch + GOOD[pos + 1 :]
    d = read_nmea([line])
    if line == GOOD:
        return
    # Either dropped for a reason or (when the change keeps the XOR) decoded as *something*;
    # the checksum catches every single-character change in the checked part.
    if pos < GOOD.index("*"):
        assert len(d.positions) == 0
        assert d.summary.dropped + sum(d.summary.skipped.values()) == 1


# -- timestamps, sentinels, containers ---------------------------------------------------------


def test_tag_block_and_uscg_times():
    # Tag block checksum covers the text between the backslashes.
    body = "s:rcv1,c:1325394060"
    c = 0
    for ch in body:
        c ^= ord(ch)
    tagged = f"\\{body}*{c:02X}\\{GOOD}"
    bad_tag = f"\\{body}*{(c ^ 1):02X}\\{GOOD}"
    ms = "s:rcv1,c:1325394060500"
    c2 = 0
    for ch in ms:
        c2 ^= ord(ch)
    tagged_ms = f"\\{ms}*{c2:02X}\\{GOOD}"
    uscg = GOOD + ",d-109,S2105,t050056.00,T56.137,r003669946,1325394061,1325394001"
    d = read_nmea([tagged, bad_tag, tagged_ms, uscg])
    assert d.summary.drops["bad_tag_block"] == 1
    assert d.positions.t.tolist() == [1325394060.0, 1325394060.5, 1325394001.0]


def _encode(**fields):
    base = {
        "type": 1,
        "mmsi": 366000001,
        "status": 0,
        "turn": -128.0,
        "speed": 10.0,
        "accuracy": 0,
        "lon": -1.0,
        "lat": 50.0,
        "course": 90.0,
        "heading": 90,
        "second": 0,
        "maneuver": 0,
        "raim": 0,
        "radio": 0,
    }
    base.update(fields)
    return encode_dict(base, sentence_type="VDM")[0]


def test_not_available_values_become_missing():
    d = read_nmea(
        [
            _encode(speed=102.3, course=360.0, heading=511, turn=-128.0),
            _encode(lat=91.0, lon=181.0),
            _encode(speed=102.2, course=359.9, heading=359, turn=20.0),
        ]
    )
    p = d.positions
    assert len(p) == 2
    assert math.isnan(p.sog[0]) and math.isnan(p.cog[0]) and math.isnan(p.heading[0])
    assert math.isnan(p.rot[0])
    assert d.summary.drops["no_position"] == 1
    assert p.sog[1] == pytest.approx(102.2 * KNOT)
    assert p.cog[1] == pytest.approx(359.9 * DEG)
    assert p.heading[1] == pytest.approx(359 * DEG)
    assert p.rot[1] == pytest.approx(20.0 * DEG / 60.0, rel=0.05)  # ROT_AIS is quantised


def test_gzip_file(tmp_path, data_dir):
    src = (data_dir / "nmea_data_sample.txt").read_bytes()
    gz = tmp_path / "sample.nmea.gz"
    gz.write_bytes(gzip.compress(src))
    a = read_ais(gz)
    b = read_nmea(data_dir / "nmea_data_sample.txt")
    assert a.summary.messages == b.summary.messages
    assert np.array_equal(a.positions.mmsi, b.positions.mmsi)
    bad = tmp_path / "broken.gz"
    bad.write_bytes(gzip.compress(src)[:200])
    with pytest.raises(AisError):
        read_ais(bad)
