"""Recorded tracks as the referee reads them: ship-major arrays with course and speed over
ground, and the pair geometry (range, contact angle and relative bearing) at a record."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from autoship.geometry import contact_angle, wrap_pi

# Below this speed over ground (m/s) the course over ground is noise: use the heading.
COG_MIN_SPEED = 0.1


@dataclass
class Tracks:
    """Ship-major (n_ships, n_records) contiguous arrays the kernels read."""

    t: np.ndarray
    north: np.ndarray
    east: np.ndarray
    vn: np.ndarray
    ve: np.ndarray
    heading: np.ndarray
    cog: np.ndarray
    sog: np.ndarray

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Tracks:
        def sm(name: str) -> np.ndarray:
            return np.ascontiguousarray(np.asarray(arrays[name], dtype=np.float64).T)

        vn, ve, hdg = sm("vn"), sm("ve"), sm("heading")
        sog = np.hypot(vn, ve)
        cog = np.where(sog >= COG_MIN_SPEED, np.arctan2(ve, vn), hdg)
        return cls(
            t=np.ascontiguousarray(np.asarray(arrays["t"], dtype=np.float64)),
            north=sm("north"),
            east=sm("east"),
            vn=vn,
            ve=ve,
            heading=hdg,
            cog=np.ascontiguousarray(cog),
            sog=np.ascontiguousarray(sog),
        )


def pair_range(tr: Tracks, o: int, q: int, k: int) -> float:
    return float(math.hypot(tr.north[q, k] - tr.north[o, k], tr.east[q, k] - tr.east[o, k]))


def angles(tr: Tracks, o: int, q: int, k: int) -> tuple[float, float]:
    pn = tr.north[q, k] - tr.north[o, k]
    pe = tr.east[q, k] - tr.east[o, k]
    beta = wrap_pi(math.atan2(pe, pn) - tr.cog[o, k])
    alpha = contact_angle(pn, pe, tr.cog[q, k])
    return alpha, beta
