"""Opening and drawing a run reads the recorded run only: it imports neither the simulator (sim,
planner, dynamics, scenario) nor pyproj (fresh interpreter). It does import the referee's
classification and its test of which ships are under test (colregs, metrics.score), so the
viewer labels encounters and ships exactly as the verdict does (issue 15)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CODE = r"""
import sys
from viewer.export import write_png
from viewer.app import App
from viewer.scene import load_scene
import pygame
scene = load_scene(sys.argv[1])
write_png(scene, sys.argv[2], at_s=600)
App(scene, pygame.Surface((640, 480))).tick(0.1)
heavy = sorted(m for m in ("pyproj", "autoship.sim", "autoship.planner", "autoship.dynamics",
                           "autoship.scenario", "autoship.charts")
               if m in sys.modules)
print("HEAVY", heavy)
"""


def test_viewer_imports_no_simulator(run_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    res = subprocess.run(
        [sys.executable, "-c", CODE, str(run_dir), str(tmp_path / "f.png")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert "HEAVY []" in res.stdout
    assert (tmp_path / "f.png").is_file()


# The run folder, units and errors, the shared geometry, and the referee's own classification,
# profiles and under-test/lying-still tests; never the simulator.
ALLOWED = (
    "autoship.record",
    "autoship.units",
    "autoship.errors",
    "autoship.geometry",
    "autoship.colregs",
    "autoship.metrics.score",
    "autoship.metrics.duties",
)


def test_viewer_source_imports_nothing_else_from_autoship() -> None:
    root = Path(__file__).resolve().parents[2] / "viewer"
    bad = []
    for f in root.rglob("*.py"):
        for line in f.read_text().splitlines():
            s = line.strip()
            if s.startswith(("import autoship", "from autoship")):
                mod = s.split()[1]
                if mod not in ALLOWED:
                    bad.append(f"{f.name}: {s}")
    assert bad == []
