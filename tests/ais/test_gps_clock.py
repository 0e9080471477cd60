"""NMEA logs without tag blocks take their time from the receiver's interleaved $--ZDA and
$--RMC sentences (they were read as "no timestamps: a snapshot")."""

from __future__ import annotations

import calendar
import math
from pathlib import Path

import numpy as np

from autoship.ais import read_ais
from autoship.ais.nmea import _gps_clock_time, read_nmea

DATA = Path(__file__).resolve().parents[1] / "data" / "ais"


def _with_checksum(body: str) -> str:
    c = 0
    for ch in body[1:]:
        c ^= ord(ch)
    return f"{body}*{c:02X}"


def test_clock_sentences_parse():
    zda = b"$GPZDA,213950.50,07,04,2020,00,00"
    rmc = b"$GPRMC,213951.00,A,5250.53669,N,00542.34920,E,0.020,,070420,,,A"
    t0 = calendar.timegm((2020, 4, 7, 21, 39, 50, 0, 0, 0))
    assert _gps_clock_time(zda) == t0 + 0.5
    assert _gps_clock_time(rmc) == t0 + 1.0
    assert math.isnan(_gps_clock_time(b"$GPRMC,,V,,,,,,,,,,N"))  # no fix yet
    assert math.isnan(_gps_clock_time(b"$GPZDA,213950.50,07,04,1995,00,00"))  # outside 2000-2099


def test_real_log_with_rmc_gets_a_time_span():
    # gpsd's IJsselmeer log: AIS interleaved with $GPRMC fixes, no tag blocks.
    data = read_ais(DATA / "ais-nmea.log")
    t = data.positions.t
    assert np.isfinite(t).all() and t.size > 100
    start = calendar.timegm((2020, 4, 7, 21, 39, 50, 0, 0, 0))
    assert start <= t.min() and t.max() - t.min() < 200.0
    assert np.all(np.diff(t) >= 0)  # in file order the clock only moves forward here


def test_each_ais_line_takes_the_last_clock_and_a_bad_clock_is_not_used():
    ais = "!AIVDM,1,1,,B,13aDp<PP000IwSlN?Wm@0?wN2<1T,0*29"
    lines = [
        ais,  # before any clock: no time
        _with_checksum("$GPZDA,120000.00,01,06,2021,00,00"),
        ais,
        _with_checksum("$GPZDA,120010.00,01,06,2021,00,00"),
        ais,
        "$GPZDA,120020.00,01,06,2021,00,00*00",  # bad checksum: clock stays at 12:00:10
        ais,
    ]
    data = read_nmea(lines, name="mem")
    t = data.positions.t
    t0 = calendar.timegm((2021, 6, 1, 12, 0, 0, 0, 0, 0))
    assert math.isnan(t[0])
    assert list(t[1:]) == [t0, t0 + 10.0, t0 + 10.0]
    assert data.summary.drops["bad_checksum"] == 1
