"""Live feeds on loopback only: bounded reads, multipart over datagrams, receive-time stamps."""

from __future__ import annotations

import socket
import threading
import time

import numpy as np
import pytest

from autoship.ais.emit import ShipIdentity, UdpSender, emit_reports, format_lines
from autoship.ais.live import UdpFeed, read_tcp
from autoship.errors import AisError

START = 1_600_000_000.0


def _lines() -> list[str]:
    t = np.arange(0.0, 30.0, 1.0)
    one = np.ones((t.size, 2))
    ships = [
        ShipIdentity(235000001, name="A SHIP", length_m=80, beam_m=12),
        ShipIdentity(235000002, ais_class="B", name="B SHIP"),
    ]
    msgs = emit_reports(
        t, 50 * one, -1 * one, 8 * one, 90 * one, 90 * one, 0 * one, ships, start_utc_s=START
    )
    return format_lines(msgs)


def test_udp_feed_reads_sent_sentences():
    lines = _lines() + ["!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B"]  # bad checksum
    with UdpFeed("127.0.0.1", 0) as feed, UdpSender("127.0.0.1", feed.port) as tx:
        tx.send(lines)
        before = time.time()
        d = feed.read(duration_s=5.0, max_lines=len(lines))
    assert d.summary.lines == len(lines)
    assert d.summary.drops["bad_checksum"] == 1
    assert d.ships[235000001].name == "A SHIP" and d.ships[235000001].length_m == 80.0
    assert d.ships[235000002].ais_class == "B"
    # No time in the sentences: each got its receive time.
    assert np.all(d.positions.t >= before - 1.0) and np.all(d.positions.t <= time.time() + 1.0)


def test_udp_feed_is_bounded_when_quiet():
    with UdpFeed("127.0.0.1", 0) as feed:
        t0 = time.monotonic()
        d = feed.read(duration_s=0.2)
    assert time.monotonic() - t0 < 5.0
    assert d.summary.lines == 0


def test_tcp_client_reads_server_and_keeps_tag_block_times():
    lines = format_lines_with_tags()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]

    def serve():
        conn, _ = srv.accept()
        with conn:
            payload = ("\r\n".join(lines) + "\r\n").encode()
            # Split mid-line to exercise reassembly of lines across reads.
            conn.sendall(payload[:37])
            time.sleep(0.05)
            conn.sendall(payload[37:])

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    try:
        d = read_tcp("127.0.0.1", port, duration_s=5.0)
    finally:
        th.join(timeout=5.0)
        srv.close()
    assert d.summary.dropped == 0
    assert d.summary.lines == len(lines)
    assert d.positions.t.min() == START


def format_lines_with_tags() -> list[str]:
    t = np.arange(0.0, 20.0, 1.0)
    one = np.ones((t.size, 1))
    msgs = emit_reports(
        t,
        50 * one,
        -1 * one,
        8 * one,
        90 * one,
        90 * one,
        0 * one,
        [ShipIdentity(235000003)],
        start_utc_s=START,
    )
    return format_lines(msgs, tag_blocks=True)


def test_tcp_connection_refused_is_an_ais_error():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nobody listens there now
    with pytest.raises(AisError, match="cannot connect"):
        read_tcp("127.0.0.1", port, duration_s=1.0)


def test_live_out_streams_a_running_simulation():
    from autoship.ais.emit import AisLiveOut

    meta = {
        "scenario": {"id": "live"},
        "frame": {"origin_lat_deg": 50.7, "origin_lon_deg": -1.1},
        "ships": [
            {"id": "own", "role": "own", "mmsi": 235000001, "length_m": 100.0},
            {"id": "t1", "role": "target", "ship_type": 37},
        ],
    }
    with UdpFeed("127.0.0.1", 0) as feed:
        with AisLiveOut(meta, "127.0.0.1", feed.port, start_utc_s=START) as out:
            for k in range(61):  # the loop's record() would call this every record period
                t = float(k)
                out.push(
                    t,
                    [5.0 * t, 1000.0],
                    [0.0, -4.0 * t],
                    [5.0, 0.0],
                    [0.0, -4.0],
                    [0.0, 1.5 * np.pi],
                    [0.0, 0.0],
                )
        d = feed.read(duration_s=2.0, max_lines=14, stamp=False)
    assert d.summary.dropped == 0
    own = d.positions.mmsi == 235000001
    # Class A at 9.7 kn: every 10 s over 60 s -> 7 reports; the class B target (pleasure craft,
    # 7.8 kn) every 30 s -> 3.
    assert own.sum() == 7 and (~own).sum() == 3
    assert d.ships[235000001].length_m == 100.0
    assert d.ships[int(d.positions.mmsi[~own][0])].ais_class == "B"
