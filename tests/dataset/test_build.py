"""Building a dataset: same spec -> same bytes, schema round trip, resume, refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from autoship.dataset import SCHEMA_VERSION, build_dataset, load_spec
from autoship.dataset.parquet import read_table, shard_name
from autoship.dataset.schema import EPISODES, PAIRS, STEPS
from autoship.errors import AutoshipError
from tests.dataset.conftest import tree_bytes


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """One uninterrupted in-process build of the tiny spec (shared by the tests below)."""
    from tests.dataset.conftest import tiny_text

    d = tmp_path_factory.mktemp("ref")
    spec = d / "tiny.toml"
    spec.write_text(tiny_text())
    out = d / "out"
    res = build_dataset(load_spec(spec), out, inline=True)
    assert res.complete and res.ran == [0, 1, 2] and not res.failed
    return spec, out


def test_same_spec_same_bytes(reference, tmp_path):
    spec, ref = reference
    res = build_dataset(load_spec(spec), tmp_path / "again", inline=True)
    assert res.complete
    assert tree_bytes(tmp_path / "again") == tree_bytes(ref)


def test_schema_round_trip(reference):
    _, out = reference
    for name, schema in (("steps", STEPS), ("pairs", PAIRS), ("episodes", EPISODES)):
        f = out / name / shard_name(0)
        got = pq.read_schema(f)
        assert got.equals(schema, check_metadata=True), name
        assert got.metadata[b"autoship.dataset.schema_version"] == str(SCHEMA_VERSION).encode()
    steps = read_table(out, "steps")
    eps = read_table(out, "episodes").to_pydict()
    pairs = read_table(out, "pairs")
    # Steps and pairs add up to what the episode table says.
    assert steps.num_rows == sum(eps["n_steps"]) > 0
    n_pairs = sum(n * len(t) for n, t in zip(eps["n_steps"], eps["target_models"], strict=True))
    assert pairs.num_rows == n_pairs
    # Every observation is the gym's vector for the spec's n_targets = 2 (no chart: no rays).
    from autoship.gym import OWN_FEATURES, TARGET_FEATURES

    width = len(OWN_FEATURES) + 2 * len(TARGET_FEATURES)
    assert {len(o) for o in steps.column("obs").to_pylist()} == {width}
    assert set(eps["outcome"]) <= {"passed", "failed", "collision", "grounding"}
    assert eps["expert"] == ["vo"] * 3
    # Randomisation reached the scenarios: models from the spec's lists.
    assert set(eps["own_model"]) <= {"generic-cargo", "container"}
    card = json.loads((out / "card.json").read_text())
    assert card["counts"]["episodes"] == 3
    assert card["counts"]["steps"] == steps.num_rows
    assert sum(card["counts"]["outcome"].values()) == 3
    assert card["provenance"]["seed"] == 3
    readme = (out / "README.md").read_text()
    assert readme.startswith("# Dataset `tiny`")
    svg = (out / "plots" / "outcome.svg").read_text()
    assert "](plots/outcome.svg)" in readme and svg.startswith("<svg")
    for outcome, n in card["counts"]["outcome"].items():
        assert f">{outcome}</text>" in svg and f">{n}</text>" in svg


def test_resume_after_interruption_equals_uninterrupted(reference, tmp_path):
    spec, ref = reference
    out = tmp_path / "resumed"
    first = build_dataset(load_spec(spec), out, inline=True, max_shards=1)
    assert first.ran == [0] and not first.complete and not (out / "card.json").exists()
    # A shard killed mid-write leaves a temporary file and maybe a table without its episodes
    # file: neither counts, and the rerun replaces both.
    (out / "steps" / ".shard-00001.parquet.tmp").write_bytes(b"partial")
    (out / "steps" / shard_name(1)).write_bytes(b"not parquet")
    second = build_dataset(load_spec(spec), out, inline=True)
    assert second.skipped == [0] and second.ran == [1, 2] and second.complete
    assert tree_bytes(out) == tree_bytes(ref)
    # A lost shard is run again, and only it.
    (out / "episodes" / shard_name(2)).unlink()
    third = build_dataset(load_spec(spec), out, inline=True)
    assert third.ran == [2] and third.skipped == [0, 1]
    assert tree_bytes(out) == tree_bytes(ref)


def test_refuses_unrelated_or_other_spec_folder(reference, tmp_path):
    spec, ref = reference
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(AutoshipError, match="not empty and holds no dataset"):
        build_dataset(load_spec(spec), busy, inline=True)
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]
    # A dataset of another schema version is not resumed into.
    import shutil

    old = tmp_path / "old"
    shutil.copytree(ref, old)
    mf = json.loads((old / "dataset.json").read_text())
    (old / "dataset.json").write_text(json.dumps({**mf, "schema_version": 0}))
    with pytest.raises(AutoshipError, match="schema version 0"):
        build_dataset(load_spec(spec), old, inline=True)
    other = tmp_path / "other.toml"
    other.write_text(spec.read_text().replace("seed = 3", "seed = 4"))
    with pytest.raises(AutoshipError, match="different spec"):
        build_dataset(load_spec(other), ref, inline=True)


def test_cli_resumes_after_kill_9(reference, tmp_path):
    """`autoship dataset` killed with SIGKILL (with its worker) once a shard is written;
    rerun with `--jobs 2` it completes the folder, equal to the uninterrupted in-process build
    (so the worker pool writes the same bytes as running inline, whatever --jobs)."""
    import os
    import signal
    import subprocess
    import sys

    from autoship.cli.main import main

    spec, ref = reference
    out = tmp_path / "killed"
    args = ["dataset", str(spec), "--out", str(out)]
    cmd = [sys.executable, "-m", "autoship", *args, "--jobs", "1"]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    first = out / "episodes" / shard_name(0)
    try:
        while proc.poll() is None and not first.exists():
            import time

            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert first.exists()
    assert main([*args, "--jobs", "2"]) == 0
    assert _without_code_digest(tree_bytes(out)) == _without_code_digest(tree_bytes(ref))


def _without_code_digest(files: dict[str, bytes]) -> dict[str, bytes]:
    """The killed run's processes hash the source tree afresh; in a tree being edited that
    provenance line may differ from this process's (cached) one. The data may not."""
    import re

    pat = re.compile(rb'"code_digest": "[0-9a-f]+"|source digest [0-9a-f]+')
    return {k: pat.sub(b"", v) for k, v in files.items()}


def test_dask_cluster_gives_the_same_bytes(reference, tmp_path):
    """--cluster: shards run on a Dask worker (one thread of an in-process loopback cluster,
    running the sweep worker subprocess: one process start keeps the test short) and the
    parent writes them: the same bytes."""
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    spec, ref = reference
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        res = build_dataset(load_spec(spec), tmp_path / "dask", cluster=cluster.scheduler_address)
    assert res.complete and sorted(res.ran) == [0, 1, 2]
    assert tree_bytes(tmp_path / "dask") == tree_bytes(ref)
