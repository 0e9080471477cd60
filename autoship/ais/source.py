"""Pick the reader for a file: NMEA (plain or gzip) or one of the known CSV layouts."""

from __future__ import annotations

import csv
import gzip
import os
import zlib

from autoship.ais.nmea import read_nmea
from autoship.ais.records import AisData
from autoship.ais.tables import detect_layout, read_csv, read_ogr_points, read_parquet
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
    except (OSError, EOFError, zlib.error) as err:  # a corrupt .gz raises zlib.error
        raise AisError(f"cannot read: {' '.join(str(err).split())}", file=path) from None


def read_ais(
    path: str | os.PathLike,
    columns: dict[str, str] | None = None,
    time_format: str = "iso",
) -> AisData:
    """Read any supported AIS file. An empty file gives an empty result, not an error.
    ``columns`` (``tables.parse_column_map``) reads any CSV table with that column map."""
    path = os.fspath(path)
    if "\x00" in path:
        raise AisError("path contains a NUL character", file=repr(path))
    if os.path.isdir(path):
        raise AisError("is a folder, not a file", file=path)
    if not os.path.isfile(path):
        raise AisError("no such file", file=path)
    head = _head(path)
    if head.startswith(b"PAR1"):
        return read_parquet(path, columns, time_format)
    if columns:
        _refuse_other_formats(head, path)
        return read_csv(path, columns, time_format)
    if _is_vector(head, path):
        return read_ogr_points(path)
    _refuse_other_formats(head, path)
    kind = _kind(head, path)
    return read_csv(path) if kind == "csv" else read_nmea(path)


# Files that are certainly not AIS text, by their first bytes (a GeoPackage is an SQLite
# database; shapefiles, ZIP and gzip-less binaries start with these magics).
_OTHER_FORMATS = (
    (b"SQLite format 3\x00", "an SQLite database (a GeoPackage?)"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x00\x00\x27\x0a", "an ESRI shapefile"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
)


# Vector formats read as OGR point layers (GeoPackage is SQLite; shapefile's .shp magic).
_OGR_MAGICS = (b"SQLite format 3\x00", b"\x00\x00\x27\x0a", b"fgb\x03")
_OGR_SUFFIXES = (".gpkg", ".shp", ".fgb", ".geojson", ".json", ".gml", ".kml")


def _is_vector(head: bytes, path: str) -> bool:
    if head.startswith(_OGR_MAGICS):
        return True
    return path.lower().endswith(_OGR_SUFFIXES) or head.lstrip()[:1] == b"{"


def _refuse_other_formats(head: bytes, path: str) -> None:
    """A file of another kind is a one-line error naming it, not lines of NMEA garbage."""
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            raise AisError(f"not an AIS recording (NMEA or AIS CSV): the file is {what}", file=path)
    text = head.lstrip()
    if text[:1] == b"{":
        raise AisError("not an AIS recording (NMEA or AIS CSV): the file is JSON", file=path)


def _kind(head: bytes, path: str) -> str:
    """'nmea' or 'csv' from the first meaningful line. ``#`` starts a comment in NMEA logs but
    also the DMA CSV header (``# Timestamp,...``), so a ``#`` line that is a known CSV header
    means CSV; other ``#`` lines are skipped. Anything undecidable is read as NMEA, where every
    line gets counted (as garbage if need be) rather than the file refused."""
    for raw in head.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line[:1] in (b"!", b"$", b"\\"):
            return "nmea"
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            return "nmea"  # binary: let the NMEA reader count it as garbage
        if not text.isprintable():
            return "nmea"
        if line[:1] == b"#":
            try:
                detect_layout(text, path)
            except (AisError, csv.Error):
                continue
            return "csv"
        return "csv" if ("," in text or ";" in text) else "nmea"
    return "nmea"
