"""Progress on any output: a bar on a terminal, plain lines in a pipe or CI log, and a piped
`autoship run` shows each finished run before the batch ends."""

import io
import shutil
from pathlib import Path

import autoship.sweep.batch as batch
from autoship.cli._progress import EVERY_ITEM_UP_TO, Progress
from autoship.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    p = Progress(3, "running", out)
    assert not p.enabled
    for name in ("a", "b", "c"):
        p.advance(name)
    p.close()
    lines = out.getvalue().splitlines()
    want = ["running 1/3 a", "running 2/3 b", "running 3/3 c"]
    assert [ln.split(" (")[0] for ln in lines] == want
    assert "eta" in lines[0] and "eta" not in lines[-1] and "\r" not in out.getvalue()


def test_bar_on_a_terminal_and_quiet_when_asked():
    tty = _Tty()
    p = Progress(2, "running", tty)
    p.advance("a")
    p.advance("b")
    p.close()
    text = tty.getvalue()
    assert p.enabled and text.startswith("\rrunning [") and "2/2" in text and text.endswith("\n")
    quiet = io.StringIO()
    q = Progress(2, "x", quiet, plain=False)
    q.advance()
    q.close()
    assert quiet.getvalue() == ""


def test_large_totals_print_periodically_and_always_the_last():
    out = io.StringIO()
    n = EVERY_ITEM_UP_TO * 10
    p = Progress(n, "sweep", out)
    for k in range(n):
        p.advance(f"r{k}")
    lines = out.getvalue().splitlines()
    assert 40 <= len(lines) <= 60
    assert lines[-1].startswith(f"sweep {n}/{n} r{n - 1}")


def test_piped_run_reports_each_finished_run_before_the_batch_ends(tmp_path, capsys, monkeypatch):
    scen = tmp_path / "scen"
    scen.mkdir()
    for c in ("01", "02"):
        shutil.copy(ROOT / "scenarios" / "imazu" / f"imazu-{c}.toml", scen)
    seen_before: list[str] = []
    real = batch.run_job

    def spy(job):
        # What a CI log shows when this run starts: the lines of the runs finished before.
        seen_before.append(capsys.readouterr().err)
        return real(job)

    monkeypatch.setattr(batch, "run_job", spy)
    rc = main(["run", str(scen), "--planner", "keep-course", "--out", str(tmp_path / "out")])
    assert rc == 1
    rest = capsys.readouterr()
    assert "running 1/2" not in seen_before[0]
    assert "running 1/2 imazu-01" in seen_before[1]
    assert "running 2/2 imazu-02" in rest.err
    assert "0/2 passed" in rest.out
