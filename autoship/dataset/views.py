"""Sensor views an end-to-end model would see, one per step: an ego-centred bird's-eye raster
and a simulated marine-radar image (range-bearing sweep).

Both are polar at heart: a point is (range, bearing relative to the own heading, clockwise), and
``polar_to_world`` is the one conversion back to the scenario frame. Land is the own ship's
chart hazards (``Hazards.distance_field``: charted land and water shallower than its draught);
without a chart there is none.

Radar model (parameters in ``RadarParams``; an X-band navigation radar):

- target returns from the radar equation, received power proportional to sigma / R^4
  (Skolnik, *Introduction to Radar Systems*, 3rd ed., 2001, eq. 2.1), with the ship's radar
  cross-section from Skolnik's empirical formula for ships at low grazing angle,
  sigma = 52 f^(1/2) D^(3/2) m^2 (f in MHz, D the displacement in kilotons; ibid. eq. 2.53),
  D from the hull dimensions with a block coefficient of 0.7; the returns are spread over the
  hull's cells (sampled hull points);
- sea clutter by the constant-gamma model, sigma0 = gamma sin(psi) with psi ~ h / R, over the
  cell area R theta_B c tau / 2 (ibid. section 13.3): clutter power ~ gamma h theta_B c tau /
  (2 R^4);
- land returns as area clutter with a land sigma0 of ``land_sigma0_db``;
- shadowing: along each bearing nothing is returned beyond ``land_depth_cells`` cells past the
  first land return (the coast hides what lies behind it);
- noise: receiver noise at a fixed power and Rayleigh speckle (every cell's power times an
  exponential draw), from a stream seeded by the episode seed and the step.

The image is the received power in dB above the noise floor, scaled to 0-255 over
``dynamic_range_db``. This is a simplified model (no antenna pattern, no multipath, no
ship-behind-ship shadowing); the geometry - where returns appear - is what the tests check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from autoship.geometry import wrap_2pi_array
from autoship.units import NAUTICAL_MILE

C_LIGHT = 299_792_458.0
BIRDSEYE_CHANNELS = ("land", "ships", "tracks")


@dataclass(frozen=True)
class RadarParams:
    range_m: float = 6.0 * NAUTICAL_MILE
    n_bearings: int = 256
    n_ranges: int = 128
    frequency_mhz: float = 9410.0
    beamwidth_deg: float = 1.2
    pulse_s: float = 0.25e-6
    antenna_height_m: float = 20.0
    gamma_db: float = -20.0  # sea state about 3 (Nathanson's tables, as quoted by Skolnik)
    land_sigma0_db: float = -10.0
    land_depth_cells: int = 3
    # Receiver noise (radar-equation constant taken as 1, so powers are in m^2 / m^4 units),
    # chosen so a 100 m ship at 6 nm stands about 30 dB above it and sea clutter sinks into it
    # at about 2 km.
    noise_db: float = -142.0
    dynamic_range_db: float = 60.0


@dataclass(frozen=True)
class BirdseyeParams:
    half_width_m: float = 3.0 * NAUTICAL_MILE
    size: int = 64  # cells per side, heading up, own ship in the centre
    track_steps: int = 12  # past decisions drawn in the tracks channel


def polar_to_world(
    north: float, east: float, heading: float, rel_bearing: np.ndarray, rng: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    a = heading + rel_bearing
    return north + rng * np.cos(a), east + rng * np.sin(a)


def world_to_polar(
    north: float, east: float, heading: float, pn: np.ndarray, pe: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(range, bearing relative to heading in [0, 2 pi)) of world points."""
    dn, de = pn - north, pe - east
    return np.hypot(dn, de), wrap_2pi_array(np.arctan2(de, dn) - heading)


def hull_points(
    north: np.ndarray,
    east: np.ndarray,
    heading: np.ndarray,
    length: np.ndarray,
    beam: np.ndarray,
    spacing: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """World points covering each hull rectangle no further apart than ``spacing``, and the
    index of the ship each point belongs to."""
    out_n, out_e, owner = [], [], []
    for k in range(len(north)):
        na = max(2, int(math.ceil(length[k] / spacing)) + 1)
        nb = max(2, int(math.ceil(beam[k] / spacing)) + 1)
        a, b = np.meshgrid(
            np.linspace(-length[k] / 2, length[k] / 2, na),
            np.linspace(-beam[k] / 2, beam[k] / 2, nb),
            indexing="ij",
        )
        a, b = a.ravel(), b.ravel()
        pn, pe = polar_to_world(north[k], east[k], heading[k], np.arctan2(b, a), np.hypot(a, b))
        out_n.append(pn)
        out_e.append(pe)
        owner.append(np.full(a.shape, k))
    if not out_n:
        z = np.zeros(0)
        return z, z, np.zeros(0, dtype=np.int64)
    return np.concatenate(out_n), np.concatenate(out_e), np.concatenate(owner)


def ship_rcs_m2(length: float, beam: float, draught: float, frequency_mhz: float) -> float:
    displacement_kt = 0.7 * length * beam * draught * 1.025 / 1000.0
    return 52.0 * math.sqrt(frequency_mhz) * max(displacement_kt, 1e-3) ** 1.5


def radar_image(
    own: tuple[float, float, float],
    ships: dict[str, np.ndarray],
    land_clearance,
    p: RadarParams,
    rng: np.random.Generator,
) -> np.ndarray:
    """(n_bearings, n_ranges) uint8. ``own`` = (north, east, heading); ``ships`` the other ships'
    north, east, heading, length, beam, draught arrays; ``land_clearance(north, east)`` the
    signed distance to land (<= 0 on land) or None."""
    on, oe, hdg = own
    nb, nr = p.n_bearings, p.n_ranges
    dr = p.range_m / nr
    r_c = (np.arange(nr) + 0.5) * dr
    db = 2.0 * math.pi / nb
    theta_b = math.radians(p.beamwidth_deg)
    lam_term = C_LIGHT * p.pulse_s / 2.0
    gamma = 10.0 ** (p.gamma_db / 10.0)
    # Radar-equation constant: the same for every return, so only ratios to noise matter.
    k_radar = 1.0
    # Sea clutter per range bin (constant gamma, grazing angle h / R).
    clutter = k_radar * gamma * (p.antenna_height_m / r_c) * r_c * theta_b * lam_term / r_c**4
    power = np.tile(clutter, (nb, 1))
    # Land: area returns where the chart says land; shadow beyond the coast's first cells.
    land = np.zeros((nb, nr), dtype=bool)
    if land_clearance is not None:
        bear = (np.arange(nb) + 0.5) * db
        B, R = np.meshgrid(bear, r_c, indexing="ij")
        ln, le = polar_to_world(on, oe, hdg, B, R)
        land = np.asarray(land_clearance(ln.ravel(), le.ravel())).reshape(nb, nr) <= 0.0
    first = np.where(land.any(axis=1), land.argmax(axis=1), nr)
    idx = np.arange(nr)[None, :]
    lit = idx < (first[:, None] + p.land_depth_cells)
    shadow = idx >= first[:, None]
    sigma0_land = 10.0 ** (p.land_sigma0_db / 10.0)
    land_area = r_c * theta_b * lam_term
    power = np.where(land & lit, power + k_radar * sigma0_land * land_area / r_c**4, power)
    power = np.where(shadow & ~(land & lit), 0.0, power)
    # Ships: each hull's RCS spread over its sampled points, binned by range and bearing.
    if len(ships["north"]):
        pn, pe, owner = hull_points(
            ships["north"], ships["east"], ships["heading"], ships["length"], ships["beam"],
            spacing=min(dr, 10.0),
        )  # fmt: skip
        rr, bb = world_to_polar(on, oe, hdg, pn, pe)
        counts = np.bincount(owner, minlength=len(ships["north"]))
        sig = np.array(
            [
                ship_rcs_m2(L, Bm, T, p.frequency_mhz)
                for L, Bm, T in zip(ships["length"], ships["beam"], ships["draught"], strict=True)
            ]
        )
        ib = np.minimum((bb / db).astype(np.int64), nb - 1)
        ir = (rr / dr).astype(np.int64)
        ok = ir < nr
        ok &= ir < first[ib] + p.land_depth_cells  # behind the coast: hidden
        w = sig[owner] / counts[owner] * k_radar / np.maximum(rr, dr) ** 4
        np.add.at(power, (ib[ok], ir[ok]), w[ok])
    noise = 10.0 ** (p.noise_db / 10.0)
    total = (power + noise) * rng.exponential(1.0, size=power.shape)
    db_above = 10.0 * np.log10(total / noise)
    return np.clip(db_above / p.dynamic_range_db * 255.0, 0.0, 255.0).astype(np.uint8)


def birdseye_image(
    own: tuple[float, float, float],
    ships: dict[str, np.ndarray],
    tracks: list[tuple[np.ndarray, np.ndarray]],
    land_clearance,
    p: BirdseyeParams,
) -> np.ndarray:
    """(3, size, size) uint8, heading up (row 0 ahead), own ship in the centre: land (255),
    other ships' hulls (255), past positions of every ship (older fainter)."""
    on, oe, hdg = own
    s = p.size
    cell = 2.0 * p.half_width_m / s
    out = np.zeros((3, s, s), dtype=np.uint8)
    # Cell centres as ego (x ahead, y starboard), then polar, then world.
    x = (s / 2.0 - np.arange(s) - 0.5) * cell
    y = (np.arange(s) - s / 2.0 + 0.5) * cell
    X, Y = np.meshgrid(x, y, indexing="ij")
    if land_clearance is not None:
        cn, ce = polar_to_world(on, oe, hdg, np.arctan2(Y, X), np.hypot(X, Y))
        clear = np.asarray(land_clearance(cn.ravel(), ce.ravel())).reshape(s, s)
        out[0][clear <= 0.0] = 255

    def cells(pn: np.ndarray, pe: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rr, bb = world_to_polar(on, oe, hdg, pn, pe)
        px, py = rr * np.cos(bb), rr * np.sin(bb)
        row = np.floor(s / 2.0 - px / cell).astype(np.int64)
        col = np.floor(py / cell + s / 2.0).astype(np.int64)
        ok = (row >= 0) & (row < s) & (col >= 0) & (col < s)
        return row, col, ok

    if len(ships["north"]):
        pn, pe, _ = hull_points(
            ships["north"], ships["east"], ships["heading"], ships["length"], ships["beam"],
            spacing=cell / 2.0,
        )  # fmt: skip
        row, col, ok = cells(pn, pe)
        out[1][row[ok], col[ok]] = 255
    n_t = len(tracks)
    for age, (tn, te) in enumerate(reversed(tracks)):
        row, col, ok = cells(tn, te)
        level = np.uint8(255 * (n_t - age) // max(n_t, 1))
        out[2][row[ok], col[ok]] = np.maximum(out[2][row[ok], col[ok]], level)
    return out
