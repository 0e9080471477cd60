"""Ships' routeing objects from the chart, as geometry queries for COLREG rules 9 and 10.

Pure geometry, no I/O: a ``Routing`` is built from a chart's routeing features (``Chart.routing``,
S-57 classes, or a run folder's ``chart.json`` record) in the local frame, shapely x = east,
y = north; the queries take (north, east) arrays in metres, as the rest of autoship does.

Classes used (S-57 object catalogue, IHO S-57 Appendix A, ed. 3.1):

- traffic lane parts ``TSSLPT`` with ``ORIENT`` (deg true, the direction of traffic flow): rule
  10(b)(i) "proceed in the appropriate traffic lane in the general direction of traffic flow";
- separation zones ``TSEZNE`` (rule 10(e)); a cell may also close a separation area with
  ``TSSBND`` lines, which are read as the scheme's limits, not as a zone (S-57 encodes the zone
  itself as TSEZNE);
- fairways ``FAIRWY`` and dredged areas ``DRGARE`` shaped like a channel (rule 9: "narrow
  channel or fairway"); a dredged area counts when it is elongated (see ``CHANNEL_MIN_ASPECT``)
  and not already inside a fairway;
- recommended tracks ``RECTRC`` and navigation lines ``NAVLNE``: they give a fairway its axis
  where the fairway has no ``ORIENT``;
- the other scheme objects (``TSSBND``, ``TSSRON``, ``TSSCRS``, ``PRCARE``, ``ISTZNE``) make
  ``has_tss`` true and are kept in the record, without a query of their own yet.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely import STRtree

LANE_CLASSES = ("TSSLPT",)
ZONE_CLASSES = ("TSEZNE",)
CHANNEL_CLASSES = ("FAIRWY", "DRGARE")
TRACK_CLASSES = ("RECTRC", "NAVLNE")
SCHEME_CLASSES = ("TSSBND", "TSSRON", "TSSCRS", "PRCARE", "ISTZNE")
ROUTING_CLASSES = LANE_CLASSES + ZONE_CLASSES + CHANNEL_CLASSES + TRACK_CLASSES + SCHEME_CLASSES

# A dredged area is a channel when its "length over width" P^2 / (4 A) is at least this (a
# rectangle L x w gives L/w + 2 + w/L, so 5 is about L = 3 w); basins and turning circles
# (roughly round, P^2 / 4A ~ 3.1 for a disc) are not channels [P].
CHANNEL_MIN_ASPECT = 5.0
# A dredged area mostly inside a fairway is part of that fairway.
CHANNEL_INSIDE_FAIRWAY = 0.5
# Local principal axis: the polygon is clipped to a disc of LOCAL_AXIS_RADIUS times its typical
# width 2A/P around the point, widened until the clip is elongated (major/minor second moment
# >= LOCAL_AXIS_MIN_RATIO), else the whole polygon's axis. 1.5 widths: a straight channel's clip
# is then at least 3 widths long and 1 wide, and a bend 3 widths away does not turn it.
LOCAL_AXIS_RADIUS = 1.5
LOCAL_AXIS_MIN_RATIO = 2.0
# A track gives a fairway's axis when its part inside the fairway is at least this many typical
# widths long (a line crossing the fairway is not its axis) and the point is within
# TRACK_NEAR_WIDTHS typical widths of it.
TRACK_MIN_WIDTHS = 3.0
TRACK_NEAR_WIDTHS = 2.0
# Record coordinates are rounded like chart.json's polygons (Chart.to_viewer_json).
RECORD_DECIMALS = 1


@dataclass(frozen=True)
class RoutingFeature:
    """One routeing object: S-57 class, shapely geometry in the local frame (x = east,
    y = north), ORIENT (deg true) or None, name or None."""

    cls: str
    geometry: Any
    orient_deg: float | None = None
    name: str | None = None


def _f1(a) -> np.ndarray:
    return np.atleast_1d(np.asarray(a, dtype=np.float64))


def _is_area(g) -> bool:
    return int(shapely.get_type_id(g)) in (3, 6)


def _is_line(g) -> bool:
    return int(shapely.get_type_id(g)) in (1, 2, 5)


def _typical_width(poly) -> float:
    """2A/P: the width of a long strip (a rectangle L x w gives w L / (L + w))."""
    p = float(shapely.length(poly))
    return 2.0 * float(shapely.area(poly)) / p if p > 0.0 else 0.0


def _aspect(poly) -> float:
    a = float(shapely.area(poly))
    return float(shapely.length(poly)) ** 2 / (4.0 * a) if a > 0.0 else 0.0


def _moments(geom, x0: float, y0: float) -> tuple[float, float, float, float]:
    """(A, Sxx, Syy, Sxy): area and central second moments of a polygonal area (holes
    subtracted), coordinates taken relative to (x0, y0) for precision."""
    geom = shapely.orient_polygons(geom, exterior_cw=False)
    a = sx = sy = ixx = iyy = ixy = 0.0
    for part in shapely.get_parts(geom):
        if shapely.get_type_id(part) != 3:
            continue
        for ring in (part.exterior, *part.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            x = xy[:-1, 0] - x0
            y = xy[:-1, 1] - y0
            x1 = xy[1:, 0] - x0
            y1 = xy[1:, 1] - y0
            c = x * y1 - x1 * y
            a += c.sum() / 2.0
            sx += ((x + x1) * c).sum() / 6.0
            sy += ((y + y1) * c).sum() / 6.0
            iyy += ((x * x + x * x1 + x1 * x1) * c).sum() / 12.0
            ixx += ((y * y + y * y1 + y1 * y1) * c).sum() / 12.0
            ixy += ((x * y1 + 2 * x * y + 2 * x1 * y1 + x1 * y) * c).sum() / 24.0
    if a <= 0.0:
        return 0.0, 0.0, 0.0, 0.0
    cx, cy = sx / a, sy / a
    return a, iyy - a * cx * cx, ixx - a * cy * cy, ixy - a * cx * cy


def principal_axis_deg(geom, x0: float = 0.0, y0: float = 0.0) -> tuple[float, float]:
    """(axis bearing in [0, 180) deg true, major/minor second-moment ratio) of a polygonal
    area; (NaN, 0) for a degenerate one."""
    a, sxx, syy, sxy = _moments(geom, x0, y0)
    if a <= 0.0:
        return math.nan, 0.0
    # Eigen-decomposition of [[Sxx, Sxy], [Sxy, Syy]] (x = east, y = north).
    half = 0.5 * (sxx + syy)
    rad = math.hypot(0.5 * (sxx - syy), sxy)
    lmax, lmin = half + rad, half - rad
    phi = 0.5 * math.atan2(2.0 * sxy, sxx - syy)  # from east, counter-clockwise
    bearing = math.degrees(math.atan2(math.cos(phi), math.sin(phi))) % 180.0
    ratio = lmax / lmin if lmin > 0.0 else math.inf
    return bearing, ratio


def _sense(axis_deg: np.ndarray, course_deg: np.ndarray) -> np.ndarray:
    """The axis (deg, either sense) taken in the sense nearer to the course."""
    flip = np.cos(np.radians(course_deg - axis_deg)) < 0.0
    return np.where(flip, axis_deg + 180.0, axis_deg) % 360.0


class Routing:
    """Traffic lanes, separation zones, fairways and tracks of one chart, with vectorised
    queries. Build with ``from_chart``, ``from_features`` or ``from_chart_json``; an empty
    Routing (``Routing()``) answers every query with "outside"."""

    def __init__(self, features: Iterable[RoutingFeature] = ()) -> None:
        feats: list[RoutingFeature] = []
        for f in features:
            if f.cls not in ROUTING_CLASSES or f.geometry is None:
                continue
            g = f.geometry
            if shapely.is_empty(g):
                continue
            if _is_area(g) and not shapely.is_valid(g):
                g = shapely.make_valid(g)
            for part in shapely.get_parts(g):
                feats.append(RoutingFeature(f.cls, part, f.orient_deg, f.name))
        self.features: list[RoutingFeature] = feats

        self.lanes = [f for f in feats if f.cls in LANE_CLASSES and _is_area(f.geometry)]
        self.zones = [f for f in feats if f.cls in ZONE_CLASSES and _is_area(f.geometry)]
        self.tracks = [f for f in feats if f.cls in TRACK_CLASSES and _is_line(f.geometry)]
        fairways = [f for f in feats if f.cls == "FAIRWY" and _is_area(f.geometry)]
        dredged = []
        for f in feats:
            if f.cls != "DRGARE" or not _is_area(f.geometry):
                continue
            if _aspect(f.geometry) < CHANNEL_MIN_ASPECT:
                continue
            a = float(shapely.area(f.geometry))
            inside = sum(
                float(shapely.area(shapely.intersection(f.geometry, w.geometry))) for w in fairways
            )
            if a > 0.0 and inside / a >= CHANNEL_INSIDE_FAIRWAY:
                continue
            dredged.append(f)
        # Fairways first: where a fairway and a dredged area overlap, the fairway answers.
        self.channels = fairways + dredged
        self._scheme = [f for f in feats if f.cls in SCHEME_CLASSES]

        self._lane_geoms = np.array([f.geometry for f in self.lanes], dtype=object)
        self._lane_orient = np.array(
            [np.nan if f.orient_deg is None else float(f.orient_deg) % 360.0 for f in self.lanes]
        )
        self._lane_tree = STRtree(self._lane_geoms)
        zone_geoms = [f.geometry for f in self.zones]
        self._zone_union = shapely.union_all(zone_geoms) if zone_geoms else None
        if self._zone_union is not None:
            shapely.prepare(self._zone_union)
        self._chan_geoms = np.array([f.geometry for f in self.channels], dtype=object)
        self._chan_tree = STRtree(self._chan_geoms)
        self._chan_width = np.array([_typical_width(g) for g in self._chan_geoms])
        self._chan_orient = np.array(
            [np.nan if f.orient_deg is None else float(f.orient_deg) % 180.0 for f in self.channels]
        )
        self._chan_span = np.array([_diagonal(g) for g in self._chan_geoms])
        self._chan_axis = [principal_axis_deg(g, *_centroid(g)) for g in self._chan_geoms]
        # Track pieces (east0, north0, east1, north1) inside each channel, long enough to be its
        # axis rather than a line across it.
        self._chan_tracks: list[np.ndarray] = []
        for k, g in enumerate(self._chan_geoms):
            segs = []
            for t in self.tracks:
                piece = shapely.intersection(t.geometry, g)
                if float(shapely.length(piece)) < TRACK_MIN_WIDTHS * self._chan_width[k]:
                    continue
                for line in shapely.get_parts(piece):
                    if shapely.get_type_id(line) != 1:
                        continue
                    xy = np.asarray(line.coords)[:, :2]
                    segs.append(np.hstack([xy[:-1], xy[1:]]))
            self._chan_tracks.append(np.vstack(segs) if segs else np.empty((0, 4)))
        self._lane_span = np.array([_diagonal(g) for g in self._lane_geoms])

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def from_features(cls, routing: Mapping[str, Iterable[Mapping[str, Any]]] | None) -> Routing:
        """From ``{class: [{"geometry", "orient_deg", "name"}]}`` (``Chart.routing``)."""
        feats = []
        for layer, items in (routing or {}).items():
            for it in items:
                o = it.get("orient_deg")
                feats.append(
                    RoutingFeature(
                        str(layer),
                        it.get("geometry"),
                        None if o is None or not math.isfinite(float(o)) else float(o),
                        it.get("name") or None,
                    )
                )
        return cls(feats)

    @classmethod
    def from_chart(cls, chart: Any) -> Routing:
        """From a loaded ``autoship.charts.chart.Chart`` (its ``routing`` mapping)."""
        return cls.from_features(getattr(chart, "routing", None))

    @classmethod
    def from_chart_json(cls, chart_json: Mapping[str, Any] | None) -> Routing:
        """From a run folder's chart record (``chart.json``, key ``routing``: a list of
        ``{"class", "orient_deg", "name", "geometry"}`` with GeoJSON geometry in the local frame,
        x = east, y = north). Items that do not parse are skipped, as ChartContext does."""
        feats = []
        items = chart_json.get("routing") if isinstance(chart_json, Mapping) else None
        for it in items or []:
            try:
                g = shapely.from_geojson(json.dumps(it["geometry"]))
                o = it.get("orient_deg")
                o = None if o is None else float(o)
                feats.append(RoutingFeature(str(it["class"]), g, o, it.get("name") or None))
            except (KeyError, TypeError, ValueError, shapely.errors.GEOSException):
                continue
        return cls(feats)

    def to_json(self) -> list[dict[str, Any]]:
        """The chart record's ``routing`` list (see ``from_chart_json``), coordinates rounded
        to 0.1 m."""
        out = []
        for f in self.features:
            g = shapely.transform(f.geometry, lambda c: np.round(c, RECORD_DECIMALS))
            out.append(
                {
                    "class": f.cls,
                    "orient_deg": f.orient_deg,
                    "name": f.name,
                    "geometry": json.loads(shapely.to_geojson(g)),
                }
            )
        return out

    # --- properties ------------------------------------------------------------------------

    @property
    def empty(self) -> bool:
        return not self.features

    @property
    def has_fairways(self) -> bool:
        """Any fairway or channel-shaped dredged area (rule 9)."""
        return bool(self.channels)

    @property
    def has_tss(self) -> bool:
        """Any traffic separation scheme object (rule 10)."""
        return bool(self.lanes or self.zones or self._scheme)

    def __repr__(self) -> str:
        return (
            f"Routing({len(self.lanes)} lanes, {len(self.zones)} separation zones, "
            f"{len(self.channels)} channels, {len(self.tracks)} tracks)"
        )

    # --- traffic separation schemes (rule 10) ------------------------------------------------

    @property
    def lane_orient_deg(self) -> np.ndarray:
        """ORIENT (deg true) of each of ``lanes``, NaN where a lane has none."""
        return self._lane_orient.copy()

    def lane_index(self, north, east) -> np.ndarray:
        """Index into ``lanes`` of the traffic lane at each point, -1 outside every lane."""
        n, e = np.broadcast_arrays(_f1(north), _f1(east))
        return _first_hit(self._lane_tree, n.ravel(), e.ravel()).reshape(n.shape)

    def lane_direction(self, north, east) -> np.ndarray:
        """ORIENT (deg true, the general direction of traffic flow) of the traffic lane at each
        point; NaN outside every lane (and in a lane without ORIENT)."""
        k = self.lane_index(north, east)
        out = np.full(k.shape, np.nan)
        inside = k >= 0
        out[inside] = self._lane_orient[k[inside]]
        return out

    def lane_lateral(self, north, east) -> np.ndarray:
        """Signed offset of each point from its lane's local centreline across the direction of
        flow, as a fraction of the lane's local half width: +1 on the starboard limit of a ship
        proceeding with the flow, -1 on the port limit; NaN outside lanes. Tells crossing a lane
        (in by one side, out by the other) from joining or leaving it at its end."""
        n, e = np.broadcast_arrays(_f1(north), _f1(east))
        k = self.lane_index(n, e).ravel()
        out = np.full(k.shape, np.nan)
        sel = np.flatnonzero(k >= 0)
        sel = sel[np.isfinite(self._lane_orient[k[sel]])]
        if sel.size:
            lane = k[sel]
            out[sel] = _cross_sections(
                self._lane_geoms[lane],
                n.ravel()[sel],
                e.ravel()[sel],
                self._lane_orient[lane],
                self._lane_span[lane],
            )
        return out.reshape(n.shape)

    def nearest_lane(self, north, east) -> np.ndarray:
        """Index into ``lanes`` of the nearest traffic lane to each point (0 m inside one), -1
        when the chart has none. The direction of traffic flow next to a separation zone."""
        n, e = np.broadcast_arrays(_f1(north), _f1(east))
        out = np.full(n.size, -1, dtype=np.int64)
        ok = (np.isfinite(n) & np.isfinite(e)).ravel()
        if len(self.lanes) and ok.any():
            pts = shapely.points(e.ravel()[ok], n.ravel()[ok])
            p, g = self._lane_tree.query_nearest(pts, all_matches=False)
            near = np.full(pts.size, -1, dtype=np.int64)
            near[p] = g
            out[np.flatnonzero(ok)] = near
        return out.reshape(n.shape)

    def in_separation_zone(self, north, east) -> np.ndarray:
        """True inside a separation zone (TSEZNE)."""
        n, e = np.broadcast_arrays(_f1(north), _f1(east))
        if self._zone_union is None:
            return np.zeros(n.shape, dtype=bool)
        return shapely.intersects_xy(self._zone_union, e, n)

    # --- narrow channels and fairways (rule 9) -----------------------------------------------

    def fairway_index(self, north, east) -> np.ndarray:
        """Index into ``channels`` of the fairway or channel at each point, -1 outside."""
        n, e = np.broadcast_arrays(_f1(north), _f1(east))
        return _first_hit(self._chan_tree, n.ravel(), e.ravel()).reshape(n.shape)

    def fairway_axis(self, index: int, north: float, east: float) -> float:
        """The local axis (deg true in [0, 180)) of channel ``index`` at a point: its ORIENT;
        else the nearest recommended track or navigation line running inside it; else the
        polygon's local principal axis."""
        o = self._chan_orient[index]
        if math.isfinite(o):
            return float(o)
        segs = self._chan_tracks[index]
        w = self._chan_width[index]
        if len(segs):
            d = _seg_distance(segs, east, north)
            j = int(np.argmin(d))
            if d[j] <= TRACK_NEAR_WIDTHS * w:
                de, dn = segs[j, 2] - segs[j, 0], segs[j, 3] - segs[j, 1]
                return math.degrees(math.atan2(de, dn)) % 180.0
        g = self._chan_geoms[index]
        pt = shapely.Point(east, north)
        r = LOCAL_AXIS_RADIUS * w
        for _ in range(4):
            if r <= 0.0:
                break
            clip = shapely.intersection(g, shapely.buffer(pt, r, quad_segs=16))
            parts = [p for p in shapely.get_parts(clip) if _is_area(p) and p.intersects(pt)]
            if parts:
                axis, ratio = principal_axis_deg(parts[0], east, north)
                if ratio >= LOCAL_AXIS_MIN_RATIO and math.isfinite(axis):
                    return axis
            r *= 2.0
        return self._chan_axis[index][0]

    def fairway_axes(self, index, north, east) -> np.ndarray:
        """``fairway_axis`` for arrays of channel indices and points, vectorised (the planner
        samples a whole grid or predicted track at once)."""
        ch, nn, ee = (np.atleast_1d(np.asarray(a)) for a in (index, north, east))
        ch = ch.astype(np.int64)
        nn = nn.astype(np.float64)
        ee = ee.astype(np.float64)
        out = self._chan_orient[ch].copy()
        for c in np.unique(ch[np.isnan(out)]):
            segs = self._chan_tracks[c]
            if not len(segs):
                continue
            m = np.flatnonzero((ch == c) & np.isnan(out))
            d = _seg_distance_many(segs, ee[m], nn[m])
            j = np.argmin(d, axis=1)
            ok = d[np.arange(m.size), j] <= TRACK_NEAR_WIDTHS * self._chan_width[c]
            de = segs[j, 2] - segs[j, 0]
            dn = segs[j, 3] - segs[j, 1]
            out[m[ok]] = np.degrees(np.arctan2(de[ok], dn[ok])) % 180.0
        idx = np.flatnonzero(np.isnan(out))
        r = LOCAL_AXIS_RADIUS * self._chan_width[ch]
        idx = idx[r[idx] > 0.0]
        for _ in range(4):
            if not idx.size:
                break
            pts = shapely.points(ee[idx], nn[idx])
            clip = shapely.intersection(
                self._chan_geoms[ch[idx]], shapely.buffer(pts, r[idx], quad_segs=16)
            )
            parts, owner = shapely.get_parts(clip, return_index=True)
            keep = np.isin(shapely.get_type_id(parts), (3, 6)) & shapely.intersects(
                parts, pts[owner]
            )
            parts, owner = parts[keep], owner[keep]
            first_owner, first = np.unique(owner, return_index=True)
            ax, ratio = _principal_axes(parts[first], ee[idx[first_owner]], nn[idx[first_owner]])
            good = (ratio >= LOCAL_AXIS_MIN_RATIO) & np.isfinite(ax)
            out[idx[first_owner[good]]] = ax[good]
            done = np.zeros(idx.size, dtype=bool)
            done[first_owner[good]] = True
            idx = idx[~done]
            r[idx] *= 2.0
        rest = np.flatnonzero(np.isnan(out))
        out[rest] = [self._chan_axis[c][0] for c in ch[rest]]
        return out

    def fairway_at(self, north, east, course_deg) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For each point and course (deg true): ``inside`` (in a fairway or channel),
        ``axis_deg`` (the channel's local axis in the sense of the course, deg true, NaN
        outside) and ``lateral`` (signed offset from the local centreline as a fraction of the
        local half width, positive to starboard of a ship steering ``course_deg``; NaN
        outside). Rule 9(a) "as near to the outer limit of the channel or fairway which lies on
        her starboard side as is safe and practicable" is ``lateral > 0``."""
        n, e, c = np.broadcast_arrays(_f1(north), _f1(east), _f1(course_deg))
        k = self.fairway_index(n, e).ravel()
        axis = np.full(k.shape, np.nan)
        lat = np.full(k.shape, np.nan)
        sel = np.flatnonzero(k >= 0)
        if sel.size:
            ch = k[sel]
            nn, ee = n.ravel()[sel], e.ravel()[sel]
            a = _sense(self.fairway_axes(ch, nn, ee), c.ravel()[sel])
            axis[sel] = a
            lat[sel] = _cross_sections(self._chan_geoms[ch], nn, ee, a, self._chan_span[ch])
        return (k >= 0).reshape(n.shape), axis.reshape(n.shape), lat.reshape(n.shape)


def _diagonal(g) -> float:
    x0, y0, x1, y1 = shapely.bounds(g)
    return float(math.hypot(x1 - x0, y1 - y0))


def _centroid(g) -> tuple[float, float]:
    c = shapely.centroid(g)
    return float(c.x), float(c.y)


def _first_hit(tree: STRtree, north: np.ndarray, east: np.ndarray) -> np.ndarray:
    """Lowest index of the tree's geometries containing (or touching) each point, else -1."""
    out = np.full(north.shape, -1, dtype=np.int64)
    if not len(tree.geometries) or not north.size:
        return out
    ok = np.isfinite(north) & np.isfinite(east)
    pts = shapely.points(np.where(ok, east, 0.0), np.where(ok, north, 0.0))
    p, g = tree.query(pts, predicate="intersects")
    keep = ok[p]
    p, g = p[keep], g[keep]
    if p.size:
        # Later writes win: write in descending geometry order so the lowest index stays.
        order = np.argsort(-g, kind="stable")
        out[p[order]] = g[order]
    return out


def _seg_distance(segs: np.ndarray, x: float, y: float) -> np.ndarray:
    ax, ay, bx, by = segs.T
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    t = np.where(L2 > 0.0, ((x - ax) * dx + (y - ay) * dy) / np.where(L2 > 0.0, L2, 1.0), 0.0)
    t = np.clip(t, 0.0, 1.0)
    return np.hypot(ax + t * dx - x, ay + t * dy - y)


def _seg_distance_many(segs: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(points, segments) distances."""
    ax, ay, bx, by = (v[None, :] for v in segs.T)
    dx, dy = bx - ax, by - ay
    L2 = dx * dx + dy * dy
    px, py = x[:, None], y[:, None]
    t = np.where(L2 > 0.0, ((px - ax) * dx + (py - ay) * dy) / np.where(L2 > 0.0, L2, 1.0), 0.0)
    t = np.clip(t, 0.0, 1.0)
    return np.hypot(ax + t * dx - px, ay + t * dy - py)


def _principal_axes(polys: np.ndarray, x0: np.ndarray, y0: np.ndarray):
    """``principal_axis_deg`` of each polygon (coordinates relative to (x0, y0)), vectorised:
    (axis bearings in [0, 180), major/minor ratios)."""
    m = len(polys)
    if not m:
        return np.empty(0), np.empty(0)
    polys = shapely.orient_polygons(polys, exterior_cw=False)
    rings, ring_owner = shapely.get_rings(polys, return_index=True)
    xy, ring_of = shapely.get_coordinates(rings, return_index=True)
    same = ring_of[:-1] == ring_of[1:]
    who = ring_owner[ring_of[:-1]][same]
    x = xy[:-1, 0][same] - x0[who]
    y = xy[:-1, 1][same] - y0[who]
    x1 = xy[1:, 0][same] - x0[who]
    y1 = xy[1:, 1][same] - y0[who]
    c = x * y1 - x1 * y

    def acc(w):
        return np.bincount(who, weights=w, minlength=m)

    a = acc(c) / 2.0
    sx = acc((x + x1) * c) / 6.0
    sy = acc((y + y1) * c) / 6.0
    iyy = acc((x * x + x * x1 + x1 * x1) * c) / 12.0
    ixx = acc((y * y + y * y1 + y1 * y1) * c) / 12.0
    ixy = acc((x * y1 + 2 * x * y + 2 * x1 * y1 + x1 * y) * c) / 24.0
    ok = a > 0.0
    safe = np.where(ok, a, 1.0)
    cx, cy = sx / safe, sy / safe
    sxx, syy, sxy = iyy - a * cx * cx, ixx - a * cy * cy, ixy - a * cx * cy
    half = 0.5 * (sxx + syy)
    rad = np.hypot(0.5 * (sxx - syy), sxy)
    lmax, lmin = half + rad, half - rad
    phi = 0.5 * np.arctan2(2.0 * sxy, sxx - syy)
    bearing = np.degrees(np.arctan2(np.cos(phi), np.sin(phi))) % 180.0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(lmin > 0.0, lmax / np.where(lmin > 0.0, lmin, 1.0), np.inf)
    return np.where(ok, bearing, np.nan), np.where(ok, ratio, 0.0)


def _cross_sections(polys, north, east, axis_deg, span) -> np.ndarray:
    """``_cross_section``'s lateral for arrays of polygons, points, axes and spans."""
    m = len(polys)
    th = np.radians(axis_deg)
    se, sn = np.cos(th), -np.sin(th)
    big = np.maximum(span, 1.0)
    L = 2.0 * big
    coords = np.stack(
        [
            np.column_stack([east - se * L, north - sn * L]),
            np.column_stack([east + se * L, north + sn * L]),
        ],
        axis=1,
    )
    lines = shapely.linestrings(coords)
    pts = shapely.points(east, north)
    parts, owner = shapely.get_parts(shapely.intersection(polys, lines), return_index=True)
    near = shapely.distance(parts, pts[owner]) <= 1e-6 * big[owner]
    parts, owner = parts[near], owner[near]
    first_owner, first = np.unique(owner, return_index=True)
    xy, of = shapely.get_coordinates(parts[first], return_index=True)
    who = first_owner[of]
    t = (xy[:, 0] - east[who]) * se[who] + (xy[:, 1] - north[who]) * sn[who]
    tmin = np.full(m, np.inf)
    tmax = np.full(m, -np.inf)
    np.minimum.at(tmin, who, t)
    np.maximum.at(tmax, who, t)
    t0, t1 = np.minimum(tmin, 0.0), np.maximum(tmax, 0.0)
    hw = 0.5 * (t1 - t0)
    out = np.full(m, np.nan)
    has = np.zeros(m, dtype=bool)
    has[first_owner] = True
    pos = has & (hw > 0.0)
    out[pos] = -(t0[pos] + t1[pos]) / (2.0 * hw[pos])
    out[has & ~(hw > 0.0)] = 0.0
    return out


def _cross_section(poly, north: float, east: float, axis_deg: float, span: float):
    """(lateral, half width): the polygon's chord through the point square to ``axis_deg``;
    lateral = offset of the point from the chord's midpoint over its half width, positive to
    starboard of a ship steering ``axis_deg``."""
    th = math.radians(axis_deg)
    se, sn = math.cos(th), -math.sin(th)  # starboard unit vector (east, north)
    L = max(span, 1.0) * 2.0
    line = shapely.LineString([(east - se * L, north - sn * L), (east + se * L, north + sn * L)])
    pt = shapely.Point(east, north)
    chord = shapely.intersection(poly, line)
    best = None
    for part in shapely.get_parts(chord):
        if part.distance(pt) > 1e-6 * max(span, 1.0):
            continue
        xy = np.asarray(shapely.get_coordinates(part))
        t = (xy[:, 0] - east) * se + (xy[:, 1] - north) * sn
        best = (float(t.min()), float(t.max()))
        break
    if best is None:
        return math.nan, math.nan
    t0, t1 = min(best[0], 0.0), max(best[1], 0.0)
    hw = 0.5 * (t1 - t0)
    if hw <= 0.0:
        return 0.0, 0.0
    return -(t0 + t1) / (2.0 * hw), hw
