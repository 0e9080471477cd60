"""Headless batch: scenario files -> simulation -> run folders -> scores, on local cores."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autoship.errors import AutoshipError, ScenarioError
from autoship.scenario import Scenario, find_scenarios, load_scenario


def chart_check(scen: Scenario) -> None:
    """Reject ships that start on a hazard or whose goal lies inside one, naming the ship."""
    from autoship.charts import load_chart

    assert scen.chart is not None
    file = str(scen.path) if scen.path else None
    try:
        chart = load_chart(scen.chart.path, scen.frame)
    except AutoshipError as exc:
        # Name the scenario and its key first: that is the file the user will edit.
        raise ScenarioError(exc.one_line(), file=file, field="chart.path") from None
    for s in scen.ships:
        pts = [("start", s.start_north, s.start_east)]
        if s.goal is not None:
            pts.append(("goal", s.goal[0], s.goal[1]))
        for key, n, e in pts:
            if not bool(chart.covers(n, e)):
                raise ScenarioError(
                    "position is outside the chart's coverage",
                    file=file,
                    field=f"ship.{s.id}.{key}",
                )
        hz = chart.hazards(s.ship.draught_m, scen.chart.under_keel_clearance_m)
        for key, n, e in pts:
            if bool(hz.contains(n, e)):
                what = "starts on" if key == "start" else "has its goal inside"
                raise ScenarioError(
                    f"ship {s.id!r} {what} a hazard for draught {s.ship.draught_m:g} m",
                    file=file,
                    field=f"ship.{s.id}.{key}",
                )


@dataclass(frozen=True)
class Job:
    path: Path
    run_dir: Path
    planner: str | None
    seed: int | None
    force: bool
    profile: str | None
    ais_udp: str | None = None  # HOST:PORT to stream the run as NMEA while it runs
    ais_realtime: bool = False
    ais_speed: float = 1.0
    vs_recording: bool = False  # judge mined scenarios against their recorded human


def plan_jobs(
    paths: list[str | Path],
    out: Path,
    planner: str | None,
    seed: int | None,
    force: bool,
    profile: str | None = None,
) -> list[Job]:
    """Validate every scenario and every output folder before anything runs."""
    from autoship.planner import planner_names
    from autoship.sweep.generators import check_runnable

    files = find_scenarios(paths)
    seen: dict[str, Path] = {}
    jobs = []
    for f in files:
        scen = load_scenario(f, check_chart=chart_check)
        # Planners and their parameters too (as `scenario check` does), so a bad one is a
        # one-line error before anything runs, naming the user's file.
        check_runnable(scen, planner if planner in planner_names() else None)
        if scen.id in seen:
            raise ScenarioError(
                f"id {scen.id!r} is also used by {seen[scen.id]}", file=str(f), field="scenario.id"
            )
        seen[scen.id] = f
        run_dir = out / scen.id
        if run_dir.exists() and not force:
            raise AutoshipError(
                "run folder already exists (use --force to overwrite)", file=str(run_dir)
            )
        jobs.append(Job(f, run_dir, planner, seed, force, profile))
    if planner is not None and planner not in planner_names():
        raise AutoshipError(
            f"unknown planner {planner!r}; known: {', '.join(planner_names())}",
            field="--planner",
        )
    return jobs


def run_job(job: Job) -> dict[str, Any]:
    """Simulate, write the run folder and score it. Returns the report's run entry."""
    from autoship.metrics import score_run
    from autoship.sim import simulate

    t0 = time.perf_counter()
    scen = load_scenario(job.path, check_chart=None)
    live = None
    on_record = None
    if job.ais_udp is not None:
        from autoship.ais.emit import AisLiveOut, parse_host_port

        host, port = parse_host_port(job.ais_udp)
        ships = [
            {
                "id": s.id,
                "role": s.role,
                "mmsi": s.mmsi,
                "ship_type": s.ship_type,
                "length_m": s.ship.length_m,
                "beam_m": s.ship.beam_m,
                "draught_m": s.ship.draught_m,
                "nav_status": s.nav_status,
                "ais_class": s.ais_class,
            }
            for s in scen.ships
        ]
        live = AisLiveOut(
            {"scenario": {"id": scen.id}, "frame": scen.frame.to_dict(), "ships": ships},
            host,
            port,
            realtime=job.ais_realtime,
            speed=job.ais_speed,
        )

        def on_record(t: float, row: dict) -> None:
            live.push(t, row["north"], row["east"], row["vn"], row["ve"], row["heading"], row["r"])

    try:
        result = simulate(scen, planner_override=job.planner, seed=job.seed, on_record=on_record)
    finally:
        if live is not None:
            live.close()
    result.write(job.run_dir, force=job.force)
    profile = None
    if job.profile is not None:
        from autoship.colregs import load_profile

        profile = load_profile(job.profile)
    entry = score_run(job.run_dir, profile, vs_recording=job.vs_recording)
    # Measured wall time (simulate + write + score) for JUnit <testcase time>, kept in
    # score.json so a later `autoship score` of the folder can still report it. The returned
    # entry stays free of it: sweeps store entries that must not vary from run to run.
    wall = {"wall_s": round(time.perf_counter() - t0, 3)}
    # The viewer shows scores and gates from here without importing the scoring kernels.
    (job.run_dir / "score.json").write_text(json.dumps(entry | wall, indent=1, default=str))
    return entry


def _safe_run(job: Job) -> dict[str, Any]:
    t0 = time.perf_counter()
    try:
        entry = run_job(job)
        # `autoship run` reports carry each run's wall time (JUnit <testcase time>).
        entry["wall_s"] = round(time.perf_counter() - t0, 3)
        return {"ok": True, "entry": entry}
    except AutoshipError as exc:
        return {"ok": False, "error": exc.one_line(), "path": str(job.path)}
    except Exception as exc:  # a crash in one run must not lose the others
        return {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}",
            "path": str(job.path),
            "crash": True,
        }


def run_jobs(
    jobs: list[Job], n_jobs: int = 1, on_done: Callable[[Job, dict[str, Any]], None] | None = None
) -> Iterator[tuple[Job, dict[str, Any]]]:
    """Yield (job, outcome) as runs finish; in input order when n_jobs == 1."""
    if n_jobs <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield job, _safe_run(job)
        return
    workers = min(n_jobs, len(jobs), os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futs = {pool.submit(_safe_run, job): job for job in jobs}
        for fut in as_completed(futs):
            yield futs[fut], fut.result()
