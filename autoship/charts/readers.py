"""Chart readers: S-57 ENC cells and any vector file pyogrio reads, into local-frame geometry.

Both readers return a ``ChartData`` (plain arrays of shapely geometries in the scenario's local
frame, x = east, y = north); ``autoship.charts.chart.Chart`` derives hazards from it.

S-57 through pyogrio: its wheels bundle GDAL (3.12 here) with the S57 driver; the driver applies
the update files ``.001``, ``.002``, ... found next to the base cell, in order, on open (GDAL
S57 driver docs, open option ``UPDATES=APPLY`` by default; checked with pyogrio 0.13 on NOAA
cell US4MD81M: ``DSID_UPDN`` = 3 with updates and 0 with ``UPDATES=IGNORE``). GDAL stops
silently at the first missing update, so the reader checks the sequence on disk against
``DSID_UPDN`` itself.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from autoship.charts.routing import ROUTING_CLASSES
from autoship.errors import ChartError
from autoship.geo import LocalFrame

# Object classes read from a cell. Depth areas: DEPARE, DRGARE (DRVAL1/DRVAL2); point, line or
# area hazards with a sounding: OBSTRN, WRECKS, UWTROC (VALSOU) (IHO S-57 object catalogue);
# platforms, piles and shoreline constructions (piers, breakwaters) have no sounding and are
# hazards at any draught.
S57_LAND = ("LNDARE",)
S57_DEPTH = ("DEPARE", "DRGARE")
S57_UNSURVEYED = ("UNSARE",)
S57_OBSTRUCTIONS = ("OBSTRN", "WRECKS", "UWTROC", "OFSPLF", "PILPNT", "SLCONS")
S57_LINES = ("COALNE",)
# Ships' routeing for COLREG rules 9 and 10 (autoship.charts.routing): fairways, dredged areas
# (also depth areas above), recommended tracks and navigation lines, and the traffic separation
# scheme objects.
S57_ROUTING = ROUTING_CLASSES
# ORIENT is an orientation in degrees, 0-360 (S-57 Appendix A, attribute ORIENT).
ORIENT_RANGE = (0.0, 360.0)

# Horizontal safety radius around point hazards when the chart gives no better figure: 0.5 mm
# at the compilation scale (a common figure for chart plotting accuracy), at least 20 m.
MIN_POINT_RADIUS_M = 20.0
PLOT_ACCURACY_MM = 0.5

# A frame origin farther than this from the chart makes the azimuthal-equidistant frame distort
# the chart (scale error grows with the square of the distance) and is surely a mistake.
MAX_ORIGIN_DISTANCE_M = 200_000.0


class ChartWarning(UserWarning):
    """Something in a chart was repaired or ignored; the chart is still usable."""


@dataclass
class ChartData:
    """Everything a reader extracts, already in the local frame (x = east, y = north)."""

    path: Path
    format: str  # "S-57" or the OGR driver name
    files: tuple[Path, ...]
    sha256: str
    layer_counts: dict[str, int]
    land: np.ndarray  # polygons
    land_points: np.ndarray  # islets and rocks charted as land points
    depth_polys: np.ndarray
    depth_min_m: np.ndarray  # DRVAL1, NaN if unknown
    depth_max_m: np.ndarray  # DRVAL2, NaN if unknown
    depth_layer: np.ndarray  # source layer names
    depth_id: np.ndarray  # S-57 LNAM (feature id) or "" for vector files
    unsurveyed: np.ndarray
    obstructions: np.ndarray  # points, lines or polygons
    obstruction_depth_m: np.ndarray  # VALSOU, NaN if unknown
    obstruction_layer: np.ndarray
    obstruction_id: np.ndarray
    lines: np.ndarray  # coastline, render only
    routing: dict[str, list[dict]]  # layer -> [{"geometry", "orient_deg", "name"}]
    coverage: object  # shapely polygon in the local frame
    extent_lonlat: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max
    point_radius_m: float
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Features read from the file but not used, by reason (e.g. ``no_geometry``), so that a
    # chart that lost features says so with counts (``chart info``).
    dropped: dict[str, int] = field(default_factory=dict)


def _empty() -> np.ndarray:
    return np.empty(0, dtype=object)


def file_hash(files) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(Path(f).name.encode())
        h.update(Path(f).read_bytes())
    return h.hexdigest()


def _check_file(path: Path) -> None:
    if not path.exists():
        raise ChartError("chart file not found", file=str(path))
    if not path.is_file():
        raise ChartError("chart path is not a file", file=str(path))
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise ChartError(f"cannot read chart file ({exc.strerror})", file=str(path)) from None


class _LocalTransformer:
    """Source CRS -> WGS84 lon/lat -> local frame.

    Two steps on purpose: the frame's azimuthal-equidistant CRS is defined on the WGS84
    ellipsoid, and a direct pyproj pipeline from another datum (OSGB36 for EPSG:27700, NAD27,
    ...) to it may skip the datum shift (about 100 m in the Solent). Going through EPSG:4326
    lets pyproj pick its best datum transformation first.
    """

    def __init__(self, frame: LocalFrame, crs, file: str, layer: str | None) -> None:
        from pyproj import CRS, Transformer

        try:
            src = CRS.from_user_input(crs)
        except Exception as exc:
            raise ChartError(
                f"unknown CRS {crs!r}: {_one_line(exc)}", file=file, field=layer
            ) from None
        self._frame = frame
        self._geo = None
        if not (src.is_geographic and src.to_epsg() == 4326):
            self._geo = Transformer.from_crs(src, "EPSG:4326", always_xy=True)

    def transform(self, x, y):
        if self._geo is not None:
            x, y = self._geo.transform(x, y)
        north, east = self._frame.to_local(y, x)
        return east, north


def _to_local(geoms: np.ndarray, transformer) -> np.ndarray:
    if len(geoms) == 0:
        return geoms

    def fwd(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fwd)


def _repair(geoms: np.ndarray, what: str, report: list[str], file: str) -> np.ndarray:
    """make_valid on invalid geometries, keeping only the parts of the original dimension."""
    if len(geoms) == 0:
        return geoms
    bad = ~shapely.is_valid(geoms)
    n_bad = int(bad.sum())
    if n_bad == 0:
        return geoms
    geoms = geoms.copy()
    dims = shapely.get_dimensions(geoms)
    for k in np.nonzero(bad)[0]:
        fixed = shapely.make_valid(geoms[k])
        parts = shapely.get_parts(fixed)
        parts = parts[shapely.get_dimensions(parts) == dims[k]]
        geoms[k] = shapely.union_all(parts) if len(parts) else None
    msg = f"{file}: {what}: repaired {n_bad} invalid geometr{'y' if n_bad == 1 else 'ies'}"
    report.append(msg)
    warnings.warn(msg, ChartWarning, stacklevel=3)
    return geoms


def _split(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Index arrays of point, line, polygon features (multi-parts kept whole) and their geoms."""
    t = shapely.get_type_id(geoms)
    return (
        np.isin(t, (0, 4)),
        np.isin(t, (1, 2, 5)),
        np.isin(t, (3, 6)),
        geoms,
    )


def _float_field(meta_fields: list[str], fields, name: str, n: int) -> np.ndarray:
    if name not in meta_fields:
        return np.full(n, np.nan)
    col = fields[meta_fields.index(name)]
    out = np.full(n, np.nan)
    for k, v in enumerate(col):
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            continue
    if np.ma.isMaskedArray(col):
        out[np.ma.getmaskarray(col)] = np.nan
    return out


def _orient_field(
    meta_fields: list[str], fields, name: str, n: int, file: str, layer: str
) -> np.ndarray:
    """ORIENT (deg) per feature, NaN where absent; a value that is not a number in 0-360 is a
    ChartError naming the file and the layer's field (a lane with a wrong direction of traffic
    flow would score every ship in it against the flow)."""
    if name not in meta_fields:
        return np.full(n, np.nan)
    col = fields[meta_fields.index(name)]
    mask = np.ma.getmaskarray(col) if np.ma.isMaskedArray(col) else np.zeros(n, dtype=bool)
    out = np.full(n, np.nan)
    for k, v in enumerate(col):
        if mask[k] or v is None or (isinstance(v, str) and not v.strip()):
            continue
        try:
            x = float(v)
        except (TypeError, ValueError):
            x = math.nan
        if isinstance(v, float | np.floating) and math.isnan(v):
            continue  # GDAL's "unset" for a real attribute
        if not (ORIENT_RANGE[0] <= x <= ORIENT_RANGE[1]):
            raise ChartError(
                f"{_short(v if not isinstance(v, np.generic) else v.item())} is not an "
                "orientation in deg (0-360)",
                file=file,
                field=f"{layer}.{name}",
            )
        out[k] = x % 360.0
    return out


def _str_field(meta_fields: list[str], fields, name: str, n: int) -> np.ndarray:
    if name not in meta_fields:
        return np.full(n, "", dtype=object)
    col = fields[meta_fields.index(name)]
    return np.array([("" if v is None else str(v)) for v in col], dtype=object)


def _coverage_from_bounds(bounds_lonlat, transformer):
    lon0, lat0, lon1, lat1 = bounds_lonlat
    box = shapely.segmentize(shapely.box(lon0, lat0, lon1, lat1), 0.01)
    return _to_local(np.array([box], dtype=object), transformer)[0]


def _check_origin(data: ChartData, frame: LocalFrame) -> None:
    d = shapely.distance(data.coverage, shapely.Point(0.0, 0.0))
    if not (d <= MAX_ORIGIN_DISTANCE_M):
        lon0, lat0, lon1, lat1 = data.extent_lonlat
        raise ChartError(
            f"chart covers lat {lat0:.3f}..{lat1:.3f}, lon {lon0:.3f}..{lon1:.3f}, "
            f"{d / 1000.0:.0f} km from the scenario origin "
            f"({frame.origin_lat_deg:.3f}, {frame.origin_lon_deg:.3f}): it does not cover "
            "the scenario area",
            file=str(data.path),
        )


# --- S-57 ---------------------------------------------------------------------------------------


def s57_update_files(path: Path) -> list[Path]:
    """The consecutive update files .001, .002, ... next to a base cell (same case as .000)."""
    out = []
    for k in range(1, 1000):
        cand = path.with_suffix(f".{k:03d}")
        if not cand.exists():
            break
        out.append(cand)
    later = [
        p
        for p in path.parent.glob(path.stem + ".*")
        if re.fullmatch(r"\.\d{3}", p.suffix) and int(p.suffix[1:]) > len(out)
    ]
    if later:
        missing = path.with_suffix(f".{len(out) + 1:03d}").name
        raise ChartError(
            f"update file {missing} is missing, so {sorted(p.name for p in later)[0]} and later "
            "updates cannot be applied",
            file=str(path),
        )
    return out


def _read_layer(path: Path, layer: str, **opts):
    import pyogrio

    try:
        meta, _fids, geom, fields = pyogrio.raw.read(str(path), layer=layer, **opts)
    except Exception as exc:  # pyogrio raises several DataSourceError/DataLayerError types
        raise ChartError(
            f"cannot read layer: {_one_line(exc)}", file=str(path), field=layer
        ) from None
    names = [str(f) for f in meta["fields"]]
    n = len(fields[0]) if len(fields) else (0 if geom is None else len(geom))
    try:
        geoms = shapely.from_wkb(geom) if geom is not None else np.full(n, None, dtype=object)
    except shapely.errors.GEOSException as exc:  # e.g. a ring GDAL passed on unclosed
        raise ChartError(
            f"invalid geometry: {_one_line(exc)}", file=str(path), field=layer
        ) from None
    return meta, names, np.asarray(geoms, dtype=object), fields


def probe_centre_latlon(path: Path) -> tuple[float, float]:
    """Centre (lat, lon) of a chart file's data, to build a frame before reading it."""
    import pyogrio
    from pyproj import CRS, Transformer

    _check_file(path)
    try:
        layers = [str(n) for n in pyogrio.list_layers(str(path))[:, 0]]
        if "M_COVR" in layers:
            layers = ["M_COVR"]
        boxes = []
        for layer in layers:
            info = pyogrio.read_info(str(path), layer=layer)
            if info.get("geometry_type") is None or info.get("crs") is None:
                continue
            b = info.get("total_bounds")
            if b is None or not np.all(np.isfinite(b)):
                continue
            tr = Transformer.from_crs(CRS.from_user_input(info["crs"]), "EPSG:4326", always_xy=True)
            lon, lat = tr.transform([b[0], b[2], b[0], b[2]], [b[1], b[1], b[3], b[3]])
            boxes.append((min(lon), min(lat), max(lon), max(lat)))
    except Exception as exc:
        raise ChartError(f"not a readable chart file: {_one_line(exc)}", file=str(path)) from None
    if not boxes:
        raise ChartError("no georeferenced features (missing CRS?)", file=str(path))
    bb = np.array(boxes)
    lat = 0.5 * (bb[:, 1].min() + bb[:, 3].max())
    lon = 0.5 * (bb[:, 0].min() + bb[:, 2].max())
    return float(lat), float(lon)


_COUNTS_CACHE: dict[tuple, dict[str, int]] = {}


def all_layer_counts(path: Path) -> dict[str, int]:
    """Feature count of every layer in the file (S-57: every object class present)."""
    _check_file(path)
    st = path.stat()
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _COUNTS_CACHE:
        _COUNTS_CACHE[key] = _all_layer_counts(path)
    return dict(_COUNTS_CACHE[key])


def _all_layer_counts(path: Path) -> dict[str, int]:
    import pyogrio

    out = {}
    try:
        for name in pyogrio.list_layers(str(path))[:, 0]:
            n = int(pyogrio.read_info(str(path), layer=str(name))["features"])
            if n < 0:  # no fast count (S-57 DSID): count by reading
                flds = pyogrio.raw.read(str(path), layer=str(name), read_geometry=False)[3]
                n = len(flds[0]) if len(flds) else 0
            out[str(name)] = n
    except Exception as exc:
        raise ChartError(f"not a readable chart file: {_one_line(exc)}", file=str(path)) from None
    return out


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def read_s57(path: Path, frame: LocalFrame) -> ChartData:
    import pyogrio

    _check_file(path)
    updates = s57_update_files(path)
    try:
        layers = [str(n) for n in pyogrio.list_layers(str(path))[:, 0]]
    except Exception as exc:
        raise ChartError(f"not a readable S-57 cell: {_one_line(exc)}", file=str(path)) from None
    if "DSID" not in layers:
        raise ChartError("not an S-57 cell (no DSID record)", file=str(path))
    file = str(path)

    meta, names, _g, fields = _read_layer(path, "DSID", read_geometry=False)
    dsid = {n: fields[k][0] for k, n in enumerate(names)} if len(fields) and len(fields[0]) else {}
    try:
        updn = int(dsid.get("DSID_UPDN") or 0)
    except ValueError:
        updn = -1
    if updn != len(updates):
        raise ChartError(
            f"{len(updates)} update file(s) on disk but the cell reads as update {updn} after "
            "applying them; the update sequence is broken",
            file=file,
            field="DSID.DSID_UPDN",
        )
    scale = dsid.get("DSPM_CSCL")
    try:
        scale = int(scale) if scale is not None else None
    except ValueError:
        scale = None
    metadata = {
        "cell": str(dsid.get("DSID_DSNM", path.name)),
        "edition": str(dsid.get("DSID_EDTN", "")),
        "update": updn,
        "update_files": [p.name for p in updates],
        "update_date": str(dsid.get("DSID_UADT", "")),
        "issue_date": str(dsid.get("DSID_ISDT", "")),
        "compilation_scale": scale,
        "agency": str(dsid.get("DSID_COMT", "")),
    }
    radius = MIN_POINT_RADIUS_M
    if scale:
        radius = max(MIN_POINT_RADIUS_M, PLOT_ACCURACY_MM * 1e-3 * scale)

    report: list[str] = []
    counts: dict[str, int] = {}
    read: dict[str, tuple] = {}
    crs = None
    wanted = S57_LAND + S57_DEPTH + S57_UNSURVEYED + S57_OBSTRUCTIONS + S57_LINES + S57_ROUTING
    for layer in dict.fromkeys(("M_COVR", *wanted)):
        if layer not in layers:
            continue
        meta, names, geoms, fields = _read_layer(path, layer)
        crs = crs or meta["crs"]
        counts[layer] = len(geoms)
        read[layer] = (names, geoms, fields)
    if crs is None:
        raise ChartError("cell has no coordinate reference system", file=file)
    tr = _LocalTransformer(frame, crs, file, None)

    # Extent of the data in lon/lat, over every feature read.
    allg = [g for (_n, g, _f) in read.values() if len(g)]
    if not allg:
        raise ChartError("cell has no features", file=file)
    b = shapely.total_bounds(np.concatenate(allg))
    extent = (float(b[0]), float(b[1]), float(b[2]), float(b[3]))

    def layer_geoms(layer):
        if layer not in read:
            return np.empty(0, dtype=object), [], []
        names, geoms, fields = read[layer]
        ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        geoms = _repair(_to_local(geoms[ok], tr), layer, report, file)
        fields = [np.asarray(f)[ok] for f in fields]
        return geoms, names, fields

    # Coverage: M_COVR with CATCOV = 1 (coverage available); else the data extent.
    coverage = None
    if "M_COVR" in read:
        g, names, fields = layer_geoms("M_COVR")
        catcov = _float_field(names, fields, "CATCOV", len(g))
        polys = g[(catcov == 1) & np.isin(shapely.get_type_id(g), (3, 6))]
        if len(polys):
            coverage = shapely.union_all(polys)
    if coverage is None:
        coverage = _coverage_from_bounds(extent, tr)

    land, land_points = [], []
    for layer in S57_LAND:
        g, _n, _f = layer_geoms(layer)
        pt, ln, pg, _ = _split(g)
        land.append(g[pg])
        land_points.append(g[pt | ln])  # line-charted land (rare): treated like point hazards
    depth_polys, dmin, dmax, dlayer, did = [], [], [], [], []
    for layer in S57_DEPTH:
        g, names, fields = layer_geoms(layer)
        pg = np.isin(shapely.get_type_id(g), (3, 6))
        depth_polys.append(g[pg])
        dmin.append(_float_field(names, fields, "DRVAL1", len(g))[pg])
        dmax.append(_float_field(names, fields, "DRVAL2", len(g))[pg])
        dlayer.append(np.full(int(pg.sum()), layer, dtype=object))
        did.append(_str_field(names, fields, "LNAM", len(g))[pg])
    unsurveyed = []
    for layer in S57_UNSURVEYED:
        g, _n, _f = layer_geoms(layer)
        unsurveyed.append(g[np.isin(shapely.get_type_id(g), (3, 6))])
    obst, odepth, olayer, oid = [], [], [], []
    for layer in S57_OBSTRUCTIONS:
        g, names, fields = layer_geoms(layer)
        obst.append(g)
        odepth.append(_float_field(names, fields, "VALSOU", len(g)))
        olayer.append(np.full(len(g), layer, dtype=object))
        oid.append(_str_field(names, fields, "LNAM", len(g)))
    lines = []
    for layer in S57_LINES:
        g, _n, _f = layer_geoms(layer)
        lines.append(g)
    routing: dict[str, list[dict]] = {}
    for layer in S57_ROUTING:
        if layer not in read:
            continue
        g, names, fields = layer_geoms(layer)
        orient = _orient_field(names, fields, "ORIENT", len(g), file, layer)
        objnam = fields[names.index("OBJNAM")] if "OBJNAM" in names else [None] * len(g)
        routing[layer] = [
            {
                "geometry": g[k],
                "orient_deg": None if math.isnan(orient[k]) else float(orient[k]),
                "name": objnam[k] or None,
            }
            for k in range(len(g))
        ]

    data = ChartData(
        path=path,
        format="S-57",
        files=(path, *updates),
        sha256=file_hash((path, *updates)),
        layer_counts=counts,
        land=_cat(land),
        land_points=_cat(land_points),
        depth_polys=_cat(depth_polys),
        depth_min_m=_catf(dmin),
        depth_max_m=_catf(dmax),
        depth_layer=_cat(dlayer),
        depth_id=_cat(did),
        unsurveyed=_cat(unsurveyed),
        obstructions=_cat(obst),
        obstruction_depth_m=_catf(odepth),
        obstruction_layer=_cat(olayer),
        obstruction_id=_cat(oid),
        lines=_cat(lines),
        routing=routing,
        coverage=coverage,
        extent_lonlat=extent,
        point_radius_m=radius,
        metadata=metadata,
        warnings=report,
    )
    _check_origin(data, frame)
    return data


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    parts = [np.asarray(p, dtype=object) for p in parts if len(p)]
    return np.concatenate(parts) if parts else _empty()


def _catf(parts: list[np.ndarray]) -> np.ndarray:
    parts = [np.asarray(p, dtype=float) for p in parts if len(p)]
    return np.concatenate(parts) if parts else np.empty(0)


# --- any vector file (GeoJSON, GeoPackage, shapefile, ...) ---------------------------------------

# Attribute names understood on vector charts (case-insensitive). A polygon is a depth area when
# it has a minimum depth (``drval1`` or ``depth_m``), an obstruction when ``kind = "hazard"``,
# else land. Points and lines are hazards (with ``valsou``/``depth_m`` if known) unless
# ``kind = "coastline"``.
_KIND = ("kind",)
_DEPTH_MIN = ("drval1", "depth_m", "depth")
_DEPTH_MAX = ("drval2",)
_VALSOU = ("valsou", "depth_m", "depth")


def _pick(names: list[str], fields, candidates, n: int) -> np.ndarray:
    lower = [s.lower() for s in names]
    for c in candidates:
        if c in lower:
            return _float_field(names, fields, names[lower.index(c)], n)
    return np.full(n, np.nan)


def _pick_str(names: list[str], fields, candidates, n: int) -> np.ndarray:
    lower = [s.lower() for s in names]
    for c in candidates:
        if c in lower:
            col = fields[lower.index(c)]
            return np.array([str(v).strip().lower() if v is not None else "" for v in col])
    return np.full(n, "", dtype=object)


# --- GeoJSON, checked before GDAL sees it ----------------------------------------------------

# Input limits (docs/architecture.md, "Input limits"). GDAL's GeoJSON driver is lenient where a
# chart must not be: a null or string vertex makes it drop the whole feature without a word, an
# unknown "crs" name falls back to CRS84, a longitude of 200 is kept. So GeoJSON is validated
# here first (RFC 7946), and every problem is a ChartError naming the JSON path.
MAX_GEOJSON_BYTES = 200_000_000
MAX_JSON_NESTING = 32
_GEOJSON_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
# Attributes the reader turns into numbers (any case): a value that is not a number is an
# error, not silently "unknown" (an unknown depth makes a depth area a hazard, i.e. land).
_NUMERIC_PROPS = ("drval1", "drval2", "depth_m", "depth", "valsou")
_KINDS = ("land", "depth", "hazard", "coastline")
_CRS84_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "urn:ogc:def:crs:EPSG::4326",
    "EPSG:4326",
    "CRS84",
    "OGC:CRS84",
}


def is_geojson(path: Path) -> bool:
    if path.suffix.lower() in (".geojson", ".json"):
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head[:1] == b"{"


def _json_depth_ok(text: str, limit: int) -> bool:
    depth = 0
    in_str = esc = False
    for c in text:
        if in_str:
            if esc:
                esc = False
            elif c == "\\":
                esc = True
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "[{":
            depth += 1
            if depth > limit:
                return False
        elif c in "]}":
            depth -= 1
    return True


def _bad_constant(name: str):
    raise ValueError(f"{name} is not a number in JSON")


def check_geojson(path: Path) -> int:
    """Validate a GeoJSON file (RFC 7946) strictly; returns its number of features. Raises
    ChartError naming the file and the JSON path of the first problem."""
    file = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ChartError(f"cannot read chart file ({exc.strerror})", file=file) from None
    if len(data) > MAX_GEOJSON_BYTES:
        raise ChartError(f"larger than {MAX_GEOJSON_BYTES} bytes", file=file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChartError(f"not UTF-8 JSON (byte {exc.start})", file=file) from None
    if not _json_depth_ok(text, MAX_JSON_NESTING):
        raise ChartError(f"JSON nested deeper than {MAX_JSON_NESTING} levels", file=file)
    try:
        doc = json.loads(text, parse_constant=_bad_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise ChartError(f"not valid JSON: {_one_line(exc)}", file=file) from None

    def fail(where: str, msg: str) -> ChartError:
        return ChartError(msg, file=file, field=where)

    if not isinstance(doc, dict):
        raise fail("$", "a GeoJSON document must be an object")
    geographic = _check_geojson_crs(doc, fail)
    kind = doc.get("type")
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise fail("features", "must be an array of Feature objects")
        items = [(f"features[{k}]", f) for k, f in enumerate(feats)]
    elif kind == "Feature":
        items = [("$", doc)]
    elif kind in _GEOJSON_TYPES or kind == "GeometryCollection":
        items = [("$", {"type": "Feature", "geometry": doc, "properties": {}})]
    else:
        raise fail("type", f"{kind!r} is not a GeoJSON type")
    for where, feat in items:
        if not isinstance(feat, dict) or feat.get("type") != "Feature":
            raise fail(where, "must be an object with type = 'Feature'")
        props = feat.get("properties")
        if props is not None and not isinstance(props, dict):
            raise fail(f"{where}.properties", "must be an object or null")
        for key, v in (props or {}).items():
            low = str(key).lower()
            if low in _NUMERIC_PROPS and v is not None and not _depth_ok(v):
                raise fail(f"{where}.properties.{key}", f"{_short(v)} is not a depth in m")
            if low == "orient" and v is not None and not _orient_ok(v):
                raise fail(
                    f"{where}.properties.{key}", f"{_short(v)} is not an orientation in deg (0-360)"
                )
            if low == "class" and isinstance(v, str) and _looks_s57(v) and not _routing_class(v):
                raise fail(
                    f"{where}.properties.{key}",
                    f"{_short(v)} is not an S-57 class the chart reader knows "
                    f"({', '.join(ROUTING_CLASSES)})",
                )
            if (
                low == "kind"
                and v is not None
                and (not isinstance(v, str) or v.strip().lower() not in _KINDS)
            ):
                raise fail(
                    f"{where}.properties.{key}", f"{_short(v)} is not one of {', '.join(_KINDS)}"
                )
        if "geometry" not in feat:
            raise fail(f"{where}.geometry", "missing (use null for a feature without one)")
        if feat["geometry"] is not None:  # null is allowed (RFC 7946) and counted as dropped
            _check_geometry(feat["geometry"], f"{where}.geometry", geographic, fail, 0)
    return len(items)


def _orient_ok(v) -> bool:
    return (
        not isinstance(v, bool)
        and isinstance(v, (int, float))
        and ORIENT_RANGE[0] <= v <= ORIENT_RANGE[1]
    )


def _looks_s57(v: str) -> bool:
    """Six letters, like an S-57 object class acronym (IHO S-57 Appendix A)."""
    t = v.strip()
    return len(t) == 6 and t.isalpha() and t.isupper()


def _routing_class(v) -> str | None:
    if not isinstance(v, str):
        return None
    t = v.strip().upper()
    return t if t in ROUTING_CLASSES else None


def _depth_ok(v) -> bool:
    return not isinstance(v, bool) and isinstance(v, (int, float)) and -1e4 <= v <= 2e4


def _check_geojson_crs(doc: dict, fail) -> bool:
    """True when coordinates are lon/lat (RFC 7946 default); an unknown CRS is an error."""
    if "crs" not in doc or doc["crs"] is None:
        return True
    crs = doc["crs"]
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if (
        not isinstance(crs, dict)
        or crs.get("type") != "name"
        or not isinstance(name, str)
        or not name.strip()
    ):
        raise fail("crs", "must be {type: 'name', properties: {name: '<CRS>'}} (or left out)")
    if name in _CRS84_NAMES:
        return True
    from pyproj import CRS

    try:
        src = CRS.from_user_input(name)
    except Exception:
        raise fail("crs", f"unknown CRS {name!r} (GDAL would read it as CRS84)") from None
    return bool(src.is_geographic)


def _check_geometry(geom, where: str, geographic: bool, fail, depth: int) -> None:
    if not isinstance(geom, dict):
        raise fail(where, "must be a geometry object or null")
    kind = geom.get("type")
    if kind == "GeometryCollection":
        parts = geom.get("geometries")
        if not isinstance(parts, list) or depth > 2:
            raise fail(f"{where}.geometries", "must be an array of geometries")
        for k, g in enumerate(parts):
            _check_geometry(g, f"{where}.geometries[{k}]", geographic, fail, depth + 1)
        return
    if kind not in _GEOJSON_TYPES:
        raise fail(f"{where}.type", f"{kind!r} is not a GeoJSON geometry type")
    _check_coords(geom.get("coordinates"), kind, f"{where}.coordinates", geographic, fail)


def _check_coords(c, kind: str, where: str, geographic: bool, fail) -> None:
    if kind == "Point":
        _check_position(c, where, geographic, fail)
        return
    if not isinstance(c, list):
        raise fail(where, f"must be an array ({kind})")
    if kind in ("MultiPoint", "MultiLineString", "MultiPolygon"):
        for k, x in enumerate(c):
            _check_coords(x, kind[5:], f"{where}[{k}]", geographic, fail)
    elif kind == "LineString":
        if len(c) < 2:
            raise fail(where, f"a LineString needs at least 2 positions, got {len(c)}")
        for k, x in enumerate(c):
            _check_position(x, f"{where}[{k}]", geographic, fail)
    elif kind == "Polygon":
        if not c:
            raise fail(where, "a Polygon needs an exterior ring")
        for r, ring in enumerate(c):
            w = f"{where}[{r}]"
            if not isinstance(ring, list) or len(ring) < 4:
                n = len(ring) if isinstance(ring, list) else 0
                raise fail(w, f"a polygon ring needs at least 4 positions, got {n}")
            for k, x in enumerate(ring):
                _check_position(x, f"{w}[{k}]", geographic, fail)
            if ring[0] != ring[-1]:
                raise fail(w, "polygon ring is not closed (first and last positions differ)")


def _check_position(p, where: str, geographic: bool, fail) -> None:
    if not isinstance(p, list) or not 2 <= len(p) <= 3:
        raise fail(where, f"a position must be [lon, lat] or [lon, lat, z], got {_short(p)}")
    for v in p:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise fail(where, f"coordinate {_short(v)} is not a finite number")
    if geographic and not (-180.0 <= p[0] <= 180.0 and -90.0 <= p[1] <= 90.0):
        raise fail(where, f"[{p[0]:g}, {p[1]:g}] is outside lon -180..180, lat -90..90")


def _short(v) -> str:
    text = json.dumps(v) if not isinstance(v, float) else repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def read_vector(path: Path, frame: LocalFrame) -> ChartData:
    import pyogrio

    _check_file(path)
    file = str(path)
    geojson_features = check_geojson(path) if is_geojson(path) else None
    dropped: Counter = Counter()
    try:
        layers = [str(n) for n in pyogrio.list_layers(str(path))[:, 0]]
    except Exception as exc:
        raise ChartError(f"not a readable vector file: {_one_line(exc)}", file=file) from None
    report: list[str] = []
    counts: dict[str, int] = {}
    land, land_pts, dpolys, dmin, dmax, obst, odepth, lines = ([] for _ in range(8))
    routing: dict[str, list[dict]] = {}
    bounds = []
    driver = "vector"
    for layer in layers:
        try:
            info = pyogrio.read_info(str(path), layer=layer)
        except Exception as exc:
            raise ChartError(
                f"cannot read layer: {_one_line(exc)}", file=file, field=layer
            ) from None
        driver = info.get("driver") or driver
        if info.get("geometry_type") is None:
            continue  # attribute-only table
        meta, names, geoms, fields = _read_layer(path, layer)
        counts[layer] = len(geoms)
        if meta["crs"] is None:
            raise ChartError(
                "layer has no coordinate reference system; declare one (GeoJSON is CRS84 by "
                "RFC 7946; other formats need it in the file, e.g. a .prj next to a shapefile)",
                file=file,
                field=layer,
            )
        missing = shapely.is_missing(geoms)
        empty = ~missing & shapely.is_empty(geoms)
        dropped["no_geometry"] += int(missing.sum())
        dropped["empty_geometry"] += int(empty.sum())
        ok = ~missing & ~empty
        geoms = geoms[ok]
        fields = [np.asarray(f)[ok] for f in fields]
        if not len(geoms):
            continue
        _check_lonlat(geoms, meta["crs"], file, layer)
        lb = shapely.total_bounds(_to_local_lonlat(geoms, frame, meta["crs"], file, layer))
        bounds.append(lb)
        tr = _LocalTransformer(frame, meta["crs"], file, layer)
        geoms = _repair(_to_local(geoms, tr), layer, report, file)
        n = len(geoms)
        kind = _pick_str(names, fields, _KIND, n)
        d1 = _pick(names, fields, _DEPTH_MIN, n)
        d2 = _pick(names, fields, _DEPTH_MAX, n)
        vs = _pick(names, fields, _VALSOU, n)
        pt, ln, pg, _ = _split(geoms)
        # Ships' routeing objects (charts/README.md): a ``class`` naming an S-57 routeing class.
        # They are not land or hazards; a dredged area with a depth is a depth area as well.
        rclass = np.array(
            [_routing_class(v) or "" for v in _raw_field(names, fields, ("class",), n)],
            dtype=object,
        )
        is_route = rclass != ""
        if is_route.any():
            _add_routing(routing, geoms, rclass, names, fields, file, layer)
        is_depth = (
            pg
            & (~np.isnan(d1) | (kind == "depth"))
            & (kind != "land")
            & (~is_route | ((rclass == "DRGARE") & ~np.isnan(d1)))
        )
        is_obst_area = pg & (kind == "hazard") & ~is_route
        is_land = pg & ~is_depth & ~is_obst_area & ~is_route
        land.append(geoms[is_land])
        dpolys.append(geoms[is_depth])
        dmin.append(d1[is_depth])
        dmax.append(np.where(np.isnan(d2), d1, d2)[is_depth])
        is_coast = ln & (kind == "coastline") & ~is_route
        lines.append(geoms[is_coast])
        pl_land = (pt | ln) & (kind == "land") & ~is_route
        land_pts.append(geoms[pl_land])
        is_obst = ((pt | ln) & ~is_coast & ~pl_land & ~is_route) | is_obst_area
        obst.append(geoms[is_obst])
        odepth.append(vs[is_obst])
    if geojson_features is not None and sum(counts.values()) != geojson_features:
        # Never a silent loss: GDAL must return every feature the file holds.
        raise ChartError(
            f"GDAL read {sum(counts.values())} features, the file has {geojson_features}",
            file=file,
        )
    dropped = Counter({k: v for k, v in dropped.items() if v})
    for why, k in dropped.items():
        msg = f"{file}: skipped {k} feature{'s' if k != 1 else ''} ({why})"
        report.append(msg)
        warnings.warn(msg, ChartWarning, stacklevel=2)
    if not bounds:
        raise ChartError("file has no features", file=file)
    bb = np.array(bounds)
    extent = (
        float(bb[:, 0].min()),
        float(bb[:, 1].min()),
        float(bb[:, 2].max()),
        float(bb[:, 3].max()),
    )
    coverage = _coverage_from_bounds(extent, _LocalTransformer(frame, "EPSG:4326", file, None))
    n_obst = sum(len(o) for o in obst)
    data = ChartData(
        path=path,
        format=str(driver),
        files=(path,),
        sha256=file_hash((path,)),
        layer_counts=counts,
        land=_cat(land),
        land_points=_cat(land_pts),
        depth_polys=_cat(dpolys),
        depth_min_m=_catf(dmin),
        depth_max_m=_catf(dmax),
        depth_layer=np.full(sum(len(p) for p in dpolys), "depth", dtype=object),
        depth_id=np.full(sum(len(p) for p in dpolys), "", dtype=object),
        unsurveyed=_empty(),
        obstructions=_cat(obst),
        obstruction_depth_m=_catf(odepth),
        obstruction_layer=np.full(n_obst, "hazard", dtype=object),
        obstruction_id=np.full(n_obst, "", dtype=object),
        lines=_cat(lines),
        routing=routing,
        coverage=coverage,
        extent_lonlat=extent,
        point_radius_m=MIN_POINT_RADIUS_M,
        metadata={},
        warnings=report,
        dropped=dict(dropped),
    )
    _check_origin(data, frame)
    return data


def _raw_field(names: list[str], fields, candidates, n: int) -> list:
    """The first attribute among ``candidates`` (any case), values as read; Nones if absent."""
    lower = [s.lower() for s in names]
    for c in candidates:
        if c in lower:
            col = fields[lower.index(c)]
            mask = np.ma.getmaskarray(col) if np.ma.isMaskedArray(col) else np.zeros(n, bool)
            return [None if mask[k] else col[k] for k in range(n)]
    return [None] * n


def _add_routing(routing, geoms, rclass, names, fields, file: str, layer: str) -> None:
    lower = [s.lower() for s in names]
    orient = (
        _orient_field(names, fields, names[lower.index("orient")], len(geoms), file, layer)
        if "orient" in lower
        else np.full(len(geoms), np.nan)
    )
    label = _raw_field(names, fields, ("objnam", "name"), len(geoms))
    for k in np.flatnonzero(rclass != ""):
        routing.setdefault(str(rclass[k]), []).append(
            {
                "geometry": geoms[k],
                "orient_deg": None if math.isnan(orient[k]) else float(orient[k]),
                "name": str(label[k]) if label[k] not in (None, "") else None,
            }
        )


def _check_lonlat(geoms: np.ndarray, crs, file: str, layer: str) -> None:
    """Any vector format: coordinates must be finite and, once in lon/lat, on the globe (a
    shapefile can hold NaN or a longitude of 200 as well as GeoJSON can)."""
    xy = shapely.get_coordinates(geoms)
    bad = ~np.all(np.isfinite(xy), axis=1)
    if not bad.any():
        from pyproj import CRS

        try:
            geographic = CRS.from_user_input(crs).is_geographic
        except Exception:
            geographic = False  # reported by the transformer with the CRS text
        if geographic:
            bad = (np.abs(xy[:, 0]) > 180.0) | (np.abs(xy[:, 1]) > 90.0)
    if bad.any():
        x, y = xy[int(np.argmax(bad))]
        raise ChartError(
            f"coordinate ({x:g}, {y:g}) is not finite or not on the globe "
            f"({int(bad.sum())} such vertices)",
            file=file,
            field=layer,
        )


def _to_local_lonlat(geoms, frame: LocalFrame, crs, file: str, layer: str):
    """Geometries in lon/lat (for the extent), whatever the file's CRS."""
    from pyproj import CRS, Transformer

    try:
        src = CRS.from_user_input(crs)
    except Exception as exc:
        raise ChartError(f"unknown CRS {crs!r}: {_one_line(exc)}", file=file, field=layer) from None
    if src.is_geographic and src.to_epsg() == 4326:
        return geoms
    tr = Transformer.from_crs(src, "EPSG:4326", always_xy=True)
    return _to_local(geoms, tr)
