"""End to end: ``autoship sweep`` with --jobs 1, --jobs 2 and a local Dask cluster gives the
same store; a sweep killed mid-way resumes to every run exactly once; report and falsify."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autoship.cli.main import main
from autoship.errors import AutoshipError
from autoship.sweep.batch import Job, run_job
from autoship.sweep.generators import load_sweep
from autoship.sweep.runner import plan
from autoship.sweep.store import Store

from .conftest import ROOT, small_sweep

# Columns that depend on the machine, the clock or the checkout (others edit it while tests
# run), not on the inputs.
VOLATILE = {"wall_s", "finished_utc", "run_dir", "entry_json", "code_digest"}


def snapshot(out: Path) -> tuple[list[dict], list[dict]]:
    with Store(out, write=False) as s:
        runs = s.runs()
        encs = s.encounters()
    for r in runs:
        entry = json.loads(r["entry_json"]) if r["entry_json"] else None
        if entry is not None:
            entry.pop("planner_latency_ms", None)
            entry.pop("run_dir", None)
        for k in VOLATILE:
            r.pop(k)
        r["entry"] = entry
    return runs, encs


@pytest.fixture(scope="module")
def jobs1(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("jobs1")
    sweep = small_sweep(tmp)
    out = tmp / "out"
    rc = main(["sweep", str(sweep), "--out", str(out), "--jobs", "1"])
    assert rc == 1  # the waypoint planner collides on these collision courses
    return sweep, out


def test_jobs_1_and_2_give_identical_stores(jobs1, tmp_path):
    sweep, out1 = jobs1
    out2 = tmp_path / "out2"
    assert main(["sweep", str(sweep), "--out", str(out2), "--jobs", "2"]) == 1
    a, b = snapshot(out1), snapshot(out2)
    assert len(a[0]) == len(plan(load_sweep(sweep)).tasks) == 5
    assert a == b


@pytest.fixture(scope="module")
def dask_address():
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    # Loopback TCP, workers as threads of this process (each runs our worker subprocesses).
    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


def test_local_dask_cluster_gives_the_same_store(jobs1, dask_address, tmp_path):
    sweep, out1 = jobs1
    out3 = tmp_path / "out3"
    assert main(["sweep", str(sweep), "--out", str(out3), "--cluster", dask_address]) == 1
    assert snapshot(out1) == snapshot(out3)


def test_falsify_on_dask_matches_local(dask_address, tmp_path):
    sweep = small_sweep(tmp_path, planner="keep-course")
    args = ["falsify", str(sweep), "--budget", "4", "--batch", "4", "--worst", "2"]
    assert main([*args, "--out", str(tmp_path / "local")]) == 1
    assert main([*args, "--out", str(tmp_path / "dask"), "--cluster", dask_address]) == 1
    assert snapshot(tmp_path / "local") == snapshot(tmp_path / "dask")
    assert len(list((tmp_path / "dask" / "worst" / "runs").iterdir())) == 2


def test_unreachable_cluster_is_a_clear_error(jobs1, tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    import autoship.sweep.executors as ex

    monkeypatch.setattr(ex, "DASK_CONNECT_TIMEOUT", "1s")
    sweep, _ = jobs1
    args = ["sweep", str(sweep), "--out", str(tmp_path / "o"), "--cluster", "tcp://127.0.0.1:9"]
    assert main(args) == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()  # checked before the store is created


def _count(out: Path) -> int:
    try:
        with Store(out, write=False) as s:
            return s.count()
    except AutoshipError:
        return 0  # the store is not created yet


def _children(pid: int) -> set[int]:
    try:
        return {int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _default_sigint() -> None:
    # A user's Ctrl-C reaches a command that handles SIGINT. A test run started in the
    # background (no job control: `cmd &` in a script, some CI runners) ignores SIGINT, every
    # child inherits that, and Python keeps an inherited ignore: the sweep would run to its end.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_and_stop(cmd: list[str], out: Path, at: int, sig: int) -> tuple[int, int, set[int]]:
    """Start a sweep, send ``sig`` once ``at`` runs are stored; (exit code, stored, workers)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_default_sigint,
    )
    workers: set[int] = set()
    t0 = time.monotonic()
    try:
        while _count(out) < at and time.monotonic() - t0 < 120:
            workers |= _children(proc.pid)
            time.sleep(0.02)
        workers |= _children(proc.pid)
        os.kill(proc.pid, sig)
        rc = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return rc, _count(out), workers


def _gone(pids: set[int], timeout: float = 10.0) -> bool:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        alive = set()
        for p in pids:
            try:
                state = Path(f"/proc/{p}/stat").read_text().split(") ")[-1][0]
                if state != "Z":
                    alive.add(p)
            except OSError:
                pass
        if not alive:
            return True
        time.sleep(0.05)
    return False


def test_interrupted_and_killed_sweep_resumes_with_every_run_exactly_once(tmp_path):
    sweep = small_sweep(tmp_path, replicates=8)  # 5 scenarios x 8 replicates = 40 runs
    out = tmp_path / "out"
    planned = {t.run_id for t in plan(load_sweep(sweep)).tasks}
    assert len(planned) == 40
    cmd = [sys.executable, "-m", "autoship", "sweep", str(sweep), "--out", str(out), "--jobs", "2"]

    # Ctrl-C: exit 130, workers stopped, finished runs kept.
    rc, after_int, workers = _start_and_stop(cmd, out, 4, signal.SIGINT)
    assert rc == 130
    assert 4 <= after_int < 40, "the sweep must be stopped mid-way for this test to mean anything"
    assert workers and _gone(workers)
    # kill -9 of the resumed sweep: nothing can run on the way out.
    _, after_kill, _ = _start_and_stop(cmd, out, after_int + 4, signal.SIGKILL)
    assert after_int + 4 <= after_kill < 40

    assert main(["sweep", str(sweep), "--out", str(out), "--jobs", "2"]) == 1
    runs, encs = snapshot(out)
    ids = [r["run_id"] for r in runs]
    assert sorted(ids) == sorted(planned) and len(ids) == len(set(ids))
    assert all(r["status"] == "ok" for r in runs)
    assert len({(e["run_id"], e["idx"]) for e in encs}) == len(encs)
    # A second resume has nothing left to do and changes nothing.
    assert main(["sweep", str(sweep), "--out", str(out)]) == 1
    assert snapshot(out) == (runs, encs)


def test_a_different_sweep_file_is_refused_in_a_used_folder(jobs1, tmp_path):
    _, out1 = jobs1
    other = small_sweep(tmp_path, bearing="[-3.0]")
    assert main(["sweep", str(other), "--out", str(out1)]) == 2


def test_timeouts_are_errors_and_retry_errors_reruns_them_with_a_raised_limit(tmp_path, capsys):
    sweep = small_sweep(tmp_path, bearing="[-3.0]")  # 2 scenarios
    strict = sweep.read_text().replace("time_limit_s = 60", "time_limit_s = 0.1")
    sweep.write_text(strict)
    out = tmp_path / "out"
    assert main(["sweep", str(sweep), "--out", str(out)]) == 1
    runs, _ = snapshot(out)
    assert [r["error_kind"] for r in runs] == ["timeout", "timeout"]
    assert "time limit of 0.1 s" in runs[0]["error"]
    # Raising the limit keeps the folder valid; errors count as finished until retried.
    sweep.write_text(strict.replace("time_limit_s = 0.1", "time_limit_s = 60"))
    assert main(["sweep", str(sweep), "--out", str(out)]) == 1
    assert [r["status"] for r in snapshot(out)[0]] == ["error", "error"]
    main(["sweep", str(sweep), "--out", str(out), "--retry-errors"])
    runs, _ = snapshot(out)
    assert [r["status"] for r in runs] == ["ok", "ok"] and runs[0]["error"] is None


def test_keep_runs_keeps_replayable_run_folders(tmp_path):
    sweep = small_sweep(tmp_path, bearing="[-3.0]")
    out = tmp_path / "out"
    main(["sweep", str(sweep), "--out", str(out), "--keep-runs"])
    runs, _ = snapshot(out)
    kept = sorted(p.name for p in (out / "runs").iterdir())
    assert kept == sorted(r["run_id"] for r in runs)
    assert (out / "runs" / kept[0] / "meta.json").is_file()


def test_report_prints_wilson_interval_and_writes_plots_markdown_junit(jobs1, tmp_path, capsys):
    _, out1 = jobs1
    md, png, xml = tmp_path / "r.md", tmp_path / "png", tmp_path / "j.xml"
    rc = main(["report", str(out1), "--markdown", str(md), "--png", str(png), "--junit", str(xml)])
    text = capsys.readouterr().out
    runs, _ = snapshot(out1)
    n_coll = sum(r["collision"] for r in runs)
    assert rc == (1 if n_coll else 0)
    assert "Wilson 95 % interval" in text and f"({n_coll}/{len(runs)})" in text
    for name in ("min_separation_hist", "failure_map", "score_by_encounter", "rule_scores"):
        data = (png / f"{name}.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
        assert f"({name}" not in md.read_text() and f"png/{name}.png" in md.read_text()
    suite = ET.parse(xml).getroot()
    assert int(suite.get("tests")) == len(runs)
    # JUnit failures are the failed gates (as in `run` and `score`); --fail-on sets only rc.
    assert int(suite.get("failures")) == sum(not r["passed"] for r in runs) >= n_coll
    # Each failure carries what a CI log reader needs to replay it: gates and scenario file.
    fail = suite.find(".//failure")
    assert fail is not None and "collision:" in fail.text and "\n[scenario]\n" in fail.text
    assert main(["report", str(out1), "--fail-on", "never"]) == 0
    # Failing runs exported as scenario files replay to the same result on their own.
    exp = tmp_path / "fails"
    main(["report", str(out1), "--export-failures", str(exp)])
    files = sorted(exp.glob("*.toml"))
    assert len(files) == n_coll
    if files:
        (row,) = [r for r in runs if r["run_id"] == files[0].stem]
        entry = run_job(Job(files[0], tmp_path / "re", None, None, False, None))
        assert entry["collision"] and entry["min_separation_m"] == row["min_separation_m"]


def test_report_on_an_empty_folder_is_bad_input(tmp_path):
    assert main(["report", str(tmp_path)]) == 2


def test_falsify_finds_collisions_of_keep_course_that_replay_alone(tmp_path, capsys):
    sweep = tmp_path / "f.toml"
    sweep.write_text(
        """
[sweep]
id = "weak"
seed = 4
planner = "keep-course"
[scenario]
dt_s = 2.0
planner_period_s = 10.0
[own]
speed_kn = 10.0
[generator]
kind = "random"
samples = 1
encounter = ["crossing-give-way", "head-on"]
tcpa_min = {min = 3, max = 5}
offset_m = {min = -3000, max = 3000}
"""
    )
    out = tmp_path / "fz"
    args = ["falsify", str(sweep), "--budget", "12", "--batch", "4", "--out", str(out)]
    assert main([*args, "--jobs", "2"]) == 1  # 1 = a collision was found
    files = sorted((out / "worst").glob("*.toml"))
    assert len(files) == 5
    with Store(out, write=False) as s:
        assert s.count() == 12
        worst_id = files[0].stem.split("-", 1)[1]
        (row,) = s.runs("WHERE run_id = ?", [worst_id])
    assert row["collision"] == 1
    # Falsify replayed every written file alone and kept the run folders for the viewer.
    text = capsys.readouterr().out
    assert text.count("  replays") == 5 and "DOES NOT REPLAY" not in text
    assert (out / "worst" / "runs" / worst_id / "meta.json").is_file()
    # The scenario file alone, with its own seed and planner, reproduces the collision.
    entry = run_job(Job(files[0], tmp_path / "replay", None, None, False, None))
    assert entry["collision"] is True
    assert entry["min_separation_m"] == pytest.approx(row["min_separation_m"])
    # Rerunning the same search resumes from the store: nothing is run again.
    assert main(args) == 1
    with Store(out, write=False) as s:
        assert s.count() == 12


def test_cli_bad_input_exits_2_with_one_line(jobs1, tmp_path, capsys):
    sweep, _ = jobs1
    out = str(tmp_path / "o")
    assert main(["sweep", str(sweep), "--out", out, "--jobs", "0"]) == 2
    assert main(["sweep", str(sweep), "--out", out, "--jobs", "2", "--cluster", "tcp://x:1"]) == 2
    assert main(["sweep", str(tmp_path / "missing.toml"), "--out", out]) == 2
    bad = tmp_path / "bad.toml"
    bad.write_text(sweep.read_text().replace('planner = "waypoint"', 'planner = "nope"'))
    assert main(["sweep", str(bad), "--out", out]) == 2
    assert main(["falsify", str(sweep), "--budget", "1", "--out", out]) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("autoship: error:")]
    assert len(lines) == 5
    assert "--jobs: must be >= 1" in lines[0] and "sweep.planner: unknown planner 'nope'" in err
    assert not (tmp_path / "o").exists()  # nothing ran, nothing was created


def test_dry_run_counts_without_running(jobs1, tmp_path, capsys):
    sweep, _ = jobs1
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "o"), "--dry-run"]) == 0
    assert "5 runs (5 scenarios x 1 replicates), 1 grid points or draws dropped" in (
        capsys.readouterr().out
    )
    assert not (tmp_path / "o").exists()


def test_report_json_holds_the_breakdowns(jobs1, tmp_path):
    _, out1 = jobs1
    js = tmp_path / "s.json"
    main(["report", str(out1), "--json", str(js), "--fail-on", "never"])
    s = json.loads(js.read_text())
    assert s["runs"] == 5 and sum(g["runs"] for g in s["by_encounter"].values()) == 5
    assert s["wilson_lower"] <= s["failure_rate"] <= s["wilson_upper"]
    assert set(s["by_n_targets"]) == {"1"}


def test_dask_path_survives_a_hung_and_a_crashing_run(dask_address, tmp_path):
    from autoship.sweep.executors import DaskPool
    from autoship.sweep.worker import Task

    good = plan(load_sweep(small_sweep(tmp_path, bearing="[-3.0]"))).tasks[0]
    tasks = [
        Task("hang", "x", 0, 1, "", fault="hang"),
        Task("crash", "x", 0, 1, "", fault="crash"),
        good,
    ]
    # The limit must cover a good run's fresh worker process (imports and cached kernels: about
    # 2-3 s on a loaded 2-core machine, where 2 s failed); the hung run costs the whole limit.
    pool = DaskPool(dask_address, 10.0)
    try:
        out = {t.run_id: o for t, o in pool.run(tasks)}
    finally:
        pool.close()
    assert out["hang"]["kind"] == "timeout"
    assert out["crash"]["kind"] == "crash"
    assert out[good.run_id]["ok"]
