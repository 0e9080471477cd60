"""Worker pool: a run that crashes or hangs its worker becomes an error and the rest go on."""

from __future__ import annotations

import pytest

from autoship.sweep.executors import run_local
from autoship.sweep.generators import generate, load_sweep
from autoship.sweep.runner import plan
from autoship.sweep.worker import Task, execute

from .conftest import small_sweep


def _tasks(tmp_path, n: int = 3) -> list[Task]:
    return plan(load_sweep(small_sweep(tmp_path))).tasks[:n]


def test_crash_hang_and_exception_are_recorded_and_the_pool_goes_on(tmp_path):
    good = _tasks(tmp_path, 3)
    bad = [
        Task("crash", "x", 0, 1, "", fault="crash"),
        Task("hang", "x", 0, 1, "", fault="hang"),
        Task("raise", "x", 0, 1, "", fault="raise"),
    ]
    tasks = [bad[0], good[0], bad[1], good[1], bad[2], good[2]]
    # The limit is the behaviour under test (the hang must hit it), so it is generous: a good
    # run on a loaded CI machine must not hit it too.
    out = dict((t.run_id, o) for t, o in run_local(tasks, n_workers=2, time_limit_s=30.0))
    assert sorted(out) == sorted(t.run_id for t in tasks)  # every run reported exactly once
    assert out["crash"]["kind"] == "crash" and "exit code 70" in out["crash"]["error"]
    assert out["hang"]["kind"] == "timeout" and "time limit of 30 s" in out["hang"]["error"]
    assert out["raise"]["kind"] == "exception" and "fault injected" in out["raise"]["error"]
    for t in good:
        assert out[t.run_id]["ok"], out[t.run_id]
        assert out[t.run_id]["entry"]["scenario_id"] == t.scenario_id


def test_worker_result_equals_in_process_result(tmp_path):
    (task,) = _tasks(tmp_path, 1)
    ((_, remote),) = list(run_local([task], 1, 60.0))
    local = execute(task)
    for o in (remote, local):
        o["entry"].pop("planner_latency_ms")
    assert remote["entry"] == local["entry"]
    assert remote["entry"]["seed"] == task.seed


def test_bad_scenario_text_is_an_error_naming_the_key(tmp_path):
    (task,) = _tasks(tmp_path, 1)
    broken = Task(task.run_id, task.scenario_id, 0, 1, task.text.replace("dt_s = 2.0", "dt_s = -1"))
    ((_, out),) = list(run_local([broken], 1, 60.0))
    assert out["kind"] == "error" and "scenario.dt_s" in out["error"]


def test_jobs_below_one_is_refused():
    with pytest.raises(Exception, match=">= 1"):
        list(run_local([], 0, 1.0))


def test_generate_is_pure(tmp_path):
    spec = load_sweep(small_sweep(tmp_path))
    assert [c.text for c in generate(spec).cases] == [c.text for c in generate(spec).cases]


def test_a_worker_killed_while_idle_is_replaced_without_blaming_a_run(tmp_path):
    from autoship.sweep.executors import LocalPool

    tasks = _tasks(tmp_path, 2)
    pool = LocalPool(1, 60.0)
    try:
        ((_, first),) = list(pool.run(tasks[:1]))
        assert first["ok"]
        (idle,) = pool.idle
        idle.proc.kill()  # e.g. the OOM killer, between two runs
        idle.proc.wait()
        ((_, second),) = list(pool.run(tasks[1:]))
        assert second["ok"], second
        assert pool.idle and pool.idle[0] is not idle
    finally:
        pool.close()
