"""The main job's one-screen summary: what passed, what failed and why (one line each), where
the reports are; `make run` keeps the run's exit status."""

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from autoship.cli.main import main
from autoship.cli.report import SUMMARY_WIDTH, compact_ids, summary_lines

ROOT = Path(__file__).resolve().parents[2]

LONG_GATE = "rule 16: own vs ts1 (crossing, give-way) scored 0.10 < 0.50 " + "x" * 300


def _report(tmp: Path) -> dict:
    runs = [
        {"scenario_id": "ok-1", "planner": "sbmpc", "passed": True, "failed_gates": []},
        {"scenario_id": "neg-1", "planner": "sbmpc", "passed": True, "grounding": True,
         "failed_gates": [], "negative_test": {"expect": ["grounding"]}},
        {"scenario_id": "bad-1", "planner": "sbmpc", "passed": False, "collision": True,
         "failed_gates": ["collision: own and ts1 at t=812 s", LONG_GATE],
         "run_dir": str(tmp / "bad-1")},
        *[{"scenario_id": f"bad-{k}", "planner": "vo", "passed": False,
           "failed_gates": [LONG_GATE]} for k in range(2, 20)],
    ]  # fmt: skip
    return {
        "profile": "mixed",
        "runs": runs,
        "summary": {"runs": len(runs), "collisions": 1, "groundings": 1},
        "errors": [{"ok": False, "error": "x.toml: ship.os: boom", "path": "x.toml"}],
    }


def test_summary_fits_one_screen_and_says_why(tmp_path):
    for name in ("report.md", "junit.xml", "report.json"):
        (tmp_path / name).write_text("x")
    lines = summary_lines(_report(tmp_path), tmp_path)
    assert len(lines) <= 30
    assert all(len(ln) <= SUMMARY_WIDTH for ln in lines if str(tmp_path) not in ln)
    text = "\n".join(lines)
    assert "21 runs: 2 passed, 19 failed (1 with a collision, 0 with a grounding), 1 errors" in text
    assert "passed: ok-1, neg-1" in text and "negative tests" in text and "neg-1)" in text
    assert "  bad-1 sbmpc: collision: own and ts1 at t=812 s (+1 more)" in lines
    assert "... and 4 more failed runs" in text
    assert "ERROR x.toml: ship.os: boom" in text
    assert f"{tmp_path / 'report.md'} (readable report)" in text
    assert f"{tmp_path / 'junit.xml'} (JUnit for CI)" in text
    assert f"autoship view {tmp_path / 'bad-1'}" in text


def test_report_of_a_run_folder_prints_the_summary(tmp_path, capsys):
    scen = tmp_path / "scen"
    scen.mkdir()
    shutil.copy(ROOT / "scenarios" / "imazu" / "imazu-01.toml", scen)
    out = tmp_path / "out"
    rep, md = str(out / "report.json"), str(out / "report.md")
    argv = ["run", str(scen), "--planner", "keep-course", "--out", str(out), "--report", rep]
    assert main([*argv, "--markdown", md]) == 1
    capsys.readouterr()
    assert main(["report", str(out), "--fail-on", "never"]) == 0
    text = capsys.readouterr().out
    assert f"== autoship run summary: {out} ==" in text
    assert "1 runs: 0 passed, 1 failed" in text
    assert "  imazu-01 keep-course: collision" in text
    assert f"{out / 'report.md'} (readable report)" in text and "junit.xml" not in text
    assert main(["report", str(out)]) == 1  # default --fail-on collision: it collided


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_ends_with_the_summary_and_keeps_the_exit_status(tmp_path):
    # A stand-in `autoship` whose `run` writes a failing report and exits 1 (as the bundled
    # sets do); `report` is the real one.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    rep = _report(tmp_path)
    fake = bin_dir / "autoship"
    fake.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "from pathlib import Path\n"
        "from autoship.cli.main import main\n"
        "a = sys.argv[1:]\n"
        "if a[0] == 'run':\n"
        "    out = Path(a[a.index('--out') + 1]); out.mkdir(parents=True)\n"
        f"    (out / 'report.json').write_text({json.dumps(rep)!r})\n"
        "    print('0/21 passed'); sys.exit(1)\n"
        "sys.exit(main(a))\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    stamp = tmp_path / "stamp"
    stamp.write_text("")
    os.utime(stamp, (4e9, 4e9))  # newer than pyproject.toml: no install
    out = tmp_path / "quick"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "run", f"BIN={bin_dir}", f"STAMP={stamp}", f"OUT={out}"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert p.returncode != 0, p.stdout + p.stderr  # the run failed: make says so
    lines = p.stdout.splitlines()
    start = lines.index(f"== autoship run summary: {out} ==")
    assert lines[start - 2] == "0/21 passed"  # after the run's own output
    assert "  bad-1 sbmpc: collision: own and ts1 at t=812 s (+1 more)" in lines[start:]
    assert lines[-1].startswith("look at a failure: autoship view")


def test_numbered_ids_are_compacted_per_prefix():
    ids = ["a-x", *[f"imazu-{k:02d}" for k in (1, 2, 3, 5, 7, 8)], "b-1", "b-2", "neg-7"]
    assert compact_ids(ids) == "a-x, imazu-{01..03,05,07..08}, b-1, b-2, neg-7"
