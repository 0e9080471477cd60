"""Pick the reader for a file: NMEA (plain or gzip) or one of the known CSV layouts."""

from __future__ import annotations

import gzip
import os

from autoship.ais.nmea import looks_like_nmea, read_nmea
from autoship.ais.records import AisData
from autoship.ais.tables import read_csv
from autoship.errors import AisError


def _head(path: str, n: int = 4096) -> bytes:
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
        if magic == b"\x1f\x8b":
            with gzip.open(path, "rb") as fh:
                return fh.read(n)
        with open(path, "rb") as fh:
            return fh.read(n)
    except (OSError, EOFError, gzip.BadGzipFile) as err:
        raise AisError(f"cannot read: {err}", file=path) from err


def read_ais(path: str | os.PathLike) -> AisData:
    """Read any supported AIS file. An empty file gives an empty result, not an error."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise AisError("no such file", file=path)
    head = _head(path)
    if not head.strip():
        return read_nmea(path)
    if looks_like_nmea(head):
        return read_nmea(path)
    first = head.splitlines()[0] if head.splitlines() else b""
    if b"," not in first and b";" not in first:
        # Neither NMEA nor a delimited header: treat as a (garbage) NMEA stream so that every
        # line is counted rather than refusing the file.
        return read_nmea(path)
    return read_csv(path)
