"""CSV AIS exports, layout detected from the header (docs/references.md section 3).

Known layouts: the Stone Soup Solent file, Danish Maritime Authority (aisdk) exports,
MarineCadastre (US) exports and the semicolon NTNU colav-simulator layout. An unknown header is
an ``AisError`` that lists the columns found. Times are UTC; sentinels and empty cells become
NaN; every rejected row is counted by reason with its line number in the summary examples.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import os
import re
import warnings
import zlib
from dataclasses import dataclass

import numpy as np

from autoship.ais.records import (
    COG_NA_DEG,
    HEADING_NA,
    LAT_NA_DEG,
    LON_NA_DEG,
    MMSI_MAX,
    SOG_NA_KN,
    T_MAX_S,
    T_MIN_S,
    AisData,
    Positions,
    ReadSummary,
    ShipInfo,
    check_dimensions,
    clean_text,
)
from autoship.errors import AisError
from autoship.units import DEG, KNOT


@dataclass(frozen=True)
class CsvLayout:
    name: str
    delimiter: str
    columns: dict[str, str]  # canonical key -> header name (normalised: lower case, no '#')
    required: tuple[str, ...]
    time_format: str  # "iso" or "dmy"


_REQ = ("time", "mmsi", "lat", "lon")

LAYOUTS: tuple[CsvLayout, ...] = (
    CsvLayout(
        "stonesoup",
        ",",
        {
            "time": "time",
            "mmsi": "mmsi",
            "lat": "latitude_degrees",
            "lon": "longitude_degrees",
            "cog": "cog_degrees",
            "sog": "sog_knots",
        },
        (*_REQ, "cog", "sog"),
        "iso",
    ),
    CsvLayout(
        "dma",
        ",",
        {
            "time": "timestamp",
            "class": "type of mobile",
            "mmsi": "mmsi",
            "lat": "latitude",
            "lon": "longitude",
            "status": "navigational status",
            "rot": "rot",
            "sog": "sog",
            "cog": "cog",
            "heading": "heading",
            "imo": "imo",
            "callsign": "callsign",
            "name": "name",
            "ship_type": "ship type",
            "beam": "width",
            "length": "length",
            "draught": "draught",
        },
        (*_REQ, "class", "status", "sog", "cog"),
        "dmy",
    ),
    CsvLayout(
        "marinecadastre",
        ",",
        {
            "mmsi": "mmsi",
            "time": "basedatetime",
            "lat": "lat",
            "lon": "lon",
            "sog": "sog",
            "cog": "cog",
            "heading": "heading",
            "name": "vesselname",
            "imo": "imo",
            "callsign": "callsign",
            "ship_type": "vesseltype",
            "status": "status",
            "length": "length",
            "beam": "width",
            "draught": "draft",
            "class": "transceiverclass",
        },
        (*_REQ, "sog", "cog"),
        "iso",
    ),
    CsvLayout(
        "ntnu",
        ";",
        {
            "mmsi": "mmsi",
            "time": "date_time_utc",
            "sog": "sog",
            "cog": "cog",
            "heading": "true_heading",
            "status": "nav_status",
            "lon": "lon",
            "lat": "lat",
        },
        (*_REQ, "sog", "cog"),
        "iso",
    ),
)

# DMA writes navigational status and ship type as text (aisdk CSV exports).
_DMA_STATUS = {
    "under way using engine": 0,
    "at anchor": 1,
    "not under command": 2,
    "restricted maneuverability": 3,
    "restricted manoeuvrability": 3,
    "constrained by her draught": 4,
    "moored": 5,
    "aground": 6,
    "engaged in fishing": 7,
    "under way sailing": 8,
    "ais-sart": 14,
}
_DMA_SHIP_TYPE = {
    "wig": 20,
    "fishing": 30,
    "towing": 31,
    "towing long/wide": 32,
    "dredging": 33,
    "diving": 34,
    "military": 35,
    "sailing": 36,
    "pleasure": 37,
    "hsc": 40,
    "pilot": 50,
    "sar": 51,
    "tug": 52,
    "port tender": 53,
    "anti-pollution": 54,
    "law enforcement": 55,
    "medical": 58,
    "passenger": 60,
    "cargo": 70,
    "tanker": 80,
    "other": 90,
}


def _norm(h: str) -> str:
    return h.strip().lstrip("#").strip().lower()


def detect_layout(header_line: str, path: str = "<csv>") -> CsvLayout:
    """Pick the layout whose required columns are all in the header, else raise ``AisError``."""
    delim = ";" if header_line.count(";") > header_line.count(",") else ","
    cols = {_norm(h) for h in next(csv.reader([header_line], delimiter=delim))}
    for lay in LAYOUTS:
        if lay.delimiter == delim and all(lay.columns[k] in cols for k in lay.required):
            return lay
    known = "; ".join(lay.name for lay in LAYOUTS)
    head = header_line.lstrip()
    if head[:1] in ("{", "[", "<") or "\x00" in head:
        # JSON, GeoJSON, XML or binary: not a table at all; the header is no column list.
        raise AisError(
            f"not an AIS recording (NMEA or a CSV layout: {known}); the file starts like "
            f"{'JSON' if head[:1] in '{[' else 'XML' if head[:1] == '<' else 'binary data'}",
            file=path,
            field="header",
        )
    # The first few columns, each cut short, so the message stays one readable line.
    names = sorted(c for c in cols if c)
    shown = [c if len(c) <= 30 else c[:27] + "..." for c in names[:12]]
    found = ", ".join(shown) + (f" (+{len(names) - 12} more)" if len(names) > 12 else "")
    raise AisError(
        f"unknown AIS CSV layout (known: {known}); columns found: {found or '(none)'}",
        file=path,
        field="header",
    )


def _open_text(path: str) -> io.TextIOBase:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8-sig", errors="replace", newline="")
    return open(path, encoding="utf-8-sig", errors="replace", newline="")  # noqa: SIM115


# A number cell: ASCII decimal only. float() and numpy would also take "inf", "1_000", Unicode
# digits ("١٢٣") and 5000-digit strings; none of those is a value an AIS export writes.
_NUMBER = re.compile(r"[+-]?(?:\d{1,20}(?:\.\d{0,20})?|\.\d{1,20})(?:[eE][+-]?\d{1,3})?")
# "Not available" spellings some exports use for a number (empty is the common one).
_NA = frozenset({"", "nan", "NaN", "NAN", "null", "NULL", "None", "N/A", "n/a", "NA"})
_MMSI = re.compile(r"\d{1,9}")


def _floats(cells: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Column of strings -> float64 with NaN for empty cells, plus a mask of unparsable cells."""
    out = np.full(len(cells), math.nan)
    bad = np.zeros(len(cells), bool)
    match = _NUMBER.fullmatch
    for i, c in enumerate(cells):
        if c in _NA:
            continue
        if match(c) and c.isascii():
            out[i] = float(c)
        else:
            bad[i] = True
    return out, bad


def _mmsis(cells: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """MMSI column -> int64 (0 where unusable) and a mask of bad cells: whole decimal numbers
    1..999,999,999 only (a fractional "0.5" is not truncated to 0, "1e8" is not an MMSI)."""
    out = np.zeros(len(cells), np.int64)
    bad = np.zeros(len(cells), bool)
    match = _MMSI.fullmatch
    for i, c in enumerate(cells):
        if match(c) and c.isascii() and 0 < int(c) <= MMSI_MAX:
            out[i] = int(c)
        else:
            bad[i] = True
    return out, bad


def _times(cells: list[str], fmt: str) -> np.ndarray:
    """UTC time strings -> unix seconds (NaN where unparsable)."""
    if fmt == "dmy":  # dd/mm/yyyy HH:MM:SS
        cells = [f"{c[6:10]}-{c[3:5]}-{c[0:2]}T{c[11:]}" if len(c) >= 19 else "" for c in cells]
    else:
        # The layouts are UTC by definition; numpy converts any other explicit offset to UTC
        # (with a warning about time zones, silenced below).
        cells = [c.strip().removesuffix("Z").removesuffix("+00:00") for c in cells]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            ms = np.array(cells, dtype="datetime64[ms]")
        except ValueError:
            ms = np.empty(len(cells), dtype="datetime64[ms]")
            for i, c in enumerate(cells):
                try:
                    ms[i] = np.datetime64(c, "ms") if c else np.datetime64("NaT")
                except ValueError:
                    ms[i] = np.datetime64("NaT")
    t = ms.astype(np.int64).astype(np.float64) / 1000.0
    t[np.isnat(ms)] = math.nan
    # Outside 2000-2099 is a corrupt field (docs: input limits), dropped as bad_time.
    t[~((t >= T_MIN_S) & (t < T_MAX_S))] = math.nan
    return t


# Keys a column map may name (``--columns time=BaseDateTime,mmsi=MMSI,...``).
MAP_KEYS = ("time", "mmsi", "lat", "lon", "sog", "cog", "heading", "status", "ship_type",
            "length", "beam", "draught", "name", "imo", "callsign", "rot")  # fmt: skip


def parse_column_map(text: str, field: str = "--columns") -> dict[str, str]:
    """``key=column,key=column`` -> {key: column}; the keys are those of ``MAP_KEYS`` and must
    include time, mmsi, lat and lon. Errors name ``field``."""
    out: dict[str, str] = {}
    for part in text.split(","):
        key, sep, col = part.partition("=")
        key, col = key.strip().lower(), col.strip()
        if not sep or not key or not col:
            raise AisError(f"{part.strip()!r} is not KEY=COLUMN", field=field)
        if key not in MAP_KEYS:
            raise AisError(f"unknown key {key!r} (known: {', '.join(MAP_KEYS)})", field=field)
        if key in out:
            raise AisError(f"{key!r} given twice", field=field)
        out[key] = col
    missing = [k for k in _REQ if k not in out]
    if missing:
        raise AisError(f"must name the {', '.join(missing)} column(s)", field=field)
    return out


def _layout_from_map(columns: dict[str, str], header_line: str, time_format: str) -> CsvLayout:
    delim = ";" if header_line.count(";") > header_line.count(",") else ","
    return CsvLayout(
        "column map",
        delim,
        {k: _norm(v) for k, v in columns.items()},
        tuple(k for k in _REQ),
        time_format,
    )


def read_csv(
    path: str | os.PathLike,
    columns: dict[str, str] | None = None,
    time_format: str = "iso",
) -> AisData:
    """Read an AIS CSV export (plain or gzip) whose layout is recognised from its header, or
    described by ``columns`` (``parse_column_map``; times ``iso`` or ``dmy``) for any other
    table."""
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise AisError("no such file", file=path)
    try:
        with _open_text(path) as fh:
            header = fh.readline()
            if not header.strip():
                raise AisError("empty file: no CSV header", file=path, field="header")
            if columns:
                lay = _layout_from_map(columns, header, time_format)
            else:
                lay = detect_layout(header.rstrip("\r\n"), path)
            names = [_norm(h) for h in next(csv.reader([header], delimiter=lay.delimiter))]
            if columns:
                absent = [c for c in lay.columns.values() if c not in names]
                if absent:
                    raise AisError(
                        f"column {absent[0]!r} of the column map is not in the header",
                        file=path,
                        field="--columns",
                    )
            index = {k: names.index(v) for k, v in lay.columns.items() if v in names}
            width = len(names)
            rows = list(csv.reader(fh, delimiter=lay.delimiter))
    except (OSError, EOFError, UnicodeError, csv.Error, zlib.error) as err:
        raise AisError(f"cannot read: {' '.join(str(err).split())}", file=path) from None
    return _from_rows(path, lay, index, width, rows)


def _from_rows(path, lay: CsvLayout, index, width, rows) -> AisData:
    s = ReadSummary(source=path, layout=lay.name)
    s.lines = len(rows) + 1
    # Rows shorter than the header are broken (cut lines); longer ones too.
    good = [r for r in rows if len(r) == width]
    if len(good) != len(rows):
        for i, r in enumerate(rows):
            if len(r) != width:
                if r:
                    s.drop("bad_number", i + 2, f"{len(r)} fields, header has {width}")
                else:
                    s.skipped["blank"] += 1
        line_no = np.array([i + 2 for i, r in enumerate(rows) if len(r) == width])
    else:
        line_no = np.arange(2, len(rows) + 2)
    n = len(good)
    cols = {k: [r[j].strip() for r in good] for k, j in index.items()}

    def num(key: str) -> tuple[np.ndarray, np.ndarray]:
        if key not in cols:
            return np.full(n, math.nan), np.zeros(n, bool)
        return _floats(cols[key])

    t = _times(cols["time"], lay.time_format)
    mmsi_i, bad_m = _mmsis(cols["mmsi"])
    lat, bad_lat = num("lat")
    lon, bad_lon = num("lon")
    sog_kn, bad_s = num("sog")
    cog_deg, bad_c = num("cog")
    hdg_deg, bad_h = num("heading")
    rot_dm, bad_r = num("rot")

    reason = np.full(n, "", dtype=object)

    def mark(mask: np.ndarray, why: str) -> None:
        sel = mask & (reason == "")
        reason[sel] = why

    mark(np.isnan(t), "bad_time")
    mark(bad_m, "bad_mmsi")
    mark(bad_lat | bad_lon | bad_s | bad_c | bad_h | bad_r, "bad_number")
    mark(np.isnan(lat) | np.isnan(lon) | (lat == LAT_NA_DEG) | (lon == LON_NA_DEG), "no_position")
    mark((np.abs(lat) > 90.0) | (np.abs(lon) > 180.0), "bad_position")
    keep = reason == ""
    for i in np.flatnonzero(~keep):
        s.drop(str(reason[i]), int(line_no[i]))

    # Sentinels -> NaN (ITU-R M.1371), then SI.
    sog = np.where((sog_kn >= 0) & (sog_kn < SOG_NA_KN - 1e-6), sog_kn * KNOT, math.nan)
    cog = np.where((cog_deg >= 0) & (cog_deg < COG_NA_DEG), cog_deg * DEG, math.nan)
    heading = np.where(
        (hdg_deg >= 0) & (hdg_deg < 360.0) & (hdg_deg != HEADING_NA), hdg_deg, np.nan
    )
    heading = heading * DEG
    rot = np.where(np.abs(rot_dm) < 127.0, rot_dm * DEG / 60.0, math.nan)
    status = np.full(n, -1, dtype=np.int16)
    if "status" in cols:
        for i, c in enumerate(cols["status"]):
            status[i] = _status(c)

    pos = Positions(
        t=t[keep],
        mmsi=mmsi_i[keep],
        lat_deg=lat[keep],
        lon_deg=lon[keep],
        sog=sog[keep],
        cog=cog[keep],
        heading=heading[keep],
        rot=rot[keep],
        msg_type=np.zeros(int(keep.sum()), np.int16),
        nav_status=status[keep],
    )
    s.messages = len(pos)
    s.sentences = n
    ships = _ships(cols, pos, keep, mmsi_i)
    check_dimensions(ships, s)
    return AisData(positions=pos, ships=ships, summary=s)


def _status(c: str) -> int:
    if not c:
        return -1
    if c.isascii() and c.isdigit() and len(c) <= 3:
        v = int(c)
        return v if 0 <= v <= 14 else -1
    return _DMA_STATUS.get(c.strip().lower(), -1)


def _ship_type(c: str) -> int | None:
    if not c:
        return None
    if c.isascii() and c.isdigit() and len(c) <= 3:
        v = int(c)
        return v if 1 <= v <= 99 else None
    return _DMA_SHIP_TYPE.get(c.strip().lower())


def _positive(c: str) -> float | None:
    if not (_NUMBER.fullmatch(c) and c.isascii()):
        return None
    v = float(c)
    return v if math.isfinite(v) and v > 0 else None


def _ships(cols, pos: Positions, keep: np.ndarray, mmsi_i: np.ndarray) -> dict[int, ShipInfo]:
    ships: dict[int, ShipInfo] = {}
    uniq, counts = np.unique(pos.mmsi, return_counts=True)
    for m, c in zip(uniq.tolist(), counts.tolist(), strict=True):
        ships[m] = ShipInfo(mmsi=m, n_positions=c)
    static_keys = [
        k
        for k in ("name", "callsign", "imo", "ship_type", "length", "beam", "draught", "class")
        if k in cols
    ]
    if not static_keys:
        return ships
    rows = np.flatnonzero(keep)
    for i in rows.tolist():
        ship = ships[int(mmsi_i[i])]
        for k in static_keys:
            c = cols[k][i]
            if not c:
                continue
            if k == "name" and ship.name is None:
                ship.name = clean_text(c)
            elif k == "callsign" and ship.callsign is None:
                ship.callsign = clean_text(c)
            elif k == "imo" and ship.imo is None:
                digits = c.upper().removeprefix("IMO")
                ok = digits.isascii() and digits.isdigit() and len(digits) <= 9
                ship.imo = int(digits) if ok and int(digits) > 0 else None
            elif k == "ship_type" and ship.ship_type is None:
                ship.ship_type = _ship_type(c)
            elif k == "length" and ship.length_m is None:
                ship.length_m = _positive(c)
            elif k == "beam" and ship.beam_m is None:
                ship.beam_m = _positive(c)
            elif k == "draught" and ship.draught_m is None:
                ship.draught_m = _positive(c)
            elif k == "class" and ship.ais_class is None:
                u = c.upper()
                if u in ("A", "CLASS A"):
                    ship.ais_class = "A"
                elif u in ("B", "CLASS B"):
                    ship.ais_class = "B"
    return ships


def read_ogr_points(path: str | os.PathLike) -> AisData:
    """Read AIS position reports from an OGR point layer (GeoPackage, shapefile, GeoJSON,
    FlatGeobuf, ...): the position is the point geometry (reprojected to WGS84 from the layer's
    CRS), the other columns are those of a known CSV layout (``LAYOUTS``, e.g. MarineCadastre's
    MMSI, BaseDateTime, SOG, COG, Heading) and are read exactly as that layout's CSV would be.
    The first layer with point geometry and the layout's columns is used."""
    import pyogrio  # lazily: only this reader needs GDAL

    path = os.fspath(path)
    try:
        layers = pyogrio.list_layers(path)
    except Exception as err:  # GDAL's own errors for unreadable files
        msg = " ".join(str(err).split())
        raise AisError(f"cannot read as a vector layer: {msg}", file=path) from None
    tried = []
    for name, gtype in layers:
        if gtype is None or "point" not in str(gtype).lower():
            continue
        try:
            meta, _fids, geom, fields = pyogrio.raw.read(path, layer=name)
        except Exception as err:
            raise AisError(f"cannot read layer: {' '.join(str(err).split())}", file=path,
                           field=str(name)) from None  # fmt: skip
        names = [_norm(str(f)) for f in meta["fields"]]
        for lay in LAYOUTS:
            need = [k for k in lay.required if k not in ("lat", "lon")]
            if all(lay.columns[k] in names for k in need):
                return _ogr_rows(path, str(name), lay, names, meta, geom, fields)
        tried.append(f"{name} ({', '.join(names[:8])})")
    if not tried:
        raise AisError("no point layer (AIS positions are points)", file=path, field="layer")
    raise AisError(
        f"no point layer has the columns of a known AIS layout "
        f"({'; '.join(lay.name for lay in LAYOUTS)}); layers: {'; '.join(tried)[:300]}",
        file=path,
        field="layer",
    )


def _ogr_rows(path, layer, lay: CsvLayout, names, meta, geom, fields) -> AisData:
    import shapely

    pts = shapely.from_wkb(geom)
    ok = ~shapely.is_missing(pts) & (shapely.get_type_id(pts) == 0)
    x = np.full(len(pts), np.nan)
    y = np.full(len(pts), np.nan)
    x[ok], y[ok] = shapely.get_x(pts[ok]), shapely.get_y(pts[ok])
    crs = meta.get("crs")
    if crs and str(crs).upper() not in ("EPSG:4326", "OGC:CRS84"):
        from pyproj import CRS, Transformer

        try:
            tf = Transformer.from_crs(CRS.from_user_input(crs), "EPSG:4326", always_xy=True)
        except Exception as err:
            raise AisError(f"unknown CRS {crs!r}: {err}", file=path, field="crs") from None
        x, y = tf.transform(x, y)
    lat_name, lon_name = lay.columns["lat"], lay.columns["lon"]
    cols = [c for c in names if c not in (lat_name, lon_name)]
    idx = [names.index(c) for c in cols]
    time_i = names.index(lay.columns["time"])

    def cell(v, k: int) -> str:
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            return ""
        if isinstance(v, np.datetime64) or (k == time_i and hasattr(v, "isoformat")):
            iso = str(np.datetime64(v, "s"))
            if lay.time_format == "dmy":  # dd/mm/yyyy HH:MM:SS, as the DMA export writes it
                return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]} {iso[11:19]}"
            return iso
        return str(v)

    rows = []
    for r in range(len(pts)):
        rows.append([cell(fields[k][r], k) for k in idx] + [repr(float(y[r])), repr(float(x[r]))])
    header = [*cols, lat_name, lon_name]
    index = {key: header.index(v) for key, v in lay.columns.items() if v in header}
    data = _from_rows(path, lay, index, len(header), rows)
    data.summary.layout = f"{lay.name} (OGR layer {layer})"
    return data


def read_parquet(
    path: str | os.PathLike,
    columns: dict[str, str] | None = None,
    time_format: str = "iso",
) -> AisData:
    """Read an AIS table stored as Parquet (pyarrow): the columns of a known CSV layout, or
    those named by ``columns``, read exactly as that CSV would be (timestamp columns as UTC)."""
    path = os.fspath(path)
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise AisError(
            "reading Parquet needs pyarrow (pip install 'autoship[parquet]')", file=path
        ) from None
    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow's own errors for damaged files
        raise AisError(
            f"cannot read Parquet: {' '.join(str(err).split())[:200]}", file=path
        ) from None
    raw_names = [str(n) for n in table.column_names]
    names = [_norm(n) for n in raw_names]
    if columns:
        lay = _layout_from_map(columns, ",", time_format)
        absent = [c for c in lay.columns.values() if c not in names]
        if absent:
            raise AisError(
                f"column {absent[0]!r} of the column map is not in the file",
                file=path,
                field="--columns",
            )
    else:
        lay = next((la for la in LAYOUTS if all(la.columns[k] in names for k in la.required)), None)
        if lay is None:
            raise AisError(
                f"unknown AIS table layout (known: {'; '.join(la.name for la in LAYOUTS)}; or "
                f"give --columns); columns found: {', '.join(names[:12])}",
                file=path,
                field="header",
            )
    time_i = names.index(lay.columns["time"])
    cols = []
    for k, col in enumerate(table.columns):
        vals = col.to_pylist()
        if k == time_i and str(col.type).startswith(("timestamp", "date")):
            iso = [
                "" if v is None else str(np.datetime64(v.replace(tzinfo=None), "ms")) for v in vals
            ]
            if lay.time_format == "dmy":
                iso = [f"{s[8:10]}/{s[5:7]}/{s[0:4]} {s[11:19]}" if s else "" for s in iso]
            cols.append(iso)
        else:
            cols.append(["" if v is None else str(v) for v in vals])
    rows = [list(r) for r in zip(*cols, strict=True)] if cols else []
    index = {key: names.index(v) for key, v in lay.columns.items() if v in names}
    data = _from_rows(path, lay, index, len(names), rows)
    data.summary.layout = f"{lay.name} (Parquet)"
    return data
