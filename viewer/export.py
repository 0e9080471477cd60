"""Headless export: one PNG at a time, or the whole run as a GIF (Pillow) or MP4 (imageio-ffmpeg).

Nothing here opens a window: frames are drawn onto off-screen pygame Surfaces, so this works
with ``SDL_VIDEODRIVER=dummy`` on a CI machine without a display.
"""

from __future__ import annotations

import importlib.util
import math
import os
from collections.abc import Iterator
from pathlib import Path

from autoship.errors import AutoshipError
from viewer._pg import pygame
from viewer.render import Renderer, ViewState
from viewer.scene import Scene, load_scene

DEFAULT_PNG_SIZE = (1280, 800)
DEFAULT_VIDEO_SIZE = (960, 600)
DEFAULT_FPS = 10.0
DEFAULT_VIDEO_SECONDS = 20.0  # whole run squeezed into about this long unless speed is given


class ExportError(AutoshipError):
    """An export cannot be written (missing optional package, bad size or path)."""


def _scene(run: str | os.PathLike | Scene) -> Scene:
    return run if isinstance(run, Scene) else load_scene(run)


def _check_size(size: tuple[int, int]) -> tuple[int, int]:
    w, h = int(size[0]), int(size[1])
    if w < 320 or h < 240 or w > 8192 or h > 8192:
        raise ExportError(f"size {w}x{h} out of range (320x240 to 8192x8192)", field="size")
    return w, h


def write_png(
    run: str | os.PathLike | Scene,
    path: str | os.PathLike,
    at_s: float | None = None,
    size: tuple[int, int] = DEFAULT_PNG_SIZE,
) -> Path:
    """Draw the run at ``at_s`` seconds (default: the own ship's closest approach) into a PNG."""
    scene = _scene(run)
    size = _check_size(size)
    t = scene.closest_approach_t() if at_s is None else float(at_s)
    if not math.isfinite(t):
        raise ExportError("time must be a finite number of seconds", field="at")
    r = Renderer(scene)
    surf = pygame.Surface(size)
    r.draw(surf, ViewState(t=scene.clamp(t), viewport=r.default_viewport(size)))
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surf, str(out))
    return out


def frame_times(
    scene: Scene, fps: float = DEFAULT_FPS, speed: float | None = None
) -> tuple[list[float], float]:
    """Run times of every video frame and the speed used (run seconds per video second).

    ``speed`` None squeezes the run into about DEFAULT_VIDEO_SECONDS. Frame k shows
    t0 + k * speed / fps; the last frame is the end of the run.
    """
    if not (fps > 0 and math.isfinite(fps)):
        raise ExportError("fps must be positive", field="fps")
    dur = scene.duration_s
    if speed is None:
        speed = max(dur / DEFAULT_VIDEO_SECONDS, 1e-3)
    if not (speed > 0 and math.isfinite(speed)):
        raise ExportError("speed must be positive", field="speed")
    step = speed / fps
    n = int(math.floor(dur / step + 1e-9)) + 1
    times = [scene.t0 + k * step for k in range(n)]
    if times[-1] < scene.t1 - 1e-9:
        times.append(scene.t1)
    return times, speed


def _frames(
    scene: Scene, times: list[float], size: tuple[int, int], speed: float
) -> Iterator[pygame.Surface]:
    r = Renderer(scene)
    surf = pygame.Surface(size)
    st = ViewState(t=scene.t0, viewport=r.default_viewport(size), playing=True, speed=speed)
    for t in times:
        st.t = t
        r.draw(surf, st)
        yield surf


def write_video(
    run: str | os.PathLike | Scene,
    path: str | os.PathLike,
    fps: float = DEFAULT_FPS,
    speed: float | None = None,
    size: tuple[int, int] = DEFAULT_VIDEO_SIZE,
) -> int:
    """Write the whole run as an animated GIF (``.gif``, needs Pillow) or an MP4 (``.mp4``,
    needs imageio-ffmpeg). Returns the number of frames written.

    This is the hook for ``autoship run --video-on-fail DIR``: call it with a failing run's
    folder and ``DIR / f"{run_id}.gif"``.
    """
    scene = _scene(run)
    size = _check_size(size)
    out = Path(path)
    ext = out.suffix.lower()
    times, speed = frame_times(scene, fps, speed)
    out.parent.mkdir(parents=True, exist_ok=True)
    if ext == ".gif":
        return _write_gif(scene, out, times, size, fps, speed)
    if ext in (".mp4", ".m4v", ".mov"):
        return _write_mp4(scene, out, times, size, fps, speed)
    raise ExportError(f"unknown video type {ext or '(none)'!r}: use .gif or .mp4", file=str(out))


def _write_gif(
    scene: Scene, out: Path, times: list[float], size: tuple[int, int], fps: float, speed: float
) -> int:
    if importlib.util.find_spec("PIL") is None:
        raise ExportError("GIF export needs Pillow: pip install 'autoship[viewer]'", file=str(out))
    from PIL import Image

    def pil_frames() -> Iterator[Image.Image]:
        for surf in _frames(scene, times, size, speed):
            img = Image.frombytes("RGB", size, pygame.image.tobytes(surf, "RGB"))
            # The picture has few flat colours; a fast octree palette keeps them exact enough.
            yield img.quantize(
                colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
            )

    it = pil_frames()
    first = next(it)
    count = 1

    def rest() -> Iterator[Image.Image]:
        nonlocal count
        for img in it:
            count += 1
            yield img

    # Pillow folds identical consecutive frames into one; each frame shows a different clock,
    # so that never happens here and the file has one frame per entry in ``times``.
    first.save(
        out,
        save_all=True,
        append_images=rest(),
        duration=round(1000.0 / fps),
        loop=0,
        optimize=False,
        disposal=1,
    )
    return count


def _write_mp4(
    scene: Scene, out: Path, times: list[float], size: tuple[int, int], fps: float, speed: float
) -> int:
    if importlib.util.find_spec("imageio_ffmpeg") is None:
        raise ExportError(
            "MP4 export needs imageio-ffmpeg (pip install imageio-ffmpeg); or write a .gif",
            file=str(out),
        )
    import imageio_ffmpeg

    w, h = size
    # H.264 with yuv420p needs even sizes.
    if w % 2 or h % 2:
        raise ExportError(f"MP4 size must be even, got {w}x{h}", field="size")
    writer = imageio_ffmpeg.write_frames(str(out), size, fps=fps, macro_block_size=1)
    writer.send(None)
    count = 0
    try:
        for surf in _frames(scene, times, size, speed):
            writer.send(pygame.image.tobytes(surf, "RGB"))
            count += 1
    finally:
        writer.close()
    return count
