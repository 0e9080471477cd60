"""``autoship ais info`` and ``autoship ais emit`` through an argparse parser (as main wires it)."""

from __future__ import annotations

import argparse
import json

import numpy as np
import pytest

from autoship.ais import read_nmea
from autoship.ais.emit import derived_mmsi
from autoship.ais.live import UdpFeed
from autoship.cli import ais as ais_cli
from autoship.errors import AutoshipError
from autoship.record import RunWriter


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="autoship")
    sub = parser.add_subparsers(dest="command")
    ais_cli.add_parser(sub)
    args = parser.parse_args(["ais", *argv])
    return args.func(args)


def test_info_text(data_dir, capsys):
    assert _run(["info", str(data_dir / "nmea_data_sample.txt")]) == 0
    out = capsys.readouterr().out
    assert "778 messages" in out
    assert "no timestamps" in out
    assert "empty_payload 100" in out and "incomplete_multipart 20" in out


def test_info_json_solent(solent_csv, capsys):
    assert _run(["info", str(solent_csv), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["layout"] == "stonesoup"
    assert doc["ships"] == 91 and doc["position_reports"] == 18623
    assert doc["time_span"]["start"].startswith("2016-01-12T13:02:11")
    core = doc["area"]["core_1_99_pct"]
    # Data README: 1-99 % box lat 50.61-50.82, lon -1.30 to -0.94.
    assert core["lat_min_deg"] == pytest.approx(50.61, abs=0.01)
    assert core["lat_max_deg"] == pytest.approx(50.82, abs=0.01)
    assert core["lon_min_deg"] == pytest.approx(-1.30, abs=0.01)
    assert core["lon_max_deg"] == pytest.approx(-0.94, abs=0.015)


def test_info_json_counts_drops(data_dir, capsys):
    assert _run(["info", str(data_dir / "sample.aivdm"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["messages_by_type"]) == {str(k) for k in range(1, 28)}
    assert doc["messages_by_type"]["8"] == 18
    assert doc["drops"] == {"garbage": 1}


def test_info_unknown_csv_is_bad_input(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(AutoshipError, match="columns found: a, b, c"):
        _run(["info", str(f)])


def _run_folder(tmp_path):
    t = np.arange(0.0, 120.0, 1.0)
    n = t.size
    north = np.column_stack([5.0 * t, 2000.0 - 4.0 * t])
    east = np.column_stack([0.0 * t, 300.0 + 0.0 * t])
    arrays = {
        "t": t,
        "north": north,
        "east": east,
        "heading": np.column_stack([0 * t, np.pi + 0 * t]),
        "vn": np.column_stack([5.0 + 0 * t, -4.0 + 0 * t]),
        "ve": np.zeros((n, 2)),
    }
    for k in ("u", "v", "r", "rudder", "shaft", "cmd_course", "cmd_speed"):
        arrays[k] = np.zeros((n, 2))
    meta = {
        "scenario": {"id": "demo-head-on", "title": "demo"},
        "frame": {"origin_lat_deg": 50.7, "origin_lon_deg": -1.1},
        "dt_s": 1.0,
        "events": [],
        "ships": [
            {
                "id": "own",
                "index": 0,
                "role": "own",
                "mmsi": 235000001,
                "ship_type": 70,
                "length_m": 100.0,
                "beam_m": 16.0,
                "draught_m": 6.0,
            },
            {
                "id": "target",
                "index": 1,
                "role": "target",
                "mmsi": None,
                "length_m": 50.0,
                "beam_m": 10.0,
            },
        ],
    }
    return RunWriter(tmp_path / "run").write(meta, arrays)


def test_emit_to_file_round_trip(tmp_path, capsys):
    run_dir = _run_folder(tmp_path)
    out = tmp_path / "traffic.nmea"
    assert (
        _run(["emit", str(run_dir), "--nmea", str(out), "--start-utc", "2024-05-01T12:00:00Z"]) == 0
    )
    assert "to " + str(out) in capsys.readouterr().out
    d = read_nmea(out)
    assert d.summary.dropped == 0
    target = derived_mmsi("demo-head-on", "target")
    assert set(d.ships) == {235000001, target}
    assert d.ships[235000001].length_m == 100.0
    t0 = d.time_span()[0]
    assert t0 == 1714564800.0  # 2024-05-01T12:00:00Z from the tag blocks
    raw = out.read_text().splitlines()
    assert any("!AIVDO" in x for x in raw) and any("!AIVDM" in x for x in raw)
    # An existing file is not overwritten without --force.
    with pytest.raises(AutoshipError, match="exists"):
        _run(["emit", str(run_dir), "--nmea", str(out)])
    assert _run(["emit", str(run_dir), "--nmea", str(out), "--force", "--no-tag-blocks"]) == 0
    assert out.read_text().startswith("!AIVDO")


def test_emit_udp_realtime(tmp_path):
    run_dir = _run_folder(tmp_path)
    with UdpFeed("127.0.0.1", 0) as feed:
        # 120 s of run at 1000x: about 0.12 s of wall time.
        assert (
            _run(
                [
                    "emit",
                    str(run_dir),
                    "--udp",
                    f"127.0.0.1:{feed.port}",
                    "--realtime",
                    "--speed",
                    "1000",
                ]
            )
            == 0
        )
        d = feed.read(duration_s=0.5)
    assert d.summary.dropped == 0
    assert len(d.positions) >= 12 + 4  # class A every 10 s for 120 s, class A target too
    with pytest.raises(AutoshipError):
        _run(["emit", str(run_dir), "--udp", "nohostport"])


def test_info_live_udp(capsys):
    import socket
    import threading
    import time

    # Find a free port, then let the command listen there while a thread sends to it.
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    line = b"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n"

    def send():
        tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(20):
            time.sleep(0.02)
            tx.sendto(line, ("127.0.0.1", port))
        tx.close()

    th = threading.Thread(target=send, daemon=True)
    th.start()
    assert _run(["info", f"udp://127.0.0.1:{port}", "--duration", "1.0", "--json"]) == 0
    th.join(timeout=5)
    doc = json.loads(capsys.readouterr().out)
    assert doc["source"] == f"udp://127.0.0.1:{port}"
    assert doc["messages_by_type"].get("1", 0) >= 1
    with pytest.raises(AutoshipError):
        _run(["info", "udp://127.0.0.1:0", "--duration", "-1"])


def test_emit_file_is_read_by_gpsdecode(tmp_path):
    import shutil
    import subprocess

    if shutil.which("gpsdecode") is None:
        pytest.skip("gpsdecode not installed (Debian package gpsd-clients)")
    from autoship.geo import LocalFrame

    run_dir = _run_folder(tmp_path)
    out = tmp_path / "traffic.nmea"
    assert _run(["emit", str(run_dir), "--nmea", str(out), "--no-tag-blocks"]) == 0
    with open(out, "rb") as fh:
        res = subprocess.run(["gpsdecode"], stdin=fh, capture_output=True, timeout=30, check=True)
    objs = [json.loads(x) for x in res.stdout.decode().splitlines() if x.startswith("{")]
    pos = [o for o in objs if o["type"] == 1]
    assert {o["mmsi"] for o in pos} == {235000001, derived_mmsi("demo-head-on", "target")}
    frame = LocalFrame(50.7, -1.1)
    for o in pos:
        # The run: own at north 5 t going north at 5 m/s; target at 2000 - 4 t, east 300,
        # going south at 4 m/s. Recover t from the position and check speed and course.
        n, e = frame.to_local(o["lat"], o["lon"])
        if o["mmsi"] == 235000001:
            assert float(e) == pytest.approx(0.0, abs=0.3)
            assert o["speed"] == pytest.approx(5.0 / 0.514444, abs=0.051)
            assert o["course"] == pytest.approx(0.0, abs=0.051)
        else:
            assert float(e) == pytest.approx(300.0, abs=0.3)
            assert o["speed"] == pytest.approx(4.0 / 0.514444, abs=0.051)
            # Grid south at 300 m east of the origin is true 180 deg within 0.01 deg.
            assert o["course"] == pytest.approx(180.0, abs=0.06)
