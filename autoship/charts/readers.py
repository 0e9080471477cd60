"""Chart readers: S-57 ENC cells and any vector file pyogrio reads, into local-frame geometry.

Both readers return a ``ChartData`` (plain arrays of shapely geometries in the scenario's local
frame, x = east, y = north); ``autoship.charts.chart.Chart`` derives hazards from it.

S-57 through pyogrio: its wheels bundle GDAL (3.12 here) with the S57 driver; the driver applies
the update files ``.001``, ``.002``, ... found next to the base cell, in order, on open (GDAL
S57 driver docs, open option ``UPDATES=APPLY`` by default; data-formats reference 5.1 checked
``DSID_UPDN`` = 3 with updates and 0 with ``UPDATES=IGNORE``). GDAL stops silently at the first
missing update, so the reader checks the sequence on disk against ``DSID_UPDN`` itself.
"""

from __future__ import annotations

import hashlib
import math
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from autoship.errors import ChartError
from autoship.geo import LocalFrame

# Object classes read from a cell. Depth areas: DEPARE, DRGARE (DRVAL1/DRVAL2); point, line or
# area hazards with a sounding: OBSTRN, WRECKS, UWTROC (VALSOU) (data-formats reference 5.2);
# platforms, piles and shoreline constructions (piers, breakwaters) have no sounding and are
# hazards at any draught.
S57_LAND = ("LNDARE",)
S57_DEPTH = ("DEPARE", "DRGARE")
S57_UNSURVEYED = ("UNSARE",)
S57_OBSTRUCTIONS = ("OBSTRN", "WRECKS", "UWTROC", "OFSPLF", "PILPNT", "SLCONS")
S57_LINES = ("COALNE",)
# Traffic separation and fairways: kept for the COLREG rules 9 and 10 that come later.
S57_ROUTING = ("FAIRWY", "TSSLPT", "TSSBND", "TSEZNE", "TSSRON", "TSSCRS", "PRCARE", "ISTZNE")

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
    geoms = shapely.from_wkb(geom) if geom is not None else np.full(n, None, dtype=object)
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
    for layer in ("M_COVR", *wanted):
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
        orient = _float_field(names, fields, "ORIENT", len(g))
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


def read_vector(path: Path, frame: LocalFrame) -> ChartData:
    import pyogrio

    _check_file(path)
    file = str(path)
    try:
        layers = [str(n) for n in pyogrio.list_layers(str(path))[:, 0]]
    except Exception as exc:
        raise ChartError(f"not a readable vector file: {_one_line(exc)}", file=file) from None
    report: list[str] = []
    counts: dict[str, int] = {}
    land, land_pts, dpolys, dmin, dmax, obst, odepth, lines = ([] for _ in range(8))
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
        ok = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        geoms = geoms[ok]
        fields = [np.asarray(f)[ok] for f in fields]
        if not len(geoms):
            continue
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
        is_depth = pg & (~np.isnan(d1) | (kind == "depth")) & (kind != "land")
        is_obst_area = pg & (kind == "hazard")
        is_land = pg & ~is_depth & ~is_obst_area
        land.append(geoms[is_land])
        dpolys.append(geoms[is_depth])
        dmin.append(d1[is_depth])
        dmax.append(np.where(np.isnan(d2), d1, d2)[is_depth])
        is_coast = ln & (kind == "coastline")
        lines.append(geoms[is_coast])
        pl_land = (pt | ln) & (kind == "land")
        land_pts.append(geoms[pl_land])
        is_obst = ((pt | ln) & ~is_coast & ~pl_land) | is_obst_area
        obst.append(geoms[is_obst])
        odepth.append(vs[is_obst])
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
        routing={},
        coverage=coverage,
        extent_lonlat=extent,
        point_radius_m=MIN_POINT_RADIUS_M,
        metadata={},
        warnings=report,
    )
    _check_origin(data, frame)
    return data


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
