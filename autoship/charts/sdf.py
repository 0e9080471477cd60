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


class DistanceField:
    """A signed distance raster (m, negative inside hazards) with bilinear sampling.

    Planner kernels take ``grid, north0, east0, res`` and call ``sample_sdf`` directly.
    """

    def __init__(self, grid: np.ndarray, north0: float, east0: float, res: float) -> None:
        self.grid = np.ascontiguousarray(grid, dtype=np.float64)
        self.north0 = float(north0)
        self.east0 = float(east0)
        self.res = float(res)

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
        """Signed distance (m) at the points, bilinear; points off the grid are clamped to it."""
        n = np.ascontiguousarray(np.atleast_1d(np.asarray(north, dtype=np.float64)).ravel())
        e = np.ascontiguousarray(np.atleast_1d(np.asarray(east, dtype=np.float64)).ravel())
        n, e = np.broadcast_arrays(n, e)
        n = np.ascontiguousarray(n)
        e = np.ascontiguousarray(e)
        out = np.empty(n.shape[0])
        sample_sdf_many(self.grid, self.north0, self.east0, self.res, n, e, out)
        return out.reshape(np.broadcast_shapes(np.shape(north), np.shape(east)))

    def save(self, path) -> None:
        np.savez(
            path,
            grid=self.grid,
            origin_res=np.array([self.north0, self.east0, self.res]),
        )

    @classmethod
    def load(cls, path) -> DistanceField:
        with np.load(path, allow_pickle=False) as z:
            grid = z["grid"]
            north0, east0, res = (float(v) for v in z["origin_res"])
        if grid.ndim != 2 or min(grid.shape) < 2 or not res > 0.0:
            raise ValueError("malformed distance field file")
        return cls(grid, north0, east0, res)


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
    if x0.shape[0] == 0:
        grid[:] = _BIG
        return DistanceField(grid, n_min, e_min, res)
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
        return DistanceField(grid, n_min, e_min, res)
    edt_squared(seeds, grid)
    np.sqrt(grid, out=grid)
    grid *= res
    band_i, band_j = np.nonzero(grid < EXACT_BAND_CELLS * res)
    if band_i.size:
        grid[band_i, band_j] = boundary_distance(n_min + band_i * res, e_min + band_j * res)
    np.negative(grid, out=grid, where=inside)
    return DistanceField(grid, n_min, e_min, res)
