"""A whole sweep: generate the scenarios, skip what the store already holds, run the rest on an
executor and store each run as it finishes."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autoship.errors import ScenarioError
from autoship.sweep.executors import make_pool
from autoship.sweep.generators import Case, SweepSpec, derive_seed, generate
from autoship.sweep.store import Store
from autoship.sweep.worker import Task


def run_id_of(scenario_id: str, replicate: int, replicates: int) -> str:
    return scenario_id if replicates == 1 else f"{scenario_id}~r{replicate}"


@dataclass
class Planned:
    tasks: list[Task]
    cases: dict[str, Case]  # by run id
    dropped: list[tuple[str, str]]
    definition: str


def canonical(spec: SweepSpec) -> str:
    """The sweep file as far as it decides results: comments, the title and the per-run time
    limit may change between an interrupted sweep and its resumption (e.g. to raise the limit
    and ``--retry-errors``); anything else binds the output folder."""
    doc = tomllib.loads(spec.text)
    sw = doc.get("sweep", {})
    for key in ("title", "time_limit_s"):
        sw.pop(key, None)
    return json.dumps(doc, sort_keys=True, default=str)


def check_planner(spec: SweepSpec) -> None:
    if spec.planner is None:
        return
    from autoship.planner import planner_names

    if spec.planner not in planner_names():
        raise ScenarioError(
            f"unknown planner {spec.planner!r}; known: {', '.join(planner_names())}",
            file=str(spec.path) if spec.path else None,
            field="sweep.planner",
        )


def plan(spec: SweepSpec, keep_dir: Path | None = None) -> Planned:
    check_planner(spec)
    gen = generate(spec)
    tasks: list[Task] = []
    by_run: dict[str, Case] = {}
    for case in gen.cases:
        for rep in range(spec.replicates):
            rid = run_id_of(case.scenario_id, rep, spec.replicates)
            tasks.append(
                Task(
                    run_id=rid,
                    scenario_id=case.scenario_id,
                    replicate=rep,
                    seed=derive_seed(spec.seed, case.scenario_id, rep),
                    text=case.text,
                    path=str(case.path) if case.path is not None else None,
                    scenario=case.scenario,
                    planner=spec.planner,
                    profile=spec.profile,
                    keep_dir=str(keep_dir) if keep_dir is not None else None,
                )
            )
            by_run[rid] = case
    # The folder is bound to the sweep file *and* the scenarios it produced, so a resumed sweep
    # never mixes runs of scenario files (or a generator) that changed in between.
    h = hashlib.sha256()
    for c in gen.cases:
        h.update(f"{c.scenario_id}\0{hashlib.sha256(c.text.encode()).hexdigest()}\n".encode())
    definition = f"{canonical(spec)}\n# scenarios: {h.hexdigest()}\n"
    return Planned(tasks, by_run, gen.dropped, definition)


@dataclass
class SweepResult:
    planned: int
    skipped: int
    ran: int = 0
    errors: int = 0
    dropped: list[tuple[str, str]] = field(default_factory=list)


def run_sweep(
    spec: SweepSpec,
    out: Path,
    n_jobs: int = 1,
    cluster: str | None = None,
    keep_runs: bool = False,
    retry_errors: bool = False,
    on_start: Callable[[int, int], None] | None = None,
    on_result: Callable[[Task, dict[str, Any]], None] | None = None,
) -> SweepResult:
    """Run (or resume) a sweep into ``out``; returns counts. ``on_start(total, todo)`` is called
    once before the first run, ``on_result`` after each run is stored."""
    keep_dir = (out / "runs").resolve() if keep_runs else None
    planned = plan(spec, keep_dir)
    # Connect (or check --jobs) before the store is created: bad options leave no folder.
    pool = make_pool(n_jobs, cluster, spec.time_limit_s)
    with contextlib.closing(pool), Store(out) as store:
        store.bind(
            "sweep",
            spec.id,
            planned.definition,
            {"sweep_file": str(spec.path or ""), "sweep_text": spec.text},
        )
        done = store.finished(include_errors=not retry_errors)
        todo = [t for t in planned.tasks if t.run_id not in done]
        res = SweepResult(
            len(planned.tasks), len(planned.tasks) - len(todo), dropped=planned.dropped
        )
        if on_start is not None:
            on_start(len(planned.tasks), len(todo))
        results = pool.run(todo)
        # closing(): on Ctrl-C the workers are stopped here, not whenever the frame is freed.
        with contextlib.closing(results):
            for task, outcome in results:
                _store_one(store, planned, task, outcome, res, on_result)
    return res


def _store_one(
    store: Store,
    planned: Planned,
    task: Task,
    outcome: dict[str, Any],
    res: SweepResult,
    on_result: Callable[[Task, dict[str, Any]], None] | None,
) -> None:
    case = planned.cases[task.run_id]
    params = dict(case.params)
    params["replicate"] = task.replicate
    store.record(
        task.run_id,
        task.scenario_id,
        task.replicate,
        task.seed,
        task.planner,
        task.profile,
        params,
        case.text,
        outcome,
    )
    res.ran += 1
    res.errors += 0 if outcome.get("ok") else 1
    if on_result is not None:
        on_result(task, outcome)


_SEED_RE = re.compile(r"^seed\s*=\s*\d+\s*$", re.MULTILINE)


_REL_RE = re.compile(r'(?m)^(\s*(?:path|track)\s*=\s*)"([^"\\]+)"')


def replay_text(
    scenario_text: str, seed: int, planner: str | None, base: Path | None = None
) -> str:
    """Scenario text that replays one stored run alone: its seed, its own-ship planner when the
    sweep overrode it, and (given the original file's folder ``base``) chart and track paths
    made absolute so the file works from anywhere on this machine."""
    text = _SEED_RE.sub(f"seed = {int(seed)}", scenario_text, count=1)
    if base is not None:

        def absolute(m: re.Match[str]) -> str:
            p = Path(m.group(2))
            return m.group(0) if p.is_absolute() else f'{m.group(1)}"{(base / p).resolve()}"'

        text = _REL_RE.sub(absolute, text)
    if planner:
        from autoship.scenario import parse_scenario

        scen = parse_scenario(text)
        own = next(s for s in scen.ships if s.role == "own")
        if own.planner != planner:
            text = _set_own_planner(text, planner)
    return text


def _set_own_planner(text: str, planner: str) -> str:
    # Rewrite inside the first [[ship]] block with role = "own": drop its planner keys, add ours.
    blocks = re.split(r"(?m)^(?=\[\[ship\]\])", text)
    out = []
    for b in blocks:
        if b.startswith("[[ship]]") and re.search(r'(?m)^role\s*=\s*"own"', b):
            b = re.sub(r"(?m)^planner(_params)?\s*=.*\n?", "", b)
            b = b.rstrip("\n") + f'\nplanner = "{planner}"\n\n'
        out.append(b)
    return "".join(out)
