"""``autoship falsify SWEEP.toml --budget N``: adaptive search for the worst encounters."""

from __future__ import annotations

import argparse
from pathlib import Path

from autoship.cli._progress import Progress
from autoship.errors import AutoshipError


def add_parser(sub) -> None:
    p = sub.add_parser(
        "falsify",
        help="cross-entropy search of a sweep's parameter space for the lowest safety score",
    )
    p.add_argument("sweep", type=Path, metavar="SWEEP.toml", help="sweep file (grid or random)")
    p.add_argument("--budget", type=int, required=True, help="number of runs to spend")
    p.add_argument("--out", type=Path, help="output folder (default: falsify-<sweep id>)")
    p.add_argument("--jobs", type=int, default=1, help="local worker processes")
    p.add_argument("--cluster", metavar="ADDRESS", help="run on an existing Dask cluster")
    p.add_argument("--targets", type=int, help="targets per encounter (default: the sweep's first)")
    p.add_argument("--batch", type=int, help="runs per iteration (default: budget / 5, 4-50)")
    p.add_argument("--worst", type=int, default=5, help="scenario files to write (default 5)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autoship.sweep.falsify import falsify
    from autoship.sweep.generators import load_sweep

    if args.jobs < 1:
        raise AutoshipError("must be >= 1", field="--jobs")
    if args.worst < 1:
        raise AutoshipError("must be >= 1", field="--worst")
    if args.batch is not None and args.batch < 2:
        raise AutoshipError("must be >= 2", field="--batch")
    if args.targets is not None and not 1 <= args.targets <= 20:
        raise AutoshipError("must be in [1, 20]", field="--targets")
    spec = load_sweep(args.sweep)
    out = args.out or Path(f"falsify-{spec.id}")
    progress = Progress(args.budget, f"falsify {spec.id}")
    try:
        res = falsify(
            spec,
            out,
            args.budget,
            n_jobs=args.jobs,
            cluster=args.cluster,
            n_targets=args.targets,
            batch=args.batch,
            n_worst=args.worst,
            on_result=lambda task, outcome: progress.advance(task.run_id),
        )
    finally:
        progress.close()
    print(
        f"falsify {spec.id}: {len(res.candidates)} runs, {res.collisions} with a collision or "
        f"grounding; worst encounters:"
    )
    for c, path in zip(res.worst, res.files, strict=True):
        r = c.row or {}
        rep = {True: "replays", False: "DOES NOT REPLAY", None: ""}[c.replayed]
        print(
            f"  safety {c.objective[0]:.3f}  min sep {r.get('min_separation_m') or 0:8.1f} m  "
            f"{'COLLISION ' if r.get('collision') else ''}{r.get('encounter')}  {path}  {rep}"
        )
    if res.worst and res.worst[0].replay_dir is not None:
        print(f"view the worst: autoship view {res.worst[0].replay_dir}")
    print(f"replay: autoship run {res.files[0] if res.files else 'FILE'} --out RUN_DIR")
    if any(c.replayed is False for c in res.worst):
        print("warning: a written scenario did not reproduce its stored result when run alone")
    return 1 if res.collisions else 0
