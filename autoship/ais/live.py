"""Live NMEA feeds over UDP (listen) and TCP (connect as a client), always bounded.

A read stops after ``duration_s`` seconds or ``max_lines`` lines, whichever comes first, so a
quiet or endless feed never hangs a caller. Lines go through the same ``NmeaDecoder`` as
files. Sentences without a tag block or ``$PGHP`` time get the local receive time (``stamp``),
which is what a live feed means by "now".
"""

from __future__ import annotations

import math
import socket
import time

from autoship.ais.nmea import NmeaDecoder
from autoship.ais.records import AisData
from autoship.errors import AisError


class UdpFeed:
    """Listen for NMEA datagrams. Use as a context manager; ``port`` 0 picks a free port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 10110) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.sock.bind((host, port))
        except OSError as err:
            self.sock.close()
            raise AisError(f"cannot listen on udp://{host}:{port}: {err}", field="udp") from err
        self.host, self.port = self.sock.getsockname()[:2]

    def __enter__(self) -> UdpFeed:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.sock.close()

    def read(
        self, duration_s: float = 10.0, max_lines: int | None = None, stamp: bool = True
    ) -> AisData:
        dec = NmeaDecoder(f"udp://{self.host}:{self.port}")
        deadline = time.monotonic() + duration_s
        n = 0
        while max_lines is None or n < max_lines:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.sock.settimeout(left)
            try:
                packet = self.sock.recv(65535)
            except TimeoutError:
                break
            now = time.time()
            for line in packet.splitlines():
                if not line.strip():
                    continue
                dec.feed(line, now if stamp else math.nan)
                n += 1
                if max_lines is not None and n >= max_lines:
                    break
        return dec.finish()


def read_tcp(
    host: str,
    port: int,
    duration_s: float = 10.0,
    max_lines: int | None = None,
    stamp: bool = True,
) -> AisData:
    """Connect to a TCP NMEA server (e.g. an AIS receiver) and read a bounded amount."""
    dec = NmeaDecoder(f"tcp://{host}:{port}")
    deadline = time.monotonic() + duration_s
    try:
        sock = socket.create_connection((host, port), timeout=max(duration_s, 0.1))
    except OSError as err:
        raise AisError(f"cannot connect to tcp://{host}:{port}: {err}", field="tcp") from err
    buf = b""
    n = 0
    with sock:
        while max_lines is None or n < max_lines:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            sock.settimeout(left)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            except OSError as err:
                raise AisError(f"tcp://{host}:{port}: {err}", field="tcp") from err
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            now = time.time()
            for line in lines:
                if not line.strip():
                    continue
                dec.feed(line, now if stamp else math.nan)
                n += 1
                if max_lines is not None and n >= max_lines:
                    break
        if buf.strip() and (max_lines is None or n < max_lines):
            dec.feed(buf, time.time() if stamp else math.nan)
    return dec.finish()
