"""Headless PNG / GIF export: sizes, frame counts, errors."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from viewer._pg import pygame
from viewer.export import ExportError, frame_times, write_png, write_video
from viewer.render import KIND_COLOUR
from viewer.scene import OWN, load_scene


def test_png_size_and_content(run_dir: Path, tmp_path: Path) -> None:
    out = write_png(run_dir, tmp_path / "sub" / "f.png", at_s=600.0, size=(800, 500))
    img = pygame.image.load(str(out))
    assert img.get_size() == (800, 500)
    colours = {tuple(img.get_at((x, y)))[:3] for x in range(0, 800, 7) for y in range(0, 500, 7)}
    assert len(colours) >= 12
    assert KIND_COLOUR[OWN] in colours


def test_frame_times() -> None:
    class S:  # the two numbers frame_times reads
        t0, t1, duration_s = 0.0, 1800.0, 1800.0

    times, speed = frame_times(S(), fps=5, speed=60)  # type: ignore[arg-type]
    # 1800 s at 60x is 30 s of video; at 5 fps 150 intervals -> 151 frames, 12 s apart.
    assert speed == 60 and len(times) == 151 and times[1] == 12.0 and times[-1] == 1800.0
    times, speed = frame_times(S(), fps=10)  # type: ignore[arg-type]
    assert speed == 90.0 and len(times) == 201
    times, _ = frame_times(S(), fps=1, speed=700)  # type: ignore[arg-type]
    assert times == [0.0, 700.0, 1400.0, 1800.0]  # the last frame is always the end


@pytest.mark.skipif(importlib.util.find_spec("PIL") is None, reason="Pillow not installed")
def test_gif_frame_count_and_size(run_dir: Path, tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "v.gif"
    n = write_video(run_dir, out, fps=4, speed=120, size=(480, 320))
    # 1800 s / 120x = 15 s of video at 4 fps: 60 intervals, 61 frames.
    assert n == 61
    with Image.open(out) as im:
        assert im.size == (480, 320)
        assert im.n_frames == 61
        assert im.info["duration"] == 250
    # Every frame carries its own graphic control block (frame delay).
    assert out.read_bytes().count(b"\x21\xf9\x04") >= 61


@pytest.mark.skipif(importlib.util.find_spec("imageio_ffmpeg") is None, reason="no imageio-ffmpeg")
def test_mp4_frame_count_and_size(run_dir: Path, tmp_path: Path) -> None:
    import imageio_ffmpeg

    out = tmp_path / "v.mp4"
    n = write_video(run_dir, out, fps=2, speed=600, size=(480, 320))
    assert n == 7  # 1800 s / 600x * 2 fps + 1
    reader = imageio_ffmpeg.read_frames(str(out))
    info = next(reader)
    frames = list(reader)
    assert info["size"] == (480, 320) and len(frames) == 7
    assert len(frames[0]) == 480 * 320 * 3


def test_mp4_without_ffmpeg_is_a_clear_error(run_dir: Path, tmp_path: Path, monkeypatch) -> None:
    import viewer.export as ex

    real = importlib.util.find_spec
    monkeypatch.setattr(
        ex.importlib.util, "find_spec", lambda n: None if n == "imageio_ffmpeg" else real(n)
    )
    with pytest.raises(ExportError, match="imageio-ffmpeg"):
        write_video(run_dir, tmp_path / "v.mp4")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"path": "v.avi"}, "use .gif or .mp4"),
        ({"path": "v.gif", "size": (10, 10)}, "out of range"),
        ({"path": "v.gif", "fps": 0}, "fps"),
        ({"path": "v.gif", "speed": -1.0}, "speed"),
    ],
)
def test_bad_video_arguments(run_dir: Path, tmp_path: Path, kwargs: dict, match: str) -> None:
    kwargs = dict(kwargs)
    path = tmp_path / kwargs.pop("path")
    with pytest.raises(ExportError, match=match):
        write_video(load_scene(run_dir), path, **kwargs)
    assert not path.exists()


def test_png_follow_and_range(run_dir: Path, tmp_path: Path) -> None:
    from viewer.export import initial_state
    from viewer.render import Renderer

    scene = load_scene(run_dir)
    st = initial_state(scene, Renderer(scene), (1280, 800), 100.0, follow="T1", range_nm=1.0)
    # Map area 980 x 736: 1 NM from the centre to the nearer (top/bottom) edge.
    assert st.follow == 1 and st.viewport.scale == pytest.approx(368 / 1852.0)
    st = initial_state(scene, Renderer(scene), (1280, 800), 100.0, range_nm=2.0)
    assert st.follow == scene.own_index
    out = write_png(scene, tmp_path / "z.png", at_s=100.0, follow="OS", range_nm=0.3)
    img = pygame.image.load(str(out))
    # 0.3 NM to the edge: the 150 m hull is drawn to scale at the centre in own-ship colour.
    assert tuple(img.get_at((490, 368 - 40)))[:3] == KIND_COLOUR[OWN]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"follow": "ZZ"}, "no ship 'ZZ'"), ({"range_nm": 0.0}, "positive")],
)
def test_bad_follow_or_range(run_dir: Path, tmp_path: Path, kwargs: dict, match: str) -> None:
    with pytest.raises(ExportError, match=match):
        write_png(run_dir, tmp_path / "x.png", **kwargs)
    with pytest.raises(ExportError, match=match):
        write_video(run_dir, tmp_path / "x.gif", **kwargs)
    assert not (tmp_path / "x.gif").exists()


@pytest.mark.skipif(importlib.util.find_spec("PIL") is None, reason="Pillow not installed")
def test_gif_frames_decode_to_what_was_drawn(run_dir: Path, tmp_path: Path) -> None:
    # Unchanged pixels are stored as transparent; a decoder must still see every full frame.
    import numpy as np
    from PIL import Image

    from viewer.export import _frames

    scene = load_scene(run_dir)
    out = tmp_path / "v.gif"
    n = write_video(scene, out, fps=2, speed=300, size=(400, 300))
    times, speed = frame_times(scene, 2, 300)
    drawn = [pygame.image.tobytes(f, "RGB") for f in _frames(scene, times, (400, 300), speed)]
    assert n == len(drawn) == 13
    with Image.open(out) as im:
        for k in (0, 1, 6, 12):
            im.seek(k)
            got = np.asarray(im.convert("RGB")).astype(int)
            want = np.frombuffer(drawn[k], np.uint8).reshape(300, 400, 3).astype(int)
            # Palette rounding only: no pixel off by more than a small step.
            assert np.abs(got - want).max() <= 40


@pytest.mark.skipif(importlib.util.find_spec("PIL") is None, reason="Pillow not installed")
def test_video_with_score_in_memory(run_dir: Path, tmp_path: Path) -> None:
    # What `autoship run --video-on-fail` does: the report entry is passed, not read from disk.
    from viewer_synth import SCORE

    from viewer.export import _scene

    assert _scene(run_dir).score is None
    assert _scene(run_dir, SCORE).score["score"] == 0.62
    n = write_video(run_dir, tmp_path / "fail.gif", fps=1, speed=900, size=(400, 300), score=SCORE)
    assert n == 3
