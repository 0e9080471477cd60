"""Recorded tracks referenced by scenarios (``[[ship]] track = "file.csv"``).

CSV columns: ``t_s,lat_deg,lon_deg`` and optionally ``sog_kn,cog_deg,heading_deg``; ``t_s`` is
seconds from the scenario start, strictly increasing. Positions are converted once into the
scenario's local frame; velocities are taken from the positions themselves (central differences)
so that a replayed ship's course and speed can never disagree with where it goes.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autoship.errors import ScenarioError
from autoship.geo import LocalFrame
from autoship.geometry import wrap_2pi, wrap_2pi_array, wrap_pi

REQUIRED = ("t_s", "lat_deg", "lon_deg")
# Input limits (docs/architecture.md): a track covers one scenario (at most 7 days, a few
# thousand points), close to the frame origin like every other position in a scenario.
MAX_TRACK_BYTES = 20_000_000
MAX_ABS_T_S = 8 * 86400.0
MAX_RANGE_M = 200_000.0
# ASCII decimal numbers only: float() would also take "nan", "inf", "1_0" and Unicode digits.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?")


def _number(cell: str) -> float:
    cell = cell.strip()
    if cell.lower() in ("", "nan"):  # "not known", as ais extract writes it (checked later)
        return math.nan
    if not _NUMBER.fullmatch(cell) or not cell.isascii():
        raise ValueError(cell)
    return float(cell)


OPTIONAL = ("sog_kn", "cog_deg", "heading_deg")


@dataclass(frozen=True)
class Track:
    path: Path
    t: np.ndarray  # s from scenario start
    north: np.ndarray
    east: np.ndarray
    vn: np.ndarray  # m/s over ground, from positions
    ve: np.ndarray
    heading: np.ndarray  # rad; recorded heading where given, else course over ground

    def state_at(self, t: float) -> tuple[float, float, float, float, float]:
        """(north, east, heading, vn, ve) at time t: linear inside, constant velocity outside."""
        tt = self.t
        if t <= tt[0]:
            dt = t - tt[0]
            return (
                self.north[0] + self.vn[0] * dt,
                self.east[0] + self.ve[0] * dt,
                self.heading[0],
                self.vn[0],
                self.ve[0],
            )
        if t >= tt[-1]:
            dt = t - tt[-1]
            return (
                self.north[-1] + self.vn[-1] * dt,
                self.east[-1] + self.ve[-1] * dt,
                self.heading[-1],
                self.vn[-1],
                self.ve[-1],
            )
        k = int(np.searchsorted(tt, t, side="right")) - 1
        s = (t - tt[k]) / (tt[k + 1] - tt[k])
        n = self.north[k] + s * (self.north[k + 1] - self.north[k])
        e = self.east[k] + s * (self.east[k + 1] - self.east[k])
        vn = (self.north[k + 1] - self.north[k]) / (tt[k + 1] - tt[k])
        ve = (self.east[k + 1] - self.east[k]) / (tt[k + 1] - tt[k])
        dh = wrap_pi(self.heading[k + 1] - self.heading[k])
        return n, e, wrap_2pi(self.heading[k] + s * dh), vn, ve


def load_track(path: Path, frame: LocalFrame, key: str, scenario_file: str) -> Track:
    def fail(msg: str) -> ScenarioError:
        return ScenarioError(f"{path}: {msg}", file=scenario_file, field=key)

    try:
        if path.is_dir():
            raise fail("is a folder, not a track file")
        if path.stat().st_size > MAX_TRACK_BYTES:
            raise fail(f"larger than {MAX_TRACK_BYTES} bytes")
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except FileNotFoundError:
        raise fail("track file not found") from None
    except (OSError, ValueError, csv.Error) as exc:  # UnicodeDecodeError is a ValueError
        raise fail(f"cannot read: {' '.join(str(exc).split())}") from None
    if not rows:
        raise fail("empty track file")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise fail(f"missing column(s) {', '.join(missing)}; found {', '.join(header)}")
    col = {h: i for i, h in enumerate(header)}
    data: dict[str, list[float]] = {c: [] for c in (*REQUIRED, *OPTIONAL) if c in col}
    for lineno, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        for c in data:
            try:
                v = _number(row[col[c]])
            except (ValueError, IndexError):
                raise fail(f"line {lineno}: {c} is not a number") from None
            data[c].append(v)
    t = np.array(data["t_s"])
    if t.size < 2:
        raise fail("needs at least two points")
    if not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise fail("t_s must be finite and strictly increasing")
    if np.any(np.abs(t) > MAX_ABS_T_S):
        raise fail(f"t_s beyond +-{MAX_ABS_T_S:g} s of the scenario start")
    lat = np.array(data["lat_deg"])
    lon = np.array(data["lon_deg"])
    if np.any(~np.isfinite(lat) | (np.abs(lat) > 90)) or np.any(
        ~np.isfinite(lon) | (np.abs(lon) > 180)
    ):
        raise fail("lat_deg/lon_deg out of range")
    north, east = frame.to_local(lat, lon)
    far = np.hypot(north, east) > MAX_RANGE_M
    if np.any(far):
        k = int(np.argmax(far))
        raise fail(f"line {k + 2}: more than {MAX_RANGE_M / 1000:.0f} km from the frame origin")
    vn = np.gradient(north, t)
    ve = np.gradient(east, t)
    cog = wrap_2pi_array(np.arctan2(ve, vn))
    heading = cog
    if "heading_deg" in data:
        h = np.array(data["heading_deg"])
        heading = np.where(np.isfinite(h) & (h >= 0) & (h < 360), np.radians(h), cog)
    speed = np.hypot(vn, ve)
    if np.any(speed > 60 * 1852 / 3600):
        k = int(np.argmax(speed))
        raise fail(
            f"line {k + 2}: implied speed {speed[k] * 3600 / 1852:.1f} kn is impossible "
            "(clean the track first)"
        )
    return Track(
        path=path,
        t=t,
        north=np.asarray(north),
        east=np.asarray(east),
        vn=vn,
        ve=ve,
        heading=np.asarray(heading),
    )
