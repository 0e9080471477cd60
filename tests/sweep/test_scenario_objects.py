"""Sweeps give their runs ``Scenario`` objects (#15 item 3): each task carries the scenario the
sweep parsed once, it pickles to a worker process, the worker never parses the text, and the
kept run folders are the ones the text round trip wrote (the legacy oracle of test_lean_runs)."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from autoship.scenario import Scenario, load_scenario, parse_scenario
from autoship.sweep.generators import load_sweep, parse_sweep
from autoship.sweep.runner import plan, run_sweep
from autoship.sweep.worker import execute

from .conftest import ROOT, small_sweep
from .test_lean_runs import _folder, _strip, legacy_entry

FILES_SWEEP = """
[sweep]
id = "few"
seed = 2
[generator]
kind = "files"
paths = ["{a}", "{b}"]
"""


def test_generated_tasks_carry_the_parsed_scenario(tmp_path: Path) -> None:
    tasks = plan(load_sweep(small_sweep(tmp_path, replicates=2))).tasks
    assert tasks
    for task in tasks:
        scen = task.scenario
        assert isinstance(scen, Scenario)
        assert scen == parse_scenario(task.text, None)  # the text the store keeps
        again = pickle.loads(pickle.dumps(task))  # as the local and Dask executors send it
        assert again.scenario == scen and again == task
        assert hash(again) == hash(task)  # tasks stay hashable with a Scenario on board
    # Replicates of one scenario share the one object: it is parsed once per sweep.
    by_id: dict[str, list[Scenario]] = {}
    for t in tasks:
        by_id.setdefault(t.scenario_id, []).append(t.scenario)
    assert all(len(v) == 2 and v[0] is v[1] for v in by_id.values())


def test_files_tasks_carry_the_file_loaded_from_its_resolved_path(tmp_path: Path) -> None:
    a = ROOT / "scenarios/imazu/imazu-02.toml"
    b = ROOT / "scenarios/solent-chart/grounding-wootton.toml"
    tasks = plan(parse_sweep(FILES_SWEEP.format(a=a, b=b))).tasks
    assert [t.scenario_id for t in tasks] == ["imazu-02", "solent-chart-grounding"]
    for t, f in zip(tasks, (a, b), strict=True):
        assert t.scenario is not None and t.scenario.path == f.resolve()
        assert t.scenario == load_scenario(f.resolve())


def test_the_worker_runs_the_object_not_the_text(tmp_path: Path) -> None:
    task = plan(load_sweep(small_sweep(tmp_path))).tasks[0]
    with_text = execute(task)
    # Text and file gone: only the object can give the run, and it gives the same entry.
    only_object = execute(dataclasses.replace(task, text="not toml [", path=None))
    assert with_text["ok"] and only_object["ok"], only_object
    assert _strip(only_object["entry"]) == _strip(with_text["entry"])
    broken = execute(dataclasses.replace(task, text="not toml [", scenario=None))
    assert not broken["ok"] and broken["kind"] == "error"  # the text path still parses


def test_a_swept_run_folder_equals_the_text_round_trip(tmp_path: Path) -> None:
    # A whole sweep (generated scenarios, one of them a collision) on the local worker
    # processes, runs kept, against each run written by the old route: the text to a file,
    # loaded, run, written and scored by batch.run_job.
    spec = load_sweep(small_sweep(tmp_path))
    out = tmp_path / "out"
    res = run_sweep(spec, out, n_jobs=2, keep_runs=True)
    assert res.ran == res.planned and res.errors == 0
    tasks = plan(spec, keep_dir=(tmp_path / "legacy").resolve()).tasks
    assert len(tasks) == res.planned
    for task in tasks:
        legacy = dataclasses.replace(task, scenario=None)
        legacy_entry(legacy)
        new, old = _folder(out / "runs" / task.run_id), _folder(tmp_path / "legacy" / task.run_id)
        arrays_new, arrays_old = new.pop("arrays"), old.pop("arrays")
        assert arrays_new.keys() == arrays_old.keys()
        for k in arrays_new:
            assert arrays_new[k].dtype == arrays_old[k].dtype
            assert arrays_new[k].tobytes() == arrays_old[k].tobytes(), (task.run_id, k)
        # Both name a temporary file of the same name (the scenario has no file of its own).
        for f in (new, old):
            path = f["meta"]["scenario"].pop("path")
            assert Path(path).name == f"{task.scenario_id}.toml"
        assert new == old, task.run_id
