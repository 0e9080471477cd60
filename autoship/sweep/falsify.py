"""Falsification: an adaptive cross-entropy search over a sweep's parameter space for the
encounters with the lowest safety score.

Each target is described by an encounter type (categorical, when the sweep lists types) and
four numbers in [0, 1] that map onto the sweep's axes: relative bearing (or relative course),
speed ratio, time to CPA and meeting offset; an axis the sweep leaves out uses the same DNV
defaults as the generators. Every iteration draws a batch from independent truncated normals
(and category probabilities), runs it, and refits the distribution to the elite fraction with
the lowest objective (Rubinstein's cross-entropy method, with smoothing so it keeps exploring).

The objective is the run's lowest encounter safety score (0 after a collision), ties broken by
the minimum separation, so the search can climb towards a collision from runs that only come
close. Everything is seeded from the sweep seed and the candidate id, and every run lands in the
results store, so an interrupted search resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from autoship.errors import AutoshipError
from autoship.sweep.executors import DaskPool, LocalPool, make_pool
from autoship.sweep.generators import (
    MAX_TRIES,
    Axis,
    SweepSpec,
    TargetParams,
    _default_axis,
    _profile,
    build_case,
    derive_seed,
    scenario_rng,
)
from autoship.sweep.runner import canonical, check_planner, replay_text
from autoship.sweep.store import Store
from autoship.sweep.worker import Task

_DIMS = ("angle", "speed_ratio", "tcpa_min", "offset_m")


def _axis_for(spec: SweepSpec, dim: str, enc: str | None) -> Axis:
    if dim == "angle":
        name = "course_deg" if "course_deg" in spec.axes else "bearing_deg"
        return _default_axis(spec, name, enc)
    if dim == "offset_m" and "offset_m" not in spec.axes:
        # A collision course by construction would make falsification trivial; search the
        # passing distance too, within +-2 km by default [P].
        return Axis(lo=-2000.0, hi=2000.0)
    return _default_axis(spec, dim, enc)


def _value(axis: Axis, u: float) -> float:
    if axis.values is not None:
        k = min(len(axis.values) - 1, int(u * len(axis.values)))
        return float(axis.values[k])
    lo, hi = axis.bounds()
    return lo + u * (hi - lo)


@dataclass
class Candidate:
    run_id: str
    iteration: int
    u: np.ndarray  # (n_targets, 4) in [0, 1]
    enc: list[str | None]
    text: str
    params: dict[str, Any]
    objective: tuple[float, float] = (math.inf, math.inf)
    row: dict[str, Any] | None = None
    replayed: bool | None = None  # the written file alone reproduced the stored result
    replay_dir: Path | None = None  # its run folder (for ``autoship view``)


@dataclass
class FalsifyResult:
    candidates: list[Candidate]
    worst: list[Candidate]
    files: list[Path] = field(default_factory=list)
    dropped: int = 0

    @property
    def collisions(self) -> int:
        return sum(
            bool(c.row and (c.row["collision"] or c.row["grounding"])) for c in self.candidates
        )


def _objective(row: dict[str, Any]) -> tuple[float, float]:
    if row["status"] != "ok":
        return (math.inf, math.inf)
    s = row["safety_score"]
    s = 1.0 if s is None else float(s)
    if row["collision"] or row["grounding"]:
        s = 0.0
    d = row["min_separation_m"]
    return (s, math.inf if d is None else float(d))


def _store_batch(
    store: Store,
    results: Any,
    by_id: dict[str, Candidate],
    it: int,
    on_result: Callable[[Task, dict[str, Any]], None] | None,
) -> None:
    for task, outcome in results:
        c = by_id[task.run_id]
        params = {**c.params, "iteration": it}
        store.record(
            task.run_id, task.scenario_id, 0, task.seed, task.planner, task.profile, params,
            c.text, outcome,
        )  # fmt: skip
        if on_result is not None:
            on_result(task, outcome)


def falsify(
    spec: SweepSpec,
    out: Path,
    budget: int,
    n_jobs: int = 1,
    cluster: str | None = None,
    n_targets: int | None = None,
    batch: int | None = None,
    elite_frac: float = 0.2,
    smoothing: float = 0.7,
    n_worst: int = 5,
    replay: bool = True,
    on_result: Callable[[Task, dict[str, Any]], None] | None = None,
) -> FalsifyResult:
    """Spend ``budget`` runs searching for low-safety encounters; write the ``n_worst`` as
    scenario files into ``out/worst`` and (``replay``) run each alone into
    ``out/worst/runs/<run id>`` to check that it reproduces."""
    if spec.kind == "files":
        raise AutoshipError(
            "falsification needs a generated parameter space (kind grid or random)",
            file=str(spec.path),
            field="generator.kind",
        )
    check_planner(spec)
    if budget < 2:
        raise AutoshipError("must be >= 2", field="--budget")
    nt = n_targets or spec.n_targets[0]
    batch = batch or max(4, min(50, budget // 5))
    n_elite = max(2, int(round(elite_frac * batch)))
    encs = list(spec.encounters) if spec.encounters else [None]
    mean = np.full((nt, len(_DIMS)), 0.5)
    std = np.full((nt, len(_DIMS)), 0.35)
    probs = np.full((nt, len(encs)), 1.0 / len(encs))
    profile = _profile(spec)
    everything: list[Candidate] = []
    dropped = 0
    definition = (
        f"{canonical(spec)}\n# falsify: targets={nt} batch={batch} elite={n_elite} "
        f"smoothing={smoothing}\n"
    )
    pool = make_pool(n_jobs, cluster, spec.time_limit_s)  # one pool for every batch
    with contextlib.closing(pool), Store(out) as store:
        store.bind(
            "falsify",
            spec.id,
            definition,
            {"sweep_file": str(spec.path or ""), "sweep_text": spec.text},
        )
        it = 0
        while len(everything) < budget:
            rng = scenario_rng(spec.seed, f"{spec.id}-falsify-{it}", "falsify")
            cands: list[Candidate] = []
            for k in range(min(batch, budget - len(everything))):
                rid = f"{spec.id}-ce{it:03d}-{k:03d}"
                cand = None
                for _ in range(MAX_TRIES):
                    u = np.clip(rng.normal(mean, std), 0.0, 1.0)
                    enc = [encs[int(rng.choice(len(encs), p=probs[j]))] for j in range(nt)]
                    tps = []
                    for j in range(nt):
                        v = {
                            d: _value(_axis_for(spec, d, enc[j]), u[j, i])
                            for i, d in enumerate(_DIMS)
                        }
                        use_course = "course_deg" in spec.axes
                        tps.append(
                            TargetParams(
                                encounter=enc[j],
                                bearing_deg=None if use_course else v["angle"],
                                course_deg=v["angle"] if use_course else None,
                                speed_ratio=v["speed_ratio"],
                                tcpa_min=v["tcpa_min"],
                                offset_m=v["offset_m"],
                            )
                        )
                    case, _why = build_case(spec, rid, tps, profile)
                    if case is not None:
                        cand = Candidate(rid, it, u, enc, case.text, case.params)
                        break
                    dropped += 1
                if cand is not None:
                    cands.append(cand)
            if not cands:
                raise AutoshipError(
                    "the search distribution produces no valid encounter geometry",
                    file=str(spec.path),
                )
            done = store.finished()
            todo = [
                Task(
                    run_id=c.run_id,
                    scenario_id=c.run_id,
                    replicate=0,
                    seed=derive_seed(spec.seed, c.run_id, 0),
                    text=c.text,
                    planner=spec.planner,
                    profile=spec.profile,
                    scenario=_parsed(c.text),
                )
                for c in cands
                if c.run_id not in done
            ]
            by_id = {c.run_id: c for c in cands}
            results = pool.run(todo)
            with contextlib.closing(results):
                _store_batch(store, results, by_id, it, on_result)
            rows = {
                r["run_id"]: r
                for r in store.runs(
                    f"WHERE run_id IN ({','.join('?' * len(cands))})", [c.run_id for c in cands]
                )
            }
            for c in cands:
                c.row = rows.get(c.run_id)
                if c.row is not None:
                    c.objective = _objective(c.row)
            everything += cands
            # Refit to the elite of this batch (cross-entropy update with smoothing).
            ranked = sorted(
                (c for c in cands if math.isfinite(c.objective[0])), key=lambda c: c.objective
            )
            elite = ranked[: min(n_elite, len(ranked))]
            if len(elite) >= 2:
                U = np.stack([c.u for c in elite])
                mean = smoothing * U.mean(axis=0) + (1 - smoothing) * mean
                std = smoothing * U.std(axis=0) + (1 - smoothing) * std
                std = np.maximum(std, 0.02)
                for j in range(nt):
                    counts = np.array([sum(c.enc[j] == e for c in elite) for e in encs], float)
                    p = counts / counts.sum()
                    probs[j] = smoothing * p + (1 - smoothing) * probs[j]
                    probs[j] = np.maximum(probs[j], 0.02)
                    probs[j] /= probs[j].sum()
            it += 1
        ranked = sorted(
            (c for c in everything if math.isfinite(c.objective[0])), key=lambda c: c.objective
        )
        res = FalsifyResult(everything, ranked[:n_worst], dropped=dropped)
        wdir = out / "worst"
        wdir.mkdir(parents=True, exist_ok=True)
        for k, c in enumerate(res.worst, 1):
            assert c.row is not None
            p = wdir / f"{k:02d}-{c.run_id}.toml"
            p.write_text(replay_text(c.text, c.row["seed"], spec.planner), encoding="utf-8")
            res.files.append(p)
        if replay and res.worst:
            _replay_worst(res, wdir / "runs", pool)
    return res


def _parsed(text: str) -> Any:
    """The candidate's scenario as an object for the worker, or None to let the worker parse
    the text and report the error as that run's (build_case output normally parses)."""
    from autoship.scenario.loader import parse_scenario

    try:
        return parse_scenario(text, None)
    except AutoshipError:
        return None


def _replay_worst(res: FalsifyResult, run_root: Path, pool: LocalPool | DaskPool) -> None:
    """Run each written scenario file alone (its own seed and planner, no override), keep the
    run folder for the viewer, and check it reproduces the stored minimum separation."""
    import shutil

    tasks = []
    for c, path in zip(res.worst, res.files, strict=True):
        assert c.row is not None
        shutil.rmtree(run_root / c.run_id, ignore_errors=True)
        text = path.read_text(encoding="utf-8")
        tasks.append(Task(c.run_id, c.run_id, 0, c.row["seed"], text, keep_dir=str(run_root)))
    by_id = {c.run_id: c for c in res.worst}
    results = pool.run(tasks)
    with contextlib.closing(results):
        for task, outcome in results:
            c = by_id[task.run_id]
            assert c.row is not None
            e = outcome.get("entry") if outcome.get("ok") else None
            c.replayed = e is not None and (
                bool(e["collision"]) == bool(c.row["collision"])
                and e["min_separation_m"] == c.row["min_separation_m"]
            )
            c.replay_dir = Path(e["run_dir"]) if e is not None and e.get("run_dir") else None
