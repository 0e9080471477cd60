"""Global route around land and line-of-sight guidance along it.

``plan_route`` searches the chart's signed distance field (A*, 8-connected, on a coarsened copy
of the grid) for a path from start to goal that keeps ``clearance`` metres from every hazard where
the water allows it, then pulls the path straight (a leg is kept when every point along it keeps
the clearance the raw path had there). Without hazards the route is the straight leg.
``Route.guidance`` steers along the legs with line-of-sight guidance (Fossen 2021, sec. 12.4) and
switches leg when the ship is abreast of the leg's end; the avoidance planners add their offsets
to that course and return to the route by it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autoship._jit import njit
from autoship.charts.sdf import sample_sdf, sample_sdf_many
from autoship.errors import AutoshipError
from autoship.geometry import los_course, wrap_2pi
from autoship.planner.lanes import rule_factor, rule_rasters, segment_rule_excess

# Coarsened search grids are kept below this many nodes so planning a route takes well under a
# second even on a large chart.
MAX_SEARCH_NODES = 400_000
_SQRT2 = math.sqrt(2.0)


@njit
def _heap_push(keys, vals, size, key, val):
    i = size
    keys[i] = key
    vals[i] = val
    while i > 0:
        p = (i - 1) // 2
        if keys[p] <= keys[i]:
            break
        keys[p], keys[i] = keys[i], keys[p]
        vals[p], vals[i] = vals[i], vals[p]
        i = p
    return size + 1


@njit
def _heap_pop(keys, vals, size):
    val = vals[0]
    size -= 1
    keys[0] = keys[size]
    vals[0] = vals[size]
    i = 0
    while True:
        left = 2 * i + 1
        right = left + 1
        m = i
        if left < size and keys[left] < keys[m]:
            m = left
        if right < size and keys[right] < keys[m]:
            m = right
        if m == i:
            break
        keys[m], keys[i] = keys[i], keys[m]
        vals[m], vals[i] = vals[i], vals[m]
        i = m
    return val, size


@njit
def astar_grid(sdf, res, start, goal, clearance, hard, came, rules=None):
    """A* over grid nodes; node cost grows as the clearance drops below ``clearance`` and nodes
    with ``sdf <= hard`` are blocked; ``rules`` (``lanes.RuleRasters.arrays()`` on this grid, or
    None) multiplies each move by its rule 9/10 factor (``lanes.rule_factor``). Writes the
    predecessor of each node into ``came`` (-1 none) and returns True when the goal was
    reached."""
    nr, nc = sdf.shape
    n = nr * nc
    g = np.full(n, np.inf)
    closed = np.zeros(n, dtype=np.bool_)
    keys = np.empty(8 * n + 8)
    vals = np.empty(8 * n + 8, dtype=np.int64)
    for k in range(n):
        came[k] = -1
    gi, gj = goal // nc, goal % nc
    g[start] = 0.0
    size = _heap_push(keys, vals, 0, 0.0, start)
    di = (-1, -1, -1, 0, 0, 1, 1, 1)
    dj = (-1, 0, 1, -1, 1, -1, 0, 1)
    while size > 0:
        cur, size = _heap_pop(keys, vals, size)
        if closed[cur]:
            continue
        if cur == goal:
            return True
        closed[cur] = True
        ci, cj = cur // nc, cur % nc
        for m in range(8):
            ni = ci + di[m]
            nj = cj + dj[m]
            if ni < 0 or nj < 0 or ni >= nr or nj >= nc:
                continue
            s = sdf[ni, nj]
            if s <= hard:
                continue
            nxt = ni * nc + nj
            if closed[nxt]:
                continue
            diag = di[m] != 0 and dj[m] != 0
            step = res * (_SQRT2 if diag else 1.0)
            if s < clearance:
                step *= 1.0 + 10.0 * (clearance - s) / clearance
            if rules is not None:
                u = 1.0 / _SQRT2 if diag else 1.0
                step *= rule_factor(di[m] * u, dj[m] * u, ci, cj, *rules)
            cand = g[cur] + step
            if cand < g[nxt]:
                g[nxt] = cand
                came[nxt] = cur
                h = res * math.hypot(ni - gi, nj - gj)
                size = _heap_push(keys, vals, size, cand + h, nxt)
    return False


@njit
def _segment_min_sdf(grid, n0, e0, res, an, ae, bn, be, step):
    """Smallest sampled signed distance along the segment a-b (samples every ``step`` m)."""
    length = math.hypot(bn - an, be - ae)
    k = max(1, int(math.ceil(length / step)))
    m = np.inf
    for i in range(k + 1):
        f = i / k
        s = sample_sdf(grid, n0, e0, res, an + f * (bn - an), ae + f * (be - ae))
        if s < m:
            m = s
    return m


def plan_route(
    start: tuple[float, float],
    goal: tuple[float, float],
    hazards: Any = None,
    clearance: float = 300.0,
    hard: float = 0.0,
    routing: Any = None,
    field: Any = None,
) -> np.ndarray:
    """Waypoints (m, 2) as (north, east) from ``start`` to ``goal`` around ``hazards``.

    ``clearance`` (m) is kept from hazards where the water allows it; nodes closer than ``hard``
    (m, e.g. half the beam) are never used. With ``routing`` (``charts.routing.Routing``) the
    route keeps rules 9 and 10 as ``planner.lanes`` describes: with the flow in traffic lanes,
    across them at right angles, out of separation zones, to starboard in narrow channels.
    ``field`` is the distance field to search (``hazards.distance_field()`` when None).
    Raises ``AutoshipError`` when the goal cannot be reached through water at all.
    """
    pts = np.array([start, goal], dtype=np.float64)
    if not np.all(np.isfinite(pts)):
        raise AutoshipError("start and goal must be finite", field="goal")
    if not clearance > 0.0:
        raise AutoshipError("must be > 0", field="planner_params.route_clearance_m")
    if hazards is None or getattr(hazards, "empty", False):
        return pts
    f = field if field is not None else hazards.distance_field()
    grid, n0, e0, res = f.grid, f.north0, f.east0, f.res
    stride = max(1, int(math.ceil(math.sqrt(grid.size / MAX_SEARCH_NODES))))
    coarse = np.ascontiguousarray(grid[::stride, ::stride])
    cres = res * stride
    nr, nc = coarse.shape
    rr = rule_rasters(routing, n0, e0, cres, (nr, nc))
    rules = rr.arrays() if rr is not None else None

    def excess(a: np.ndarray, b: np.ndarray) -> float:
        if rules is None:
            return 0.0
        return segment_rule_excess(*a, *b, cres / 2.0, n0, e0, cres, *rules)

    straight = _segment_min_sdf(grid, n0, e0, res, *start, *goal, res / 2.0)
    if straight >= clearance and excess(pts[0], pts[1]) <= 0.0:
        return pts

    def node(p: tuple[float, float]) -> int:
        i = int(round((p[0] - n0) / cres))
        j = int(round((p[1] - e0) / cres))
        i = min(max(i, 0), nr - 1)
        j = min(max(j, 0), nc - 1)
        return i * nc + j

    s_node, g_node = node(start), node(goal)
    came = np.empty(nr * nc, dtype=np.int64)
    # Start and goal nodes may sit inside the clearance band (a berth); they are always allowed.
    saved = coarse.flat[s_node], coarse.flat[g_node]
    coarse.flat[s_node] = max(saved[0], hard + 1e-6)
    coarse.flat[g_node] = max(saved[1], hard + 1e-6)
    ok = astar_grid(coarse, cres, s_node, g_node, float(clearance), float(hard), came, rules)
    if not ok:
        raise AutoshipError(
            f"no route through water from start ({start[0]:.0f} N, {start[1]:.0f} E m) to goal "
            f"({goal[0]:.0f} N, {goal[1]:.0f} E m)",
            field="goal",
        )
    chain = [g_node]
    while chain[-1] != s_node:
        chain.append(int(came[chain[-1]]))
    chain.reverse()
    raw = np.array([(n0 + (k // nc) * cres, e0 + (k % nc) * cres) for k in chain], dtype=np.float64)
    raw[0] = start
    raw[-1] = goal
    clear_raw = np.empty(raw.shape[0])
    sample_sdf_many(
        grid,
        n0,
        e0,
        res,
        np.ascontiguousarray(raw[:, 0]),
        np.ascontiguousarray(raw[:, 1]),
        clear_raw,
    )
    # Rule 9/10 excess of each raw move, summed: a pulled leg may not break those rules more
    # than the raw path did over the same stretch (plus half a cell of slack).
    raw_excess = np.zeros(raw.shape[0])
    if rules is not None:
        for k in range(1, raw.shape[0]):
            raw_excess[k] = raw_excess[k - 1] + excess(raw[k - 1], raw[k])
    # String pulling: from each kept point jump to the farthest raw point reachable by a straight
    # leg that keeps the clearance the raw path had over that stretch (capped at ``clearance``).
    out = [raw[0]]
    i = 0
    last = raw.shape[0] - 1
    while i < last:
        best = i + 1
        need = np.inf
        for j in range(i + 1, last + 1):
            need = min(need, clearance, clear_raw[j])
            m = _segment_min_sdf(grid, n0, e0, res, *raw[i], *raw[j], res / 2.0)
            if m >= need - 0.5 * res and (
                rules is None or excess(raw[i], raw[j]) <= raw_excess[j] - raw_excess[i] + cres
            ):
                best = j
        out.append(raw[best])
        i = best
    return np.array(out)


class Route:
    """A polyline of (north, east) waypoints followed with line-of-sight guidance."""

    def __init__(self, waypoints: np.ndarray, lookahead: float) -> None:
        wp = np.asarray(waypoints, dtype=np.float64)
        if wp.ndim != 2 or wp.shape[1] != 2 or wp.shape[0] < 2:
            raise AutoshipError("a route needs at least two (north, east) waypoints")
        self.waypoints = wp
        self.lookahead = float(lookahead)
        self.leg = 0
        self.done = False
        self.final_course = wrap_2pi(math.atan2(wp[-1, 1] - wp[-2, 1], wp[-1, 0] - wp[-2, 0]))

    def path_course(self, north: float, east: float, ahead: float) -> float:
        """Direction (rad) of the route from the point abeam of (north, east) on the leg being
        followed to the point ``ahead`` metres further along it: the route's own heading there,
        smoothed over ``ahead`` so that a recorded track's jitter does not count as a bend."""
        wp = self.waypoints
        i = self.leg
        a, b = wp[i], wp[i + 1]
        seg = b - a
        l2 = float(seg @ seg)
        t = 0.0 if l2 <= 0.0 else min(max(float(((north, east) - a) @ seg) / l2, 0.0), 1.0)
        p0 = a + t * seg
        cur, rest, j = p0, float(ahead), i
        while True:
            nxt = wp[j + 1]
            d = float(np.hypot(*(nxt - cur)))
            if d >= rest or j + 2 >= len(wp):
                p1 = cur + (nxt - cur) * (min(1.0, rest / d) if d > 0.0 else 0.0)
                break
            rest -= d
            cur, j = nxt, j + 1
        dn, de = float(p1[0] - p0[0]), float(p1[1] - p0[1])
        if math.hypot(dn, de) < 1e-6:
            dn, de = float(seg[0]), float(seg[1])
        return wrap_2pi(math.atan2(de, dn))

    def guidance(self, north: float, east: float) -> tuple[float, float]:
        """(desired course rad, distance along the route to the goal m); after the goal the
        course of the last leg is kept."""
        wp = self.waypoints
        while True:
            a = (float(wp[self.leg, 0]), float(wp[self.leg, 1]))
            b = (float(wp[self.leg + 1, 0]), float(wp[self.leg + 1, 1]))
            course, _, remaining = los_course(north, east, *a, *b, self.lookahead)
            if remaining <= self.lookahead and self.leg < len(wp) - 2:
                self.leg += 1
                continue
            break
        if remaining <= 0.0 and not self.done:
            # Abeam of the goal: done when close to it, else (pushed far off the leg by traffic)
            # head for the goal itself.
            gn, ge = float(wp[-1, 0]), float(wp[-1, 1])
            dist = math.hypot(gn - north, ge - east)
            if dist <= 2.0 * self.lookahead:
                self.done = True
            else:
                return wrap_2pi(math.atan2(ge - east, gn - north)), dist
        if self.done:
            return self.final_course, 0.0
        later = (
            np.hypot(*np.diff(wp[self.leg + 1 :], axis=0).T).sum()
            if self.leg < len(wp) - 2
            else 0.0
        )
        return course, remaining + float(later)
