"""Position reports -> clean per-ship tracks in the local frame -> states at simulation ticks.

Cleaning, per MMSI, in this order (each removed report is counted by reason):
1. reports without a time are dropped (``no_time``): a snapshot file has no tracks;
2. sorted by time; reports within ``dup_tol_s`` of the previous one are duplicates (the same
   broadcast heard by two receivers, or a repeated row) and dropped (``duplicate``);
3. thinning: a report less than ``min_interval_s`` after the last kept one is skipped
   (``thinned``, counted apart from drops). Receive times jitter by up to a second against the
   fix times (the Solent file has fixes 0.1 s apart that imply 70 kn); over a few seconds that
   jitter would dominate the speed the interpolation derives;
4. impossible jumps: going from the last kept report to the next one would need a speed above
   what the ship reported (twice its larger SOG plus ``slack_ms``) or above ``max_speed_kn``,
   beyond a ``noise_m`` allowance for position error. A single report out of line with both its
   neighbours is dropped (``jump``); when the ship really reappears elsewhere (two ships sharing
   an MMSI, a receiver glitch lasting several reports) the track is split there instead;
5. split at gaps longer than ``max_gap_s``;
6. segments with fewer than ``min_points`` reports are dropped (``short_segment``).

Resampling to ticks is linear in position inside each segment (NaN outside). The velocity at a
tick is the forward difference of that interpolant over one tick, so stepping a replayed ship by
``p + v dt`` lands exactly on the next tick's position: course and speed agree with positions.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from autoship.ais.records import AisData, ShipInfo
from autoship.errors import AisError
from autoship.geo import LocalFrame
from autoship.units import KNOT

# Fastest ships plausibly met in coastal AIS: high-speed craft run 35-45 kn. 60 kn leaves
# margin without admitting the multi-hundred-knot jumps of bad fixes.
MAX_SPEED_KN = 60.0


@dataclass
class Track:
    """One continuous, cleaned piece of one ship's reports. Times are UTC unix seconds."""

    mmsi: int
    segment: int
    t: np.ndarray
    north: np.ndarray
    east: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    sog: np.ndarray
    cog: np.ndarray
    heading: np.ndarray
    ship: ShipInfo | None = None

    @property
    def key(self) -> str:
        return f"{self.mmsi}" if self.segment == 0 else f"{self.mmsi}-{self.segment}"

    @property
    def t_start(self) -> float:
        return float(self.t[0])

    @property
    def t_end(self) -> float:
        return float(self.t[-1])

    def __len__(self) -> int:
        return int(self.t.shape[0])


@dataclass
class TrackSet:
    frame: LocalFrame
    tracks: list[Track]
    drops: Counter = field(default_factory=Counter)
    # Not data loss: "gap" and "jump" splits, "thinned" reports.
    splits: Counter = field(default_factory=Counter)


def default_frame(data: AisData) -> LocalFrame:
    """A frame at the middle of the 1-99 % position box (robust to a few wild positions)."""
    p = data.positions
    if len(p) == 0:
        raise AisError("no positions to place a local frame on", file=data.summary.source)
    lat = np.percentile(p.lat_deg, [1, 99])
    lon = np.percentile(p.lon_deg, [1, 99])
    return LocalFrame(float(lat.mean()), float(lon.mean()))


def build_tracks(
    data: AisData,
    frame: LocalFrame | None = None,
    *,
    max_gap_s: float = 600.0,
    max_speed_kn: float = MAX_SPEED_KN,
    noise_m: float = 50.0,
    slack_ms: float = 3.0,
    dup_tol_s: float = 0.01,
    min_interval_s: float = 5.0,
    min_points: int = 3,
) -> TrackSet:
    """Clean ``data``'s position reports into tracks (see the module docstring)."""
    if frame is None:
        frame = default_frame(data)
    drops: Counter = Counter()
    splits: Counter = Counter()
    p = data.positions
    has_t = np.isfinite(p.t)
    drops["no_time"] += int((~has_t).sum())
    p = p.select(has_t)
    if len(p) == 0:
        return TrackSet(frame, [], drops, splits)
    north, east = frame.to_local(p.lat_deg, p.lon_deg)
    order = np.lexsort((p.t, p.mmsi))
    mmsi_sorted = p.mmsi[order]
    bounds = np.flatnonzero(np.diff(mmsi_sorted)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [len(order)]))
    v_cap = max_speed_kn * KNOT
    tracks: list[Track] = []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        idx = order[a:b]
        t = p.t[idx]
        # Duplicates: keep the first report of each cluster.
        dup = np.zeros(len(idx), bool)
        dup[1:] = np.diff(t) <= dup_tol_s
        drops["duplicate"] += int(dup.sum())
        idx = idx[~dup]
        pieces = _clean_one(
            p.t[idx],
            north[idx],
            east[idx],
            p.sog[idx],
            v_cap,
            noise_m,
            slack_ms,
            max_gap_s,
            min_interval_s,
            drops,
            splits,
        )
        mmsi = int(mmsi_sorted[a])
        seg = 0
        for piece in pieces:
            if len(piece) < min_points:
                drops["short_segment"] += len(piece)
                continue
            j = idx[piece]
            tracks.append(
                Track(
                    mmsi=mmsi,
                    segment=seg,
                    t=p.t[j],
                    north=north[j],
                    east=east[j],
                    lat_deg=p.lat_deg[j],
                    lon_deg=p.lon_deg[j],
                    sog=p.sog[j],
                    cog=p.cog[j],
                    heading=p.heading[j],
                    ship=data.ships.get(mmsi),
                )
            )
            seg += 1
    return TrackSet(frame, tracks, drops, splits)


def _clean_one(
    t, north, east, sog, v_cap, noise_m, slack_ms, max_gap_s, min_interval_s, drops, splits
):
    """Indices (into the given arrays) of the kept reports, as a list of segments."""
    n = len(t)
    sog = np.where(np.isfinite(sog), sog, math.nan)
    t_l, n_l, e_l, s_l = t.tolist(), north.tolist(), east.tolist(), sog.tolist()

    def ok(j: int, i: int) -> bool:
        dt = t_l[i] - t_l[j]
        d = math.hypot(n_l[i] - n_l[j], e_l[i] - e_l[j])
        sj, si = s_l[j], s_l[i]
        reported = max(sj if sj == sj else -1.0, si if si == si else -1.0)
        v = v_cap if reported < 0 else min(v_cap, 2.0 * reported + slack_ms)
        return d <= v * dt + noise_m

    segments: list[list[int]] = []
    cur = [0]
    i = 1
    while i < n:
        j = cur[-1]
        if t_l[i] - t_l[j] < min_interval_s and i + 1 < n:
            splits["thinned"] += 1
        elif t_l[i] - t_l[j] > max_gap_s:
            splits["gap"] += 1
            segments.append(cur)
            cur = [i]
        elif ok(j, i):
            cur.append(i)
        elif i + 1 < n and ok(j, i + 1) and t_l[i + 1] - t_l[j] <= max_gap_s:
            drops["jump"] += 1  # a lone report out of line with both neighbours
        else:
            splits["jump"] += 1
            segments.append(cur)
            cur = [i]
        i += 1
    segments.append(cur)
    return [np.asarray(s, dtype=np.intp) for s in segments]


@dataclass
class Resampled:
    """Tracks at common ticks; arrays are (n_ticks, n_tracks), NaN where a track has no data.

    ``course``/``heading`` rad in [0, 2 pi), ``speed`` and ``vn``/``ve`` m/s over ground.
    """

    t: np.ndarray
    keys: list[str]
    north: np.ndarray
    east: np.ndarray
    vn: np.ndarray
    ve: np.ndarray
    speed: np.ndarray
    course: np.ndarray
    heading: np.ndarray

    @property
    def valid(self) -> np.ndarray:
        return np.isfinite(self.north)


# Below this speed (m/s, ~0.2 kn) a course from position differences is noise.
_STILL_MS = 0.1


def resample(tracks: list[Track], t: np.ndarray) -> Resampled:
    """States of ``tracks`` at the increasing times ``t`` (same clock as the tracks)."""
    t = np.asarray(t, dtype=np.float64)
    if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0):
        raise AisError("resample needs at least two strictly increasing tick times", field="t")
    dt_next = np.empty_like(t)
    dt_next[:-1] = np.diff(t)
    dt_next[-1] = dt_next[-2]
    shape = (t.size, len(tracks))
    out = {k: np.full(shape, math.nan) for k in ("north", "east", "vn", "ve", "heading")}
    for k, tr in enumerate(tracks):
        inside = (t >= tr.t[0]) & (t <= tr.t[-1])
        if not inside.any():
            continue
        ti = t[inside]
        # Forward difference over one tick, backward at the segment's last tick.
        t_fwd = ti + dt_next[inside]
        back = t_fwd > tr.t[-1]
        t_a = np.where(back, ti - dt_next[inside], ti)
        t_b = np.where(back, ti, t_fwd)
        t_a = np.maximum(t_a, tr.t[0])
        n_i = np.interp(ti, tr.t, tr.north)
        e_i = np.interp(ti, tr.t, tr.east)
        span = np.maximum(t_b - t_a, 1e-9)
        vn = (np.interp(t_b, tr.t, tr.north) - np.interp(t_a, tr.t, tr.north)) / span
        ve = (np.interp(t_b, tr.t, tr.east) - np.interp(t_a, tr.t, tr.east)) / span
        out["north"][inside, k] = n_i
        out["east"][inside, k] = e_i
        out["vn"][inside, k] = vn
        out["ve"][inside, k] = ve
        out["heading"][inside, k] = _interp_angle(ti, tr.t, tr.heading)
    speed = np.hypot(out["vn"], out["ve"])
    course = np.mod(np.arctan2(out["ve"], out["vn"]), 2.0 * math.pi)
    # Standing still: no course from positions; use the reported heading if any.
    still = speed < _STILL_MS
    course = np.where(still & np.isfinite(out["heading"]), out["heading"], course)
    heading = np.where(np.isfinite(out["heading"]), out["heading"], course)
    return Resampled(
        t=t,
        keys=[tr.key for tr in tracks],
        north=out["north"],
        east=out["east"],
        vn=out["vn"],
        ve=out["ve"],
        speed=speed,
        course=course,
        heading=heading,
    )


def _interp_angle(ti: np.ndarray, t: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Interpolate angles (rad) through the short way; NaN where the reports have none."""
    ok = np.isfinite(a)
    if ok.sum() < 2:
        return np.full(ti.shape, math.nan)
    s = np.interp(ti, t[ok], np.sin(a[ok]))
    c = np.interp(ti, t[ok], np.cos(a[ok]))
    return np.mod(np.arctan2(s, c), 2.0 * math.pi)


def ticks(t_start: float, t_end: float, dt_s: float) -> np.ndarray:
    """Tick times from ``t_start`` by ``dt_s`` up to and including ``t_end`` (within 1e-9)."""
    if not (dt_s > 0 and math.isfinite(dt_s)):
        raise AisError(f"tick interval {dt_s} s must be positive", field="dt_s")
    n = int(math.floor((t_end - t_start) / dt_s + 1e-9)) + 1
    return t_start + dt_s * np.arange(max(n, 2))
