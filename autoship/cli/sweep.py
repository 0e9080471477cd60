"""``autoship sweep SWEEP.toml --out DIR [--jobs N] [--cluster ADDRESS]``: many runs into a
resumable SQLite store."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from autoship.cli._progress import Progress
from autoship.errors import AutoshipError


def add_parser(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="run a sweep file (generated or listed scenarios) into a resumable results store",
        description="Run every scenario of a sweep file and store one row per run in "
        "DIR/sweep.sqlite. Rerunning the same command resumes an interrupted sweep, skipping "
        "finished runs. Exit 1 if any run collided, grounded or failed with an error "
        "(crash, time limit); `autoship report DIR` gives the statistics.",
    )
    p.add_argument("sweep", type=Path, metavar="SWEEP.toml", help="sweep file")
    p.add_argument("--out", required=True, type=Path, help="output folder (results store)")
    p.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1)")
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://host:8786 (needs the cluster extra)",
    )
    p.add_argument(
        "--keep-runs",
        action="store_true",
        help="keep run folders under DIR/runs (with --cluster: a folder every worker can write)",
    )
    p.add_argument(
        "--retry-errors", action="store_true", help="run again the runs stored as errors"
    )
    p.add_argument("--dry-run", action="store_true", help="only generate and count the scenarios")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autoship.sweep.generators import load_sweep
    from autoship.sweep.runner import plan, run_sweep

    if args.jobs < 1:
        raise AutoshipError("must be >= 1", field="--jobs")
    if args.cluster is not None and args.jobs != 1:
        raise AutoshipError("give --jobs or --cluster, not both", field="--cluster")
    spec = load_sweep(args.sweep)
    if args.dry_run:
        planned = plan(spec)
        print(
            f"sweep {spec.id}: {len(planned.tasks)} runs "
            f"({len(planned.tasks) // spec.replicates} scenarios x {spec.replicates} replicates), "
            f"{len(planned.dropped)} grid points or draws dropped"
        )
        for sid, why in planned.dropped[:10]:
            print(f"  dropped {sid}: {why}")
        return 0

    progress: list[Progress] = []
    counts = {"collision": 0, "grounding": 0, "error": 0, "done": 0, "todo": 0}
    t0 = time.monotonic()

    def on_start(total: int, todo: int) -> None:
        if total > todo:
            print(f"resuming: {total - todo} of {total} runs already stored", file=sys.stderr)
        counts["todo"] = todo
        progress.append(Progress(todo, f"sweep {spec.id}"))

    def on_result(task, outcome) -> None:
        if not outcome.get("ok"):
            counts["error"] += 1
        else:
            e = outcome["entry"]
            counts["collision"] += bool(e.get("collision"))
            counts["grounding"] += bool(e.get("grounding"))
        counts["done"] += 1
        progress[0].advance(task.run_id)
        if not progress[0].enabled:  # CI logs: a plain line every tenth of the sweep
            done, todo = counts["done"], counts["todo"]
            if done == todo or done % max(1, todo // 10) == 0:
                el = time.monotonic() - t0
                rate = done / el * 60.0 if el > 0 else 0.0
                eta = (todo - done) / (done / el) if done and el > 0 else 0.0
                print(
                    f"sweep {spec.id}: {done}/{todo} runs, {rate:.0f}/min, eta {eta:.0f} s, "
                    f"{counts['collision']} collisions, {counts['grounding']} groundings, "
                    f"{counts['error']} errors",
                    file=sys.stderr,
                )

    try:
        res = run_sweep(
            spec,
            args.out,
            n_jobs=args.jobs,
            cluster=args.cluster,
            keep_runs=args.keep_runs,
            retry_errors=args.retry_errors,
            on_start=on_start,
            on_result=on_result,
        )
    except KeyboardInterrupt:
        if progress:
            progress[0].close()
        print(
            "autoship: sweep interrupted; finished runs are stored, rerun the same command "
            "to resume",
            file=sys.stderr,
        )
        raise
    if progress:
        progress[0].close()

    from autoship.sweep.stats import summarize
    from autoship.sweep.store import Store

    with Store(args.out, write=False) as store:
        s = summarize(store.runs())
    print(
        f"sweep {spec.id}: {res.ran} runs now, {res.skipped} already stored, "
        f"{len(res.dropped)} dropped by the generator"
    )
    print(
        f"{s['runs']} runs: {s['failures']} failed "
        f"({100 * s['failure_rate']:.1f} %, Wilson 95 % {100 * s['wilson_lower']:.1f}-"
        f"{100 * s['wilson_upper']:.1f} %), {s['collisions']} collisions, "
        f"{s['groundings']} groundings, {s['errors']} errors"
    )
    print(f"results: {args.out / 'sweep.sqlite'} (autoship report {args.out})")
    return 1 if (s["collisions"] or s["groundings"] or s["errors"]) else 0
