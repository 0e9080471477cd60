"""The in-memory API (#15 item 3): ``autoship.run_scenario`` and ``autoship.score`` give the
report entry ``autoship score`` gives for the run folder ``autoship run`` writes, and bad input
is the project's one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import autoship
from autoship.cli.main import main
from autoship.colregs import load_profile
from autoship.errors import AutoshipError, ProfileError, ScenarioError
from autoship.metrics import score_run
from autoship.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
IMAZU = ROOT / "scenarios/imazu/imazu-01.toml"
# Mined from AIS: a chart, replayed traffic, the "auto" profile and the recorded human.
SOLENT = ROOT / "scenarios/solent/ais-solentais-20160112-130211-04.toml"
# Fields that say where, when or how fast the run was made, not what it was.
NOT_COMPARED = {"run_dir", "wall_s", "autoship_version", "planner_latency_ms"}


def _comparable(entry: dict[str, Any]) -> dict[str, Any]:
    # Through JSON as `autoship score --json` writes it (tuples become lists).
    out = {k: v for k, v in json.loads(json.dumps(entry)).items() if k not in NOT_COMPARED}
    # Planner latencies are wall-clock measurements; how many decisions each ship took is not.
    out["planner_decisions"] = {k: v["n"] for k, v in entry["planner_latency_ms"].items()}
    return out


@pytest.fixture(scope="module")
def cli_entries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """`autoship run` of both scenarios, then `autoship score` of the folders it wrote."""
    tmp = tmp_path_factory.mktemp("cli")
    assert main(["run", str(IMAZU), str(SOLENT), "--out", str(tmp / "runs")]) == 0
    assert main(["score", str(tmp / "runs"), "--json", str(tmp / "score.json")]) == 0
    report = json.loads((tmp / "score.json").read_text())
    return {e["scenario_id"]: e for e in report["runs"]}


@pytest.mark.parametrize("path", [IMAZU, SOLENT], ids=["imazu-01", "solent-mined"])
def test_score_of_run_scenario_is_autoship_score_of_the_run_folder(
    path: Path, cli_entries: dict[str, dict[str, Any]]
) -> None:
    result = autoship.run_scenario(path)
    entry = autoship.score(result)
    assert entry["run_dir"] is None
    assert entry == result.report
    assert _comparable(entry) == _comparable(cli_entries[load_scenario(path).id])


def test_a_written_result_scores_as_in_memory(tmp_path: Path) -> None:
    scen = load_scenario(IMAZU)  # a Scenario object, with the overrides `run` takes
    result = autoship.run_scenario(scen, planner="vo", seed=3, profile="harbour")
    assert result.meta["seed"] == 3
    assert result.report["planner"] == "vo" and result.report["profile"] == "harbour"
    folder = result.write(tmp_path / "run")
    written = json.loads((folder / "score.json").read_text())
    assert written["run_dir"] == str(folder)
    # The folder records the scenario's own profile; "harbour" was the scoring override.
    on_disk = score_run(folder, load_profile("harbour"))
    assert _comparable(on_disk) == _comparable(result.report) == _comparable(written)
    with pytest.raises(AutoshipError, match="already exists"):
        result.write(folder)


def test_missing_file_is_a_one_line_scenario_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError) as exc:
        autoship.run_scenario(missing)
    assert str(missing) in str(exc.value) and "\n" not in str(exc.value)


def test_unknown_planner_is_a_one_line_error() -> None:
    with pytest.raises(AutoshipError) as exc:
        autoship.run_scenario(IMAZU, planner="no-such-planner")
    assert exc.value.field == "planner"
    assert "unknown planner 'no-such-planner'; known:" in str(exc.value)
    assert "sbmpc" in str(exc.value) and "\n" not in str(exc.value)


def test_bad_seed_and_profile_are_one_line_errors() -> None:
    with pytest.raises(AutoshipError, match="seed: must be >= 0"):
        autoship.run_scenario(IMAZU, seed=-1)
    with pytest.raises(ProfileError, match="unknown profile 'no-such-profile'"):
        autoship.run_scenario(IMAZU, profile="no-such-profile")
    with pytest.raises(TypeError, match="Scenario or a scenario file path"):
        autoship.run_scenario(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="score_run"):
        autoship.score("runs/imazu-01")  # type: ignore[arg-type]


def test_import_autoship_stays_cheap() -> None:
    """The API is imported on first use: `import autoship` (every CLI start) loads neither
    the API nor numpy."""
    code = (
        "import sys, autoship\n"
        "assert 'autoship.api' not in sys.modules and 'numpy' not in sys.modules\n"
        "assert {'run_scenario', 'score', 'RunResult'} <= set(dir(autoship))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        autoship.nope  # noqa: B018
