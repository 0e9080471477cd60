"""End to end: the simulator writes an Imazu run folder, the viewer replays and exports it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from viewer._pg import pygame
from viewer.export import write_png, write_video
from viewer.render import KIND_COLOUR, Renderer, ViewState
from viewer.scene import OWN, load_scene

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_imazu_run_replays(tmp_path: Path) -> None:
    scenario = ROOT / "scenarios" / "imazu" / "imazu-02.toml"
    if not scenario.is_file():
        pytest.skip("no Imazu scenarios in this checkout")
    # A separate process: the simulator compiles kernels, the viewer must not need them.
    res = subprocess.run(
        [sys.executable, "-m", "autoship", "run", str(scenario), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode in (0, 1), res.stderr  # 1: a gate failed, still a complete run
    run_dir = next((tmp_path / "out").glob("*/meta.json")).parent
    scene = load_scene(run_dir)
    assert scene.own_index is not None and len(scene.ships) == 2
    # Imazu 2 (Sawada et al. 2021 Table 4): own ship starts 6 NM south heading north.
    p = scene.poses(0.0)
    assert p.north[scene.own_index] == pytest.approx(-6 * 1852.0, abs=1.0)
    tl_events = len(scene.events)
    r = Renderer(scene)
    surf = pygame.Surface((1280, 800))
    st = ViewState(t=0.0, viewport=r.default_viewport((1280, 800)))
    r.draw(surf, st)
    assert r.timeline is not None and len(r.timeline.marks) == tl_events
    x, y = st.viewport.point(float(p.north[scene.own_index]), float(p.east[scene.own_index]))
    assert tuple(surf.get_at((round(x), round(y))))[:3] == KIND_COLOUR[OWN]
    assert write_png(scene, tmp_path / "f.png", at_s=600).is_file()
    assert write_video(scene, tmp_path / "v.gif", fps=2, size=(480, 300)) >= 10
