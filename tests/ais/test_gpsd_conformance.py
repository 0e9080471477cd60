"""Our reader against gpsd's own decoder on real captures: every position report both accept
must agree field by field (gpsd 3.22 ``gpsdecode``, scaled JSON)."""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import numpy as np
import pytest

from autoship.ais import read_nmea
from autoship.units import DEG, KNOT

pytestmark = pytest.mark.skipif(
    shutil.which("gpsdecode") is None,
    reason="gpsdecode not installed (Debian package gpsd-clients)",
)

POSITION_TYPES = {1, 2, 3, 18, 19, 27}


def _gpsd(path) -> list[dict]:
    with open(path, "rb") as fh:
        out = subprocess.run(
            ["gpsdecode"], stdin=fh, capture_output=True, timeout=60, check=True
        ).stdout
    objs = []
    for line in out.decode("utf-8", "replace").splitlines():
        try:
            objs.append(json.loads(line))
        except ValueError:
            continue
    return objs


@pytest.mark.parametrize(
    "name",
    ["ais-raw-messages.log", "ais-nmea.log", "sample.aivdm", "stream_example.txt", "ais-18-27.log"],
)
def test_position_reports_agree_with_gpsdecode(data_dir, name):
    ours = read_nmea(data_dir / name)
    theirs = [
        o
        for o in _gpsd(data_dir / name)
        if o.get("type") in POSITION_TYPES
        and abs(o.get("lat", 91)) <= 90
        and abs(o.get("lon", 181)) <= 180
    ]
    p = ours.positions
    assert len(p) > 0
    # Match in reading order per MMSI (both read the file front to back).
    by_mmsi: dict[int, list[int]] = {}
    for i, m in enumerate(p.mmsi.tolist()):
        by_mmsi.setdefault(m, []).append(i)
    used = {m: 0 for m in by_mmsi}
    matched = 0
    for o in theirs:
        m = o["mmsi"]
        if m not in by_mmsi or used[m] >= len(by_mmsi[m]):
            continue
        i = by_mmsi[m][used[m]]
        used[m] += 1
        matched += 1
        assert p.msg_type[i] == o["type"]
        # Type 27 carries 1/10 minute and gpsd prints it to 0.1 deg.
        tol = 0.051 if o["type"] == 27 else 2e-6
        assert p.lat_deg[i] == pytest.approx(o["lat"], abs=tol)
        assert p.lon_deg[i] == pytest.approx(o["lon"], abs=tol)
        sog = o.get("speed")
        if isinstance(sog, int | float) and sog < 102.2 and (o["type"] != 27 or sog < 63):
            assert p.sog[i] / KNOT == pytest.approx(sog, abs=0.051)
        elif o["type"] != 27:
            assert math.isnan(p.sog[i])
        cog = o.get("course")
        if isinstance(cog, int | float) and cog < 360:
            assert p.cog[i] / DEG == pytest.approx(cog, abs=0.051)
        hdg = o.get("heading")
        if isinstance(hdg, int) and o["type"] != 27:
            if hdg < 360:
                assert p.heading[i] / DEG == pytest.approx(hdg)
            else:
                assert math.isnan(p.heading[i])
    # gpsd and we agree on (nearly) everything: a report one side drops is rare.
    assert matched >= 0.9 * min(len(theirs), len(p))
    assert np.isfinite(p.lat_deg).all()


@pytest.mark.parametrize("name", ["stream_example.txt", "sample.aivdm", "ais-nmea.log"])
def test_static_data_agrees_with_gpsdecode(data_dir, name):
    ours = read_nmea(data_dir / name)
    last5: dict[int, dict] = {}
    for o in _gpsd(data_dir / name):
        if o.get("type") == 5:
            last5[o["mmsi"]] = o
    assert last5
    checked = 0
    for mmsi, o in last5.items():
        ship = ours.ships.get(mmsi)
        if ship is None:
            continue
        checked += 1
        assert ship.ais_class == "A"
        assert (ship.name or "") == o["shipname"].strip()
        assert (ship.callsign or "") == o["callsign"].strip()
        assert (ship.ship_type or 0) == o["shiptype"]
        length = o["to_bow"] + o["to_stern"]
        assert (ship.length_m or 0.0) == (float(length) if length else 0.0)
        if o["draught"]:
            assert ship.draught_m == pytest.approx(o["draught"])
    assert checked >= 0.9 * len(last5)
