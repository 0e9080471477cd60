"""Build a dataset like a sweep: plan episodes, skip complete shards, run the rest on local
worker processes or a Dask cluster (or in this process), write each shard atomically, then the
card. Interrupted at any point, the same command resumes with nothing lost or repeated."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autoship.dataset.episodes import Episode, plan_episodes
from autoship.dataset.parquet import complete_shards, remove_temporaries, write_shard
from autoship.dataset.schema import FORMAT, SCHEMA_VERSION
from autoship.dataset.spec import DatasetSpec
from autoship.errors import AutoshipError

MANIFEST = "dataset.json"


@dataclass
class BuildResult:
    n_shards: int
    ran: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    steps: int = 0
    complete: bool = False
    card: dict[str, Any] | None = None


def spec_digest(spec: DatasetSpec, episodes: list[Episode]) -> str:
    """What the data depends on: the spec text and every episode as planned (a folder source's
    files, the generator's output), not where the spec lies."""
    h = hashlib.sha256()
    h.update(spec.text.encode() + b"\0")
    for ep in episodes:
        h.update(f"{ep.episode_id}\0{ep.seed}\0{ep.text}\0".encode())
    return h.hexdigest()


def _manifest(spec: DatasetSpec, episodes: list[Episode], digest: str) -> dict[str, Any]:
    import autoship
    from autoship.sweep.worker import code_digest

    n = len(episodes)
    per = spec.episodes_per_shard
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "dataset": {"id": spec.id, "title": spec.sweep.title},
        "spec_digest": digest,
        "n_episodes": n,
        "episodes_per_shard": per,
        "n_shards": (n + per - 1) // per,
        "provenance": {
            "autoship_version": autoship.__version__,
            "code_digest": code_digest(),
            "spec_digest": digest,
            "seed": spec.seed,
            "expert": spec.expert,
            "profile": spec.profile,
            "source_kind": spec.source_kind,
            "randomise": spec.randomise.to_dict(),
            "views": spec.views.to_dict(),
            "episode_seeds": "autoship.sweep.generators.derive_seed(seed, episode_id, 0)",
        },
    }


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def prepare_out(out: Path, manifest: dict[str, Any], spec: DatasetSpec) -> None:
    """Create the output folder, or accept it for resuming; never touch an unrelated one."""
    if out.exists() and not out.is_dir():
        raise AutoshipError("exists and is not a folder", file=str(out), field="--out")
    if out.is_dir() and any(out.iterdir()):
        mf = out / MANIFEST
        try:
            old = json.loads(mf.read_text())
        except (OSError, ValueError):
            raise AutoshipError(
                "folder is not empty and holds no dataset; refusing to write into it",
                file=str(out),
                field="--out",
            ) from None
        if old.get("schema_version") != manifest["schema_version"]:
            raise AutoshipError(
                f"holds a dataset of schema version {old.get('schema_version')}, this autoship "
                f"writes version {manifest['schema_version']}; refusing to mix them",
                file=str(out),
                field="--out",
            )
        if old.get("spec_digest") != manifest["spec_digest"]:
            raise AutoshipError(
                "holds a dataset of a different spec (digest "
                f"{str(old.get('spec_digest'))[:12]}, this spec {manifest['spec_digest'][:12]}); "
                "refusing to mix them",
                file=str(out),
                field="--out",
            )
        return
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(out / "spec.toml", spec.text)
    _write_atomic(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def build_dataset(
    spec: DatasetSpec,
    out: str | Path,
    n_jobs: int = 1,
    cluster: str | None = None,
    inline: bool = False,
    max_shards: int | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_shard: Callable[[int, dict[str, Any]], None] | None = None,
) -> BuildResult:
    """Run the dataset into ``out``. ``inline`` runs shards in this process (no time limit;
    tests and small examples); ``max_shards`` stops after that many shards of this call (an
    interruption on purpose)."""
    from autoship.dataset.card import write_card
    from autoship.dataset.task import ShardTask

    out = Path(out)
    episodes, _dropped = plan_episodes(spec)
    if not episodes:
        raise AutoshipError(
            "the source gives no episode", file=str(spec.path or ""), field="source"
        )
    digest = spec_digest(spec, episodes)
    manifest = _manifest(spec, episodes, digest)
    prepare_out(out, manifest, spec)
    remove_temporaries(out)
    per = spec.episodes_per_shard
    n_shards = manifest["n_shards"]
    tables = (
        "steps",
        "pairs",
        "episodes",
        *(("views",) if spec.views.any else ()),
        *(("ais",) if spec.views.ais else ()),
    )
    done = complete_shards(out, tables)
    res = BuildResult(n_shards=n_shards, skipped=sorted(k for k in done if k < n_shards))
    todo = [k for k in range(n_shards) if k not in done]
    if max_shards is not None:
        todo = todo[:max_shards]
    if on_start is not None:
        on_start(n_shards, len(todo))
    tasks = [
        ShardTask(
            run_id=f"{spec.id}-shard-{k:05d}",
            scenario_id=spec.id,
            replicate=0,
            seed=spec.seed,
            text="",
            planner=spec.expert,
            profile=spec.profile,
            shard=k,
            episodes=tuple(episodes[k * per : (k + 1) * per]),
            n_targets=spec.n_targets,
            views=spec.views,
        )
        for k in todo
    ]
    if inline:
        from autoship.sweep.worker import execute

        outcomes = ((t, execute(t)) for t in tasks)
    else:
        from autoship.sweep.executors import execute_all

        limit = spec.time_limit_s * per
        outcomes = execute_all(tasks, n_jobs=n_jobs, cluster=cluster, time_limit_s=limit)
    for task, outcome in outcomes:
        k = task.shard  # type: ignore[attr-defined]
        if outcome.get("ok"):
            entry = outcome["entry"]
            write_shard(out, k, entry["files"])
            res.ran.append(k)
            res.steps += int(entry["steps"])
        else:
            res.failed[k] = str(outcome.get("error"))
        if on_shard is not None:
            on_shard(k, outcome)
    res.ran.sort()
    res.complete = complete_shards(out, tables) >= set(range(n_shards))
    if res.complete:
        res.card = write_card(out, manifest)
    return res
