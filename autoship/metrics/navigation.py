"""Chart and route context for the referee: is a course change navigational rather than an
action for traffic?

A ship that alters course because the course it held would put it on the shore or on a shoal
is following the channel, the fairway or the coast (rules 2(a) and 9, good seamanship), not
manoeuvring for another ship: such an alteration is neither a stand-on ship's breach of rule
17(a)(i) nor a port turn under rules 14, 16 or 17(c). The test: the hull's centre line, held on
the course before the change, meets a charted hazard for the ship's draught within the look-ahead
distance (profile ``manoeuvre.nav_lookahead_*``).

A turn the ship's own planned route makes at a waypoint (``route_turn``) is navigation too.

Reads the run folder's ``chart.json`` (polygons already in the local frame), so the scorer needs
neither the chart file nor the chart readers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import shapely
from shapely.geometry import Polygon

from autoship.colregs.roles import Role
from autoship.geometry import wrap_pi


def route_turn(route: Any, north: float, east: float, radius: float) -> float:
    """The signed turn (rad, starboard positive) a planned route makes at its interior waypoint
    nearest to (north, east), when that waypoint is within ``radius``; 0.0 otherwise. A ship
    turning that way there is following its route (the planner's waypoints in meta.json)."""
    try:
        wp = np.asarray(route, dtype=np.float64)
    except (TypeError, ValueError):
        return 0.0
    if wp.ndim != 2 or wp.shape[0] < 3 or wp.shape[1] != 2:
        return 0.0
    inner = wp[1:-1]
    d = np.hypot(inner[:, 0] - north, inner[:, 1] - east)
    j = int(np.argmin(d))
    if not d[j] <= radius:
        return 0.0
    a, b, c = wp[j], wp[j + 1], wp[j + 2]
    c0 = math.atan2(b[1] - a[1], b[0] - a[0])
    c1 = math.atan2(c[1] - b[1], c[0] - b[0])
    return wrap_pi(c1 - c0)


class ChartContext:
    """Hazard polygons of a run's chart for each draught, with a vectorised point test."""

    def __init__(self, chart_json: dict[str, Any] | None) -> None:
        self._polys: list[tuple[str, float | None, Polygon]] = []
        self._cache: dict[float, Any] = {}
        if not isinstance(chart_json, dict):
            return
        for item in chart_json.get("polygons") or []:
            try:
                rings = item["rings"]
                shell = [(float(x), float(y)) for x, y in rings[0]]
                holes = [[(float(x), float(y)) for x, y in r] for r in rings[1:]]
                poly = Polygon(shell, holes)
            except (KeyError, IndexError, TypeError, ValueError):
                continue
            if not poly.is_valid:
                poly = shapely.make_valid(poly)
            d1 = item.get("drval1")
            self._polys.append(
                (str(item.get("kind", "land")), float(d1) if d1 is not None else None, poly)
            )

    @property
    def empty(self) -> bool:
        return not self._polys

    def _hazard(self, draught: float) -> Any:
        key = round(float(draught), 2)
        if key not in self._cache:
            parts = [
                g for kind, d1, g in self._polys if kind != "depth" or d1 is None or d1 < draught
            ]
            geom = shapely.union_all(parts) if parts else None
            if geom is not None:
                shapely.prepare(geom)
            self._cache[key] = geom
        return self._cache[key]

    def blocked_ahead(
        self, north: float, east: float, course: float, distance: float, draught: float
    ) -> bool:
        """True when the line from (north, east) along ``course`` (rad) for ``distance`` m
        meets a hazard for ``draught`` (x = east, y = north as in chart.json)."""
        geom = self._hazard(draught)
        if geom is None or not (math.isfinite(north) and math.isfinite(east)):
            return False
        if not (math.isfinite(course) and distance > 0.0):
            return False
        n = max(2, int(distance / 10.0) + 1)
        s = np.linspace(0.0, distance, n)[1:]
        x = east + s * math.sin(course)
        y = north + s * math.cos(course)
        return bool(np.any(shapely.intersects_xy(geom, x, y)))

    def free_distance(
        self, north: float, east: float, bearing: float, max_distance: float, draught: float
    ) -> float:
        """Distance (m, to the nearest 10 m) from (north, east) along ``bearing`` (rad) to the
        first hazard for ``draught``; ``max_distance`` when there is none that near (or no
        chart)."""
        geom = self._hazard(draught)
        if geom is None:
            return max_distance
        return ray_free_distance(
            lambda n, e: shapely.intersects_xy(geom, e, n), north, east, bearing, max_distance
        )


def ray_free_distance(
    inside: Callable[[np.ndarray, np.ndarray], np.ndarray],
    north: float,
    east: float,
    bearing: float,
    max_distance: float,
) -> float:
    """Distance (m, to the nearest 10 m) from (north, east) along ``bearing`` (rad) to the
    first point where ``inside(north, east)`` (arrays) is True; ``max_distance`` when none is
    that near. The referee's chart.json polygons and the planner's chart share this sampling."""
    if not (math.isfinite(north) and math.isfinite(east)):
        return max_distance
    if not (math.isfinite(bearing) and max_distance > 0.0):
        return max_distance
    n = max(2, int(max_distance / 10.0) + 1)
    s = np.linspace(0.0, max_distance, n)[1:]
    hit = np.asarray(inside(north + s * math.cos(bearing), east + s * math.sin(bearing)))
    k = np.flatnonzero(hit)
    return float(s[k[0]]) if k.size else max_distance


# Rule 9 from the chart's sea room [P]. The rules do not define a narrow channel; the land chart
# has no fairway objects, so the referee calls the water a narrow channel where a ship's beam
# rays meet the shore (for its draught) less than NARROW_CHANNEL_MAX_M apart while the water
# ahead stays open for at least that width: the ship is proceeding along the channel. Half a
# nautical mile takes in harbour entrances and inner harbours (Portsmouth Harbour is 200-800 m
# wide) and leaves out open roads such as the central Solent (about 2.5 nm).
NARROW_CHANNEL_MAX_M = 926.0
# A ship "crosses" the channel when its course is at least this far from the channel's axis
# (the course of the ship proceeding along it) [P].
CHANNEL_CROSSING_DEG = 45.0


class SeaRoom(Protocol):
    """What the rule 9 test needs of a chart: the referee's ``ChartContext`` or a planner's."""

    @property
    def empty(self) -> bool: ...

    def free_distance(
        self, north: float, east: float, bearing: float, max_distance: float, draught: float
    ) -> float: ...


def channel_width(
    chart: SeaRoom, north: float, east: float, course: float, draught: float
) -> float | None:
    """Width (m) of the narrow channel a ship at (north, east) on ``course`` (rad) is
    proceeding along, or None when it is not in one (no chart, open water, or heading into
    the bank). See NARROW_CHANNEL_MAX_M."""
    if chart.empty or not math.isfinite(course):
        return None
    w = NARROW_CHANNEL_MAX_M
    width = sum(
        chart.free_distance(north, east, course + side * 0.5 * math.pi, w, draught)
        for side in (-1.0, 1.0)
    )
    if width >= w:
        return None
    if chart.free_distance(north, east, course, width, draught) < width:
        return None  # heading for the shore (a berth, a bend's outer bank): not along it
    return width


def crosses(course_a: float, course_b: float) -> bool:
    """Courses (rad) at least CHANNEL_CROSSING_DEG apart as lines (either direction)."""
    return abs(math.sin(course_a - course_b)) >= math.sin(math.radians(CHANNEL_CROSSING_DEG))


def rule9d_role(
    chart: SeaRoom,
    own: tuple[float, float, float, float],
    target: tuple[float, float, float, float],
    role: Role,
) -> Role:
    """Rule 9(d): "A vessel shall not cross a narrow channel or fairway if such crossing
    impedes the passage of a vessel which can safely navigate only within such channel"; the
    vessel proceeding along it "may use the sound signal ... if in doubt as to the intention of
    the crossing vessel", i.e. it holds on. ``own`` and ``target`` are (north, east, course over
    ground, draught) where the class is read; ``role`` is the own ship's rule 15 role. When one
    ship proceeds along a narrow channel (``channel_width``) and the other crosses it, the
    crossing ship keeps out of the way and the one in the channel stands on; where rule 15
    already gives those roles its judgement stands (basis "rule 15"), so rule 9(d) changes the
    roles only where the two conflict."""
    if chart.empty or not crosses(own[2], target[2]):
        return role
    w_o = channel_width(chart, *own)
    w_q = channel_width(chart, *target)
    if w_o is not None and w_q is None and role.role == "give-way":
        return Role(
            "stand-on",
            "rule 9(d)",
            f"own ship proceeding along a narrow channel ({w_o:.0f} m of water); target "
            "crossing it",
        )
    if w_q is not None and w_o is None and role.role == "stand-on":
        return Role(
            "give-way",
            "rule 9(d)",
            f"crossing a narrow channel ({w_q:.0f} m of water): do not impede the vessel "
            "proceeding along it",
        )
    return role
