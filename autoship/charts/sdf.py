"""Signed distance field of a hazard set: a raster that Numba kernels sample without Python.

Grid convention: ``grid[i, j]`` is the signed distance (m) at north = ``north0 + i * res``,
east = ``east0 + j * res`` (values on nodes, not cell centres); negative inside hazards.

Build (``build_sdf_grid``):
1. inside/outside of every node by an even-odd scanline over all hazard rings (exact);
2. every hazard edge is sampled at spacing <= res/2 and the node nearest each sample becomes a
   seed; an exact Euclidean distance transform (Felzenszwalb and Huttenlocher 2012) to the
   seeds gives an estimate e with |e - d| <= res/4 + res*sqrt(2)/2 < res of the true boundary
   distance d;
3. nodes with e < ``EXACT_BAND_CELLS * res`` get the exact distance from shapely, so the field is
   exact (to float rounding) where clearance decisions are made and within one cell elsewhere.

Outside the grid a raster has nothing to say (clamping to the edge was wrong by up to 766 m on
US4MD81M), so the field also keeps the hazard boundary itself: every ring edge, bucketed in a
coarse uniform grid (``build_boundary``). ``signed_distance`` samples the raster inside the grid
and falls back to the exact distance there (nearest edge by a ring search over buckets, sign by
even-odd ray crossings), all in Numba. ``sample_sdf`` keeps the raster-only, clamped behaviour
for kernels that were not handed the boundary.
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit

EXACT_BAND_CELLS = 3.0
_BIG = 1.0e20


@njit
def sample_sdf(grid, north0, east0, res, north, east):
    """Bilinear sample of ``grid`` at one point (m); positions outside the grid are clamped."""
    nr = grid.shape[0]
    nc = grid.shape[1]
    fi = (north - north0) / res
    fj = (east - east0) / res
    if fi < 0.0:
        fi = 0.0
    elif fi > nr - 1.0:
        fi = nr - 1.0
    if fj < 0.0:
        fj = 0.0
    elif fj > nc - 1.0:
        fj = nc - 1.0
    i0 = int(math.floor(fi))
    j0 = int(math.floor(fj))
    if i0 > nr - 2:
        i0 = nr - 2
    if j0 > nc - 2:
        j0 = nc - 2
    if i0 < 0:
        i0 = 0
    if j0 < 0:
        j0 = 0
    i1 = min(i0 + 1, nr - 1)
    j1 = min(j0 + 1, nc - 1)
    ti = fi - i0
    tj = fj - j0
    a = grid[i0, j0] * (1.0 - tj) + grid[i0, j1] * tj
    b = grid[i1, j0] * (1.0 - tj) + grid[i1, j1] * tj
    return a * (1.0 - ti) + b * ti


@njit
def sample_sdf_many(grid, north0, east0, res, north, east, out):
    """``sample_sdf`` over arrays; writes into ``out``."""
    for k in range(north.shape[0]):
        out[k] = sample_sdf(grid, north0, east0, res, north[k], east[k])


# --- exact distance to the boundary, for points outside the raster -----------------------------
#
# A boundary is the tuple (segs, meta, offsets, ids): segs[k] = (east0, north0, east1, north1)
# of every ring edge; meta = (north0, east0, size, nrows, ncols, has_boundary) of a bucket grid
# over the edges' bounding box; the edges registered in bucket b = i * ncols + j are
# ids[offsets[b]:offsets[b + 1]]. An edge is registered in every bucket its path crosses, the
# path widened by BUCKET_EPS buckets so float rounding at a bucket border never loses an edge.

# Edges per bucket the bucket size aims at, and a cap on buckets (memory, build time).
BUCKET_TARGET_EDGES = 4.0
BUCKET_MAX = 1 << 20
BUCKET_EPS = 1e-6


@njit
def _bucket_rows_cols(y0, y1, x0, x1, bn0, be0, size, nr, nc, i):
    # Column range (inclusive) of the part of the edge inside row i, widened by BUCKET_EPS.
    lo = bn0 + (i - BUCKET_EPS) * size
    hi = bn0 + (i + 1.0 + BUCKET_EPS) * size
    if y1 != y0:
        ta = (lo - y0) / (y1 - y0)
        tb = (hi - y0) / (y1 - y0)
        t0 = max(0.0, min(ta, tb))
        t1 = min(1.0, max(ta, tb))
        if t0 > t1:
            t0 = t1 = min(max(ta, 0.0), 1.0)
    else:
        t0 = 0.0
        t1 = 1.0
    xa = x0 + t0 * (x1 - x0)
    xb = x0 + t1 * (x1 - x0)
    ja = int(math.floor((min(xa, xb) - be0) / size - BUCKET_EPS))
    jb = int(math.floor((max(xa, xb) - be0) / size + BUCKET_EPS))
    return max(ja, 0), min(jb, nc - 1)


@njit
def bucket_edges(segs, meta, counts_only, offsets, ids):
    """Counts (``counts_only``: into ``offsets[1:]``) or writes the edge ids of every bucket."""
    bn0 = meta[0]
    be0 = meta[1]
    size = meta[2]
    nr = int(meta[3])
    nc = int(meta[4])
    cursor = np.zeros(nr * nc, dtype=np.int64)
    for k in range(segs.shape[0]):
        x0 = segs[k, 0]
        y0 = segs[k, 1]
        x1 = segs[k, 2]
        y1 = segs[k, 3]
        ia = max(int(math.floor((min(y0, y1) - bn0) / size - BUCKET_EPS)), 0)
        ib = min(int(math.floor((max(y0, y1) - bn0) / size + BUCKET_EPS)), nr - 1)
        for i in range(ia, ib + 1):
            ja, jb = _bucket_rows_cols(y0, y1, x0, x1, bn0, be0, size, nr, nc, i)
            for j in range(ja, jb + 1):
                b = i * nc + j
                if counts_only:
                    offsets[b + 1] += 1
                else:
                    ids[offsets[b] + cursor[b]] = k
                    cursor[b] += 1


@njit
def _point_segment_sq(pe, pn, x0, y0, x1, y1):
    dx = x1 - x0
    dy = y1 - y0
    ux = pe - x0
    uy = pn - y0
    den = dx * dx + dy * dy
    t = 0.0
    if den > 0.0:
        t = (ux * dx + uy * dy) / den
        if t < 0.0:
            t = 0.0
        elif t > 1.0:
            t = 1.0
    ex = ux - t * dx
    ey = uy - t * dy
    return ex * ex + ey * ey


@njit
def _scan_bucket(segs, offsets, ids, b, pe, pn, best_sq):
    for q in range(offsets[b], offsets[b + 1]):
        k = ids[q]
        d = _point_segment_sq(pe, pn, segs[k, 0], segs[k, 1], segs[k, 2], segs[k, 3])
        if d < best_sq:
            best_sq = d
    return best_sq


@njit
def _rect_sq(pe, pn, bn0, be0, size, i, j):
    # Squared distance from the point to bucket (i, j).
    n_lo = bn0 + i * size
    e_lo = be0 + j * size
    dn = max(n_lo - pn, 0.0, pn - (n_lo + size))
    de = max(e_lo - pe, 0.0, pe - (e_lo + size))
    return dn * dn + de * de


@njit
def _scan_strip(segs, meta, offsets, ids, pe, pn, best, fixed, lo, hi, centre, is_row):
    # Buckets lo..hi of row (is_row) or column ``fixed``, from the one nearest ``centre`` out.
    bn0 = meta[0]
    be0 = meta[1]
    size = meta[2]
    nc = int(meta[4])
    c = min(max(centre, lo), hi)
    for direction in (1, -1):
        k = c if direction == 1 else c - 1
        while lo <= k <= hi:
            i = fixed if is_row else k
            j = k if is_row else fixed
            if _rect_sq(pe, pn, bn0, be0, size, i, j) >= best:
                break
            best = _scan_bucket(segs, offsets, ids, i * nc + j, pe, pn, best)
            k += direction
    return best


@njit
def boundary_distance_exact(boundary, north, east):
    """Exact distance (m) from the point to the nearest boundary edge; 1e20 without edges."""
    return _boundary_distance(boundary, north, east, _BIG)


@njit
def _boundary_distance(boundary, north, east, bound):
    # ``bound``: a distance believed to be >= the answer; buckets beyond it are never opened.
    # When no edge comes closer than that, the belief was wrong and the search runs unbounded.
    d = _boundary_distance_within(boundary, north, east, bound)
    if d >= bound and bound < _BIG:
        d = _boundary_distance_within(boundary, north, east, _BIG)
    return d


@njit
def _boundary_distance_within(boundary, north, east, bound):
    segs, meta, offsets, ids = boundary
    if north != north or east != east:
        return math.nan
    if segs.shape[0] == 0:
        return _BIG
    bn0 = meta[0]
    be0 = meta[1]
    size = meta[2]
    nr = int(meta[3])
    nc = int(meta[4])
    # The point's bucket index, unclamped (a point far outside has a far index); the clamp only
    # keeps a wild coordinate inside int64.
    ci = int(math.floor(min(max((north - bn0) / size, -1.0e15), 1.0e15)))
    cj = int(math.floor(min(max((east - be0) / size, -1.0e15), 1.0e15)))
    # Rings below r0 hold no bucket of the grid.
    r0 = max(0, -ci, ci - (nr - 1), -cj, cj - (nc - 1))
    best = bound * bound
    r = r0
    while True:
        # Every bucket at Chebyshev offset >= r from the point's is at least (r - 1) * size away.
        lb = (r - 1) * size
        if lb > 0.0 and lb * lb >= best:
            break
        i_top = ci - r
        i_bot = ci + r
        j_left = cj - r
        j_right = cj + r
        # The ring's sides, each a strip of buckets walked outward from the one nearest the
        # point: distances only grow along a strip, so the walk stops at the first bucket
        # beyond the best distance so far.
        ja = max(j_left, 0)
        jb = min(j_right, nc - 1)
        for i in (i_top, i_bot):
            if 0 <= i < nr and ja <= jb:
                best = _scan_strip(segs, meta, offsets, ids, east, north, best, i, ja, jb, cj, True)
            if r == 0:
                break
        ia = max(i_top + 1, 0)
        ib = min(i_bot - 1, nr - 1)
        if r > 0 and ia <= ib:
            for j in (j_left, j_right):
                if 0 <= j < nc:
                    best = _scan_strip(
                        segs, meta, offsets, ids, east, north, best, j, ia, ib, ci, False
                    )
        if i_top <= 0 and i_bot >= nr - 1 and j_left <= 0 and j_right >= nc - 1:
            break  # every bucket visited
        r += 1
    return math.sqrt(best)


@njit
def boundary_inside(boundary, north, east):
    """Even-odd test: is the point inside the region the boundary rings enclose?"""
    segs, meta, offsets, ids = boundary
    if segs.shape[0] == 0:
        return False
    bn0 = meta[0]
    be0 = meta[1]
    size = meta[2]
    nr = int(meta[3])
    nc = int(meta[4])
    fi = (north - bn0) / size
    if not (0.0 <= fi < nr):
        return False  # no edge reaches this row: the eastward ray crosses nothing
    i = int(math.floor(fi))
    fj = (east - be0) / size
    if fj >= nc:
        return False
    j0 = int(math.floor(fj)) if fj > 0.0 else 0
    crossings = 0
    for j in range(j0, nc):
        b = i * nc + j
        for q in range(offsets[b], offsets[b + 1]):
            k = ids[q]
            y0 = segs[k, 1]
            y1 = segs[k, 3]
            if (y0 <= north) == (y1 <= north):
                continue
            x = segs[k, 0] + (north - y0) * (segs[k, 2] - segs[k, 0]) / (y1 - y0)
            if x <= east:
                continue
            # An edge sits in several buckets: count its crossing in the bucket holding it.
            jx = int(math.floor((x - be0) / size))
            if jx < 0:
                jx = 0
            elif jx > nc - 1:
                jx = nc - 1
            if jx == j:
                crossings += 1
    return crossings % 2 == 1


# The raster at the nearest grid point q bounds the search: |d(p)| <= |d(q)| + |p - q|, and the
# raster is within a cell or two of d(q) (module docstring); the slack makes the bound safe.
_BOUND_SLACK_CELLS = 4.0


@njit
def signed_distance(grid, north0, east0, res, boundary, north, east):
    """Signed distance (m) at one point: bilinear from the raster inside the grid, exact from
    the boundary outside it (clamped to the raster when the field has no boundary)."""
    nr = grid.shape[0]
    nc = grid.shape[1]
    fi = (north - north0) / res
    fj = (east - east0) / res
    if 0.0 <= fi <= nr - 1.0 and 0.0 <= fj <= nc - 1.0:
        # The hot path, kept free of clamps: the same arithmetic as sample_sdf on the grid.
        i0 = min(int(fi), nr - 2)
        j0 = min(int(fj), nc - 2)
        ti = fi - i0
        tj = fj - j0
        a = grid[i0, j0] * (1.0 - tj) + grid[i0, j0 + 1] * tj
        b = grid[i0 + 1, j0] * (1.0 - tj) + grid[i0 + 1, j0 + 1] * tj
        return a * (1.0 - ti) + b * ti
    return _off_grid(grid, north0, east0, res, boundary, north, east, fi, fj)


@njit
def _off_grid(grid, north0, east0, res, boundary, north, east, fi, fj):
    # NaN (neither on nor off the grid) and fields without boundary stay with the raster.
    if boundary[1][5] == 0.0 or fi != fi or fj != fj:
        return sample_sdf(grid, north0, east0, res, north, east)
    qn = north0 + min(max(fi, 0.0), grid.shape[0] - 1.0) * res
    qe = east0 + min(max(fj, 0.0), grid.shape[1] - 1.0) * res
    dq = abs(sample_sdf(grid, north0, east0, res, qn, qe))
    bound = dq + _BOUND_SLACK_CELLS * res + math.hypot(north - qn, east - qe)
    d = _boundary_distance(boundary, north, east, min(bound, _BIG))
    if boundary_inside(boundary, north, east):
        return -d
    return d


@njit
def signed_distance_many(grid, north0, east0, res, boundary, north, east, out):
    """``signed_distance`` over arrays; writes into ``out``."""
    # Two passes: the raster pass alone is branch-free and vectorises (3-4x faster than
    # calling signed_distance per point); the few points off the grid are then redone exactly.
    sample_sdf_many(grid, north0, east0, res, north, east, out)
    if boundary[1][5] == 0.0:
        return
    hi_i = grid.shape[0] - 1.0
    hi_j = grid.shape[1] - 1.0
    for k in range(north.shape[0]):
        fi = (north[k] - north0) / res
        fj = (east[k] - east0) / res
        if not (0.0 <= fi <= hi_i and 0.0 <= fj <= hi_j):
            out[k] = _off_grid(grid, north0, east0, res, boundary, north[k], east[k], fi, fj)


@njit
def count_row_crossings(x0, y0, x1, y1, north0, res, nrows, counts):
    """Per grid row, how many edges cross the row's line (half-open in y so vertices count once)."""
    for k in range(x0.shape[0]):
        ya = y0[k]
        yb = y1[k]
        if ya == yb:
            continue
        lo = min(ya, yb)
        hi = max(ya, yb)
        i_lo = int(math.ceil((lo - north0) / res))
        i_hi = int(math.ceil((hi - north0) / res))  # exclusive: y in [lo, hi)
        if i_lo < 0:
            i_lo = 0
        if i_hi > nrows:
            i_hi = nrows
        for i in range(i_lo, i_hi):
            counts[i] += 1


@njit
def fill_row_crossings(x0, y0, x1, y1, north0, res, nrows, offsets, cursor, xs):
    """Writes the east coordinate of every edge/row crossing into ``xs`` at the row's slot."""
    for k in range(x0.shape[0]):
        ya = y0[k]
        yb = y1[k]
        if ya == yb:
            continue
        lo = min(ya, yb)
        hi = max(ya, yb)
        i_lo = int(math.ceil((lo - north0) / res))
        i_hi = int(math.ceil((hi - north0) / res))
        if i_lo < 0:
            i_lo = 0
        if i_hi > nrows:
            i_hi = nrows
        for i in range(i_lo, i_hi):
            y = north0 + i * res
            x = x0[k] + (y - ya) * (x1[k] - x0[k]) / (yb - ya)
            xs[offsets[i] + cursor[i]] = x
            cursor[i] += 1


@njit
def scanline_inside(offsets, xs, east0, res, inside):
    """Even-odd fill of the nodes of each row from the sorted crossings (sorts ``xs`` in place)."""
    nrows = inside.shape[0]
    ncols = inside.shape[1]
    for i in range(nrows):
        a = offsets[i]
        b = offsets[i + 1]
        xs[a:b] = np.sort(xs[a:b])
        for p in range(a, b - 1, 2):
            j_lo = int(math.ceil((xs[p] - east0) / res))
            j_hi = int(math.ceil((xs[p + 1] - east0) / res))  # nodes with x in [xa, xb)
            if j_lo < 0:
                j_lo = 0
            if j_hi > ncols:
                j_hi = ncols
            for j in range(j_lo, j_hi):
                inside[i, j] = True


@njit
def mark_edge_seeds(x0, y0, x1, y1, north0, east0, res, seeds):
    """Marks the node nearest to samples taken every <= res/2 along each edge."""
    nrows = seeds.shape[0]
    ncols = seeds.shape[1]
    for k in range(x0.shape[0]):
        length = math.hypot(x1[k] - x0[k], y1[k] - y0[k])
        n = int(math.ceil(length / (0.5 * res))) + 1
        for s in range(n + 1):
            t = s / n
            x = x0[k] + t * (x1[k] - x0[k])
            y = y0[k] + t * (y1[k] - y0[k])
            i = int(math.floor((y - north0) / res + 0.5))
            j = int(math.floor((x - east0) / res + 0.5))
            if 0 <= i < nrows and 0 <= j < ncols:
                seeds[i, j] = True


@njit
def _edt_1d(f, n, d, v, z):
    # Lower envelope of parabolas (Felzenszwalb and Huttenlocher, "Distance Transforms of Sampled
    # Functions", Theory of Computing 8, 2012): exact squared distances along one line.
    k = 0
    v[0] = 0
    z[0] = -_BIG
    z[1] = _BIG
    for q in range(1, n):
        if f[q] >= _BIG:
            continue
        if f[v[k]] >= _BIG:
            v[k] = q
            continue
        s = ((f[q] + q * q) - (f[v[k]] + v[k] * v[k])) / (2.0 * q - 2.0 * v[k])
        while s <= z[k]:
            k -= 1
            s = ((f[q] + q * q) - (f[v[k]] + v[k] * v[k])) / (2.0 * q - 2.0 * v[k])
        k += 1
        v[k] = q
        z[k] = s
        z[k + 1] = _BIG
    if f[v[0]] >= _BIG:
        for q in range(n):
            d[q] = _BIG
        return
    k = 0
    for q in range(n):
        while z[k + 1] < q:
            k += 1
        d[q] = (q - v[k]) * (q - v[k]) + f[v[k]]


@njit
def edt_squared(seeds, out):
    """Exact squared Euclidean distance (in cells^2) from every node to the nearest seed."""
    nr = seeds.shape[0]
    nc = seeds.shape[1]
    m = max(nr, nc)
    f = np.empty(m)
    d = np.empty(m)
    v = np.empty(m, dtype=np.int64)
    z = np.empty(m + 1)
    for j in range(nc):
        for i in range(nr):
            f[i] = 0.0 if seeds[i, j] else _BIG
        _edt_1d(f, nr, d, v, z)
        for i in range(nr):
            out[i, j] = d[i]
    for i in range(nr):
        for j in range(nc):
            f[j] = out[i, j]
        _edt_1d(f, nc, d, v, z)
        for j in range(nc):
            out[i, j] = d[j]


# --- Python side: building, caching and the public object -------------------------------------


def build_boundary(x0, y0, x1, y1) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The boundary tuple of ``signed_distance`` from ring edges (x = east, y = north)."""
    segs = np.ascontiguousarray(np.stack([x0, y0, x1, y1], axis=1), dtype=np.float64)
    segs = segs.reshape(-1, 4)
    if segs.shape[0] == 0:
        meta = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 1.0])
        return segs, meta, np.zeros(2, dtype=np.int64), np.zeros(0, dtype=np.int64)
    e_min = float(min(segs[:, 0].min(), segs[:, 2].min()))
    e_max = float(max(segs[:, 0].max(), segs[:, 2].max()))
    n_min = float(min(segs[:, 1].min(), segs[:, 3].min()))
    n_max = float(max(segs[:, 1].max(), segs[:, 3].max()))
    span = max(e_max - e_min, n_max - n_min, 1.0)
    n_buckets = min(max(segs.shape[0] / BUCKET_TARGET_EDGES, 1.0), BUCKET_MAX)
    size = max((e_max - e_min) * (n_max - n_min) / n_buckets, (span / 1024.0) ** 2, 1e-6) ** 0.5
    nr = int(math.floor((n_max - n_min) / size)) + 1
    nc = int(math.floor((e_max - e_min) / size)) + 1
    meta = np.array([n_min, e_min, size, float(nr), float(nc), 1.0])
    offsets = np.zeros(nr * nc + 1, dtype=np.int64)
    ids = np.zeros(0, dtype=np.int64)
    bucket_edges(segs, meta, True, offsets, ids)
    np.cumsum(offsets, out=offsets)
    ids = np.empty(int(offsets[-1]), dtype=np.int64)
    bucket_edges(segs, meta, False, offsets, ids)
    return segs, meta, offsets, ids


def no_boundary() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The boundary of a field built without one: ``signed_distance`` clamps to the raster."""
    meta = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 0.0])
    return np.zeros((0, 4)), meta, np.zeros(2, dtype=np.int64), np.zeros(0, dtype=np.int64)


class DistanceField:
    """A signed distance raster (m, negative inside hazards) with bilinear sampling, and the
    hazard boundary for exact distances outside the raster.

    Planner kernels take ``grid, north0, east0, res`` (and ``boundary``) and call
    ``sample_sdf`` (clamped at the raster's edge) or ``signed_distance`` (exact outside it).
    A field made without ``boundary`` clamps in both.
    """

    def __init__(
        self,
        grid: np.ndarray,
        north0: float,
        east0: float,
        res: float,
        boundary: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.grid = np.ascontiguousarray(grid, dtype=np.float64)
        self.north0 = float(north0)
        self.east0 = float(east0)
        self.res = float(res)
        if boundary is None:
            boundary = no_boundary()
        segs, meta, offsets, ids = boundary
        self.boundary = (
            np.ascontiguousarray(segs, dtype=np.float64).reshape(-1, 4),
            np.ascontiguousarray(meta, dtype=np.float64),
            np.ascontiguousarray(offsets, dtype=np.int64),
            np.ascontiguousarray(ids, dtype=np.int64),
        )

    @property
    def exact_outside(self) -> bool:
        """True when points off the raster get exact distances (else they are clamped)."""
        return bool(self.boundary[1][5] != 0.0)

    @property
    def shape(self) -> tuple[int, int]:
        return self.grid.shape  # type: ignore[return-value]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(north_min, east_min, north_max, east_max) of the grid nodes, m."""
        nr, nc = self.grid.shape
        return (
            self.north0,
            self.east0,
            self.north0 + (nr - 1) * self.res,
            self.east0 + (nc - 1) * self.res,
        )

    def sample(self, north, east) -> np.ndarray:
        """Signed distance (m) at the points: bilinear on the grid, exact off it (clamped to
        the grid for a field without boundary)."""
        n = np.ascontiguousarray(np.atleast_1d(np.asarray(north, dtype=np.float64)).ravel())
        e = np.ascontiguousarray(np.atleast_1d(np.asarray(east, dtype=np.float64)).ravel())
        n, e = np.broadcast_arrays(n, e)
        n = np.ascontiguousarray(n)
        e = np.ascontiguousarray(e)
        out = np.empty(n.shape[0])
        signed_distance_many(self.grid, self.north0, self.east0, self.res, self.boundary, n, e, out)
        return out.reshape(np.broadcast_shapes(np.shape(north), np.shape(east)))

    def save(self, path) -> None:
        segs, meta, offsets, ids = self.boundary
        np.savez(
            path,
            grid=self.grid,
            origin_res=np.array([self.north0, self.east0, self.res]),
            b_segs=segs,
            b_meta=meta,
            b_offsets=offsets,
            b_ids=ids,
        )

    @classmethod
    def load(cls, path) -> DistanceField:
        with np.load(path, allow_pickle=False) as z:
            grid = z["grid"]
            north0, east0, res = (float(v) for v in z["origin_res"])
            boundary = (z["b_segs"], z["b_meta"], z["b_offsets"], z["b_ids"])
        if grid.ndim != 2 or min(grid.shape) < 2 or not res > 0.0:
            raise ValueError("malformed distance field file")
        segs, meta, offsets, ids = boundary
        nb = int(meta[3]) * int(meta[4]) if meta.shape == (6,) else -1
        if (
            segs.ndim != 2
            or segs.shape[1] != 4
            or nb < 1
            or offsets.shape != (nb + 1,)
            or offsets[-1] != ids.shape[0]
            or (ids.size and not (ids.min() >= 0 and ids.max() < segs.shape[0]))
        ):
            raise ValueError("malformed distance field file")
        return cls(grid, north0, east0, res, boundary)


def ring_edges(geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All ring edges of a (multi)polygon as (x0, y0, x1, y1) arrays (x = east, y = north)."""
    import shapely

    rings = shapely.get_parts(shapely.boundary(shapely.get_parts(geometry)))
    rings = rings[~shapely.is_empty(rings)]
    if len(rings) == 0:
        empty = np.empty(0)
        return empty, empty, empty, empty
    coords, idx = shapely.get_coordinates(rings, return_index=True)
    same = idx[:-1] == idx[1:]
    a = coords[:-1][same]
    b = coords[1:][same]
    return (
        np.ascontiguousarray(a[:, 0]),
        np.ascontiguousarray(a[:, 1]),
        np.ascontiguousarray(b[:, 0]),
        np.ascontiguousarray(b[:, 1]),
    )


def build_sdf_grid(geometry, boundary_distance, bounds, res: float) -> DistanceField:
    """Signed distance field of ``geometry`` over ``bounds`` = (north_min, east_min, north_max,
    east_max). ``boundary_distance(north, east)`` must give exact distances to the boundary."""
    n_min, e_min, n_max, e_max = bounds
    nrows = int(math.floor((n_max - n_min) / res)) + 2
    ncols = int(math.floor((e_max - e_min) / res)) + 2
    grid = np.empty((nrows, ncols))
    x0, y0, x1, y1 = ring_edges(geometry)
    boundary = build_boundary(x0, y0, x1, y1)
    if x0.shape[0] == 0:
        grid[:] = _BIG
        return DistanceField(grid, n_min, e_min, res, boundary)
    counts = np.zeros(nrows, dtype=np.int64)
    count_row_crossings(x0, y0, x1, y1, n_min, res, nrows, counts)
    offsets = np.zeros(nrows + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    xs = np.empty(int(offsets[-1]))
    cursor = np.zeros(nrows, dtype=np.int64)
    fill_row_crossings(x0, y0, x1, y1, n_min, res, nrows, offsets, cursor, xs)
    inside = np.zeros((nrows, ncols), dtype=np.bool_)
    scanline_inside(offsets, xs, e_min, res, inside)
    seeds = np.zeros((nrows, ncols), dtype=np.bool_)
    mark_edge_seeds(x0, y0, x1, y1, n_min, e_min, res, seeds)
    if not seeds.any():
        # Every edge lies outside the grid: the grid is entirely inside or outside.
        grid[:] = np.where(inside, -_BIG, _BIG)
        return DistanceField(grid, n_min, e_min, res, boundary)
    edt_squared(seeds, grid)
    np.sqrt(grid, out=grid)
    grid *= res
    band_i, band_j = np.nonzero(grid < EXACT_BAND_CELLS * res)
    if band_i.size:
        grid[band_i, band_j] = boundary_distance(n_min + band_i * res, e_min + band_j * res)
    np.negative(grid, out=grid, where=inside)
    return DistanceField(grid, n_min, e_min, res, boundary)
