"""Run folders of a few bundled scenarios, simulated once for the record and schema tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Own sbmpc against keep-course traffic; a chart (hull clearance); ten sbmpc ships, every one
# under test, whose planners fall back (events with planner-added keys).
CASES = (
    "scenarios/imazu/imazu-03.toml",
    "scenarios/planner/shore-or-port.toml",
    "scenarios/crowds/swap-10.toml",
)


@pytest.fixture(scope="session")
def bundled_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Scenario id -> its written run folder (meta.json, track.npz, score.json), and
    ``report.json`` of all of them in the same parent folder."""
    from autoship.metrics import score_run
    from autoship.metrics.report import build_batch_report
    from autoship.scenario import load_scenario
    from autoship.sim import simulate

    out = tmp_path_factory.mktemp("runs")
    folders: dict[str, Path] = {}
    entries = []
    for case in CASES:
        scen = load_scenario(ROOT / case)
        folder = simulate(scen).write(out / scen.id)
        entry = score_run(folder)
        (folder / "score.json").write_text(json.dumps(entry, indent=1))
        entries.append(entry)
        folders[scen.id] = folder
    (out / "report.json").write_text(json.dumps(build_batch_report(entries)))
    return folders
