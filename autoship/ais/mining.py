"""Encounter mining: close-quarters pairs in recorded traffic -> ranked, classified scenarios.

Steps:
1. clean tracks (``autoship.ais.tracks``) and resample them all on one grid (``grid_s``);
2. for every pair of different ships, the closest approach over the ticks where both move at
   ``min_speed_kn`` or more and both are observed (a report of each ship within
   ``OBSERVED_GAP_S`` either side); pairs whose closest approach is within ``max_cpa_nm`` are
   candidates (one per pair: its global minimum). Pairs whose hulls touch at the minimum
   (pilot boarding, towing, berthing alongside) are not encounters and are dropped;
3. the scenario starts ``lead_s`` before the closest approach (later if a track starts later;
   a candidate with less than ``min_lead_s`` of history is dropped, the situation was already
   running when the recording began). At the start the pair is classified by the COLREG engine
   (``autoship.colregs``) with the predicted DCPA/TCPA from the recorded velocities;
4. the give-way ship becomes the own ship (head-on: both give way, the first of the pair), unless
   it is not under way at the start (below ``min_speed_kn``: leaving a berth, say) or faster
   than its own model can go (``VesselProfile.top_speed_kn``), then the other one;
   ``own_mmsi`` overrides the choice. Pairs with no rule 13-15 situation at the start are
   dropped (counted);
5. ranking: by DCPA at the start, then TCPA;
6. one scenario per real encounter and own ship: an encounter whose own ship already has a case
   overlapping it in time is named in that case's comments instead. The own ship starts where
   the recording has it, with its recorded course and speed; its goal is where it really was at
   the scenario end, which is brought forward when a straight run to the recorded end would
   leave the human's path (``mission_end``); the recorded route, simplified, and the recorded
   own ship's figures (path length, minimum separation to each ship) are written as comments
   (the scenario schema has no route key). The start must be clear of other ships' hulls and,
   with a chart, of hazards. The target and every other ship whose track covers the whole
   window within ``traffic_radius_nm`` are replayed from CSV tracks
   (``track = "tracks/<scenario id>/<track key>.csv"``, ``planner = "replay"``). With a chart,
   ships recorded on its hazards (a berth drawn inside the land polygon, say) are left out;
   moored, anchored or still ships stay replayed with a passive hand-over guard.

Every ship's model and size come from its AIS static data or a documented inference
(``profile_vessels``), with each value's provenance in a comment.
"""

from __future__ import annotations

import math
import os
import textwrap
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np

from autoship._strict import toml_string
from autoship.ais.records import AisData
from autoship.ais.source import read_ais
from autoship.ais.tracks import Resampled, Track, TrackSet, build_tracks, resample, ticks
from autoship.errors import AisError
from autoship.geometry import wrap_2pi
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
# A ship is observed at a time when the reports bracketing it are at most OBSERVED_GAP_S apart
# (three class B intervals, 30 s under way, ITU-R M.1371) [P], or when a longer gap (up to
# DEAD_RECKONING_GAP_S) is one straight run: both reports' COG within DR_COURSE_DEG of the
# chord between them and their SOG, and the chord's speed, within DR_SPEED_FRACTION of each
# other [P]. Elsewhere in a gap the track is a line drawn between two reports, and a "closest
# approach" found there is an artefact: in the Solent recording one such gap (a ship whose SOG
# went from 5.8 to 33 kn across 4 minutes) produced a 7 m "collision" of ships that were never
# seen together.
OBSERVED_GAP_S = 90.0
DEAD_RECKONING_GAP_S = 300.0
DR_COURSE_DEG = 20.0
DR_SPEED_FRACTION = 0.25
DR_SPEED_SLACK_MS = 0.3


# The vessel profiles that give every mined ship its size, set for the duration of one
# extraction by ``_using`` (a module-level map keeps the many small helpers' signatures).
_PROFILES: Mapping[int, VesselProfile] = {}


@contextmanager
def _using(profiles: Mapping[int, VesselProfile]) -> Iterator[None]:
    global _PROFILES
    saved, _PROFILES = _PROFILES, profiles
    try:
        yield
    finally:
        _PROFILES = saved


def _draught(tr: Track) -> float:
    prof = _PROFILES.get(tr.mmsi)
    if prof is not None:
        return prof.draught_m
    return (tr.ship.draught_m if tr.ship is not None and tr.ship.draught_m else None) or (
        PLACEHOLDER_DRAUGHT_M
    )


def _length(tr: Track) -> float:
    prof = _PROFILES.get(tr.mmsi)
    if prof is not None:
        return prof.length_m
    return (tr.ship.length_m if tr.ship is not None and tr.ship.length_m else None) or (
        PLACEHOLDER_LENGTH_M
    )


# -- who each ship is: AIS static data, or an inference from its behaviour -----------------------
#
# A mined ship's model and size come from its AIS static data when the recording has it (types 5
# and 24: A+B = length, C+D = beam, ship type; type 5 also draught) through the library's rules
# (``autoship.dynamics.choose``). Without static data (a CSV of positions, like the Solent file)
# they are inferred from what the recording shows, in this order:
#   1. the MMSI (ITU-R M.585): 8MIDxxxxx is a handheld VHF and 98MIDxxxx a craft associated with
#      a parent ship (tender, RIB): small craft; 111MIDxxx (SAR aircraft), 99MIDxxxx (aids to
#      navigation), 00MIDxxxx (coast stations) and 970/972/974xxxxxx (SART, MOB, EPIRB) are not
#      ships and are not mined; a ship station MIDxxxx000 (three trailing zeros, the form given
#      to ships with Inmarsat ship earth stations) is taken as a seagoing (SOLAS) ship;
#   2. the AIS class: from the message types when the file has them (18/19/24: B), otherwise from
#      the report interval under way: a class B "CS" unit reports every 30 s whatever its speed,
#      class A every 2-10 s under way (ITU-R M.1371-5, Annex 1 tables 1 and 2); a median and
#      lower quartile of at least 25 s over 5+ intervals at more than 2 kn means class B, a
#      median of at most 12 s class A;
#   3. the speed profile: the 95th percentile of the reported SOG (robust to single bad values)
#      picks the class in ``_INFERRED`` (high-speed craft from 25 kn, and so on);
#   4. the size is that class's typical length [P]; when the chosen model's top speed at that
#      length is below the recorded speed, the length is raised by Froude scaling (top speed
#      ~ sqrt(L)) up to the model's valid maximum, so the model can sail the recorded track.
# The beam and draught AIS did not give follow the chosen library ship's proportions. Every value
# carries where it came from ("AIS", "inferred" or "default") into the scenario as a comment.

CLASS_B_INTERVAL_S = 25.0
CLASS_A_INTERVAL_S = 12.0
HIGH_SPEED_KN = 25.0
STILL_KN = 1.0  # "lying still": the referee's still speed (0.5 m/s) rounded to 1 kn


@dataclass(frozen=True)
class _Class:
    label: str
    ship_type: int | None  # AIS type used to pick the model (never written as the ship's type)
    length_m: float


def _inferred_class(vmax_kn: float, class_b: bool, seagoing: bool, small: bool) -> _Class:
    """The class of a ship without static data; see the comment block above."""
    still = not vmax_kn >= STILL_KN
    if still:
        if seagoing:
            return _Class("seagoing ship lying still (anchored or moored)", 70, 150.0)
        if class_b or small:
            return _Class("small craft lying still", 37, 12.0)
        return _Class("harbour craft lying still", None, 20.0)
    if class_b or small:
        if vmax_kn >= 16.0:
            return _Class("fast small craft (RIB, sports boat)", 40, 10.0)
        if vmax_kn >= 7.0:
            return _Class("leisure motor craft", 37, 12.0)
        return _Class("sailing yacht or slow leisure craft under power", 36, 12.0)
    if vmax_kn >= HIGH_SPEED_KN:
        return _Class("high-speed craft", 40, 24.0)
    if seagoing:
        if vmax_kn >= 15.0:
            return _Class("seagoing ferry or ro-ro", 60, 150.0)
        return _Class("seagoing cargo ship", 70, 150.0)
    if vmax_kn >= 14.0:
        return _Class("fast workboat (pilot, patrol or crew boat)", 50, 18.0)
    if vmax_kn >= 7.0:
        return _Class("harbour workboat (tug or launch)", 52, 25.0)
    return _Class("slow workboat or fishing vessel", 30, 20.0)


def mmsi_kind(mmsi: int) -> str:
    """What an MMSI's form says about the station (ITU-R M.585): ``ship``, ``seagoing`` (ship
    station with three trailing zeros), ``handheld``, ``craft-of-parent``, or a non-ship kind
    (``sar-aircraft``, ``aid-to-navigation``, ``coast-station``, ``distress-device``,
    ``invalid``)."""
    s = f"{int(mmsi):09d}"
    if len(s) != 9 or int(mmsi) <= 0:
        return "invalid"
    if s.startswith("111"):
        return "sar-aircraft"
    if s.startswith(("970", "972", "974")):
        return "distress-device"
    if s.startswith("99"):
        return "aid-to-navigation"
    if s.startswith("98"):
        return "craft-of-parent"
    if s.startswith("00"):
        return "coast-station"
    if s.startswith("0"):
        return "invalid"  # group call: never a vessel's own identity
    if s.startswith("8"):
        return "handheld"
    if s[0] in "234567":
        return "seagoing" if s.endswith("000") else "ship"
    return "invalid"


SHIP_KINDS = frozenset({"ship", "seagoing", "handheld", "craft-of-parent"})


@dataclass(frozen=True)
class VesselProfile:
    """A recorded vessel as the scenario will model it, and where each value came from."""

    mmsi: int
    model: str
    length_m: float
    beam_m: float
    draught_m: float
    top_speed_kn: float  # the model's at this size (full power, calm water)
    vmax_kn: float  # 95th percentile of the recorded SOG (nan: no SOG and no motion)
    ship_type: int | None  # from AIS only (rule 18 reads it: an inference must not set it)
    ais_class: str | None  # "A" / "B", from AIS message types or inferred
    nav_status: int | None  # most frequent known AIS status over the recording
    label: str  # what the ship is taken for
    reason: str  # the library's one-line reason for the model
    source: dict[str, str] = field(default_factory=dict)  # value -> "AIS ..." / "inferred ..."

    @property
    def from_static_data(self) -> bool:
        return self.source.get("length_m", "").startswith("AIS")


@cache
def _top_speed_kn(name: str, length_m: float, beam_m: float, draught_m: float) -> float:
    from autoship.dynamics.library import load_ship
    from autoship.dynamics.trials import top_speed

    sd = load_ship(name)
    if sd.scalable:
        sd = sd.with_dimensions(length_m, beam_m, draught_m)
    return float(top_speed(sd)["speed_kn"])


def _reports_by_mmsi(data: AisData | None) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """{mmsi: (t, sog m/s, nav_status)} sorted by time, reports with a time only."""
    if data is None:
        return {}
    p = data.positions
    ok = np.isfinite(p.t)
    out = {}
    mm = p.mmsi[ok]
    order = np.lexsort((p.t[ok], mm))
    t, sog, st, mm = p.t[ok][order], p.sog[ok][order], p.nav_status[ok][order], mm[order]
    if mm.size == 0:
        return {}
    cuts = np.flatnonzero(np.diff(mm)) + 1
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, mm.size], strict=True):
        out[int(mm[a])] = (t[a:b], sog[a:b], st[a:b].astype(int))
    return out


def _class_by_interval(t: np.ndarray, sog: np.ndarray) -> str | None:
    """AIS class from the report interval under way (see the comment block above): B for a
    30 s interval, A for a median of at most 12 s (class A reports every 2-10 s under way; a
    class B "CS" unit never faster than every 30 s), None when it cannot be told."""
    if t.size < 6:
        return None
    dt = np.diff(t)
    moving = (sog[:-1] > 2.0 * KNOT) & (dt > 0.5)  # > 0.5 s: the same report heard twice
    dt = dt[moving]
    if dt.size < 5:
        return None
    if np.median(dt) >= CLASS_B_INTERVAL_S and np.percentile(dt, 25) >= CLASS_B_INTERVAL_S:
        return "B"
    if np.median(dt) <= CLASS_A_INTERVAL_S:
        return "A"
    return None


def _nav_mode(st: np.ndarray) -> int | None:
    known = st[st >= 0]
    if known.size == 0:
        return None
    vals, n = np.unique(known, return_counts=True)
    return int(vals[np.argmax(n)])


def profile_vessels(ts: TrackSet, data: AisData | None = None) -> dict[int, VesselProfile]:
    """One ``VesselProfile`` per MMSI with a track (see the comment block above)."""
    from autoship.dynamics.choose import _valid, ship_choice, ship_for

    reports = _reports_by_mmsi(data)
    by_mmsi: dict[int, list[Track]] = {}
    for tr in ts.tracks:
        by_mmsi.setdefault(tr.mmsi, []).append(tr)
    out: dict[int, VesselProfile] = {}
    for mmsi, trs in sorted(by_mmsi.items()):
        info = next((tr.ship for tr in trs if tr.ship is not None), None)
        rep = reports.get(mmsi)
        if rep is not None:
            t_rep, sog_rep, st_rep = rep
        else:
            t_rep = np.concatenate([tr.t for tr in trs])
            sog_rep = np.concatenate([tr.sog for tr in trs])
            st_rep = np.full(t_rep.shape, -1)
        sog = sog_rep[np.isfinite(sog_rep)]
        if sog.size == 0:  # no SOG column: the speed between cleaned positions
            sp = [np.hypot(np.diff(tr.north), np.diff(tr.east)) / np.diff(tr.t) for tr in trs]
            sog = np.concatenate(sp) if sp else np.zeros(0)
        vmax = float(np.percentile(sog, 95)) / KNOT if sog.size else math.nan
        src: dict[str, str] = {}
        kind = mmsi_kind(mmsi)
        if info is not None and info.ais_class in ("A", "B"):
            ais_class: str | None = info.ais_class
            src["ais_class"] = "AIS (message types)"
        else:
            ais_class = _class_by_interval(t_rep, sog_rep)
            src["ais_class"] = {
                "B": "inferred (30 s report interval under way)",
                "A": "inferred (report interval under way of 12 s or less)",
                None: "unknown",
            }[ais_class]
        nav = _nav_mode(st_rep)
        src["nav_status"] = "AIS (types 1-3, most frequent)" if nav is not None else "unknown"
        ship_type = info.ship_type if info is not None and info.ship_type else None
        L_ais = info.length_m if info is not None and info.length_m else None
        B_ais = info.beam_m if info is not None and info.beam_m else None
        T_ais = info.draught_m if info is not None and info.draught_m else None
        if ship_type is not None:
            src["ship_type"] = "AIS (static data)"
        if L_ais is not None:
            name, reason = ship_choice(L_ais, B_ais, ship_type)
            label = f"AIS type {ship_type}" if ship_type is not None else "AIS type unknown"
            length = L_ais
            src["length_m"] = "AIS (static data, A+B)"
            choice_type = ship_type
        else:
            cls = _inferred_class(
                vmax,
                ais_class == "B",
                kind == "seagoing",
                kind in ("handheld", "craft-of-parent"),
            )
            choice_type = ship_type if ship_type is not None else cls.ship_type
            label = cls.label
            length = cls.length_m
            name, reason = ship_choice(length, B_ais, choice_type)
            src["length_m"] = f"default for a {cls.label} [P]"
            evidence = [f"95th-percentile SOG {vmax:.1f} kn"]
            if kind != "ship":
                evidence.append(f"MMSI form: {kind}")
            if ais_class == "B":
                evidence.append("class B")
            src["model"] = f"inferred: {cls.label} ({', '.join(evidence)})"
        sd = ship_for(length, B_ais, choice_type)
        top = _top_speed_kn(sd.name, sd.length_m, sd.beam_m, sd.draught_m)
        if L_ais is None and sd.scalable and math.isfinite(vmax) and top < 1.05 * vmax:
            # Froude: the top speed grows with sqrt(L); lengthen within the model's range.
            lo, hi = _valid(sd.name)
            longer = min(hi, sd.length_m * (1.05 * vmax / top) ** 2)
            if longer > sd.length_m + 0.5:
                sd = ship_for(longer, None, choice_type)
                reason = ship_choice(longer, None, choice_type)[1]
                top = _top_speed_kn(sd.name, sd.length_m, sd.beam_m, sd.draught_m)
                length = longer
                src["length_m"] = (
                    f"inferred from the recorded speed: {vmax:.1f} kn needs "
                    f"{sd.length_m:.0f} m of the {sd.name} model (Froude scaling)"
                )
        if "model" not in src:
            src["model"] = f"AIS static data: {reason}"
        if not sd.scalable:
            src["length_m"] += f"; model {sd.name} is not scalable: its own {sd.length_m:g} m"
        beam = sd.beam_m
        src["beam_m"] = (
            "AIS (static data, C+D)"
            if B_ais is not None and abs(B_ais - beam) < 0.01 * beam
            else f"default ({sd.name} proportions)"
        )
        if T_ais is not None:
            draught = T_ais
            src["draught_m"] = "AIS (type 5 static data)"
        else:
            draught = sd.draught_m
            src["draught_m"] = f"default ({sd.name} proportions)"
        out[mmsi] = VesselProfile(
            mmsi=mmsi,
            model=sd.name,
            length_m=float(sd.length_m),
            beam_m=float(beam),
            draught_m=float(draught),
            top_speed_kn=top,
            vmax_kn=vmax,
            ship_type=ship_type,
            ais_class=ais_class,
            nav_status=nav,
            label=label,
            reason=reason,
            source=src,
        )
    return out


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
    profiles: Mapping[int, VesselProfile] | None = None,
) -> list[Encounter]:
    """Ranked encounters (see the module docstring). ``counts`` collects why pairs were left.

    With ``own_mmsi`` only that ship's encounters are kept, with that ship as the own ship
    whatever its role. With ``profiles`` (``profile_vessels``) each ship's own model sets how
    fast it may be to be the own ship and its length the alongside test; without them the
    placeholder's ``own_max_speed_kn`` and size apply."""
    if profiles is not None:
        with _using(profiles):
            return find_encounters(
                ts,
                max_cpa_nm=max_cpa_nm,
                min_speed_kn=min_speed_kn,
                grid_s=grid_s,
                lead_s=lead_s,
                min_lead_s=min_lead_s,
                after_s=after_s,
                own_max_speed_kn=own_max_speed_kn,
                own_mmsi=own_mmsi,
                counts=counts,
            )
    counts = counts if counts is not None else Counter()
    tracks = ts.tracks
    if len(tracks) < 2:
        return []
    t0 = min(tr.t_start for tr in tracks)
    t1 = max(tr.t_end for tr in tracks)
    grid = ticks(t0, t1, grid_s)
    r = resample(tracks, grid)
    moving = (r.speed >= min_speed_kn * KNOT) & observed(tracks, grid)
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
                min_speed_kn * KNOT,
            )
            if enc is not None:
                out.append(enc)
    out.sort(key=lambda e: (round(e.dcpa_m, 3), e.tcpa_s, e.own.mmsi, e.target.mmsi))
    counts["encounters"] = len(out)
    return out


def straight_gaps(tr: Track) -> np.ndarray:
    """For each gap between consecutive reports (len(tr) - 1): True when the ship ran straight
    at steady speed across it, so the line drawn between the reports is where it was (the
    dead-reckoning test of ``OBSERVED_GAP_S``). Reports without COG or SOG fail the test."""
    dt = np.diff(tr.t)
    dn, de = np.diff(tr.north), np.diff(tr.east)
    chord_v = np.hypot(dn, de) / np.maximum(dt, 1e-9)
    chord_c = np.arctan2(de, dn)
    sa, sb = tr.sog[:-1], tr.sog[1:]
    vmax = np.fmax(np.fmax(sa, sb), chord_v)
    tol = DR_SPEED_FRACTION * vmax + DR_SPEED_SLACK_MS
    steady = (np.abs(sa - sb) <= tol) & (np.abs(chord_v - 0.5 * (sa + sb)) <= tol)

    def off(c: np.ndarray) -> np.ndarray:
        return np.abs(np.angle(np.exp(1j * (c - chord_c))))

    lim = math.radians(DR_COURSE_DEG)
    # Lying still, COG is noise and the chord is a few metres of GNSS jitter: steady is enough.
    slow = vmax < DR_SPEED_SLACK_MS
    straight = slow | ((off(tr.cog[:-1]) <= lim) & (off(tr.cog[1:]) <= lim))
    with np.errstate(invalid="ignore"):
        return steady & straight & (dt <= DEAD_RECKONING_GAP_S)


def observed(tracks: list[Track], t: np.ndarray, max_gap_s: float = OBSERVED_GAP_S) -> np.ndarray:
    """(len(t), len(tracks)) True where each ship's position at the time is known from its
    reports: the reports bracketing the time are at most ``max_gap_s`` apart, or the gap is a
    straight run (``straight_gaps``). A report exactly at the time counts as observed."""
    out = np.zeros((t.size, len(tracks)), dtype=bool)
    for k, tr in enumerate(tracks):
        inside = (t >= tr.t[0]) & (t <= tr.t[-1])
        if len(tr) < 2:
            out[:, k] = inside & np.isin(t, tr.t)
            continue
        # The gap each time falls in (a time on a report belongs to the gap after it).
        g = np.clip(np.searchsorted(tr.t, t, side="right") - 1, 0, len(tr) - 2)
        dt = np.diff(tr.t)
        ok_gap = (dt <= max_gap_s) | straight_gaps(tr)
        on_report = np.isin(t, tr.t)
        out[:, k] = inside & (ok_gap[g] | on_report)
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
    own_min_speed_ms: float = 0.0,
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

    def own_max(o: int) -> float:
        prof = _PROFILES.get(tracks[o].mmsi)
        return (prof.top_speed_kn if prof is not None else own_max_speed_kn) * KNOT

    # The own ship must be under way at the start (a planner has nothing to steer at a berth)
    # and within its model's speed; if the give-way ship is not, the stand-on one is tested.
    def fits(o: int) -> bool:
        return own_min_speed_ms <= r.speed[k0, o] <= own_max(o)

    choice = next(((o, c) for o, c in order if fits(o)), None)
    if choice is None:
        if any(r.speed[k0, o] > own_max(o) for o, _ in order):
            counts["too_fast_for_own_model"] += 1
        else:
            counts["own_not_under_way_at_start"] += 1
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
    # One more point on each side, so the scenario interpolates the window's edges as mining
    # did (a report gap across the start would otherwise put the ship at its next report).
    idx = np.flatnonzero(sel)
    if idx.size:
        sel[max(idx[0] - 1, 0)] = sel[min(idx[-1] + 1, sel.size - 1)] = True
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
    # The scenario writer's string (autoship.scenario.dump): control characters escaped too.
    return toml_string(s)


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
    profiles: Mapping[int, VesselProfile] | None = None,
    stationary: Mapping[str, str] | None = None,
    also: list[Encounter] | None = None,
    mission_note: str = "",
) -> tuple[str, dict[str, str]]:
    """(scenario text, {relative track path: CSV text}).

    ``profiles`` give each ship's model and size with their provenance (without them: the
    placeholder); ``stationary`` maps a replayed ship's track key to why it lies still (moored,
    anchored, not moving): such ships get a passive hand-over guard; ``also`` lists the own
    ship's other encounters inside this window (one case per own ship and window)."""
    profiles = profiles if profiles is not None else {}
    stationary = stationary if stationary is not None else {}
    duration = math.floor((enc.t_end - enc.t_start) / dt_s) * dt_s
    r_own = resample([enc.own], np.array([enc.t_start, enc.t_start + dt_s]))
    lat0, lon0 = _latlon_at(enc.own, enc.t_start)
    t_goal = enc.t_start + duration
    lat1, lon1 = _latlon_at(enc.own, t_goal)
    course = math.degrees(float(r_own.course[0, 0])) % 360.0
    speed = float(r_own.speed[0, 0]) / KNOT
    own_prof = profiles.get(enc.own.mmsi)
    top = own_prof.top_speed_kn if own_prof is not None else OWN_MODEL_MAX_SPEED_KN
    s = enc.summary()
    ref = f"{os.path.basename(source_file)} {s['start_utc']}"
    title = f"AIS {enc.type}: {enc.own.mmsi} vs {enc.target.mmsi}"
    lines = [
        f"# Mined from recorded AIS ({os.path.basename(source_file)}) by `autoship ais extract`.",
        f"# {enc.type} ({enc.own_role} for the own ship): MMSI {enc.own.mmsi} (own) and "
        f"{enc.target.mmsi}; recorded closest approach {s['min_range_nm']:.3f} nm at "
        f"{s['cpa_utc']}.",
        f"# At the start: DCPA {s['dcpa_nm']:.3f} nm, TCPA {s['tcpa_min']:.1f} min.",
    ]
    for o in also or []:
        lines.append(
            f"# Also in this window (same own ship, one case): {o.type} with {o.target.mmsi}, "
            f"recorded closest approach {o.min_range_m / NAUTICAL_MILE:.3f} nm at "
            f"{_iso(o.t_cpa)}."
        )
    lines += [
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
    others = [enc.target, *traffic]
    ids = {tr.key: f"ais-{tr.key}" for tr in others}
    lines += ["", *_recorded_block(enc, others, ids, t_goal)]
    lines += ["", *_route_block(enc, t_goal, own_prof, mission_note)]
    lines += [
        "[[ship]]",
        f'id = "own-{enc.own.mmsi}"',
        'role = "own"',
        *_ship_lines(enc.own, own_prof),
        f"start = {{ lat_deg = {lat0:.7f}, lon_deg = {lon0:.7f} }}",
        f"course_deg = {course:.1f}",
    ]
    if speed > top:
        lines.append(f"# recorded {speed:.1f} kn; the model's top speed is {top:.1f} kn")
    lines += [
        f"speed_kn = {min(speed, top):.1f}",
        "# The human's route (the recorded path, simplified; its end is the goal): planners",
        "# follow it, so the mission is the one the human sailed.",
        *_route_lines(enc, t_goal, own_prof, lat1, lon1),
        f"planner = {_toml_str(planner)}",
        "# What the own ship really did: replayed traffic is handed over only once the",
        "# simulated own ship's deviation from this recording changes their situation.",
        f"track = {_toml_str(f'tracks/{scenario_id}/{enc.own.key}.csv')}",
    ]
    files: dict[str, str] = {
        f"tracks/{scenario_id}/{enc.own.key}.csv": track_csv(enc.own, enc.t_start, enc.t_end)
    }
    for tr in others:
        rel = f"tracks/{scenario_id}/{tr.key}.csv"
        files[rel] = track_csv(tr, enc.t_start, enc.t_end)
        lines += [
            "",
            "[[ship]]",
            f"id = {_toml_str(ids[tr.key])}",
            'role = "target"',
            *_ship_lines(tr, profiles.get(tr.mmsi)),
            f"track = {_toml_str(rel)}",
            'planner = "replay"',
        ]
        why = stationary.get(tr.key)
        if why is not None:
            lines += _comment(
                f"{why}: replayed at rest at its median recorded position (its recorded "
                "wander is AIS noise); it stays replayed and is never handed over."
            )
            lines += ["handover = false"]
    return "\n".join(lines) + "\n", files


def _comment(text: str, width: int = 96) -> list[str]:
    return ["# " + line for line in textwrap.wrap(text, width - 2)]


def _ship_lines(tr: Track, prof: VesselProfile | None) -> list[str]:
    """Model, size and AIS identity keys of one ship, each value's provenance in a comment.

    ``ship_type`` and ``nav_status`` are written only when AIS gave them: the COLREG engine
    reads them for rule 18, and an inference must not give a ship privileges."""
    if prof is None:
        return [f"model = {_toml_str(OWN_MODEL)}", *_dims(tr), f"mmsi = {tr.mmsi}"]
    src = prof.source
    out = [
        f"# {prof.label}; model {prof.model}: {src['model']}",
        f"#   length: {src['length_m']}",
        f"#   beam: {src['beam_m']}; draught: {src['draught_m']}",
        f"#   AIS class: {prof.ais_class or '-'} ({src['ais_class']}); nav status: "
        f"{'-' if prof.nav_status is None else prof.nav_status} ({src['nav_status']}); "
        f"ship type: {'-' if prof.ship_type is None else prof.ship_type} "
        f"({src.get('ship_type', 'unknown: not written')})",
        f"#   recorded speed (95th percentile) {prof.vmax_kn:.1f} kn; model top speed "
        f"{prof.top_speed_kn:.1f} kn",
        f"model = {_toml_str(prof.model)}",
        f"length_m = {prof.length_m:.2f}",
        f"beam_m = {prof.beam_m:.2f}",
        f"draught_m = {prof.draught_m:.2f}",
        f"mmsi = {tr.mmsi}",
    ]
    if prof.ship_type is not None:
        out.append(f"ship_type = {prof.ship_type}")
    if prof.nav_status is not None:
        out.append(f"nav_status = {prof.nav_status}")
    if prof.ais_class is not None:
        out.append(f"ais_class = {_toml_str(prof.ais_class)}")
    return out


def _recorded_block(enc: Encounter, others: list[Track], ids: dict[str, str], t_goal: float):
    """The human's run as recorded, for reports to set the planner beside it (comment lines:
    the scenario schema has no key for it)."""
    grid = ticks(enc.t_start, t_goal, 1.0)
    own = resample([enc.own], grid)
    n, e = own.north[:, 0], own.east[:, 0]
    ok = np.isfinite(n)
    path = float(np.nansum(np.hypot(np.diff(n[ok]), np.diff(e[ok])))) if ok.sum() > 1 else 0.0
    straight = float(math.hypot(n[ok][-1] - n[ok][0], e[ok][-1] - e[ok][0])) if ok.any() else 0.0
    out = [
        "# Recorded own ship (the human), t = 0 s to the scenario end, from its AIS track;",
        "# separations centre to centre (m), t in s from the scenario start:",
        f"# recorded.path_length_m = {path:.0f}",
        f"# recorded.straight_line_m = {straight:.0f}",
        f"# recorded.duration_s = {t_goal - enc.t_start:.0f}",
    ]
    for tr in others:
        o = resample([tr], grid)
        d = np.hypot(o.north[:, 0] - n, o.east[:, 0] - e)
        if not np.isfinite(d).any():
            continue
        k = int(np.nanargmin(d))
        out.append(
            f"# recorded.min_separation_m.{ids[tr.key]} = {float(d[k]):.0f}  "
            f"# at t = {grid[k] - enc.t_start:.0f} s"
        )
    return out


def _douglas_peucker(n: np.ndarray, e: np.ndarray, tol: float) -> list[int]:
    """Indices of the points kept by Douglas-Peucker simplification within ``tol`` metres."""
    keep = {0, n.size - 1}
    stack = [(0, n.size - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        dn, de = n[b] - n[a], e[b] - e[a]
        seg = math.hypot(dn, de)
        pn, pe = n[a + 1 : b] - n[a], e[a + 1 : b] - e[a]
        if seg < 1e-9:
            d = np.hypot(pn, pe)
        else:
            d = np.abs(pn * de - pe * dn) / seg
        k = int(np.argmax(d))
        if d[k] > tol:
            keep.add(a + 1 + k)
            stack += [(a, a + 1 + k), (a + 1 + k, b)]
    return sorted(keep)


def route_tolerance_m(length_m: float) -> float:
    """How far the simplified route may stray from the recorded track: one ship length, at
    least 20 m (about the AIS position noise in a harbour) [P]."""
    return max(20.0, length_m)


def recorded_route(
    tr: Track, t0: float, t1: float, tol_m: float
) -> list[tuple[float, float, float, float, float]]:
    """The recorded path from ``t0`` to ``t1`` simplified to within ``tol_m``: (t from t0, lat,
    lon, north, east) per waypoint, recorded timing kept."""
    inside = (tr.t > t0) & (tr.t < t1)
    t = np.r_[t0, tr.t[inside], t1]
    n = np.interp(t, tr.t, tr.north)
    e = np.interp(t, tr.t, tr.east)
    lat = np.interp(t, tr.t, tr.lat_deg)
    lon = np.interp(t, tr.t, tr.lon_deg)
    return [
        (float(t[k] - t0), float(lat[k]), float(lon[k]), float(n[k]), float(e[k]))
        for k in _douglas_peucker(n, e, tol_m)
    ]


def leg_deviation_m(tr: Track, t0: float, t1: float) -> float:
    """Largest distance of the recorded track between ``t0`` and ``t1`` from the straight leg
    joining its ends: how far a straight run to the goal departs from what the human did."""
    inside = (tr.t > t0) & (tr.t < t1)
    t = np.r_[t0, tr.t[inside], t1]
    n = np.interp(t, tr.t, tr.north)
    e = np.interp(t, tr.t, tr.east)
    dn, de = n[-1] - n[0], e[-1] - e[0]
    seg = math.hypot(dn, de)
    pn, pe = n - n[0], e - e[0]
    if seg < 1e-9:
        return float(np.hypot(pn, pe).max())
    along = np.clip((pn * dn + pe * de) / seg, 0.0, seg)
    qn, qe = along * dn / seg, along * de / seg
    return float(np.hypot(pn - qn, pe - qe).max())


def _route_lines(
    enc: Encounter, t_goal: float, prof: VesselProfile | None, lat1: float, lon1: float
) -> list[str]:
    """``route = [...]``: the simplified recorded waypoints after the start, ending at the
    recorded position at the scenario end (the goal)."""
    length = prof.length_m if prof is not None else PLACEHOLDER_LENGTH_M
    wps = recorded_route(enc.own, enc.t_start, t_goal, route_tolerance_m(length))
    # (the first waypoint is the start, the last the recorded end: the goal, given exactly)
    pts = [(la, lo) for _, la, lo, _, _ in wps[1:-1]] + [(lat1, lon1)]
    out = ["route = ["]
    out += [f"  {{ lat_deg = {la:.7f}, lon_deg = {lo:.7f} }}," for la, lo in pts]
    out += ["]"]
    return out


def _route_block(enc: Encounter, t_goal: float, prof: VesselProfile | None, note: str) -> list[str]:
    length = prof.length_m if prof is not None else PLACEHOLDER_LENGTH_M
    tol = route_tolerance_m(length)
    wps = recorded_route(enc.own, enc.t_start, t_goal, tol)
    dev = leg_deviation_m(enc.own, enc.t_start, t_goal)
    out = _comment(
        f"The human's mission: the recorded route, simplified to within {tol:.0f} m "
        "(Douglas-Peucker), with its recorded timing; the own ship's `route` follows these "
        f"waypoints (a straight run to the goal would depart from the recorded track by up to "
        f"{dev:.0f} m).{(' ' + note) if note else ''}"
    )
    out += ["# recorded.route = [  # t_s, lat_deg, lon_deg"]
    out += [f"#   [{t:.0f}, {la:.7f}, {lo:.7f}]," for t, la, lo, _, _ in wps]
    out += ["# ]", ""]
    return out


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
    """Smallest distance (m) between the own ship's hull and the target's or any traffic ship's
    during the first ``window_s`` of the encounter, as recorded: centre distance less half of
    each length (sizes range from 10 m launches to 200 m ships)."""
    grid = ticks(enc.t_start, min(enc.t_end, enc.t_start + window_s), 5.0)
    if grid.size < 2:
        return math.inf
    own = resample([enc.own], grid)
    best = math.inf
    for tr in (enc.target, *traffic):
        o = resample([tr], grid)
        d = np.hypot(o.north[:, 0] - own.north[:, 0], o.east[:, 0] - own.east[:, 0])
        d = d - 0.5 * (_length(enc.own) + _length(tr))
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
    """A predicate (track, lat, lon) -> on a hazard of the chart for the ship's draught; its
    ``clearance(track, t0, t1)`` gives the smallest hull clearance (m) of the recorded track."""
    from autoship.charts import load_chart

    chart = load_chart(chart_path, ts.frame)
    cache: dict[float, object] = {}

    def hazards(tr: Track):
        d = _draught(tr)
        hz = cache.get(d)
        if hz is None:
            hz = cache[d] = chart.hazards(d, UKC_M)
        return hz

    def on_hazard(tr: Track, lat: float, lon: float) -> bool:
        n, e = ts.frame.to_local(lat, lon)
        return bool(hazards(tr).contains(float(n), float(e))) or not bool(
            chart.covers(float(n), float(e))
        )

    def clearance(tr: Track, t0: float, t1: float) -> float:
        grid = ticks(t0, max(t1, t0 + 2.0), 2.0)
        r = resample([tr], grid)
        ok = np.isfinite(r.north[:, 0])
        if not ok.any():
            return math.inf
        length = _length(tr)
        prof = _PROFILES.get(tr.mmsi)
        beam = prof.beam_m if prof is not None else PLACEHOLDER_BEAM_M
        c = hazards(tr).hull_clearance(r.north[ok, 0], r.east[ok, 0], r.course[ok, 0], length, beam)
        return float(np.min(c))

    def touches(tr: Track, t: float) -> bool:
        # A ship lying still has no reliable heading: its hull may point any way, so it touches
        # a hazard when one is within half its length (a berth alongside a quay drawn as land).
        lat, lon = _latlon_at(tr, t)
        n, e = ts.frame.to_local(lat, lon)
        d = hazards(tr).clearance(float(n), float(e))
        return bool(d[0] < 0.5 * _length(tr))

    on_hazard.clearance = clearance  # type: ignore[attr-defined]
    on_hazard.touches = touches  # type: ignore[attr-defined]
    return on_hazard


# A moored, anchored or still ship: status in the recording, or barely moving over the window.
STATIONARY_STATUS = {1: "at anchor", 5: "moored", 6: "aground"}
STILL_SPREAD_M = 50.0
# Mission end: a straight run to the goal should stay this close to the human's path [P].
ROUTE_DEVIATION_M = 100.0
ROUTE_DEVIATION_LENGTHS = 3.0
MIN_AFTER_CPA_S = 60.0
# A clear start against the chart: the own hull keeps this much water around it over the
# first START_WINDOW_S of its recorded track [P] (half the 20 m small-craft passing margin).
CHART_START_CLEARANCE_M = 10.0


def stationary_reason(
    tr: Track,
    t0: float,
    t1: float,
    reports: Mapping[int, tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
) -> str | None:
    """Why a replayed ship lies still over [t0, t1] (moored, anchored, aground by its AIS status
    in the 10 minutes before and during the window; or barely moving), None if it is under way."""
    rep = (reports or {}).get(tr.mmsi)
    if rep is not None:
        t, _, st = rep
        sel = (t >= t0 - 600.0) & (t <= t1) & (st >= 0)
        mode = _nav_mode(st[sel])
        if mode in STATIONARY_STATUS:
            return f"{STATIONARY_STATUS[mode]} (AIS nav status {mode})"
    inside = (tr.t >= t0) & (tr.t <= t1)
    tt = np.r_[t0, tr.t[inside], t1]
    n = np.interp(tt, tr.t, tr.north)
    e = np.interp(tt, tr.t, tr.east)
    spread = float(np.hypot(n - np.median(n), e - np.median(e)).max())
    sog = tr.sog[inside]
    sog = sog[np.isfinite(sog)]
    slow = sog.size == 0 or float(np.percentile(sog, 90)) < STILL_KN * KNOT
    if slow and spread <= max(STILL_SPREAD_M, _length(tr)):
        return f"lying still in the recording (within {spread:.0f} m, SOG under {STILL_KN:g} kn)"
    return None


def still_track(tr: Track, t0: float, t1: float, margin_s: float = 60.0) -> Track:
    """A ship lying still over [t0, t1] as a fixed point at its median recorded position.

    Its recorded wander (within STILL_SPREAD_M or a length) is AIS position noise; replayed
    as recorded it would give the ship a speed of a few tenths of a knot, which a hand-over
    (the schema cannot forbid one) turns into a slow drift onto the nearest quay."""
    inside = (tr.t >= t0) & (tr.t <= t1)
    tt = np.r_[t0, tr.t[inside], t1]
    lat = float(np.median(np.interp(tt, tr.t, tr.lat_deg)))
    lon = float(np.median(np.interp(tt, tr.t, tr.lon_deg)))
    n = float(np.median(np.interp(tt, tr.t, tr.north)))
    e = float(np.median(np.interp(tt, tr.t, tr.east)))
    cog = tr.cog[inside]
    cog = cog[np.isfinite(cog)]
    c = wrap_2pi(float(np.angle(np.mean(np.exp(1j * cog))))) if cog.size else math.nan
    heading = tr.heading[inside]
    heading = heading[np.isfinite(heading)]
    h = float(np.median(heading)) if heading.size else math.nan
    two = np.array([t0 - margin_s, t1 + margin_s])
    return replace(
        tr,
        t=two,
        north=np.full(2, n),
        east=np.full(2, e),
        lat_deg=np.full(2, lat),
        lon_deg=np.full(2, lon),
        sog=np.zeros(2),
        cog=np.full(2, c),
        heading=np.full(2, h),
    )


def mission_end(enc: Encounter) -> tuple[float, str]:
    """When the own ship's scenario ends, and a note for the scenario.

    The goal is the recorded position at the end. If a straight run to it would leave the
    human's path by more than max(ROUTE_DEVIATION_M, ROUTE_DEVIATION_LENGTHS L) (the human went
    up a harbour and back, say), the scenario ends at the latest recorded point at least
    MIN_AFTER_CPA_S after the closest approach for which it would not."""
    limit = max(ROUTE_DEVIATION_M, ROUTE_DEVIATION_LENGTHS * _length(enc.own))
    if leg_deviation_m(enc.own, enc.t_start, enc.t_end) <= limit:
        return enc.t_end, ""
    tr = enc.own
    cand = tr.t[(tr.t >= enc.t_cpa + MIN_AFTER_CPA_S) & (tr.t < enc.t_end)]
    for t in cand[::-1]:
        if leg_deviation_m(tr, enc.t_start, float(t)) <= limit:
            return float(t), (
                f"The scenario ends {float(t) - enc.t_cpa:.0f} s after the closest approach, "
                f"the last recorded point a straight run reaches within {limit:.0f} m of the "
                "human's path (it turned away later)."
            )
    return enc.t_end, (
        f"No end after the closest approach keeps a straight run within {limit:.0f} m: "
        "only a route key would give the planner the human's mission."
    )


def _overlap(a: Encounter, b: Encounter) -> bool:
    return a.t_start < b.t_end and b.t_start < a.t_end


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
    columns: dict[str, str] | None = None,
    time_format: str = "iso",
) -> dict:
    """Read ``file``, mine encounters and write scenario files into ``out_dir``.

    One case per own ship and time window: an encounter whose own ship already has a case
    overlapping it in time is listed in that case's comments instead (counted
    ``same_own_ship_and_window``)."""
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
    data = read_ais(file, columns, time_format)
    ts_all = build_tracks(data)
    if data.time_span() is None:
        raise AisError("the file has no timestamps: no tracks, no encounters", file=str(file))
    counts: Counter = Counter()
    ships = [tr for tr in ts_all.tracks if mmsi_kind(tr.mmsi) in SHIP_KINDS]
    counts["tracks_not_a_ship_mmsi"] = len(ts_all.tracks) - len(ships)
    ts = TrackSet(ts_all.frame, ships, ts_all.drops, ts_all.splits)
    profiles = profile_vessels(ts, data)
    reports = _reports_by_mmsi(data)
    with _using(profiles):
        cases = _select_cases(
            ts,
            chart,
            counts,
            reports,
            max_cpa_nm=max_cpa_nm,
            min_speed_kn=min_speed_kn,
            limit=limit,
            traffic_radius_nm=traffic_radius_nm,
            own_mmsi=own_mmsi,
            min_start_separation_m=min_start_separation_m,
        )
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(file).name.split(".")[0].lower().replace("_", "-")
    chart_rel = None if chart is None else os.path.relpath(Path(chart).resolve(), out.resolve())
    written = []
    used: set[int] = set()
    for rank, case in enumerate(cases, start=1):
        enc = case["enc"]
        sid = f"ais-{stem}-{rank:02d}"
        text, files = scenario_toml(
            enc,
            sid,
            str(file),
            case["traffic"],
            ts.frame.origin_lat_deg,
            ts.frame.origin_lon_deg,
            chart_rel=chart_rel,
            planner=planner,
            profiles=profiles,
            stationary=case["stationary"],
            also=case["also"],
            mission_note=case["note"],
        )
        for rel, body in files.items():
            p = out / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(body, encoding="utf-8")
        (out / f"{sid}.toml").write_text(text, encoding="utf-8")
        used.update(tr.mmsi for tr in (enc.own, enc.target, *case["traffic"]))
        written.append(
            {
                "scenario": sid,
                "rank": rank,
                "replayed": 1 + len(case["traffic"]),
                "own_model": profiles[enc.own.mmsi].model,
                "stationary": sorted(case["stationary"]),
                "also": [o.target.mmsi for o in case["also"]],
                **enc.summary(),
            }
        )
    static = sum(1 for m in used if profiles[m].from_static_data)
    return {
        "source": str(file),
        "candidates": dict(counts),
        "encounters": written,
        "vessels": {"from_static_data": static, "inferred": len(used) - static},
    }


def _select_cases(
    ts: TrackSet,
    chart,
    counts: Counter,
    reports,
    *,
    max_cpa_nm: float,
    min_speed_kn: float,
    limit: int,
    traffic_radius_nm: float,
    own_mmsi: int | None,
    min_start_separation_m: float,
) -> list[dict]:
    encs = find_encounters(
        ts,
        max_cpa_nm=max_cpa_nm,
        min_speed_kn=min_speed_kn,
        own_mmsi=own_mmsi,
        counts=counts,
        profiles=_PROFILES,
    )
    on_hazard = None if chart is None else _hazard_test(chart, ts)
    cases: list[dict] = []
    for enc in encs:
        if len(cases) >= limit:
            break
        if on_hazard is not None and (
            on_hazard(enc.own, *_latlon_at(enc.own, enc.t_start))
            or on_hazard(enc.target, *_latlon_at(enc.target, enc.t_start))
        ):
            counts["pair_on_hazard"] += 1  # a berth drawn inside the land polygon, say
            continue
        if enc.own_speed < min_speed_kn * KNOT:
            counts["own_not_under_way_at_start"] += 1  # nothing to steer yet
            continue
        t_end, note = mission_end(enc)
        enc = replace(enc, t_end=t_end)
        if on_hazard is not None:
            if on_hazard(enc.own, *_latlon_at(enc.own, enc.t_end)):
                counts["goal_on_hazard"] += 1
                continue
            t_win = min(enc.t_end, enc.t_start + START_WINDOW_S)
            if on_hazard.clearance(enc.own, enc.t_start, t_win) < CHART_START_CLEARANCE_M:
                counts["start_close_to_hazard"] += 1  # no room to act before grounding
                continue
        # One case per real encounter and own ship.
        same = next(
            (c for c in cases if c["enc"].own.mmsi == enc.own.mmsi and _overlap(c["enc"], enc)),
            None,
        )
        if same is not None:
            same["also"].append(enc)
            counts["same_own_ship_and_window"] += 1
            continue
        pair = {enc.own.mmsi, enc.target.mmsi}
        if any(
            {c["enc"].own.mmsi, c["enc"].target.mmsi} == pair and _overlap(c["enc"], enc)
            for c in cases
        ):
            counts["same_pair_and_window"] += 1
            continue
        traffic = traffic_for(enc, ts, traffic_radius_nm, counts, on_hazard)
        if _closest_early(enc, traffic, START_WINDOW_S) < min_start_separation_m:
            # The own ship is already in close quarters before it can do anything: such a
            # case scores the recording, not the planner.
            counts["close_quarters_at_start"] += 1
            continue
        stationary = {}
        kept = []
        for tr in traffic:
            why = stationary_reason(tr, enc.t_start, enc.t_end, reports)
            if why is not None:
                tr = still_track(tr, enc.t_start, enc.t_end)
                if on_hazard is not None and on_hazard.touches(tr, enc.t_start):
                    # Moored against charted land: it belongs to the quay, like a ship
                    # recorded on land. Kept, it could only be handed over (the schema cannot
                    # forbid that) and ground at once.
                    counts["traffic_left_out_moored_at_hazard"] += 1
                    continue
                stationary[tr.key] = why
            kept.append(tr)
        traffic = kept
        counts["stationary_replayed"] += len(stationary)
        cases.append(
            {"enc": enc, "traffic": traffic, "stationary": stationary, "also": [], "note": note}
        )
    return cases
