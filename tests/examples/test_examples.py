"""Every script in examples/ runs as a user would run it, and says what it promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
# A line each example must print (its result, not only its start).
EXPECTED = {
    "simulation_api.py": "closest approach to the own ship:",
    "gym_encounter.py": "total reward",
    "dataset_loader.py": "loaded 240 steps from 4 episodes",
    "run_and_score.py": "run folder written:",
}


def test_every_example_is_checked():
    assert {p.name for p in EXAMPLES} == set(EXPECTED)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert EXPECTED[path.name] in done.stdout
