"""Encounter mining: close-quarters pairs in recorded traffic -> ranked, classified scenarios.

Steps:
1. clean tracks (``autoship.ais.tracks``) and resample them all on one grid (``grid_s``);
2. for every pair of different ships, the closest approach over the ticks where both move at
   ``min_speed_kn`` or more; pairs whose closest approach is within ``max_cpa_nm`` are
   candidates (one per pair: its global minimum). Pairs whose hulls touch at the minimum
   (pilot boarding, towing, berthing alongside) are not encounters and are dropped;
3. the scenario starts ``lead_s`` before the closest approach (later if a track starts later;
   a candidate with less than ``min_lead_s`` of history is dropped, the situation was already
   running when the recording began). At the start the pair is classified by the COLREG engine
   (``autoship.colregs``) with the predicted DCPA/TCPA from the recorded velocities;
4. the give-way ship becomes the own ship (head-on: both give way, the first of the pair), unless
   it is faster than the own-ship model can go, then the other one; ``own_mmsi`` overrides the
   choice. Pairs with no rule 13-15 situation at the start are dropped (counted);
5. ranking: by DCPA at the start, then TCPA;
6. one scenario per encounter: the own ship starts where the recording has it, with its recorded
   course and speed, and its goal is where it really was at the end; the target and every other
   ship whose track covers the whole scenario window within ``traffic_radius_nm`` are replayed
   from CSV tracks (``track = "tracks/<scenario id>/<track key>.csv"``, ``planner =
   "replay"``). With a chart, ships recorded on its hazards (a berth drawn inside the land
   polygon, say) are left out. Sizes AIS did not give are written as a placeholder.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from autoship.ais.source import read_ais
from autoship.ais.tracks import Resampled, Track, TrackSet, build_tracks, resample, ticks
from autoship.errors import AisError
from autoship.units import KNOT, NAUTICAL_MILE

# Nomoto "generic-cargo" (autoship/ships/generic-cargo.toml): max_speed_kn 18.
OWN_MODEL = "generic-cargo"
OWN_MODEL_MAX_SPEED_KN = 18.0
# Size of a ship whose AIS gave none (files without static data, like the Solent one): a
# harbour-craft placeholder [P]. The model's own 150 m would put moored neighbours inside each
# other. Written explicitly into the scenario so a reader sees the guess.
PLACEHOLDER_LENGTH_M = 30.0
PLACEHOLDER_BEAM_M = 8.0
PLACEHOLDER_DRAUGHT_M = 2.5
UKC_M = 0.5


def _draught(tr: Track) -> float:
    return (tr.ship.draught_m if tr.ship is not None and tr.ship.draught_m else None) or (
        PLACEHOLDER_DRAUGHT_M
    )


def _length(tr: Track) -> float:
    return (tr.ship.length_m if tr.ship is not None and tr.ship.length_m else None) or (
        PLACEHOLDER_LENGTH_M
    )


@dataclass
class Encounter:
    own: Track
    target: Track
    code: int  # autoship.colregs classification code, own ship's view
    type: str
    own_role: str
    t_start: float  # unix s
    t_cpa: float  # unix s, time of the recorded closest approach
    t_end: float
    min_range_m: float
    dcpa_m: float  # predicted at t_start from recorded velocities
    tcpa_s: float
    own_speed: float  # m/s at t_start
    target_speed: float

    def summary(self) -> dict:
        return {
            "own_mmsi": self.own.mmsi,
            "target_mmsi": self.target.mmsi,
            "own_track": self.own.key,
            "target_track": self.target.key,
            "type": self.type,
            "own_role": self.own_role,
            "start_utc": _iso(self.t_start),
            "cpa_utc": _iso(self.t_cpa),
            "duration_s": self.t_end - self.t_start,
            "min_range_nm": self.min_range_m / NAUTICAL_MILE,
            "dcpa_nm": self.dcpa_m / NAUTICAL_MILE,
            "tcpa_min": self.tcpa_s / 60.0,
            "own_speed_kn": self.own_speed / KNOT,
            "target_speed_kn": self.target_speed / KNOT,
        }


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _classify(p_rel_n, p_rel_e, chi_own, chi_target, u_own, u_target) -> int:
    """COLREG class of one pair from the own ship's view (the one call into autoship.colregs)."""
    from autoship.colregs import classify, encounter_angles

    profile = _profile()
    beta, alpha = encounter_angles(
        np.array([p_rel_n]), np.array([p_rel_e]), np.array([chi_own]), np.array([chi_target])
    )
    return int(classify(beta, alpha, np.array([u_own]), np.array([u_target]), profile)[0])


_PROFILE = None


def _profile():
    """The default COLREG profile (loaded once: mining classifies thousands of pairs)."""
    global _PROFILE
    if _PROFILE is None:
        from autoship.colregs import load_profile

        _PROFILE = load_profile(None)
    return _PROFILE


def _code_info(code: int) -> tuple[str, str]:
    from autoship.colregs import CODE_ROLE, CODE_TYPE

    return CODE_TYPE[code], CODE_ROLE[code]


def find_encounters(
    ts: TrackSet,
    *,
    max_cpa_nm: float = 0.5,
    min_speed_kn: float = 3.0,
    grid_s: float = 10.0,
    lead_s: float = 600.0,
    min_lead_s: float = 180.0,
    after_s: float = 300.0,
    own_max_speed_kn: float = OWN_MODEL_MAX_SPEED_KN,
    own_mmsi: int | None = None,
    counts: Counter | None = None,
) -> list[Encounter]:
    """Ranked encounters (see the module docstring). ``counts`` collects why pairs were left.

    With ``own_mmsi`` only that ship's encounters are kept, with that ship as the own ship
    whatever its role."""
    counts = counts if counts is not None else Counter()
    tracks = ts.tracks
    if len(tracks) < 2:
        return []
    t0 = min(tr.t_start for tr in tracks)
    t1 = max(tr.t_end for tr in tracks)
    grid = ticks(t0, t1, grid_s)
    r = resample(tracks, grid)
    moving = r.speed >= min_speed_kn * KNOT
    max_cpa = max_cpa_nm * NAUTICAL_MILE
    n = len(tracks)
    mmsi = np.array([tr.mmsi for tr in tracks])
    out: list[Encounter] = []
    for i in range(n - 1):
        j = np.arange(i + 1, n)
        j = j[mmsi[j] != mmsi[i]]  # two pieces of one ship are not an encounter
        if own_mmsi is not None and mmsi[i] != own_mmsi:
            j = j[mmsi[j] == own_mmsi]
        if j.size == 0:
            continue
        dn = r.north[:, j] - r.north[:, [i]]
        de = r.east[:, j] - r.east[:, [i]]
        rng = np.hypot(dn, de)
        ok = moving[:, j] & moving[:, [i]]
        rng = np.where(ok, rng, np.inf)
        k = np.argmin(rng, axis=0)
        best = rng[k, np.arange(j.size)]
        for col in np.flatnonzero(best <= max_cpa):
            enc = _make(
                r,
                grid,
                tracks,
                i,
                int(j[col]),
                int(k[col]),
                float(best[col]),
                lead_s,
                min_lead_s,
                after_s,
                own_max_speed_kn,
                own_mmsi,
                counts,
            )
            if enc is not None:
                out.append(enc)
    out.sort(key=lambda e: (round(e.dcpa_m, 3), e.tcpa_s, e.own.mmsi, e.target.mmsi))
    counts["encounters"] = len(out)
    return out


def _make(
    r: Resampled,
    grid,
    tracks,
    a,
    b,
    k_cpa,
    min_range,
    lead_s,
    min_lead_s,
    after_s,
    own_max_speed_kn,
    own_mmsi,
    counts,
) -> Encounter | None:
    t_cpa = float(grid[k_cpa])
    ta, tb = tracks[a], tracks[b]
    if min_range <= (_length(ta) + _length(tb)) / 2.0:
        # Hulls touching in the recording is deliberate (pilot boarding, towing, berthing
        # alongside), not a collision-avoidance encounter.
        counts["alongside_at_cpa"] += 1
        return None
    t_first = max(ta.t_start, tb.t_start)
    t_start = max(t_cpa - lead_s, t_first)
    if t_cpa - t_start < min_lead_s:
        counts["too_little_history"] += 1
        return None
    t_end = min(t_cpa + after_s, ta.t_end, tb.t_end)
    k0 = int(np.searchsorted(grid, t_start))
    if k0 >= grid.size or not (np.isfinite(r.north[k0, a]) and np.isfinite(r.north[k0, b])):
        counts["no_state_at_start"] += 1
        return None
    t_start = float(grid[k0])

    def state(c):
        return (
            r.north[k0, c],
            r.east[k0, c],
            r.vn[k0, c],
            r.ve[k0, c],
            r.course[k0, c],
            r.speed[k0, c],
        )

    sa, sb = state(a), state(b)
    if math.hypot(sb[0] - sa[0], sb[1] - sa[1]) <= (_length(ta) + _length(tb)) / 2.0:
        counts["hulls_overlap_at_start"] += 1  # alongside: pilot boarding, towing, moored
        return None
    code_a = _classify(sb[0] - sa[0], sb[1] - sa[1], sa[4], sb[4], sa[5], sb[5])
    if code_a == 0:
        counts["no_colreg_situation"] += 1
        return None
    from autoship.colregs import CODE_ROLE, MIRROR

    # Prefer the ship that must act (give-way; head-on: both) as the own ship.
    order = [(a, code_a), (b, int(MIRROR[code_a]))]
    if CODE_ROLE[code_a] == "stand-on":
        order.reverse()
    if own_mmsi is not None:  # the user chose the own ship
        order = [oc for oc in order if tracks[oc[0]].mmsi == own_mmsi]
    own_max = own_max_speed_kn * KNOT
    choice = next(((o, c) for o, c in order if r.speed[k0, o] <= own_max), None)
    if choice is None:
        counts["too_fast_for_own_model"] += 1
        return None
    own, code = choice
    tgt = b if own == a else a
    so, st_ = (sa, sb) if own == a else (sb, sa)
    from autoship.colregs import cpa_tcpa

    dcpa, tcpa = cpa_tcpa(
        np.array([st_[0] - so[0]]),
        np.array([st_[1] - so[1]]),
        np.array([st_[2] - so[2]]),
        np.array([st_[3] - so[3]]),
    )
    typ, role = _code_info(code)
    return Encounter(
        own=tracks[own],
        target=tracks[tgt],
        code=code,
        type=typ,
        own_role=role,
        t_start=t_start,
        t_cpa=t_cpa,
        t_end=t_end,
        min_range_m=min_range,
        dcpa_m=float(dcpa[0]),
        tcpa_s=float(tcpa[0]),
        own_speed=float(so[5]),
        target_speed=float(st_[5]),
    )


# -- scenario files ------------------------------------------------------------------------------


def track_csv(tr: Track, t_start: float, t_end: float, margin_s: float = 60.0) -> str:
    """The recorded track around a scenario window as the scenario ``track`` CSV
    (``t_s,lat_deg,lon_deg[,sog_kn,cog_deg,heading_deg]``, t_s from the scenario start).

    An optional column is written only when the recording has values for it; a missing value
    inside it is written as ``nan``.
    """
    sel = (tr.t >= t_start - margin_s) & (tr.t <= t_end + margin_s)
    cols = [
        ("t_s", tr.t[sel] - t_start, 3),
        ("lat_deg", tr.lat_deg[sel], 7),
        ("lon_deg", tr.lon_deg[sel], 7),
    ]
    for name, arr, scale, nd in (
        ("sog_kn", tr.sog, 1.0 / KNOT, 1),
        ("cog_deg", tr.cog, 180.0 / math.pi, 1),
        ("heading_deg", tr.heading, 180.0 / math.pi, 0),
    ):
        a = arr[sel] * scale
        if np.isfinite(a).any():
            cols.append((name, a, nd))
    lines = [",".join(c[0] for c in cols)]
    for i in range(int(sel.sum())):
        lines.append(
            ",".join("nan" if not math.isfinite(a[i]) else f"{a[i]:.{nd}f}" for _, a, nd in cols)
        )
    return "\n".join(lines) + "\n"


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scenario_toml(
    enc: Encounter,
    scenario_id: str,
    source_file: str,
    traffic: list[Track],
    frame_lat: float,
    frame_lon: float,
    *,
    chart_rel: str | None = None,
    planner: str = "sbmpc",
    dt_s: float = 1.0,
    profile: str = "auto",
) -> tuple[str, dict[str, str]]:
    """(scenario text, {relative track path: CSV text})."""
    duration = math.floor((enc.t_end - enc.t_start) / dt_s) * dt_s
    r_own = resample([enc.own], np.array([enc.t_start, enc.t_start + dt_s]))
    lat0, lon0 = _latlon_at(enc.own, enc.t_start)
    lat1, lon1 = _latlon_at(enc.own, enc.t_end)
    course = math.degrees(float(r_own.course[0, 0])) % 360.0
    speed = float(r_own.speed[0, 0]) / KNOT
    s = enc.summary()
    ref = f"{os.path.basename(source_file)} {s['start_utc']}"
    title = f"AIS {enc.type}: {enc.own.mmsi} vs {enc.target.mmsi}"
    lines = [
        f"# Mined from recorded AIS ({os.path.basename(source_file)}) by `autoship ais extract`.",
        f"# {enc.type} ({enc.own_role} for the own ship): MMSI {enc.own.mmsi} (own) and "
        f"{enc.target.mmsi}; recorded closest approach {s['min_range_nm']:.3f} nm at "
        f"{s['cpa_utc']}.",
        f"# At the start: DCPA {s['dcpa_nm']:.3f} nm, TCPA {s['tcpa_min']:.1f} min.",
        "[scenario]",
        f"id = {_toml_str(scenario_id)}",
        f"title = {_toml_str(title)}",
        'source = "ais"',
        f"source_ref = {_toml_str(ref)}",
        f"start_utc = {_toml_str(s['start_utc'])}",
        "seed = 1",
        f"duration_s = {duration:.1f}",
        f"dt_s = {dt_s:.1f}",
        "planner_period_s = 5.0",
        'visibility = "good"',
        "",
        "[frame]",
        f"origin_lat_deg = {frame_lat:.6f}",
        f"origin_lon_deg = {frame_lon:.6f}",
    ]
    lines += [
        "",
        "[scoring]",
        "# The referee picks the profile from the own ship size and the chart (harbour for small",
        "# craft in confined water); the report says which.",
        f"profile = {_toml_str(profile)}",
    ]
    if chart_rel is not None:
        lines += [
            "",
            "[chart]",
            f"path = {_toml_str(chart_rel)}",
            f"under_keel_clearance_m = {UKC_M}",
        ]
    lines += [
        "",
        "[[ship]]",
        f'id = "own-{enc.own.mmsi}"',
        'role = "own"',
        f"model = {_toml_str(OWN_MODEL)}",
        *_dims(enc.own),
        f"start = {{ lat_deg = {lat0:.7f}, lon_deg = {lon0:.7f} }}",
        f"course_deg = {course:.1f}",
        f"speed_kn = {min(speed, OWN_MODEL_MAX_SPEED_KN):.1f}",
        f"goal = {{ lat_deg = {lat1:.7f}, lon_deg = {lon1:.7f} }}",
        f"planner = {_toml_str(planner)}",
        f"mmsi = {enc.own.mmsi}",
        "# What the own ship really did: replayed traffic is handed over only once the",
        "# simulated own ship's deviation from this recording changes their situation.",
        f"track = {_toml_str(f'tracks/{scenario_id}/{enc.own.key}.csv')}",
    ]
    files: dict[str, str] = {
        f"tracks/{scenario_id}/{enc.own.key}.csv": track_csv(enc.own, enc.t_start, enc.t_end)
    }
    for tr in [enc.target, *traffic]:
        rel = f"tracks/{scenario_id}/{tr.key}.csv"
        files[rel] = track_csv(tr, enc.t_start, enc.t_end)
        lines += [
            "",
            "[[ship]]",
            f'id = "ais-{tr.key}"',
            'role = "target"',
            f"model = {_toml_str(OWN_MODEL)}",
            *_dims(tr),
            f"track = {_toml_str(rel)}",
            'planner = "replay"',
            f"mmsi = {tr.mmsi}",
        ]
    return "\n".join(lines) + "\n", files


def _dims(tr: Track) -> list[str]:
    sh = tr.ship
    out = []
    if sh is not None and sh.length_m and sh.beam_m:
        out += [f"length_m = {sh.length_m:.1f}", f"beam_m = {sh.beam_m:.1f}"]
    else:
        out += [
            "# size unknown (no AIS static data): placeholder",
            f"length_m = {PLACEHOLDER_LENGTH_M:.1f}",
            f"beam_m = {PLACEHOLDER_BEAM_M:.1f}",
        ]
    out.append(f"draught_m = {_draught(tr):.1f}")
    if sh is not None and sh.ship_type:
        out.append(f"ship_type = {sh.ship_type}")
    return out


def _latlon_at(tr: Track, t: float) -> tuple[float, float]:
    return float(np.interp(t, tr.t, tr.lat_deg)), float(np.interp(t, tr.t, tr.lon_deg))


# An encounter is kept only if no other ship is within this distance of the own ship during
# the first START_WINDOW_S: twice the small-vessel profile's separation gate (50 m) [P].
MIN_START_SEPARATION_M = 100.0
START_WINDOW_S = 60.0


def _closest_early(enc: Encounter, traffic: list[Track], window_s: float) -> float:
    """Smallest centre distance (m) between the own ship and the target or any traffic ship
    during the first ``window_s`` of the encounter, as recorded."""
    grid = ticks(enc.t_start, min(enc.t_end, enc.t_start + window_s), 5.0)
    if grid.size < 2:
        return math.inf
    own = resample([enc.own], grid)
    best = math.inf
    for tr in (enc.target, *traffic):
        o = resample([tr], grid)
        d = np.hypot(o.north[:, 0] - own.north[:, 0], o.east[:, 0] - own.east[:, 0])
        if np.isfinite(d).any():
            best = min(best, float(np.nanmin(d)))
    return best


def traffic_for(
    enc: Encounter,
    ts: TrackSet,
    radius_nm: float = 1.0,
    counts: Counter | None = None,
    on_hazard=None,
) -> list[Track]:
    """Other ships whose tracks cover the whole window and come within ``radius_nm`` of the own
    ship during it. A partial track would be extrapolated by the replay, so it is left out; so
    is a ship that starts where an already chosen one is (moored alongside: hulls overlap)."""
    counts = counts if counts is not None else Counter()
    grid = ticks(enc.t_start, enc.t_end, 10.0)
    own = resample([enc.own], grid)
    placed = [
        (enc.own, *_latlon_at(enc.own, enc.t_start)),
        (enc.target, *_latlon_at(enc.target, enc.t_start)),
    ]
    frame = ts.frame
    out = []
    for tr in sorted(ts.tracks, key=lambda x: x.key):
        if tr is enc.own or tr is enc.target or tr.mmsi in (enc.own.mmsi, enc.target.mmsi):
            continue
        if tr.t_start > enc.t_start or tr.t_end < enc.t_end:
            continue
        o = resample([tr], grid)
        d = np.hypot(o.north[:, 0] - own.north[:, 0], o.east[:, 0] - own.east[:, 0])
        if not np.nanmin(d) <= radius_nm * NAUTICAL_MILE:
            continue
        lat, lon = _latlon_at(tr, enc.t_start)
        if on_hazard is not None and on_hazard(tr, lat, lon):
            counts["traffic_left_out_on_hazard"] += 1
            continue
        n0, e0 = frame.to_local(lat, lon)
        clash = False
        for other, la, lo in placed:
            n1, e1 = frame.to_local(la, lo)
            if math.hypot(float(n0 - n1), float(e0 - e1)) <= (_length(tr) + _length(other)) / 2:
                clash = True
                break
        if clash:
            counts["traffic_left_out_overlap"] += 1
            continue
        placed.append((tr, lat, lon))
        out.append(tr)
    return out


def _hazard_test(chart_path, ts: TrackSet):
    """A predicate (track, lat, lon) -> on a hazard of the chart for the ship's draught."""
    from autoship.charts import load_chart

    chart = load_chart(chart_path, ts.frame)
    cache: dict[float, object] = {}

    def on_hazard(tr: Track, lat: float, lon: float) -> bool:
        d = _draught(tr)
        hz = cache.get(d)
        if hz is None:
            hz = cache[d] = chart.hazards(d, UKC_M)
        n, e = ts.frame.to_local(lat, lon)
        return bool(hz.contains(float(n), float(e))) or not bool(chart.covers(float(n), float(e)))

    return on_hazard


def extract_to_dir(
    file: str | os.PathLike,
    out_dir: str | os.PathLike,
    *,
    chart: str | os.PathLike | None = None,
    max_cpa_nm: float = 0.5,
    min_speed_kn: float = 3.0,
    limit: int = 20,
    planner: str = "sbmpc",
    force: bool = False,
    traffic_radius_nm: float = 1.0,
    own_mmsi: int | None = None,
    min_start_separation_m: float = MIN_START_SEPARATION_M,
) -> dict:
    """Read ``file``, mine encounters and write scenario files into ``out_dir``."""
    out = Path(out_dir)
    if not (max_cpa_nm > 0 and math.isfinite(max_cpa_nm)):
        raise AisError(f"{max_cpa_nm} must be a positive distance", field="--max-cpa-nm")
    if not (min_speed_kn >= 0 and math.isfinite(min_speed_kn)):
        raise AisError(f"{min_speed_kn} must be a speed >= 0", field="--min-speed-kn")
    if limit < 1:
        raise AisError(f"{limit} must be at least 1", field="--limit")
    if not (min_start_separation_m >= 0 and math.isfinite(min_start_separation_m)):
        raise AisError(
            f"{min_start_separation_m} must be a distance >= 0", field="--min-start-sep-m"
        )
    if chart is not None and not Path(chart).is_file():
        raise AisError("no such chart file", file=str(chart), field="--chart")
    if out.exists() and any(out.iterdir()) and not force:
        raise AisError("output folder is not empty (use --force)", file=str(out))
    data = read_ais(file)
    ts = build_tracks(data)
    if data.time_span() is None:
        raise AisError("the file has no timestamps: no tracks, no encounters", file=str(file))
    counts: Counter = Counter()
    encs = find_encounters(
        ts, max_cpa_nm=max_cpa_nm, min_speed_kn=min_speed_kn, own_mmsi=own_mmsi, counts=counts
    )
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(file).name.split(".")[0].lower().replace("_", "-")
    chart_rel = None if chart is None else os.path.relpath(Path(chart).resolve(), out.resolve())
    on_hazard = None if chart is None else _hazard_test(chart, ts)
    written = []
    rank = 0
    for enc in encs:
        if rank >= limit:
            break
        if on_hazard is not None and (
            on_hazard(enc.own, *_latlon_at(enc.own, enc.t_start))
            or on_hazard(enc.own, *_latlon_at(enc.own, enc.t_end))
            or on_hazard(enc.target, *_latlon_at(enc.target, enc.t_start))
        ):
            counts["pair_on_hazard"] += 1  # a berth drawn inside the land polygon, say
            continue
        if enc.own_speed < min_speed_kn * KNOT:
            counts["own_not_under_way_at_start"] += 1  # nothing to steer yet
            continue
        traffic = traffic_for(enc, ts, traffic_radius_nm, counts, on_hazard)
        if _closest_early(enc, traffic, START_WINDOW_S) < min_start_separation_m:
            # The own ship is already in close quarters before it can do anything: such a
            # case scores the recording, not the planner.
            counts["close_quarters_at_start"] += 1
            continue
        rank += 1
        sid = f"ais-{stem}-{rank:02d}"
        text, files = scenario_toml(
            enc,
            sid,
            str(file),
            traffic,
            ts.frame.origin_lat_deg,
            ts.frame.origin_lon_deg,
            chart_rel=chart_rel,
            planner=planner,
        )
        for rel, body in files.items():
            p = out / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(body, encoding="utf-8")
        (out / f"{sid}.toml").write_text(text, encoding="utf-8")
        written.append(
            {"scenario": sid, "rank": rank, "replayed": 1 + len(traffic), **enc.summary()}
        )
    return {"source": str(file), "candidates": dict(counts), "encounters": written}
