"""The chart in the local frame, hazards for a given draught, and the queries the loop makes."""

from __future__ import annotations

import hashlib
import math
import os
import threading
from pathlib import Path

import numpy as np
import shapely
from shapely import STRtree

from autoship.charts import sdf as _sdf
from autoship.charts.readers import ChartData, read_s57, read_vector
from autoship.charts.routing import Routing
from autoship.errors import ChartError
from autoship.geo import LocalFrame
from autoship.geometry import wrap_pi_array

# Boundary rings are cut into pieces of at most this many segments for the STRtree, so a nearest
# query touches a few short lines instead of a whole coastline.
EDGE_CHUNK = 32
# Heading change per sub-pose when sweeping a hull between ticks: the corner arc bulges at most
# r (1 - cos(2.5 deg)) ~ 0.1 % of the half diagonal outside the hull of two sub-poses.
SWEEP_STEP_RAD = math.radians(5.0)
MAX_SWEEP_STEPS = 72
# The field's error is below one cell near boundaries and bounded by ~2.4 cells after bilinear
# interpolation of nodes that are each within one cell; 3 cells keeps the prefilter exact.
PREFILTER_MARGIN_CELLS = 3.0
# The prefilter's field is coarse (cheap to build: 0.3 M nodes for US4MD81M); ships within
# about 3 cells of a hazard take the exact path.
PREFILTER_RES_M = 100.0
# Default distance-field resolution: about 4 million nodes (32 MB) over the chart, never finer
# than 5 m (30 m for the 54 x 78 km of US4MD81M).
SDF_TARGET_NODES = 4.0e6
SDF_MIN_RES_M = 5.0
SDF_FORMAT = 2  # 2: the file also holds the boundary for exact distances off the grid


def cache_dir() -> Path:
    """``$AUTOSHIP_CACHE`` or ``~/.cache/autoship``."""
    env = os.environ.get("AUTOSHIP_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "autoship"


def _as_1d(a) -> np.ndarray:
    return np.ascontiguousarray(np.atleast_1d(np.asarray(a, dtype=np.float64)))


class Chart:
    """One chart file read into the scenario's local frame (x = east, y = north in shapely)."""

    def __init__(self, data: ChartData, frame: LocalFrame) -> None:
        self.data = data
        self.frame = frame
        self.path = data.path
        self.format = data.format
        self.layer_counts = dict(data.layer_counts)
        self.metadata = dict(data.metadata)
        self.warnings = list(data.warnings)
        self.point_radius_m = data.point_radius_m
        self.coverage = data.coverage
        shapely.prepare(self.coverage)
        self._hazards: dict[tuple[float, float], Hazards] = {}
        self._depth_tree: STRtree | None = None
        self._land = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Chart({str(self.path)!r}, {self.format})"

    @classmethod
    def from_local(
        cls,
        frame: LocalFrame,
        land=(),
        depth_areas=(),
        obstructions=(),
        coverage=None,
        point_radius_m: float = 20.0,
        name: str = "<local>",
        routing: dict[str, list[dict]] | None = None,
    ) -> Chart:
        """A chart made from shapely geometry already in the local frame (x = east, y = north):
        ``land`` polygons, ``depth_areas`` as (polygon, drval1, drval2), ``obstructions`` as
        (geometry, valsou or None) and ``routing`` as ``Chart.routing`` gives it. For synthetic
        scenarios and tests."""
        land = np.array(list(land), dtype=object)
        dpolys = np.array([d[0] for d in depth_areas], dtype=object)
        obst = np.array([o[0] for o in obstructions], dtype=object)
        parts = [g for g in (*land, *dpolys, *obst)]
        if coverage is None:
            if not parts:
                raise ChartError("a chart needs at least one geometry or a coverage", file=name)
            b = shapely.total_bounds(np.array(parts, dtype=object))
            coverage = shapely.box(*b)
        e0, n0, e1, n1 = shapely.bounds(coverage)
        lat, lon = frame.to_latlon(np.array([n0, n1]), np.array([e0, e1]))
        h = hashlib.sha256(name.encode())
        for g in (*parts, coverage):
            h.update(shapely.to_wkb(g))

        def nan(v):
            return np.nan if v is None else float(v)

        data = ChartData(
            path=Path(name),
            format="local",
            files=(),
            sha256=h.hexdigest(),
            layer_counts={
                "land": len(land),
                "depth": len(dpolys),
                "obstructions": len(obst),
            },
            land=land,
            land_points=np.empty(0, dtype=object),
            depth_polys=dpolys,
            depth_min_m=np.array([nan(d[1]) for d in depth_areas], dtype=float),
            depth_max_m=np.array([nan(d[2]) for d in depth_areas], dtype=float),
            depth_layer=np.full(len(dpolys), "depth", dtype=object),
            depth_id=np.full(len(dpolys), "", dtype=object),
            unsurveyed=np.empty(0, dtype=object),
            obstructions=obst,
            obstruction_depth_m=np.array([nan(o[1]) for o in obstructions], dtype=float),
            obstruction_layer=np.full(len(obst), "hazard", dtype=object),
            obstruction_id=np.full(len(obst), "", dtype=object),
            lines=np.empty(0, dtype=object),
            routing=dict(routing or {}),
            coverage=coverage,
            extent_lonlat=(float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())),
            point_radius_m=float(point_radius_m),
        )
        return cls(data, frame)

    @property
    def sha256(self) -> str:
        return self.data.sha256

    @property
    def extent_lonlat(self) -> tuple[float, float, float, float]:
        return self.data.extent_lonlat

    @property
    def routing(self) -> dict[str, list[dict]]:
        """Ships' routeing objects by S-57 class (``autoship.charts.routing.ROUTING_CLASSES``:
        fairways, dredged areas, recommended tracks, navigation lines, traffic separation
        schemes): [{"geometry", "orient_deg", "name"}] in the local frame, for COLREG rules 9
        and 10 (``Routing.from_chart``). Vector charts give them as features whose ``class``
        property names the S-57 class (charts/README.md)."""
        return self.data.routing

    def depth_range_m(self) -> tuple[float, float] | None:
        d = np.concatenate([self.data.depth_min_m, self.data.depth_max_m])
        d = d[np.isfinite(d)]
        return (float(d.min()), float(d.max())) if d.size else None

    def covers(self, north, east) -> np.ndarray:
        """True where the chart has data (S-57 M_COVR coverage, else the data extent)."""
        return shapely.intersects_xy(self.coverage, _as_1d(east), _as_1d(north))

    def depth_at(self, north, east) -> tuple[np.ndarray, np.ndarray]:
        """(DRVAL1, DRVAL2) of the shallowest depth area at each point; NaN where there is none
        (land, or no depth data)."""
        n = _as_1d(north)
        e = _as_1d(east)
        d1 = np.full(n.shape, np.nan)
        d2 = np.full(n.shape, np.nan)
        if self._depth_tree is None:
            self._depth_tree = STRtree(self.data.depth_polys)
        if len(self.data.depth_polys) and n.size:
            pts, polys = self._depth_tree.query(shapely.points(e, n), predicate="intersects")
            v1 = self.data.depth_min_m[polys]
            v2 = self.data.depth_max_m[polys]
            # Shallowest wins where areas touch: sort by depth descending, let later writes win.
            order = np.argsort(-np.nan_to_num(v1, nan=-np.inf), kind="stable")
            d1[pts[order]] = v1[order]
            d2[pts[order]] = v2[order]
        return d1, d2

    def is_land(self, north, east) -> np.ndarray:
        """True on charted land polygons (not the depth-dependent hazards)."""
        if self._land is None:
            self._land = shapely.union_all(self.data.land) if len(self.data.land) else None
            if self._land is not None:
                shapely.prepare(self._land)
        if self._land is None:
            return np.zeros(_as_1d(north).shape, dtype=bool)
        return shapely.intersects_xy(self._land, _as_1d(east), _as_1d(north))

    # --- hazards ---------------------------------------------------------------------------------

    def hazard_mask(self, draught_m: float, ukc_m: float) -> dict[str, np.ndarray]:
        """Which source features are hazards for a ship of this draught plus under-keel margin.

        Depth areas count when DRVAL1 < draught + ukc (unknown DRVAL1 counts); obstructions,
        wrecks and rocks when VALSOU < draught + ukc or unknown (IHO S-57 attributes).
        """
        limit = float(draught_m) + float(ukc_m)
        d = self.data
        dmin = d.depth_min_m
        osd = d.obstruction_depth_m
        return {
            "depth": ~(dmin >= limit),  # NaN compares False, so unknown depth is a hazard
            "obstruction": ~(osd >= limit),
        }

    def hazards(self, draught_m: float, ukc_m: float = 0.0) -> Hazards:
        """Hazards for a ship of ``draught_m`` keeping ``ukc_m`` under the keel (cached)."""
        for name, v in (("draught_m", draught_m), ("under_keel_clearance_m", ukc_m)):
            ok = isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
            if not (ok and math.isfinite(v) and v >= 0.0):
                raise ChartError(f"must be a finite number >= 0, got {v!r}", field=name)
        key = (float(draught_m), float(ukc_m))
        with self._lock:
            hz = self._hazards.get(key)
            if hz is None:
                hz = Hazards(self, *key)
                self._hazards[key] = hz
        return hz

    def hazard_geometry(self, draught_m: float, ukc_m: float):
        d = self.data
        m = self.hazard_mask(draught_m, ukc_m)
        r = self.point_radius_m
        obst = d.obstructions[m["obstruction"]]
        areal = np.isin(shapely.get_type_id(obst), (3, 6))
        # Land, unsurveyed and depth areas are S-57 group 1 ("skin of the earth"): they tile the
        # cell without overlap, so a coverage union (edges shared exactly) merges them ~20x
        # faster than a general union. Its output is checked, and a general union is the fallback.
        skin = [np.asarray(p, dtype=object) for p in (d.land, d.unsurveyed) if len(p)]
        dp = d.depth_polys[m["depth"]]
        if len(dp):
            skin.append(dp)
        base = shapely.MultiPolygon()
        if skin:
            skin_arr = np.concatenate(skin)
            if d.format == "S-57":
                base = shapely.coverage_union_all(skin_arr)
                area = float(shapely.area(skin_arr).sum())
                if not shapely.is_valid(base) or abs(base.area - area) > 1e-9 * max(area, 1.0):
                    base = shapely.union_all(skin_arr)
            else:
                base = shapely.union_all(skin_arr)
        others = [
            obst[areal],
            shapely.buffer(obst[~areal], r, quad_segs=4),
            shapely.buffer(d.land_points, r, quad_segs=4),
        ]
        others = [np.asarray(p, dtype=object) for p in others if len(p)]
        if others:
            geom = shapely.union_all(np.concatenate([[base], *others]))
        else:
            geom = base
        polys = shapely.get_parts(geom)
        polys = polys[np.isin(shapely.get_type_id(polys), (3,)) & ~shapely.is_empty(polys)]
        return shapely.MultiPolygon(list(polys)) if len(polys) else shapely.MultiPolygon()

    def check_ship(
        self,
        ship_id: str,
        draught_m: float,
        ukc_m: float,
        start: tuple[float, float],
        goal: tuple[float, float] | None = None,
        file: str | None = None,
    ) -> None:
        """Raises ChartError when a ship starts or has its goal on a hazard or off the chart."""
        hz = self.hazards(draught_m, ukc_m)
        for what, pos in (("start", start), ("goal", goal)):
            if pos is None:
                continue
            n, e = float(pos[0]), float(pos[1])
            field = f"ship[{ship_id}].{what}"
            if not self.covers(n, e)[0]:
                raise ChartError(
                    f"ship {ship_id!r}: {what} ({n:.0f} N, {e:.0f} E m) is outside the chart "
                    f"{self.path.name}",
                    file=file,
                    field=field,
                )
            if hz.contains(n, e)[0]:
                raise ChartError(
                    f"ship {ship_id!r}: {what} ({n:.0f} N, {e:.0f} E m) is on a hazard for "
                    f"draught {draught_m:g} m + under-keel clearance {ukc_m:g} m "
                    f"(land or water shallower than {draught_m + ukc_m:g} m)",
                    file=file,
                    field=field,
                )

    # --- viewer -----------------------------------------------------------------------------------

    def to_viewer_json(
        self,
        draught_m: float | None = None,
        ukc_m: float = 0.0,
        tolerance_m: float = 5.0,
    ) -> dict:
        """The run folder's ``chart.json``: polygons and point hazards in the local frame.

        Land and depth areas always; the merged hazard polygons too when ``draught_m`` is given
        (the deepest ship's, say). Rings are simplified by ``tolerance_m`` and rounded to 0.1 m.
        A chart with ships' routeing objects adds ``routing`` (``Routing.to_json``: unsimplified,
        rounded to 0.1 m), which the referee scores rules 9 and 10 from.
        """
        d = self.data
        polys: list[dict] = []

        def add(kind, geom, d1=None, d2=None):
            g = shapely.simplify(geom, tolerance_m, preserve_topology=True)
            for p in shapely.get_parts(g):
                if shapely.get_type_id(p) != 3 or p.is_empty:
                    continue
                rings = [p.exterior, *p.interiors]
                out = [np.round(np.asarray(r.coords)[:, :2], 1).tolist() for r in rings]
                polys.append(
                    {
                        "kind": kind,
                        "drval1": None if d1 is None or not math.isfinite(d1) else float(d1),
                        "drval2": None if d2 is None or not math.isfinite(d2) else float(d2),
                        "rings": out,
                    }
                )

        for k, g in enumerate(d.depth_polys):
            add("depth", g, d.depth_min_m[k], d.depth_max_m[k])
        for g in d.land:
            add("land", g)
        if draught_m is not None:
            add("hazard", self.hazards(draught_m, ukc_m).geometry)
        points = []
        for k, g in enumerate(d.obstructions):
            if shapely.get_type_id(g) not in (0, 4):
                continue
            for p in shapely.get_parts(g):
                depth = d.obstruction_depth_m[k]
                points.append(
                    {
                        "kind": str(d.obstruction_layer[k]).lower(),
                        "east": round(float(p.x), 1),
                        "north": round(float(p.y), 1),
                        "depth_m": None if not math.isfinite(depth) else float(depth),
                    }
                )
        out: dict = {"polygons": polys, "points": points}
        routing = Routing.from_chart(self)
        if not routing.empty:
            # Only when there is something: charts without routeing keep their record as before.
            out["routing"] = routing.to_json()
        return out


class Hazards:
    """The merged hazard polygons for one (chart, draught, under-keel clearance)."""

    def __init__(self, chart: Chart, draught_m: float, ukc_m: float) -> None:
        self.chart = chart
        self.draught_m = draught_m
        self.ukc_m = ukc_m
        self.geometry = chart.hazard_geometry(draught_m, ukc_m)
        shapely.prepare(self.geometry)
        self.n_polygons = len(shapely.get_parts(self.geometry))
        self._edges = _edge_chunks(self.geometry)
        self._tree = STRtree(self._edges)
        self._fields: dict[object, _sdf.DistanceField] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"Hazards({self.chart.path.name}, draught {self.draught_m:g} m, "
            f"ukc {self.ukc_m:g} m, {self.n_polygons} polygons)"
        )

    @property
    def empty(self) -> bool:
        return self.n_polygons == 0

    def contains(self, north, east) -> np.ndarray:
        """True for points on or inside a hazard."""
        return shapely.intersects_xy(self.geometry, _as_1d(east), _as_1d(north))

    def boundary_distance(self, north, east) -> np.ndarray:
        """Exact distance (m) to the nearest hazard boundary (inf when there is no hazard)."""
        n = _as_1d(north)
        e = _as_1d(east)
        out = np.full(n.shape, np.inf)
        if self.empty or n.size == 0:
            return out
        pts = shapely.points(e, n)
        idx, dist = self._tree.query_nearest(pts, return_distance=True, all_matches=False)
        out[idx[0]] = dist
        return out

    def clearance(self, north, east) -> np.ndarray:
        """Exact distance (m) to the nearest hazard, 0 on or inside one."""
        d = self.boundary_distance(north, east)
        d[self.contains(north, east)] = 0.0
        return d

    def hull_clearance(self, north, east, heading, length, beam) -> np.ndarray:
        """Exact distance (m) from each hull rectangle (length x beam centred on the position,
        heading rad clockwise from north) to the nearest hazard; 0 when it touches one. This is
        the figure for a run's ``min_clearance_m``."""
        n, e, h, L, B = np.broadcast_arrays(
            *(_as_1d(a) for a in (north, east, heading, length, beam))
        )
        out = np.full(n.shape, np.inf)
        if self.empty or n.size == 0:
            return out
        hx = 0.5 * L[:, None] * np.array([1.0, 1.0, -1.0, -1.0, 1.0])
        hy = 0.5 * B[:, None] * np.array([1.0, -1.0, -1.0, 1.0, 1.0])
        c = np.cos(h)[:, None]
        s = np.sin(h)[:, None]
        cn = n[:, None] + hx * c - hy * s
        ce = e[:, None] + hx * s + hy * c
        rects = shapely.polygons(np.stack([ce, cn], axis=-1))
        idx, dist = self._tree.query_nearest(rects, return_distance=True, all_matches=False)
        out[idx[0]] = dist
        out[self.contains(n, e)] = 0.0
        return out

    def swept_hits(
        self,
        north0,
        east0,
        north1,
        east1,
        heading0,
        heading1,
        length,
        beam,
        prefilter: bool = True,
    ) -> np.ndarray:
        """Does the hull rectangle (length x beam, centred on the position) swept from pose 0 to
        pose 1 touch a hazard? Headings in rad clockwise from north; all arrays of shape (n,).

        With ``prefilter`` the (cached) distance field first rules out ships far from every
        hazard; the answer is the same, only faster (about 2 us instead of 130 us a ship)."""
        n0, e0, n1, e1, h0, h1, L, B = np.broadcast_arrays(
            *(_as_1d(a) for a in (north0, east0, north1, east1, heading0, heading1, length, beam))
        )
        hit = np.zeros(n0.shape[0], dtype=bool)
        if self.empty or n0.shape[0] == 0:
            return hit
        if prefilter:
            # Ships far from every hazard cannot touch one this tick: a coarse distance field
            # (error < PREFILTER_MARGIN_CELLS cells, see sdf.py) at the start pose must exceed
            # the move plus the half diagonal. Only the others go through the exact test.
            f = self.distance_field(max(self.default_resolution_m(), PREFILTER_RES_M))
            clear = f.sample(n0, e0) - PREFILTER_MARGIN_CELLS * f.res
            reach = np.hypot(n1 - n0, e1 - e0) + 0.5 * np.hypot(L, B)
            near = np.nonzero(~(clear > reach))[0]
            if near.size == 0:
                return hit
            if near.size < n0.shape[0]:
                hit[near] = self.swept_hits(
                    n0[near],
                    e0[near],
                    n1[near],
                    e1[near],
                    h0[near],
                    h1[near],
                    L[near],
                    B[near],
                    prefilter=False,
                )
                return hit
        n = n0.shape[0]
        dpsi = wrap_pi_array(h1 - h0)
        m = int(np.clip(np.ceil(np.abs(dpsi).max() / SWEEP_STEP_RAD), 1, MAX_SWEEP_STEPS))
        t = np.linspace(0.0, 1.0, m + 1)[None, :]
        pn = n0[:, None] + (n1 - n0)[:, None] * t
        pe = e0[:, None] + (e1 - e0)[:, None] * t
        ps = h0[:, None] + dpsi[:, None] * t
        hx = 0.5 * L[:, None, None] * np.array([1.0, 1.0, -1.0, -1.0])[None, None, :]
        hy = 0.5 * B[:, None, None] * np.array([1.0, -1.0, -1.0, 1.0])[None, None, :]
        c = np.cos(ps)[:, :, None]
        s = np.sin(ps)[:, :, None]
        cn = pn[:, :, None] + hx * c - hy * s  # (n, m+1, 4)
        ce = pe[:, :, None] + hx * s + hy * c
        # Hull of consecutive sub-poses: 8 corners each, (n*m, 8, 2) with x = east, y = north.
        xy = np.stack([ce, cn], axis=-1)
        pairs = np.concatenate([xy[:, :-1], xy[:, 1:]], axis=2).reshape(n * m, 8, 2)
        hulls = shapely.convex_hull(shapely.multipoints(pairs))
        owner = np.repeat(np.arange(n), m)
        q = self._tree.query(hulls, predicate="intersects")
        hit[owner[q[0]]] = True
        # A hull entirely inside a hazard touches no boundary: its centre tells.
        hit |= self.contains(n0, e0)
        return hit

    # --- distance field ---------------------------------------------------------------------------

    def default_resolution_m(self) -> float:
        n_min, e_min, n_max, e_max = self._sdf_extent(0.0)
        area = max((n_max - n_min) * (e_max - e_min), 1.0)
        res = math.sqrt(area / SDF_TARGET_NODES)
        return float(max(SDF_MIN_RES_M, math.ceil(res)))

    def _sdf_extent(self, margin: float) -> tuple[float, float, float, float]:
        e_min, n_min, e_max, n_max = shapely.bounds(self.chart.coverage)
        return (n_min - margin, e_min - margin, n_max + margin, e_max + margin)

    def cache_key(self, res: float) -> str:
        c = self.chart
        text = "|".join(
            [
                f"sdf{SDF_FORMAT}",
                c.sha256,
                repr(c.frame.origin_lat_deg),
                repr(c.frame.origin_lon_deg),
                repr(self.draught_m),
                repr(self.ukc_m),
                repr(c.point_radius_m),
                repr(float(res)),
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def distance_field(
        self, resolution_m: float | None = None, use_cache: bool = True
    ) -> _sdf.DistanceField:
        """Signed distance raster over the chart coverage (plus a 10-cell margin), built once and
        cached in memory and on disk under ``cache_dir()``."""
        res = self.default_resolution_m() if resolution_m is None else float(resolution_m)
        if not (math.isfinite(res) and res > 0.0):
            raise ChartError(f"must be > 0 m, got {resolution_m!r}", field="resolution_m")
        with self._lock:
            f = self._fields.get(res)
            if f is not None:
                return f
            path = cache_dir() / "sdf" / f"{self.cache_key(res)}.npz"
            if use_cache and path.exists():
                try:
                    f = _sdf.DistanceField.load(path)
                except (OSError, ValueError, KeyError):
                    f = None  # a damaged cache file is rebuilt, never trusted
            if f is None:
                f = self.build_distance_field(res)
                if use_cache:
                    _save_atomic(f, path)
            self._fields[res] = f
            return f

    def distance_field_over(
        self, bounds: tuple[float, float, float, float], res: float, use_cache: bool = True
    ) -> _sdf.DistanceField:
        """Signed distance raster over ``bounds`` = (north_min, east_min, north_max, east_max)
        at ``res`` m: finer than the chart-wide field where a small ship works in narrow water
        (a 40 m dredged creek channel is a cell or two of the chart-wide 30 m field of
        US4MD81M). The bounds are widened to whole multiples of ``res`` so that nearby requests
        share one field; cached in memory and on disk like ``distance_field``."""
        res = float(res)
        if not (math.isfinite(res) and res > 0.0):
            raise ChartError(f"must be > 0 m, got {res!r}", field="resolution_m")
        n_min, e_min, n_max, e_max = (float(b) for b in bounds)
        if not (n_max > n_min and e_max > e_min and all(map(math.isfinite, bounds))):
            raise ChartError(f"bounds must be finite and ordered, got {bounds!r}", field="bounds")
        box = (
            math.floor(n_min / res) * res,
            math.floor(e_min / res) * res,
            math.ceil(n_max / res) * res,
            math.ceil(e_max / res) * res,
        )
        cells = ((box[2] - box[0]) / res + 2) * ((box[3] - box[1]) / res + 2)
        if cells > 1.0e8:
            raise ChartError(
                f"distance field at {res:g} m over that box would have {cells:.3g} nodes",
                field="resolution_m",
            )
        key = (res, *box)
        with self._lock:
            f = self._fields.get(key)
            if f is not None:
                return f
            tag = hashlib.sha256(repr(key).encode()).hexdigest()[:12]
            path = cache_dir() / "sdf" / f"{self.cache_key(res)}-{tag}.npz"
            if use_cache and path.exists():
                try:
                    f = _sdf.DistanceField.load(path)
                except (OSError, ValueError, KeyError):
                    f = None
            if f is None:
                f = _sdf.build_sdf_grid(self.geometry, self.boundary_distance, box, res)
                if use_cache:
                    _save_atomic(f, path)
            self._fields[key] = f
            return f

    def build_distance_field(self, res: float) -> _sdf.DistanceField:
        n_cells = 1.0
        bounds = self._sdf_extent(10.0 * res)
        n_cells = ((bounds[2] - bounds[0]) / res + 2) * ((bounds[3] - bounds[1]) / res + 2)
        if n_cells > 1.0e8:
            raise ChartError(
                f"distance field at {res:g} m would have {n_cells:.3g} nodes; use a coarser "
                "resolution",
                file=str(self.chart.path),
                field="resolution_m",
            )
        return _sdf.build_sdf_grid(self.geometry, self.boundary_distance, bounds, res)


def _save_atomic(f: _sdf.DistanceField, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.npz")
        f.save(tmp)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs a rebuild next time


def _edge_chunks(geometry) -> np.ndarray:
    """Boundary rings cut into LineStrings of at most EDGE_CHUNK segments."""
    rings = shapely.get_parts(shapely.boundary(shapely.get_parts(geometry)))
    rings = rings[~shapely.is_empty(rings)]
    if not len(rings):
        return np.empty(0, dtype=object)
    pieces = []
    for ring in rings:
        c = shapely.get_coordinates(ring)
        for i in range(0, len(c) - 1, EDGE_CHUNK):
            pieces.append(c[i : i + EDGE_CHUNK + 1])
    return np.array([shapely.LineString(c) for c in pieces], dtype=object)


_CHART_CACHE: dict[tuple, Chart] = {}
_CHART_CACHE_LOCK = threading.Lock()


def load_chart(path: str | Path, frame: LocalFrame) -> Chart:
    """Reads a chart into ``frame``: ``.000`` as an S-57 cell with its updates, anything else
    through pyogrio (GeoJSON, GeoPackage, shapefile, ...). Raises ChartError with the file."""
    p = Path(path)
    try:
        st = p.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None
    key = (str(p.resolve()), stamp, frame.origin_lat_deg, frame.origin_lon_deg)
    with _CHART_CACHE_LOCK:
        hit = _CHART_CACHE.get(key) if stamp is not None else None
    if hit is not None:
        return hit
    data = read_s57(p, frame) if p.suffix.lower() == ".000" else read_vector(p, frame)
    chart = Chart(data, frame)
    with _CHART_CACHE_LOCK:
        if len(_CHART_CACHE) > 16:
            _CHART_CACHE.clear()
        _CHART_CACHE[key] = chart
    return chart
