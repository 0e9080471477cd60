"""The scene model: everything the viewer shows, as plain numbers, computed from a run folder.

No pygame here, so every number on screen can be tested directly. Time is seconds since the
start of the run; positions are local north/east metres; angles radians clockwise from north.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from autoship.colregs import CODE_ROLE, CODE_TYPE, Profile, classify, load_profile, ship_category
from autoship.errors import ProfileError, RunFolderError
from autoship.geometry import cpa_tcpa, encounter_angles, wrap_2pi_array, wrap_pi_array
from autoship.metrics.duties import risk_distance, still_flags
from autoship.metrics.score import is_autonomous
from autoship.record import Run, load_run

# Ship kinds, told apart by colour and symbol. OWN and AUTONOMOUS are the ships under test
# (the report's ``autonomous_ships``); TRAFFIC and REPLAYED are the test's traffic, which the
# referee does not judge: their collisions and groundings among themselves fail nothing.
OWN = "own"
AUTONOMOUS = "autonomous"
TRAFFIC = "traffic"
REPLAYED = "replayed"

# Fujii & Tanaka (1971) ship domain: an ellipse with semi-axes 4 L along and 1.6 L across the
# ship (the factors as used by others, not checked against the paper; docs/references.md
# section 1). Drawn only as a visual cue; the scoring profile owns any number that decides a
# score.
DOMAIN_ALONG_L = 4.0
DOMAIN_ACROSS_L = 1.6

# Live encounter estimate when no score.json exists: the referee's own classification
# (``autoship.colregs.classify``) and risk test (docs/referee.md section 1) with the thresholds of
# the run's profile (``meta.json`` ``profile``, else the default), so that the estimate and the
# verdict never disagree on what an encounter is. A pair is engaged from the first record
# inside ``stages.r1_m`` with the CPA ahead within ``risk.tcpa_max_s`` and closer than the risk
# distance, until the ships open or part; the class is read at that record.

# Most dangerous target: smallest DCPA among targets still approaching within 30 min (one
# Imazu start, 6 NM at 12 kn, Sawada et al. 2021: TCPA 30 min). Pairs closing slower than
# 0.2 m/s (~0.4 kn, e.g. two ships alongside in harbour) have no meaningful CPA.
CPA_HORIZON_S = 1800.0 + 1.0
CPA_MIN_REL_SPEED = 0.2

TYPE_NAMES = {
    "head-on": "Head-on",
    "crossing": "Crossing",
    "overtaking": "Overtaking",
    "overtaken": "Overtaken",
    "none": "No risk",
    "obstacle": "Obstacle, not under way",
}

# Governing rule per encounter type, and the conduct rule per role (COLREG Rules 13-17;
# docs/references.md section 1). Head-on ("both") is governed by Rule 14 alone.
TYPE_RULE = {"head-on": 14, "crossing": 15, "overtaking": 13, "overtaken": 13}
ROLE_RULE = {"give-way": 16, "stand-on": 17}


@dataclass(frozen=True)
class ShipInfo:
    id: str
    index: int
    kind: str
    length_m: float
    beam_m: float
    draught_m: float
    handover_t_s: float | None = None

    @property
    def under_test(self) -> bool:
        return self.kind in (OWN, AUTONOMOUS)

    def kind_at(self, t: float) -> str:
        """A replayed target handed over to a reactive model is simulated traffic from then
        on (still not under test: the referee judges only the autonomous ships)."""
        if self.kind == REPLAYED and self.handover_t_s is not None and t >= self.handover_t_s:
            return TRAFFIC
        return self.kind


@dataclass(frozen=True)
class Event:
    t_s: float
    kind: str
    ships: tuple[str, ...]
    detail: str
    # Only ships not under test are involved (e.g. two keep-course targets colliding): shown
    # muted and labelled as traffic, because no gate fails on it.
    traffic: bool = False
    # A collision or grounding a declared negative test expects (score.json negative_test).
    expected: bool = False

    @property
    def name(self) -> str:
        """The kind as a reader sees it: "collision", "traffic collision", "grounding
        (expected)"."""
        text = self.kind.replace("_", " ")
        if self.traffic:
            text = f"traffic {text}"
        if self.expected:
            text += " (expected)"
        return text

    @property
    def label(self) -> str:
        who = ", ".join(self.ships)
        text = self.name
        if who:
            text += f" ({who})"
        if self.detail:
            text += f": {self.detail}"
        return text


@dataclass(frozen=True)
class Poses:
    """Interpolated state of every ship at one time; arrays of shape (n_ships,)."""

    t: float
    north: np.ndarray
    east: np.ndarray
    heading: np.ndarray
    vn: np.ndarray
    ve: np.ndarray
    rudder: np.ndarray
    present: np.ndarray  # bool: position known at t

    @property
    def sog(self) -> np.ndarray:
        return np.hypot(self.vn, self.ve)

    @property
    def cog(self) -> np.ndarray:
        return wrap_2pi_array(np.arctan2(self.ve, self.vn))


@dataclass(frozen=True)
class Cpa:
    own: int
    target: int
    range_m: float
    dcpa_m: float
    tcpa_s: float
    own_cpa: tuple[float, float]  # (north, east) of own ship at CPA
    target_cpa: tuple[float, float]


@dataclass(frozen=True)
class EncounterLabel:
    own: str
    target: str
    target_index: int
    type: str
    own_role: str
    estimated: bool

    @property
    def rules(self) -> str:
        # Without a role (a target not under way, rule 14 not engaged) rules 13-17 bind nobody.
        if self.own_role == "none":
            return ""
        nums = [TYPE_RULE.get(self.type), ROLE_RULE.get(self.own_role)]
        nums = [n for n in nums if n is not None]
        if not nums:
            return ""
        return "Rule " + "/".join(str(n) for n in nums)

    @property
    def text(self) -> str:
        parts = [TYPE_NAMES.get(self.type, self.type), self.own_role, self.rules]
        text = " · ".join(p for p in parts if p and p != "none")
        return text + (" (est.)" if self.estimated else "")


@dataclass(frozen=True)
class EncounterWindow:
    """When an encounter of the own ship was active (for the timeline)."""

    t0: float
    t1: float
    label: EncounterLabel


@dataclass
class ChartLayers:
    """chart.json polygons split by what they mean for the own ship's draught.

    ``depth`` entries carry a shade: 0 drying, 1 shallower than the safety depth, 2 safe but within
    twice the safety depth, 3 deep. ``area_m2`` orders drawing: depth areas partition the water,
    so painting larger exteriors first lets smaller areas (those inside holes) land on top.
    """

    land: list[np.ndarray] = field(default_factory=list)  # each (k, 2) east, north
    depth: list[tuple[np.ndarray, int]] = field(default_factory=list)
    hazard: list[np.ndarray] = field(default_factory=list)
    points: list[tuple[float, float, str]] = field(default_factory=list)  # east, north, kind
    safety_depth_m: float = 0.0

    @property
    def empty(self) -> bool:
        return not (self.land or self.depth or self.hazard or self.points)

    def bounds(self) -> tuple[float, float, float, float] | None:
        rings = self.land + [r for r, _ in self.depth] + self.hazard
        if not rings:
            return None
        allv = np.concatenate(rings)
        return (
            float(allv[:, 1].min()),
            float(allv[:, 1].max()),
            float(allv[:, 0].min()),
            float(allv[:, 0].max()),
        )


def _ring(raw: Any, file: str, field_name: str) -> np.ndarray:
    try:
        arr = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError):
        raise RunFolderError(
            "ring is not a list of [east, north]", file=file, field=field_name
        ) from None
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] < 3 or not np.isfinite(arr).all():
        raise RunFolderError(
            "ring must be at least 3 finite [east, north] pairs", file=file, field=field_name
        )
    return arr


def _polygon_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def chart_layers(chart: dict[str, Any] | None, safety_depth_m: float, file: str) -> ChartLayers:
    """Split chart.json into drawable layers, shading depth areas against ``safety_depth_m``."""
    layers = ChartLayers(safety_depth_m=safety_depth_m)
    if not chart:
        return layers
    polys = chart.get("polygons", [])
    if not isinstance(polys, list):
        raise RunFolderError("must be a list", file=file, field="polygons")
    depth: list[tuple[float, np.ndarray, int]] = []
    for i, p in enumerate(polys):
        where = f"polygons[{i}]"
        if not isinstance(p, dict) or "rings" not in p or not p["rings"]:
            raise RunFolderError("polygon needs a non-empty 'rings' list", file=file, field=where)
        ext = _ring(p["rings"][0], file, f"{where}.rings[0]")
        kind = p.get("kind")
        if kind == "land":
            layers.land.append(ext)
        elif kind == "hazard":
            layers.hazard.append(ext)
        elif kind == "depth":
            d1 = p.get("drval1")
            d1 = float(d1) if d1 is not None else 0.0
            d2 = p.get("drval2")
            d2 = float(d2) if d2 is not None else d1
            if d1 < 0.0 and d2 <= 0.0:
                shade = 0
            elif d1 < safety_depth_m:
                shade = 1
            elif d1 < 2.0 * safety_depth_m:
                shade = 2
            else:
                shade = 3
            depth.append((_polygon_area(ext), ext, shade))
        else:
            raise RunFolderError(
                f"unknown kind {kind!r} (land, depth, hazard)", file=file, field=f"{where}.kind"
            )
    depth.sort(key=lambda item: -item[0])
    layers.depth = [(ring, shade) for _, ring, shade in depth]
    # Land is drawn over depth areas; large land first for the same reason as depth.
    layers.land.sort(key=lambda r: -_polygon_area(r))
    for j, pt in enumerate(chart.get("points", []) or []):
        try:
            kind = str(pt.get("kind", ""))
            e, n = float(pt["east"]), float(pt["north"])
            dep = pt.get("depth_m")
        except (AttributeError, KeyError, TypeError, ValueError):
            raise RunFolderError(
                "point needs east and north", file=file, field=f"points[{j}]"
            ) from None
        if kind == "sounding":
            continue
        if dep is None or float(dep) < safety_depth_m:
            layers.points.append((e, n, kind))
    return layers


def _float(d: dict[str, Any], key: str, file: str, where: str) -> float | None:
    v = d.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise RunFolderError("must be a number", file=file, field=f"{where}.{key}")
    return float(v)


def load_score(path: Path, run_dir: Path | None = None) -> dict[str, Any] | None:
    """Read an optional score file; None when absent.

    Accepts one run entry of the metrics report (what ``RUN_DIR/score.json`` holds) or a whole
    report (``{"runs": [...]}``, as ``autoship score --out`` writes), from which the entry for
    ``run_dir`` (or the only entry) is taken.
    """
    if not path.is_file():
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            score = json.load(fh)
    except (OSError, ValueError) as exc:
        raise RunFolderError(f"cannot read: {exc}", file=str(path)) from None
    if not isinstance(score, dict):
        raise RunFolderError("top level is not an object", file=str(path))
    if isinstance(score.get("runs"), list):
        score = _pick_run(score["runs"], path, run_dir)
    for key in ("encounters", "events", "failed_gates"):
        if key in score and not isinstance(score[key], list):
            raise RunFolderError("must be a list", file=str(path), field=key)
    for i, enc in enumerate(score.get("encounters", [])):
        where = f"encounters[{i}]"
        if not isinstance(enc, dict):
            raise RunFolderError("must be an object", file=str(path), field=where)
        for key in ("first_manoeuvre_t_s", "t_detect_s", "t_start_s", "t_end_s", "t_cpa_s"):
            _float(enc, key, str(path), where)
        if "penalties" in enc and not isinstance(enc["penalties"], list):
            raise RunFolderError("must be a list", file=str(path), field=f"{where}.penalties")
        man = enc.get("manoeuvre")
        if man is not None:
            if not isinstance(man, dict):
                raise RunFolderError(
                    "must be an object", file=str(path), field=f"{where}.manoeuvre"
                )
            _float(man, "t_s", str(path), f"{where}.manoeuvre")
    return score


def _pick_run(runs: list[Any], path: Path, run_dir: Path | None) -> dict[str, Any]:
    entries = [r for r in runs if isinstance(r, dict)]
    if run_dir is not None:
        want = Path(run_dir).resolve()
        same = [r for r in entries if r.get("run_dir") and Path(r["run_dir"]).resolve() == want]
        if same:
            return same[0]
    if len(entries) == 1:
        return entries[0]
    raise RunFolderError(
        f"report has {len(entries)} runs and none is {run_dir}", file=str(path), field="runs"
    )


class Scene:
    """Read-only view of a run: poses at any time, CPA, encounters, events, chart layers."""

    def __init__(self, run: Run, score: dict[str, Any] | None = None) -> None:
        self.run = run
        self.meta = run.meta
        self.score = score
        a = run.arrays
        self.t_rec = np.asarray(a["t"], dtype=float)
        if self.t_rec.size == 0:
            raise RunFolderError("run has no records", file=str(run.path / "track.npz"), field="t")
        if self.t_rec.size > 1 and not (np.diff(self.t_rec) > 0).all():
            raise RunFolderError("times must increase", file=str(run.path / "track.npz"), field="t")
        self.north = a["north"]
        self.east = a["east"]
        self.heading = a["heading"]
        self.vn = a["vn"]
        self.ve = a["ve"]
        self.rudder = a["rudder"]
        self.t0 = float(self.t_rec[0])
        self.t1 = float(self.t_rec[-1])
        self.events = self._events()
        handover = {}
        for ev in self.events:
            # The loop writes ships = [handed-over ship, the ship that caused it].
            if ev.kind == "handover" and ev.ships:
                handover.setdefault(ev.ships[0], ev.t_s)
        ships = []
        under_test = self._under_test()
        for i, s in enumerate(self.meta["ships"]):
            if s.get("role") == "own":
                kind = OWN
            elif str(s.get("id", i)) in under_test:
                kind = AUTONOMOUS
            elif s.get("replayed"):
                kind = REPLAYED
            else:
                kind = TRAFFIC
            ships.append(
                ShipInfo(
                    id=str(s.get("id", i)),
                    index=i,
                    kind=kind,
                    length_m=float(s.get("length_m") or 0.0),
                    beam_m=float(s.get("beam_m") or 0.0),
                    draught_m=float(s.get("draught_m") or 0.0),
                    handover_t_s=handover.get(str(s.get("id", i))),
                )
            )
        self.ships = ships
        self.events = self._mark_events(self.events)
        own = [s.index for s in ships if s.kind == OWN]
        self.own_index: int | None = own[0] if own else None
        chart_meta = self.meta.get("chart") or {}
        ukc = float(chart_meta.get("under_keel_clearance_m") or 0.0)
        draught = ships[self.own_index].draught_m if self.own_index is not None else 0.0
        self.chart = chart_layers(run.chart, draught + ukc, str(run.path / "chart.json"))
        self._est: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] | None = None
        self._profile: Profile | None = None
        self._windows: list[EncounterWindow] | None = None

    def _under_test(self) -> set[str]:
        """Ids of the ships the referee judged: score.json's ``autonomous_ships`` when given,
        else the referee's own test on each ship record (``metrics.score.is_autonomous``)."""
        named = (self.score or {}).get("autonomous_ships")
        if isinstance(named, list):
            return {str(x) for x in named}
        return {str(s.get("id", i)) for i, s in enumerate(self.meta["ships"]) if is_autonomous(s)}

    @property
    def profile(self) -> Profile:
        """The referee profile the run is judged under: score.json's, else meta.json's, else the
        default (``colregs.load_profile``)."""
        if self._profile is None:
            name = (self.score or {}).get("profile") or self.meta.get("profile")
            try:
                self._profile = load_profile(name if isinstance(name, str) and name else None)
            except ProfileError as exc:
                raise RunFolderError(
                    exc.message, file=str(self.run.path / "meta.json"), field="profile"
                ) from None
        return self._profile

    def _mark_events(self, events: list[Event]) -> list[Event]:
        """Flag events that involve no ship under test (traffic), and the collisions or
        groundings a declared negative test expected."""
        tested = {s.id for s in self.ships if s.under_test}
        neg = (self.score or {}).get("negative_test")
        expect = set(neg.get("expect") or []) if isinstance(neg, dict) else set()
        out = []
        for ev in events:
            traffic = bool(ev.ships) and not (set(ev.ships) & tested)
            expected = not traffic and ev.kind in expect
            out.append(replace(ev, traffic=traffic, expected=expected))
        return out

    @property
    def under_test_ids(self) -> list[str]:
        return [s.id for s in self.ships if s.under_test]

    @property
    def negative_test(self) -> dict[str, Any] | None:
        neg = (self.score or {}).get("negative_test")
        return neg if isinstance(neg, dict) else None

    # ----------------------------------------------------------------- time and poses
    @property
    def duration_s(self) -> float:
        return self.t1 - self.t0

    @property
    def title(self) -> str:
        sc = self.meta.get("scenario") or {}
        return str(sc.get("id") or self.run.path.name)

    def clamp(self, t: float) -> float:
        return min(max(float(t), self.t0), self.t1)

    def bracket(self, t: float) -> tuple[int, int, float]:
        """Records (i, j) around ``t`` and the fraction of the way from i to j."""
        t = self.clamp(t)
        n = self.t_rec.size
        i = int(np.searchsorted(self.t_rec, t, side="right")) - 1
        i = min(max(i, 0), n - 1)
        if i >= n - 1:
            return n - 1, n - 1, 0.0
        dt = self.t_rec[i + 1] - self.t_rec[i]
        return i, i + 1, float((t - self.t_rec[i]) / dt)

    def poses(self, t: float) -> Poses:
        i, j, f = self.bracket(t)

        def lerp(arr: np.ndarray) -> np.ndarray:
            return arr[i] + (arr[j] - arr[i]) * f if j != i else arr[i].copy()

        dh = wrap_pi_array(self.heading[j] - self.heading[i])
        heading = wrap_2pi_array(self.heading[i] + dh * f)
        north, east = lerp(self.north), lerp(self.east)
        present = np.isfinite(north) & np.isfinite(east)
        return Poses(
            t=self.clamp(t),
            north=north,
            east=east,
            heading=np.nan_to_num(heading),
            vn=np.nan_to_num(lerp(self.vn)),
            ve=np.nan_to_num(lerp(self.ve)),
            rudder=np.nan_to_num(lerp(self.rudder)),
            present=present,
        )

    def trail(self, t: float, span_s: float, max_points: int = 48) -> tuple[np.ndarray, np.ndarray]:
        """Past positions of every ship over ``span_s`` before ``t``, oldest first, ending at
        the interpolated pose; shapes (k, n_ships). Records are thinned to ``max_points``."""
        t = self.clamp(t)
        i0 = int(np.searchsorted(self.t_rec, t - span_s, side="left"))
        i1 = int(np.searchsorted(self.t_rec, t, side="right"))
        stride = max(1, math.ceil((i1 - i0) / max_points))
        idx = np.arange(i0, i1, stride)
        p = self.poses(t)
        north = np.vstack([self.north[idx], p.north[None, :]])
        east = np.vstack([self.east[idx], p.east[None, :]])
        return north, east

    def bounds(self) -> tuple[float, float, float, float]:
        """(north_min, north_max, east_min, east_max) of every recorded position."""
        n = self.north[np.isfinite(self.north)]
        e = self.east[np.isfinite(self.east)]
        if n.size == 0 or e.size == 0:
            b = self.chart.bounds()
            return b if b is not None else (-1000.0, 1000.0, -1000.0, 1000.0)
        return float(n.min()), float(n.max()), float(e.min()), float(e.max())

    # ----------------------------------------------------------------- CPA
    def cpa(self, t: float, poses: Poses | None = None) -> Cpa | None:
        """The most dangerous target seen from the own ship: the smallest DCPA among targets
        still approaching (0 <= TCPA <= CPA_HORIZON_S, relative speed at least
        CPA_MIN_REL_SPEED); None if nobody is approaching."""
        o = self.own_index
        if o is None:
            return None
        p = poses if poses is not None else self.poses(t)
        if not p.present[o]:
            return None
        pn = p.north - p.north[o]
        pe = p.east - p.east[o]
        vn = p.vn - p.vn[o]
        ve = p.ve - p.ve[o]
        dcpa, tcpa = cpa_tcpa(pn, pe, vn, ve, check_finite=False)
        moving = vn * vn + ve * ve >= CPA_MIN_REL_SPEED**2
        ok = p.present & moving & (tcpa >= 0.0) & (tcpa <= CPA_HORIZON_S)
        ok[o] = False
        if not ok.any():
            return None
        cand = np.where(ok)[0]
        k = int(cand[np.lexsort((tcpa[cand], dcpa[cand]))[0]])
        tc = float(tcpa[k])
        return Cpa(
            own=o,
            target=k,
            range_m=float(math.hypot(pn[k], pe[k])),
            dcpa_m=float(dcpa[k]),
            tcpa_s=tc,
            own_cpa=(float(p.north[o] + p.vn[o] * tc), float(p.east[o] + p.ve[o] * tc)),
            target_cpa=(float(p.north[k] + p.vn[k] * tc), float(p.east[k] + p.ve[k] * tc)),
        )

    def closest_approach_t(self) -> float:
        """Time of the smallest own-ship-to-target range over the run, counting only targets
        moving relative to the own ship (a ship moored alongside at the start is not an
        approach); the end of the run if there is none."""
        o = self.own_index
        if o is None or len(self.ships) < 2:
            return self.t1
        rng = np.hypot(self.north - self.north[:, [o]], self.east - self.east[:, [o]])
        rel = np.hypot(self.vn - self.vn[:, [o]], self.ve - self.ve[:, [o]])
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(rng) & (rel >= CPA_MIN_REL_SPEED)
        ok[:, o] = False
        if not ok.any():
            return self.t1
        rng = np.where(ok, rng, np.inf)
        k = int(np.argmin(rng.min(axis=1)))
        return float(self.t_rec[k])

    def key_time(self) -> float:
        """The moment that best explains the score: the own ship's first collision or
        grounding, else its closest approach."""
        own = self.ships[self.own_index].id if self.own_index is not None else None
        for ev in self.events:
            if ev.kind in ("collision", "grounding") and (own is None or own in ev.ships):
                return self.clamp(ev.t_s)
        for ev in self.events:  # an autonomous target's own collision also fails the run
            if ev.kind in ("collision", "grounding") and not ev.traffic:
                return self.clamp(ev.t_s)
        return self.closest_approach_t()

    # ----------------------------------------------------------------- encounters
    def _estimate(self) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
        """Per target: (index, engaged mask, type, role) over records, with the class locked at
        the record where the engagement started (the referee reads it once, docs/referee.md
        section 1). A target or own ship lying still there (``metrics.duties.still_flags``) or
        not under way by its category (moored, at anchor, aground) has no rule 13-15 role: it
        is an obstacle (rule 8), labelled as such."""
        if self._est is not None:
            return self._est
        out: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
        o = self.own_index
        if o is None:
            self._est = out
            return out
        prof = self.profile
        ships = self.meta["ships"]
        under_way = [ship_category(s).under_way for s in ships]
        sog = np.hypot(self.vn, self.ve)
        still = still_flags(self.t_rec, np.ascontiguousarray(sog.T), prof)
        von, voe = self.vn[:, o], self.ve[:, o]
        for s in self.ships:
            k = s.index
            if k == o:
                continue
            pn = self.north[:, k] - self.north[:, o]
            pe = self.east[:, k] - self.east[:, o]
            vtn, vte = self.vn[:, k], self.ve[:, k]
            dcpa, tcpa = cpa_tcpa(pn, pe, vtn - von, vte - voe, check_finite=False)
            rng = np.hypot(pn, pe)
            d_risk = risk_distance(self.ships[o].length_m, s.length_m, prof)
            with np.errstate(invalid="ignore", divide="ignore"):
                cont = (tcpa > 0.0) & (rng < prof.stages.r1_m)
                enter = cont & (tcpa <= prof.risk.tcpa_max_s) & (dcpa < d_risk)
                closing = -(pn * (vtn - von) + pe * (vte - voe)) / rng
                in_action = rng <= np.maximum(prof.stages.r2_m, closing * prof.risk.action_time_s)
            engaged = np.zeros_like(cont)
            # A run of `cont` records is engaged from its first `enter` record to its end; its
            # class is read at its first record inside the action range (else at its start).
            edges = np.diff(np.concatenate([[0], cont.astype(np.int8), [0]]))
            starts, ends = np.where(edges == 1)[0], np.where(edges == -1)[0]
            first = np.full(cont.shape, -1, dtype=np.int64)
            for a0, a1 in zip(starts, ends, strict=True):
                hits = np.where(enter[a0:a1])[0]
                if hits.size:
                    b0 = a0 + int(hits[0])
                    act = np.where(in_action[b0:a1])[0]
                    engaged[b0:a1] = True
                    first[b0:a1] = b0 + int(act[0]) if act.size else b0
            typ = np.full(cont.shape, "none", dtype=object)
            role = np.full(cont.shape, "none", dtype=object)
            if engaged.any():
                idx = np.unique(first[engaged])
                # Course over ground, as the referee classifies (docs/architecture.md, Report).
                beta, alpha = encounter_angles(
                    pn[idx], pe[idx], np.arctan2(voe[idx], von[idx]), np.arctan2(vte[idx], vtn[idx])
                )
                codes = classify(beta, alpha, sog[idx, o], sog[idx, k], prof)
                ty = np.array([CODE_TYPE[c] for c in codes], dtype=object)
                ro = np.array([CODE_ROLE[c] for c in codes], dtype=object)
                obstacle = still[o, idx] | still[k, idx] | (not under_way[o]) | (not under_way[k])
                ty[obstacle & (codes != 0)] = "obstacle"
                ro[obstacle] = "none"
                pos = np.searchsorted(idx, first[engaged])
                typ[engaged] = ty[pos]
                role[engaged] = ro[pos]
            out.append((k, engaged, typ, role))
        self._est = out
        return out

    def encounters(self, t: float) -> list[EncounterLabel]:
        """Encounters active at ``t``: from score.json when present, else estimated live."""
        t = self.clamp(t)
        ids = [s.id for s in self.ships]
        labels: list[EncounterLabel] = []
        rec, _, _ = self.bracket(t)
        if self.score is not None and isinstance(self.score.get("encounters"), list):
            est = {k: eng for k, eng, _, _ in self._estimate()}
            own_id = ids[self.own_index] if self.own_index is not None else None
            for enc in self.score["encounters"]:
                tgt = str(enc.get("target"))
                own = str(enc.get("own", own_id))
                # Labels sit on targets and state the own ship's role, so show only the own
                # ship's side of each pair (autonomous targets have their own entries).
                if tgt not in ids or (own_id is not None and own != own_id):
                    continue
                k = ids.index(tgt)
                t_a = enc.get("t_detect_s", enc.get("t_start_s"))
                t_b = enc.get("t_end_s")
                if t_a is not None or t_b is not None:
                    active = (t_a is None or t >= float(t_a)) and (t_b is None or t <= float(t_b))
                elif k in est:
                    active = bool(est[k][rec])
                else:
                    active = True
                if active and enc.get("type", "none") != "none":
                    labels.append(
                        EncounterLabel(
                            own=own,
                            target=tgt,
                            target_index=k,
                            type=_scored_type(enc),
                            own_role=str(enc.get("own_role", "none")),
                            estimated=False,
                        )
                    )
            return labels
        own_id = ids[self.own_index] if self.own_index is not None else ""
        for k, engaged, typ, role in self._estimate():
            if engaged[rec] and typ[rec] != "none":
                labels.append(
                    EncounterLabel(
                        own=own_id,
                        target=ids[k],
                        target_index=k,
                        type=str(typ[rec]),
                        own_role=str(role[rec]),
                        estimated=True,
                    )
                )
        return labels

    def encounter_windows(self) -> list[EncounterWindow]:
        """Active intervals of the own ship's encounters: score.json's detection-to-end
        windows when present, else the live estimate's engaged spans."""
        if self._windows is not None:
            return self._windows
        ids = [s.id for s in self.ships]
        own_id = ids[self.own_index] if self.own_index is not None else None
        out: list[EncounterWindow] = []
        if self.score is not None and isinstance(self.score.get("encounters"), list):
            for enc in self.score["encounters"]:
                tgt, own = str(enc.get("target")), str(enc.get("own", own_id))
                if tgt not in ids or enc.get("type", "none") == "none":
                    continue
                if own_id is not None and own != own_id:
                    continue
                t_a = enc.get("t_detect_s", enc.get("t_start_s"))
                t_b = enc.get("t_end_s")
                lab = EncounterLabel(
                    own, tgt, ids.index(tgt), _scored_type(enc), str(enc.get("own_role")), False
                )
                out.append(
                    EncounterWindow(
                        self.t0 if t_a is None else float(t_a),
                        self.t1 if t_b is None else float(t_b),
                        lab,
                    )
                )
        else:
            for k, engaged, typ, role in self._estimate():
                edges = np.diff(np.concatenate([[0], engaged.astype(np.int8), [0]]))
                for a, b in zip(np.where(edges == 1)[0], np.where(edges == -1)[0], strict=True):
                    if typ[a] == "none":
                        continue
                    lab = EncounterLabel(
                        str(own_id), ids[k], k, str(typ[a]), str(role[a]), estimated=True
                    )
                    out.append(EncounterWindow(float(self.t_rec[a]), float(self.t_rec[b - 1]), lab))
        out.sort(key=lambda w: (w.t0, w.label.target_index))
        self._windows = out
        return out

    # ----------------------------------------------------------------- events
    def _events(self) -> list[Event]:
        raw: list[dict[str, Any]] = list(self.meta.get("events", []))
        sc = self.score or {}
        raw += list(sc.get("events", []))
        for enc in sc.get("encounters", []):
            raw += _encounter_events(enc)
        seen = set()
        events: list[Event] = []
        for i, ev in enumerate(raw):
            if not isinstance(ev, dict) or ev.get("t_s") is None:
                raise RunFolderError(
                    "event needs t_s", file=str(self.run.path), field=f"events[{i}]"
                )
            ships = ev.get("ships") or []
            if isinstance(ships, str):
                ships = [ships]
            e = Event(
                t_s=float(ev["t_s"]),
                kind=str(ev.get("kind", "event")),
                ships=tuple(str(s) for s in ships),
                detail=_detail(ev.get("detail")),
            )
            # Pairs scored from both sides give the same near miss twice.
            key = (e.t_s, e.kind, frozenset(e.ships) if e.kind == "near_miss" else e.ships)
            if key not in seen:
                seen.add(key)
                events.append(e)
        events.sort(key=lambda e: (e.t_s, e.kind))
        return events


def _scored_type(enc: dict[str, Any]) -> str:
    """The label type of a scored encounter: the referee's ``type``, or "obstacle" when it gave
    no role because a ship was not under way (``role_basis`` "rule 8" / "not under way",
    metrics.sides): rules 13-17 bind two vessels under way (docs/referee.md section 1)."""
    typ = str(enc.get("type"))
    if enc.get("own_role", "none") == "none" and enc.get("role_basis") in (
        "rule 8",
        "not under way",
    ):
        return "obstacle"
    return typ


def _detail(d: Any) -> str:
    if d is None:
        return ""
    if isinstance(d, dict):
        return ", ".join(f"{k} {v}" for k, v in d.items())
    return str(d)


def _encounter_events(enc: dict[str, Any]) -> list[dict[str, Any]]:
    """Timeline events implied by one scored encounter (metrics run-entry format)."""
    if enc.get("type", "none") == "none":
        return []
    own, tgt = str(enc.get("own", "")), str(enc.get("target", ""))
    out: list[dict[str, Any]] = []
    man = enc.get("manoeuvre") if isinstance(enc.get("manoeuvre"), dict) else {}
    t_man = man.get("t_s", enc.get("first_manoeuvre_t_s"))
    if t_man is not None:
        out.append(
            {"t_s": t_man, "kind": "first_manoeuvre", "ships": [own], "detail": f"for {tgt}"}
        )
    t_eval = enc.get("t_cpa_s", enc.get("t_end_s"))
    pens = [p for p in enc.get("penalties") or [] if isinstance(p, dict)]
    timed = [p for p in pens if p.get("t_s") is not None]
    for p in timed:
        out.append(
            {"t_s": p["t_s"], "kind": "rule_penalty", "ships": [own, tgt], "detail": _pen(p)}
        )
    # Penalties without their own time are judged over the encounter: one mark at its CPA.
    untimed = [p for p in pens if p.get("t_s") is None and (p.get("penalty") or 0) > 0]
    if untimed and t_eval is not None:
        detail = "; ".join(_pen(p) for p in untimed)
        out.append({"t_s": t_eval, "kind": "rule_penalty", "ships": [own, tgt], "detail": detail})
    if enc.get("near_miss") and t_eval is not None:
        out.append({"t_s": t_eval, "kind": "near_miss", "ships": [own, tgt], "detail": ""})
    return out


def _pen(p: dict[str, Any]) -> str:
    rule = p.get("rule")
    text = str(p.get("reason") or p.get("detail") or p.get("kind") or "")
    if rule is not None and rule != "safety" and not text.lower().startswith("rule"):
        return f"Rule {rule}" + (f" {text}" if text else "")
    return text or "penalty"


def load_scene(run_dir: str | os.PathLike, score_path: str | os.PathLike | None = None) -> Scene:
    """Open a run folder (and its score.json, if any) for viewing."""
    run = load_run(run_dir)
    sp = Path(score_path) if score_path is not None else Path(run_dir) / "score.json"
    if score_path is not None and not sp.is_file():
        raise RunFolderError("score file not found", file=str(sp))
    return Scene(run, load_score(sp, Path(run_dir)))
