"""Sweep throughput: scenarios per minute for a random DNV-style sweep with --jobs 1 and
--jobs 2 (goal: >= 1.8x from two cores), and the results store's cost per run.

    .venv/bin/python -m benchmarks.bench_sweep                     # 1,000 scenarios, waypoint
    .venv/bin/python -m benchmarks.bench_sweep --n 200 --planner sbmpc

Each sweep runs end to end as `autoship sweep` does (generation, worker processes, scoring,
SQLite store), into a fresh folder. The store overhead is the time of `Store.record` for real
run entries, against the mean wall time of a run. The machine's load average is printed because
the cores may be shared.

Measured 2026-11-25 on the 2-core development VM, shared with other jobs (load average about 3),
1,000 scenarios, waypoint planner: --jobs 1 927 scenarios/min (0.75 cores obtained), --jobs 2
1480 scenarios/min (1.24 cores obtained), speed-up 1.60x; per core obtained 1236 vs 1194
scenarios/min, i.e. 97 % parallel efficiency (about 1.9x on two free cores). Driver CPU
2.1 ms/run; store 0.14 ms/run (0.2 % of a 61 ms run). With sbmpc the acceptance sweep
(sweeps/dnv-random-1000.toml, --jobs 2) took about 0.4 s of worker time per run.

Where a run's CPU goes (issue #19 item 4), measured 2026-12-02 on the same VM (load average
2-4), waypoint planner, warm process: before, simulate 149 ms (87 %), writing the run folder
4.5 ms, scoring it from disk 12.9 ms (re-reading it, parsing the default profile's TOML every
run), TOML write + parse 2.3 ms, score.json 1.3 ms. Workers now parse the scenario text in
memory, score from the SimResult with the profile parsed once per worker, and write the run
folder only when the sweep keeps it (--keep-runs, written as before); the run itself is
simulate 132 ms (94 %), scoring 5.4 ms, text parse 2.0 ms, in-memory JSON 0.7 ms (sbmpc:
simulate 98.5 %). `--compare` interleaves the old and the new run in one process: legacy
134.7 ms, lean 123.4 ms, 1.09x fewer CPU-seconds. Per sweep each worker also pays its start
(imports, loading cached kernels: about 2 s CPU alone, 3-4 s at load average 4), which is
25-40 ms/run in a 100-run sweep and 2-4 ms/run in a 1,000-run one. The 150-160 ms per run of
the issue is therefore mostly the simulation loop (issue #19 item 2); the 61 ms above is not
reproduced today (the warm simulation alone takes 132 ms); why was not investigated.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from autoship.sweep.batch import Job, run_job
from autoship.sweep.generators import parse_sweep
from autoship.sweep.runner import plan, run_sweep
from autoship.sweep.store import Store
from autoship.sweep.worker import Task, execute

SWEEP = """
[sweep]
id = "bench"
seed = 2023
planner = "{planner}"
[scenario]
dt_s = 1.0
planner_period_s = 5.0
[own]
speed_kn = 10.0
[generator]
kind = "random"
samples = {n}
encounter = "all"
n_targets = [1, 2, 3]
"""


def legacy_execute(task: Task) -> dict:
    """A sweep run as the worker did it before runs were scored in memory (kept as the
    baseline): the scenario text written to a file and loaded, the run folder written by
    ``run_job`` and scored from disk, score.json written, all into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="autoship-sweep-") as tmp:
        scen_path = Path(tmp) / f"{task.scenario_id}.toml"
        scen_path.write_text(task.text, encoding="utf-8")
        job = Job(scen_path, Path(tmp) / "run", task.planner, task.seed, True, task.profile)
        return run_job(job)


def compare_in_process(tasks: list[Task], reps: int = 2) -> float:
    """CPU per run of the legacy and the lean run, interleaved run by run in this process
    (imports and kernels already loaded), so that machine load affects both alike."""
    execute(tasks[0])
    legacy_execute(tasks[0])
    cpu = {"legacy": 0.0, "lean": 0.0}
    for _ in range(reps):
        for task in tasks:
            for name, fn in (("legacy", legacy_execute), ("lean", execute)):
                c0 = time.process_time()
                fn(task)
                cpu[name] += time.process_time() - c0
    n = reps * len(tasks)
    old, new = 1e3 * cpu["legacy"] / n, 1e3 * cpu["lean"] / n
    print(
        f"one run in a warm process, {n} runs interleaved: legacy {old:.1f} ms CPU, "
        f"lean {new:.1f} ms CPU, saved {old - new:.1f} ms = {old / new:.2f}x fewer CPU-seconds"
    )
    return new / 1e3


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench_sweep")
    ap.add_argument("--n", type=int, default=1000, help="random scenarios (default 1000)")
    ap.add_argument("--planner", default="waypoint")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values")
    ap.add_argument(
        "--compare", type=int, default=40, help="runs for the legacy/lean comparison (0: skip)"
    )
    args = ap.parse_args(argv)
    spec = parse_sweep(SWEEP.format(n=args.n, planner=args.planner))
    t0 = time.perf_counter()
    tasks = plan(spec).tasks
    n_runs = len(tasks)
    t_gen = time.perf_counter() - t0
    print(
        f"sweep: {n_runs} runs ({args.n} draws, 1-3 targets, planner {args.planner}); "
        f"generation {t_gen:.2f} s ({1e3 * t_gen / max(n_runs, 1):.2f} ms/scenario); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    lean_s = compare_in_process(tasks[: args.compare]) if args.compare > 0 else None
    rates: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out1 = None
        for j in (int(x) for x in args.jobs.split(",")):
            out = Path(tmp) / f"jobs{j}"
            ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            me0 = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.perf_counter()
            res = run_sweep(spec, out, n_jobs=j)
            dt = time.perf_counter() - t0
            ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # workers are reaped by now
            me1 = resource.getrusage(resource.RUSAGE_SELF)
            cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
            # The driving process's own work (generation, IPC, store) is the serial part.
            drv = (me1.ru_utime + me1.ru_stime) - (me0.ru_utime + me0.ru_stime)
            rates[j] = res.ran / dt * 60.0
            out1 = out1 or out
            # Cores actually obtained = worker CPU time / wall time: on a shared machine the
            # speed-up is bounded by it, whatever the pool does.
            print(
                f"--jobs {j}: {res.ran} runs in {dt:6.1f} s = {rates[j]:7.0f} scenarios/min "
                f"({res.errors} errors); worker CPU {1e3 * cpu / max(res.ran, 1):.0f} ms/run, "
                f"driver CPU {1e3 * drv / max(res.ran, 1):.1f} ms/run, "
                f"cores obtained {cpu / dt:.2f}; load average {os.getloadavg()[0]:.1f}"
            )
            if lean_s is not None:
                # What the workers spent beyond the warm runs themselves (the first tasks stand
                # for all): mostly each worker's start, i.e. imports and loading cached kernels.
                start = (cpu - lean_s * res.ran) / j
                print(f"    worker start and other overhead: about {start:.1f} s CPU per worker")
        if 1 in rates and 2 in rates:
            print(f"speed-up with 2 workers: {rates[2] / rates[1]:.2f}x (goal >= 1.8x)")
        assert out1 is not None
        with Store(out1, write=False) as s:
            rows = s.runs("WHERE status = 'ok'")
        import json

        entries = [json.loads(r["entry_json"]) for r in rows[:200]]
        mean_run = sum(r["wall_s"] or 0.0 for r in rows) / max(len(rows), 1)
        with Store(Path(tmp) / "store-only") as s:
            s.bind("sweep", "bench", "store overhead", {})
            t0 = time.perf_counter()
            for k, e in enumerate(entries * 5):
                s.record(f"r{k}", f"r{k}", 0, 1, "p", None, {"n_targets": 1}, "x" * 1500,
                         {"ok": True, "entry": e, "wall_s": 0.1})  # fmt: skip
            per = (time.perf_counter() - t0) / (5 * len(entries))
        print(
            f"store: {1e3 * per:.2f} ms per run (one transaction, run + encounter rows), "
            f"{100 * per / mean_run:.1f} % of the mean run ({1e3 * mean_run:.0f} ms)"
        )


if __name__ == "__main__":
    main()
