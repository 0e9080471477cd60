"""``autoship dataset SPEC.toml --out DIR [--jobs N] [--cluster ADDRESS]``: labelled training
data (Parquet step records, pair labels, episode table and a dataset card)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autoship.errors import AutoshipError


def add_parser(sub) -> None:
    p = sub.add_parser(
        "dataset",
        help="write a labelled training dataset (Parquet shards and a card) from a dataset spec",
        description="Run every episode of a dataset spec with its expert planner and write "
        "per-step records, per-pair referee labels and an episode table as Parquet shards under "
        "DIR, with a dataset card (README.md, card.json). Rerunning the same command resumes an "
        "interrupted dataset, skipping complete shards. Layout and schema: docs/dataset.md.",
    )
    p.add_argument("spec", type=Path, metavar="SPEC.toml", help="dataset spec file")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1)")
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="run on an existing Dask cluster, e.g. tcp://host:8786 (needs the cluster extra)",
    )
    p.add_argument("--dry-run", action="store_true", help="only plan and count the episodes")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autoship.cli._progress import Progress
    from autoship.dataset import build_dataset, load_spec

    if args.jobs < 1:
        raise AutoshipError("must be >= 1", field="--jobs")
    if args.cluster is not None and args.jobs != 1:
        raise AutoshipError("give --jobs or --cluster, not both", field="--cluster")
    spec = load_spec(args.spec)
    if args.dry_run:
        from autoship.dataset.episodes import plan_episodes

        eps, dropped = plan_episodes(spec)
        per = spec.episodes_per_shard
        print(
            f"dataset {spec.id}: {len(eps)} episodes in {(len(eps) + per - 1) // per} shards, "
            f"{len(dropped)} generator draws dropped"
        )
        return 0
    progress: list[Progress] = []

    def on_start(total: int, todo: int) -> None:
        if total > todo:
            print(f"resuming: {total - todo} of {total} shards already written", file=sys.stderr)
        progress.append(Progress(todo, f"dataset {spec.id}"))

    def on_shard(shard: int, outcome: dict) -> None:
        note = f"shard {shard}" if outcome.get("ok") else f"shard {shard} FAILED"
        progress[0].advance(note)

    try:
        res = build_dataset(
            spec, args.out, n_jobs=args.jobs, cluster=args.cluster, on_start=on_start,
            on_shard=on_shard,
        )  # fmt: skip
    except KeyboardInterrupt:
        if progress:
            progress[0].close()
        print(
            "autoship: dataset interrupted; written shards are kept, rerun the same command "
            "to resume",
            file=sys.stderr,
        )
        raise
    if progress:
        progress[0].close()
    for k, err in sorted(res.failed.items()):
        print(f"shard {k} failed: {err}", file=sys.stderr)
    print(
        f"dataset {spec.id}: {len(res.ran)} shards now ({res.steps} steps), "
        f"{len(res.skipped)} already written, {len(res.failed)} failed"
    )
    if res.card is not None:
        c = res.card["counts"]
        print(
            f"{c['episodes']} episodes, {c['steps']} steps, {c['bytes_per_step']} bytes/step; "
            f"outcomes {c['outcome']}; card: {args.out / 'README.md'}"
        )
    return 0 if res.complete else 1
