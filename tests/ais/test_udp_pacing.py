"""UDP AIS output is paced by default (a burst overflows a receiver's socket buffer); a burst
only with an explicit ``--burst``."""

from __future__ import annotations

import argparse
import socket
import threading

import numpy as np
import pytest

import autoship.ais.emit as emit_mod
from autoship.ais.emit import UDP_PACE_HZ, UdpSender
from autoship.cli import ais as ais_cli
from autoship.errors import AisError
from autoship.record import RunWriter


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.now += s


def _receiver(rcvbuf: int) -> socket.socket:
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    rx.bind(("127.0.0.1", 0))
    return rx


def test_sender_spaces_datagrams_at_its_pace():
    clk = FakeClock()
    rx = _receiver(1 << 16)
    with rx, UdpSender("127.0.0.1", rx.getsockname()[1], 100.0, clk, clk.sleep) as tx:
        tx.send([f"!AIVDM,{k}" for k in range(5)])
        # Four gaps of 1/100 s: the first datagram goes at once.
        assert clk.sleeps == pytest.approx([0.01] * 4) and tx.sent == 5
        clk.now += 1.0  # idle for a while: no catch-up burst is owed, and no wait either
        tx.send(["!AIVDM,x"])
        assert len(clk.sleeps) == 4
    assert UdpSender("127.0.0.1", 9).interval == pytest.approx(1.0 / UDP_PACE_HZ)


def test_burst_sender_never_waits():
    clk = FakeClock()
    rx = _receiver(1 << 16)
    with rx, UdpSender("127.0.0.1", rx.getsockname()[1], None, clk, clk.sleep) as tx:
        tx.send(["!AIVDM"] * 20)
    assert clk.sleeps == [] and tx.sent == 20
    with pytest.raises(AisError):
        UdpSender("127.0.0.1", 9, pace_hz=-1.0)


def _run_folder(tmp_path, n_ships: int = 6, duration_s: float = 400.0):
    t = np.arange(0.0, duration_s, 2.0)
    n = t.size
    k = np.arange(n_ships)
    arrays = {
        "t": t,
        "north": 5.0 * t[:, None] + 500.0 * k[None, :],
        "east": np.zeros((n, n_ships)) + 300.0 * k[None, :],
        "heading": np.zeros((n, n_ships)),
        "vn": np.full((n, n_ships), 5.0),
        "ve": np.zeros((n, n_ships)),
    }
    for key in ("u", "v", "r", "rudder", "shaft", "cmd_course", "cmd_speed"):
        arrays[key] = np.zeros((n, n_ships))
    ships = [
        {"id": f"s{i}", "index": i, "role": "own" if i == 0 else "target", "mmsi": None,
         "length_m": 100.0, "beam_m": 16.0, "draught_m": 6.0}
        for i in range(n_ships)
    ]  # fmt: skip
    meta = {
        "scenario": {"id": "pacing", "title": "pacing"},
        "frame": {"origin_lat_deg": 50.7, "origin_lon_deg": -1.1},
        "dt_s": 2.0,
        "events": [],
        "ships": ships,
    }
    d = tmp_path / "run"
    RunWriter(d).write(meta, arrays)
    return d


def _emit(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="autoship")
    ais_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["ais", "emit", *argv])
    return args.func(args)


def test_default_emit_delivers_every_datagram_to_a_small_buffer(tmp_path, capsys):
    run = _run_folder(tmp_path)
    # A small receive buffer (a few dozen datagrams) read by a plain loop, as a plotter does.
    rx = _receiver(16384)
    rx.settimeout(0.5)
    got: list[bytes] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                got.append(rx.recv(2048))
            except TimeoutError:
                continue

    th = threading.Thread(target=read, daemon=True)
    th.start()
    try:
        assert _emit([str(run), "--udp", f"127.0.0.1:{rx.getsockname()[1]}"]) == 0
        out = capsys.readouterr().out
        n = int(out.split("(")[1].split()[0])  # "N AIS messages (M sentences) ..."
        assert n > 200  # a burst of these overflows this buffer (about 110 dropped)
        # Wait for the reader to drain what is in flight (bounded by the count, not a clock).
        while len(got) < n and th.is_alive():
            try:
                got.append(rx.recv(2048))
            except TimeoutError:
                break
    finally:
        stop.set()
        th.join()
        rx.close()
    assert len(got) == n
    assert all(g.startswith((b"!AIVDO", b"!AIVDM")) for g in got)


def test_burst_flag_turns_pacing_off(tmp_path, monkeypatch, capsys):
    run = _run_folder(tmp_path, n_ships=2, duration_s=60.0)
    made: list[float | None] = []
    real = emit_mod.UdpSender

    def spy(host, port, pace_hz=UDP_PACE_HZ, *a, **k):
        made.append(pace_hz)
        return real(host, port, pace_hz, *a, **k)

    monkeypatch.setattr(emit_mod, "UdpSender", spy)
    rx = _receiver(1 << 20)
    with rx:
        port = rx.getsockname()[1]
        assert _emit([str(run), "--udp", f"127.0.0.1:{port}"]) == 0
        assert _emit([str(run), "--udp", f"127.0.0.1:{port}", "--burst"]) == 0
    assert made == [UDP_PACE_HZ, None]
    capsys.readouterr()
