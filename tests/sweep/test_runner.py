"""Sweep driver: scenario files with replicates, replay texts."""

from __future__ import annotations

import shutil

from autoship.scenario import parse_scenario
from autoship.sweep.generators import derive_seed, load_sweep
from autoship.sweep.runner import replay_text, run_sweep
from autoship.sweep.store import Store

from .conftest import IMAZU


def test_scenario_files_with_replicates_get_their_own_seeds(tmp_path):
    scen_dir = tmp_path / "scen"
    scen_dir.mkdir()
    for name in ("imazu-01.toml", "imazu-05.toml"):
        shutil.copy(IMAZU / name, scen_dir / name)
    sweep = tmp_path / "s.toml"
    sweep.write_text(
        '[sweep]\nid = "im"\nseed = 9\nplanner = "keep-course"\nreplicates = 2\n'
        '[generator]\nkind = "files"\npaths = ["scen"]\n'
    )
    spec = load_sweep(sweep)
    res = run_sweep(spec, tmp_path / "out", n_jobs=2)
    assert (res.planned, res.ran, res.errors) == (4, 4, 0)
    with Store(tmp_path / "out", write=False) as s:
        rows = s.runs()
    assert [r["run_id"] for r in rows] == [
        "imazu-01~r0", "imazu-01~r1", "imazu-05~r0", "imazu-05~r1"
    ]  # fmt: skip
    for r in rows:
        assert r["seed"] == derive_seed(9, r["scenario_id"], r["replicate"])
        assert r["planner"] == "keep-course"
        # Imazu 01 and 05 are exact collision courses: keep-course must collide in both.
        assert r["collision"] == 1
    assert rows[0]["encounter"] == "head-on" and rows[2]["n_targets"] == 2


def test_replay_text_sets_seed_and_overridden_planner():
    text = (IMAZU / "imazu-01.toml").read_text()
    out = replay_text(text, 12345, "keep-course")
    scen = parse_scenario(out)
    assert scen.seed == 12345
    own = next(s for s in scen.ships if s.role == "own")
    assert own.planner == "keep-course" and own.planner_params == {}
    assert [s.planner for s in scen.ships if s.role == "target"] == ["keep-course"]
    original = parse_scenario(text).ships[0].planner
    assert parse_scenario(replay_text(text, 7, None)).ships[0].planner == original


def test_replay_text_anchors_relative_chart_and_track_paths(tmp_path):
    from .conftest import ROOT

    src = next((ROOT / "scenarios" / "solent").glob("*.toml"))
    text = src.read_text()
    assert 'track = "' in text or 'path = "' in text
    out = replay_text(text, 3, "keep-course", src.parent)
    moved = tmp_path / "elsewhere.toml"
    moved.write_text(out)
    from autoship.scenario import load_scenario

    scen = load_scenario(moved)  # loads from another folder: every path now absolute
    assert scen.seed == 3
    assert next(s for s in scen.ships if s.role == "own").planner == "keep-course"
