"""The viewer window on a real X display (Xvfb): the screen shows the same frame as the headless
render, with the verdict of score.json. The screenshot is kept as a test artefact
(``$AUTOSHIP_TEST_ARTEFACTS`` when set, else the test's tmp folder)."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from viewer_synth import SCORE, make_run

from viewer._pg import pygame
from viewer.render import PASS, TRAFFIC_EVENT, render_frame
from viewer.scene import load_scene

ROOT = Path(__file__).resolve().parents[2]
W, H = 1280, 800
T = 1010.0
HANG_S = 120.0  # generous: only a hung X server or window ends the test this way

CHILD = """
import select, sys
import pygame
from viewer.app import App
from viewer.scene import load_scene
pygame.display.init()
pygame.font.init()
screen = pygame.display.set_mode(({w}, {h}))
app = App(load_scene({run!r}), screen)
app.state.t = {t}
first = True
while True:
    pygame.event.pump()
    app.tick(0.0)
    pygame.display.flip()
    if first:
        print("drawn", pygame.display.get_driver(), flush=True)
        first = False
    if select.select([sys.stdin], [], [], 0.05)[0]:
        break
"""


def _framebuffer(path: Path) -> np.ndarray | None:
    """Xvfb's -fbdir screen (XWD, 32-bit TrueColor) as an (H, W, 3) RGB array."""
    data = path.read_bytes()
    if len(data) < 100:
        return None
    hdr = np.frombuffer(data[:100], dtype=">u4")
    header_size, ncolors, bpl = int(hdr[0]), int(hdr[19]), int(hdr[12])
    width, height, bpp = int(hdr[4]), int(hdr[5]), int(hdr[11])
    if bpp != 32 or (width, height) != (W, H):
        return None
    off = header_size + 12 * ncolors
    px = np.frombuffer(data[off : off + bpl * height], dtype="<u4").reshape(height, bpl // 4)
    px = px[:, :width]
    return np.stack([(px >> 16) & 255, (px >> 8) & 255, px & 255], axis=-1).astype(np.uint8)


@pytest.mark.skipif(
    shutil.which("Xvfb") is None,
    reason="Xvfb not installed (apt-get install xvfb): the real-display screenshot needs it; "
    "headless pixel checks run elsewhere",
)
def test_window_on_xvfb_shows_the_verdict_and_matches_headless(tmp_path: Path) -> None:
    run = make_run(tmp_path / "r", events=[{"t_s": 1000.0, "kind": "collision",
                                            "ships": ["T1", "A1"], "detail": ""}])  # fmt: skip
    (run / "score.json").write_text(
        json.dumps(
            {**SCORE, "passed": True, "failed_gates": [], "gates": None, "autonomous_ships": ["OS"]}
        )  # fmt: skip
    )
    fbdir = tmp_path / "fb"
    fbdir.mkdir()
    rfd, wfd = os.pipe()
    xvfb = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(wfd),
            "-screen",
            "0",
            f"{W}x{H}x24",
            "-nolisten",
            "tcp",
            "-fbdir",
            str(fbdir),
        ],  # fmt: skip
        pass_fds=(wfd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(wfd)
    child = None
    try:
        ready, _, _ = select.select([rfd], [], [], HANG_S)
        assert ready, "Xvfb did not start"
        display = os.read(rfd, 64).decode().strip()
        assert display.isdigit(), display
        env = {**os.environ, "DISPLAY": f":{display}", "SDL_VIDEODRIVER": "x11",
               "SDL_VIDEO_WINDOW_POS": "0,0", "PYTHONPATH": str(ROOT)}  # fmt: skip
        code = CHILD.format(w=W, h=H, run=str(run), t=T)
        child = subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], HANG_S)
        assert ready, "the viewer window did not draw"
        assert child.stdout.readline().split() == ["drawn", "x11"]
        want = pygame.surfarray.array3d(render_frame(load_scene(run), T, (W, H))).swapaxes(0, 1)
        # The window maps asynchronously: poll the screen until it shows the frame.
        deadline = time.monotonic() + HANG_S
        shot = None
        while time.monotonic() < deadline:
            shot = _framebuffer(fbdir / "Xvfb_screen0")
            if shot is not None and (shot == want).all(axis=-1).mean() > 0.99:
                break
            time.sleep(0.1)
        assert shot is not None
        art = Path(os.environ.get("AUTOSHIP_TEST_ARTEFACTS", tmp_path))
        art.mkdir(parents=True, exist_ok=True)
        surf = pygame.surfarray.make_surface(shot.swapaxes(0, 1).copy())
        pygame.image.save(surf, str(art / "viewer-xvfb-traffic-collision.png"))
        same = (shot == want).all(axis=-1).mean()
        assert same > 0.99, f"screen and headless render differ on {100 * (1 - same):.1f} %"
        colours = {tuple(c) for c in shot.reshape(-1, 3)[::7].tolist()}
        assert PASS in colours and TRAFFIC_EVENT in colours
    finally:
        if child is not None:
            if child.stdin is not None:
                child.stdin.write("\n")
                child.stdin.close()
            try:
                child.wait(timeout=HANG_S)
            except subprocess.TimeoutExpired:
                child.kill()
        xvfb.terminate()
        xvfb.wait(timeout=HANG_S)
        os.close(rfd)
