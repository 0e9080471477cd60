"""The referee through the simulator and the CLI: progress of a ship that never moves, the human
baseline of a mined scenario, the profile each run is scored under, the automatic profile."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from autoship.cli.main import main
from autoship.colregs.profile import choose_profile
from autoship.metrics import score_run

from .runs import ship, track, write_run

ROOT = Path(__file__).resolve().parents[2]


def _own_block(text: str, **subs: str) -> str:
    """The scenario text with keys of the own ship's [[ship]] table replaced."""
    i = text.find('role = "own"')
    j = text.find("[[ship]]", i)
    j = len(text) if j < 0 else j
    block = text[i:j]
    for key, value in subs.items():
        block = re.sub(rf"^{key} = .*$", f"{key} = {value}", block, flags=re.M)
    return text[:i] + block + text[j:]


def _copy_tree(tmp_path: Path, *rel: str) -> Path:
    """Scenario folders with the charts they point at (relative chart paths keep working)."""
    for r in rel:
        shutil.copytree(ROOT / r, tmp_path / r)
    shutil.copytree(ROOT / "charts", tmp_path / "charts")
    return tmp_path


def test_own_ship_that_never_moves_fails_on_progress_without_collision(tmp_path, capsys):
    # The planner scenario passes with sbmpc (make run); stopped at t = 0 it must fail, and on
    # progress, not on a collision or grounding.
    base = _copy_tree(tmp_path, "scenarios/planner")
    p = base / "scenarios/planner/shore-or-port.toml"
    p.write_text(_own_block(p.read_text(), planner='"keep-course"', speed_kn="0.0"))
    rc = main(["run", str(p), "--out", str(tmp_path / "out"), "--report", str(tmp_path / "r.json")])
    assert rc == 1
    (run,) = json.loads((tmp_path / "r.json").read_text())["runs"]
    assert not run["passed"] and not run["collision"] and not run["grounding"]
    assert any(g.startswith("progress: ") for g in run["failed_gates"])
    prog = next(iter(run["progress"].values()))
    assert prog["goal_reached"] is False and abs(prog["made_good_m"]) < 1.0


def test_recorded_human_is_scored_beside_the_planner(tmp_path, capsys):
    base = _copy_tree(tmp_path, "scenarios/solent")
    p = base / "scenarios/solent/ais-solentais-20160112-130211-03.toml"
    p.write_text(_own_block(p.read_text(), planner='"replay"'))
    main(["run", str(p), "--out", str(tmp_path / "out"), "--report", str(tmp_path / "r.json")])
    (run,) = json.loads((tmp_path / "r.json").read_text())["runs"]
    # the auto profile: a 30 m own ship in the Solent's confined water
    assert run["profile"] == "harbour" and run["profile_choice"].startswith("auto")
    h = run["human"]
    assert h is not None
    # Replayed unchanged, the planner run is the human: the same separation and verdict.
    assert h["min_separation_m"] == pytest.approx(run["min_separation_m"], abs=1.0)
    assert h["passed"] == run["passed"]
    main(["score", str(tmp_path / "out"), "--markdown", str(tmp_path / "m.md")])
    assert "## Planner and recorded human" in (tmp_path / "m.md").read_text()


def test_vs_recording_waives_only_what_the_human_also_failed(tmp_path):
    # A constructed head-on run with a recording: the planner passes the target at 30 m, the
    # recorded human at 20 m, both far inside the large-ship 500 m gate and neither altering.
    # Judged against the recording, the separation and rule 14 failures the human shares are
    # waived.
    t = np.arange(0.0, 901.0, 2.0)
    own = track(t, -3000.0, 30.0, 0.0, 10.0)
    human = track(t, -3000.0, 20.0, 0.0, 10.0)
    tgt = track(t, 3000.0, 0.0, 180.0, 10.0)
    ships = [ship("os", "own", "sbmpc", length_m=30.0, beam_m=8.0), ship("ts", length_m=30.0)]
    d = write_run(tmp_path / "r", t, [own, tgt], ships)
    from autoship.record import RunWriter, load_run

    run = load_run(d)
    arrays = dict(run.arrays)
    for name, rec in (("north", "rec_north"), ("east", "rec_east"), ("heading", "rec_heading"),
                      ("vn", "rec_vn"), ("ve", "rec_ve")):  # fmt: skip
        a = np.full_like(arrays[name], np.nan)
        a[:, 0] = human[name]
        arrays[rec] = a
    d2 = RunWriter(tmp_path / "r2").write(run.meta, arrays)
    plain = score_run(d2)
    judged = score_run(d2, vs_recording=True)
    assert plain["human"]["min_separation_m"] < plain["min_separation_m"]
    assert any(g.startswith("separation") for g in plain["failed_gates"])
    assert not any(g.startswith("separation") for g in judged["failed_gates"])
    assert not any(g.startswith("rule 14") for g in judged["failed_gates"])
    assert any(g.startswith("rule 14") for g in plain["failed_gates"])
    assert judged["gates_vs_recording"]


def test_score_uses_each_runs_own_profile(tmp_path, capsys):
    t = np.arange(0.0, 601.0, 2.0)
    own = track(t, -2000.0, 0.0, 0.0, 10.0)
    ships = [ship("os", "own", "sbmpc")]
    write_run(tmp_path / "a", t, [own], ships, scenario_id="a", profile="large-ship")
    write_run(tmp_path / "b", t, [own], [ship("os", "own", "sbmpc")], scenario_id="b",
              profile="ntnu-small-asv")  # fmt: skip
    main(["score", str(tmp_path), "--json"])
    rep = json.loads(capsys.readouterr().out)
    assert rep["profile"] == "mixed"
    assert {r["scenario_id"]: r["profile"] for r in rep["runs"]} == {
        "a": "large-ship",
        "b": "ntnu-small-asv",
    }
    main(["score", str(tmp_path), "--json", "--profile", "dnv2023"])
    rep = json.loads(capsys.readouterr().out)
    assert {r["profile"] for r in rep["runs"]} == {"dnv2023"}


def test_auto_profile_choice():
    assert choose_profile([30.0], 800.0)[0] == "harbour"
    assert choose_profile([30.0], None)[0] == "ntnu-small-asv"
    assert choose_profile([30.0], 20000.0)[0] == "ntnu-small-asv"
    assert choose_profile([320.0], 20000.0)[0] == "large-ship"
    assert choose_profile([320.0], None)[0] == "large-ship"
    # A large ship in confined water: pilotage distances scaled for its length.
    assert choose_profile([320.0], 800.0)[0] == "pilotage@320"
    assert choose_profile([150.0, 320.0], 800.0)[0] == "pilotage@320"
    name, why = choose_profile([45.0], 1000.0)
    assert name == "harbour" and why.startswith("auto") and "1000 m" in why
