"""A sweep run scored in memory (worker.execute) gives the same entry and, when kept, the same
run folder as the disk round trip it replaced: scenario text written to a file and loaded,
``batch.run_job`` writing the folder and scoring it from disk."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autoship.sweep.batch import Job, run_job
from autoship.sweep.generators import load_sweep, parse_sweep
from autoship.sweep.runner import plan
from autoship.sweep.worker import Task, execute

from .conftest import ROOT, small_sweep

# Measured, not derived from the inputs.
TIMING = ("wall_s", "planner_latency_ms")


def legacy_entry(task: Task) -> dict[str, Any]:
    """The sweep worker's run before it went lean, kept here as the oracle."""
    with tempfile.TemporaryDirectory(prefix="autoship-sweep-") as tmp:
        if task.path is not None and Path(task.path).is_file():
            scen_path = Path(task.path)
        else:
            scen_path = Path(tmp) / f"{task.scenario_id}.toml"
            scen_path.write_text(task.text, encoding="utf-8")
        if task.keep_dir is not None:
            run_dir = Path(task.keep_dir) / task.run_id
        else:
            run_dir = Path(tmp) / "run"
        entry = run_job(Job(scen_path, run_dir, task.planner, task.seed, True, task.profile))
    entry["run_dir"] = str(run_dir) if task.keep_dir is not None else None
    return entry


def _strip(entry: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in entry.items() if k not in TIMING and k != "run_dir"}
    return json.loads(json.dumps(out, sort_keys=True, default=str))


def _tasks(tmp: Path) -> list[Task]:
    grid = plan(load_sweep(small_sweep(tmp))).tasks  # generated text, collisions included
    random = parse_sweep(
        '[sweep]\nid = "r"\nseed = 5\nplanner = "sbmpc"\n[scenario]\ndt_s = 2.0\n'
        'planner_period_s = 10.0\n[own]\nspeed_kn = 10.0\n[generator]\nkind = "random"\n'
        'samples = 2\nencounter = "all"\nn_targets = [2, 3]\n'
    )
    files = [
        Task("imazu", "imazu-03", 0, 7, "", path=str(ROOT / "scenarios/imazu/imazu-03.toml")),
        Task(  # a chart, a mined scenario, and a profile named by the sweep
            "solent",
            "solent",
            0,
            3,
            "",
            path=str(ROOT / "scenarios/solent/ais-solentais-20160112-130211-01.toml"),
            profile="harbour",
        ),
    ]
    return grid[:3] + plan(random).tasks + files


@pytest.fixture(scope="module")
def tasks(tmp_path_factory) -> list[Task]:
    return _tasks(tmp_path_factory.mktemp("lean"))


def test_entries_match_the_disk_round_trip(tasks):
    for task in tasks:
        new = execute(task)
        assert new["ok"], new
        assert new["entry"]["run_dir"] is None
        assert _strip(new["entry"]) == _strip(legacy_entry(task)), task.run_id


def _folder(run_dir: Path) -> dict[str, Any]:
    meta = json.loads((run_dir / "meta.json").read_text())
    meta.pop("planner_latency_ms", None)
    score = json.loads((run_dir / "score.json").read_text())
    for k in (*TIMING, "run_dir"):
        score.pop(k, None)
    chart = run_dir / "chart.json"
    with np.load(run_dir / "track.npz") as z:
        arrays = {k: z[k] for k in z.files}
    return {
        "files": sorted(p.name for p in run_dir.iterdir()),
        "meta": meta,
        "score": score,
        "chart": chart.read_text() if chart.is_file() else None,
        "arrays": arrays,
    }


def test_kept_run_folders_are_written_identically(tasks, tmp_path):
    for task in tasks[2:]:  # a generated collision, the random ones, the files
        a = dataclasses.replace(task, keep_dir=str(tmp_path / "lean"))
        b = dataclasses.replace(task, keep_dir=str(tmp_path / "legacy"))
        new = execute(a)
        old = legacy_entry(b)
        assert new["entry"]["run_dir"] == str(tmp_path / "lean" / task.run_id)
        assert _strip(new["entry"]) == _strip(old)
        fa, fb = (
            _folder(tmp_path / "lean" / task.run_id),
            _folder(tmp_path / "legacy" / task.run_id),
        )
        arrays_a, arrays_b = fa.pop("arrays"), fb.pop("arrays")
        assert arrays_a.keys() == arrays_b.keys()
        for k in arrays_a:
            np.testing.assert_array_equal(arrays_a[k], arrays_b[k], err_msg=k)
            assert arrays_a[k].dtype == arrays_b[k].dtype
        if task.path is None:  # generated: named by a temporary file in both cases
            for f in (fa, fb):
                f["meta"]["scenario"].pop("path", None)
        assert fa == fb, task.run_id


def test_a_bad_profile_is_the_same_error(tasks):
    task = dataclasses.replace(tasks[0], profile="no-such-profile")
    new = execute(task)
    assert not new["ok"] and new["kind"] == "error"
    try:
        legacy_entry(task)
    except Exception as exc:  # noqa: BLE001 - the message is what is compared
        from autoship.errors import AutoshipError

        assert isinstance(exc, AutoshipError)
        assert new["error"] == exc.one_line()
    else:
        pytest.fail("the legacy run accepted an unknown profile")
