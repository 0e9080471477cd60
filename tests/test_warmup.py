"""`autoship warm-up`: its built-in scenario covers every ship model and planner, and it runs."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from autoship.cli import warmup
from autoship.cli.main import main
from autoship.dynamics.library import library_names
from autoship.scenario.loader import parse_scenario
from autoship.sweep.batch import chart_check

PLANNERS = ["keep-course", "vo", "waypoint", "sbmpc"]


def test_warmup_scenario_has_every_model_and_planner(tmp_path: Path) -> None:
    (tmp_path / "island.geojson").write_text(json.dumps(warmup._island_geojson()))
    path = tmp_path / "warm-up.toml"
    path.write_text(warmup.warmup_scenario(library_names(), PLANNERS))
    scen = parse_scenario(path.read_text(), path, check_chart=chart_check)
    models = {s.ship.name for s in scen.ships}
    assert set(library_names()) <= models
    assert {s.planner for s in scen.ships} == set(PLANNERS)
    assert scen.chart is not None


def test_warmup_runs_and_leaves_nothing_behind(tmp_path: Path, monkeypatch, capsys) -> None:
    # Its own temp root, so another process's warm-up on the same machine cannot interfere.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["warm-up"]) == 0
    assert "kernels compiled and cached" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
