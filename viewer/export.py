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
from typing import Any

import numpy as np

from autoship.errors import AutoshipError
from autoship.record import load_run
from autoship.units import NAUTICAL_MILE
from viewer._pg import pygame
from viewer.render import STYLE_COLOURS, Renderer, ViewState
from viewer.scene import Scene, load_scene

DEFAULT_PNG_SIZE = (1280, 800)
DEFAULT_VIDEO_SIZE = (960, 600)
DEFAULT_FPS = 10.0
DEFAULT_VIDEO_SECONDS = 20.0  # whole run squeezed into about this long unless speed is given
_CLEAR = 255  # GIF palette index for "unchanged since the previous frame" (transparent)


class ExportError(AutoshipError):
    """An export cannot be written (missing optional package, bad size or path)."""


def _scene(run: str | os.PathLike | Scene, score: dict[str, Any] | None = None) -> Scene:
    """A Scene from a run folder; ``score`` (a metrics run entry already in memory, e.g. in
    ``autoship run``) replaces RUN_DIR/score.json."""
    if isinstance(run, Scene):
        return run
    if score is None:
        return load_scene(run)
    return Scene(load_run(run), score)


def _check_size(size: tuple[int, int]) -> tuple[int, int]:
    w, h = int(size[0]), int(size[1])
    if w < 320 or h < 240 or w > 8192 or h > 8192:
        raise ExportError(f"{w}x{h} out of range (320x240 to 8192x8192)", field="--size")
    return w, h


def initial_state(
    scene: Scene,
    renderer: Renderer,
    size: tuple[int, int],
    t: float,
    follow: str | None = None,
    range_nm: float | None = None,
) -> ViewState:
    """The fit-to-tracks view, or centred on ship ``follow`` and/or ``range_nm`` from the
    centre to the nearer edge of the chart area."""
    st = ViewState(t=scene.clamp(t), viewport=renderer.default_viewport(size))
    if follow is not None:
        ids = [s.id for s in scene.ships]
        if follow not in ids:
            some = ", ".join(ids[:8]) + (", ..." if len(ids) > 8 else "")
            raise ExportError(f"no ship {follow!r} in this run (ships: {some})", field="--follow")
        st.follow = ids.index(follow)
    if range_nm is not None:
        if not (range_nm > 0 and math.isfinite(range_nm)):
            raise ExportError("range must be a positive number of NM", field="--range-nm")
        _, _, w, h = st.viewport.rect
        st.viewport.scale = min(w, h) / 2.0 / (range_nm * NAUTICAL_MILE)
        if st.follow is None and scene.own_index is not None:
            st.follow = scene.own_index
    return st


# Close-up of the key moment: the ships involved fill about this share of the chart area's
# shorter side, and never less than this half-width (a collision's two hulls at the centre
# with room for their labels).
CLOSEUP_FILL = 0.6
CLOSEUP_MIN_HALF_M = 600.0


def closeup_state(scene: Scene, renderer: Renderer, size: tuple[int, int], t: float) -> ViewState:
    """The view of ``t`` centred on the own ship and the ships it meets there (the ships of a
    collision or grounding at ``t``, else the nearest ship), zoomed so they fill the frame:
    hulls are drawn to scale whenever the ships are close enough for that (a default 2 NM
    frame shows a collision as a small pile of labels)."""
    st = ViewState(t=scene.clamp(t), viewport=renderer.default_viewport(size))
    o = scene.own_index
    p = scene.poses(st.t)
    if o is None or not p.present[o]:
        return st
    ids = [s.id for s in scene.ships]
    involved = {o}
    for ev in scene.events:
        if ev.kind in ("collision", "grounding") and abs(ev.t_s - st.t) < 1e-6:
            involved |= {ids.index(x) for x in ev.ships if x in ids}
    if involved == {o}:
        d = np.hypot(p.north - p.north[o], p.east - p.east[o])
        d = np.where(p.present, d, np.inf)
        d[o] = np.inf
        if np.isfinite(d).any():
            involved.add(int(np.argmin(d)))
    idx = [i for i in sorted(involved) if p.present[i]]
    n, e = p.north[idx], p.east[idx]
    longest = max((scene.ships[i].length_m for i in idx), default=0.0)
    half = max(float(np.ptp(n)), float(np.ptp(e))) / 2.0 + longest
    half = max(half / CLOSEUP_FILL, CLOSEUP_MIN_HALF_M)
    vp = st.viewport
    _, _, w, h = vp.rect
    vp.center_n = float((n.min() + n.max()) / 2.0)
    vp.center_e = float((e.min() + e.max()) / 2.0)
    vp.scale = min(w, h) / 2.0 / half
    return st


def write_png(
    run: str | os.PathLike | Scene,
    path: str | os.PathLike,
    at_s: float | None = None,
    size: tuple[int, int] = DEFAULT_PNG_SIZE,
    follow: str | None = None,
    range_nm: float | None = None,
    score: dict[str, Any] | None = None,
) -> Path:
    """Draw the run at ``at_s`` seconds into a PNG (default: the own ship's first collision or
    grounding, else its closest approach, see Scene.key_time, framed close on the ships
    involved unless ``follow`` or ``range_nm`` say otherwise; see closeup_state)."""
    scene = _scene(run, score)
    size = _check_size(size)
    t = scene.key_time() if at_s is None else float(at_s)
    if not math.isfinite(t):
        raise ExportError("must be a finite number of seconds", field="--at")
    r = Renderer(scene)
    surf = pygame.Surface(size)
    if at_s is None and follow is None and range_nm is None:
        st = closeup_state(scene, r, size, t)
    else:
        st = initial_state(scene, r, size, t, follow, range_nm)
    r.draw(surf, st)
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
        raise ExportError("must be positive", field="--fps")
    dur = scene.duration_s
    if speed is None:
        speed = max(dur / DEFAULT_VIDEO_SECONDS, 1e-3)
    if not (speed > 0 and math.isfinite(speed)):
        raise ExportError("must be positive", field="--speed")
    step = speed / fps
    n = int(math.floor(dur / step + 1e-9)) + 1
    times = [scene.t0 + k * step for k in range(n)]
    if times[-1] < scene.t1 - 1e-9:
        times.append(scene.t1)
    return times, speed


def _frames(
    scene: Scene,
    times: list[float],
    size: tuple[int, int],
    speed: float,
    follow: str | None = None,
    range_nm: float | None = None,
) -> Iterator[pygame.Surface]:
    r = Renderer(scene)
    surf = pygame.Surface(size)
    st = initial_state(scene, r, size, scene.t0, follow, range_nm)
    st.playing, st.speed = True, speed
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
    follow: str | None = None,
    range_nm: float | None = None,
    score: dict[str, Any] | None = None,
) -> int:
    """Write the whole run as an animated GIF (``.gif``, needs Pillow) or an MP4 (``.mp4``,
    needs imageio-ffmpeg). Returns the number of frames written.

    This is the hook for ``autoship run --video-on-fail DIR``: call it with a failing run's
    folder, ``DIR / f"{run_id}.gif"`` and ``score=`` that run's report entry (so the video shows
    why it failed without a score.json on disk).
    """
    scene = _scene(run, score)
    size = _check_size(size)
    out = Path(path)
    ext = out.suffix.lower()
    times, speed = frame_times(scene, fps, speed)
    if ext not in (".gif", ".mp4", ".m4v", ".mov"):
        raise ExportError(
            f"unknown video type {ext or '(none)'!r}: use .gif or .mp4", file=str(out)
        )
    initial_state(scene, Renderer(scene), size, scene.t0, follow, range_nm)  # check early
    frames = _frames(scene, times, size, speed, follow, range_nm)
    out.parent.mkdir(parents=True, exist_ok=True)
    if ext == ".gif":
        return _write_gif(out, frames, size, fps)
    return _write_mp4(out, frames, size, fps)


def _write_gif(
    out: Path, frames: Iterator[pygame.Surface], size: tuple[int, int], fps: float
) -> int:
    if importlib.util.find_spec("PIL") is None:
        raise ExportError("GIF export needs Pillow: pip install 'autoship[viewer]'", file=str(out))
    from PIL import Image

    def pil_frames() -> Iterator[Image.Image]:
        # One palette for the whole file (from the first frame plus every style colour, 255
        # entries), and every pixel equal to the previous frame written as the spare index 255,
        # transparent: frames then differ only where ships, clock and cursor moved, and the
        # long transparent runs compress several times smaller than full frames.
        ref: Image.Image | None = None
        prev: np.ndarray | None = None
        for surf in frames:
            img = Image.frombytes("RGB", size, pygame.image.tobytes(surf, "RGB"))
            if ref is None:
                sample = Image.new("RGB", (size[0], size[1] + 4))
                sample.paste(img, (0, 0))
                for k, c in enumerate(STYLE_COLOURS):
                    sample.paste(c, (4 * k, size[1], 4 * k + 4, size[1] + 4))
                ref = sample.quantize(colors=255, method=Image.Quantize.FASTOCTREE)
            idx = np.asarray(img.quantize(palette=ref, dither=Image.Dither.NONE))
            enc = idx if prev is None else np.where(idx == prev, np.uint8(_CLEAR), idx)
            prev = idx
            frame = Image.fromarray(enc, mode="P")
            frame.putpalette(ref.getpalette())
            yield frame

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
        transparency=_CLEAR,
    )
    return count


def _write_mp4(
    out: Path, frames: Iterator[pygame.Surface], size: tuple[int, int], fps: float
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
        raise ExportError(f"MP4 needs an even size, got {w}x{h}", field="--size")
    writer = imageio_ffmpeg.write_frames(str(out), size, fps=fps, macro_block_size=1)
    writer.send(None)
    count = 0
    try:
        for surf in frames:
            writer.send(pygame.image.tobytes(surf, "RGB"))
            count += 1
    finally:
        writer.close()
    return count
