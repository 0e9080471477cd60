"""Opening and drawing a run imports neither numba, shapely nor pyproj (fresh interpreter)."""

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
heavy = sorted(m for m in ("numba", "shapely", "pyproj", "autoship.metrics", "autoship.sim")
               if m in sys.modules)
print("HEAVY", heavy)
"""


def test_viewer_imports_only_record_and_units(run_dir: Path, tmp_path: Path) -> None:
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


def test_viewer_source_imports_nothing_else_from_autoship() -> None:
    root = Path(__file__).resolve().parents[2] / "viewer"
    bad = []
    for f in root.rglob("*.py"):
        for line in f.read_text().splitlines():
            s = line.strip()
            if s.startswith(("import autoship", "from autoship")):
                mod = s.split()[1]
                if mod not in ("autoship.record", "autoship.units", "autoship.errors"):
                    bad.append(f"{f.name}: {s}")
    assert bad == []
