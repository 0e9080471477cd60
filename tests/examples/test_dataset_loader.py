"""examples/dataset_loader.py on a dataset given by path: its arrays match the dataset card."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from autoship.dataset import build_dataset, parse_spec
from tests.dataset.conftest import tiny_text

ROOT = Path(__file__).resolve().parents[2]


def test_loader_reads_what_the_card_counts(tmp_path: Path) -> None:
    spec = tmp_path / "tiny.toml"
    spec.write_text(tiny_text(samples=2))
    out = tmp_path / "ds"
    build_dataset(parse_spec(spec.read_text(), spec), out, inline=True)
    card = json.loads((out / "card.json").read_text())["counts"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "dataset_loader.py"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"loaded {card['steps']} steps from {card['episodes']} episodes" in done.stdout
    assert f"{card['pair_records']} pair records" in done.stdout
    assert "schema version 1" in done.stdout
