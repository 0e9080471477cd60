"""The interactive replay window: events in, ViewState changes, one Renderer.draw per frame."""

from __future__ import annotations

import os
import time
from pathlib import Path

from viewer._pg import pygame
from viewer.export import initial_state
from viewer.render import SPEEDS, Renderer, ViewState
from viewer.scene import Scene, load_scene
from viewer.view import contains, format_clock

WHEEL_ZOOM = 1.25
MESSAGE_S = 3.0


class App:
    """State and event handling of the viewer; ``tick`` advances one frame and draws it.

    The window is created by ``open_window``; tests drive an App on an off-screen Surface.
    """

    def __init__(
        self, scene: Scene, surface: pygame.Surface, screenshot_dir: Path | None = None
    ) -> None:
        self.scene = scene
        self.surface = surface
        self.renderer = Renderer(scene)
        self.state = ViewState(
            t=scene.t0, viewport=self.renderer.default_viewport(surface.get_size())
        )
        self.screenshot_dir = screenshot_dir or Path.cwd()
        self.running = True
        self._drag: str | None = None  # "map" or "timeline"
        self._drag_last = (0, 0)
        self._drag_moved = False
        self._message_until = 0.0
        self._mouse = (0, 0)  # last known pointer position (wheel events carry none)

    # ---------------------------------------------------------------- actions
    def toggle_play(self) -> None:
        if not self.state.playing and self.state.t >= self.scene.t1:
            self.state.t = self.scene.t0
        self.state.playing = not self.state.playing

    def set_speed(self, direction: int) -> None:
        cur = self.state.speed
        idx = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - cur))
        idx = min(max(idx + direction, 0), len(SPEEDS) - 1)
        self.state.speed = float(SPEEDS[idx])

    def step(self, records: int) -> None:
        """Move by whole records (the recorded resolution)."""
        t_rec = self.scene.t_rec
        self.state.playing = False
        i, _, f = self.scene.bracket(self.state.t)
        if records > 0:
            j = min(i + records, len(t_rec) - 1)
        else:
            j = max(i + records + (1 if f > 0 else 0), 0)
        self.state.t = float(t_rec[j])

    def seek(self, t: float) -> None:
        self.state.t = self.scene.clamp(t)

    def cycle_follow(self) -> None:
        ships = self.scene.ships
        order = sorted(range(len(ships)), key=lambda i: (ships[i].kind != "own", i))
        cur = self.state.follow
        if cur is None:
            self.state.follow = order[0] if order else None
        else:
            k = order.index(cur) + 1
            self.state.follow = order[k] if k < len(order) else None
        who = ships[self.state.follow].id if self.state.follow is not None else "nobody"
        self.say(f"following {who}")

    def reset_view(self) -> None:
        self.state.follow = None
        self.state.viewport = self.renderer.default_viewport(self.surface.get_size())

    def say(self, message: str) -> None:
        self.state.message = message
        self._message_until = time.monotonic() + MESSAGE_S

    def screenshot(self) -> Path:
        name = f"{self.scene.title}-t{int(round(self.state.t))}s.png"
        path = self.screenshot_dir / name
        pygame.image.save(self.surface, str(path))
        self.say(f"saved {path}")
        return path

    # ---------------------------------------------------------------- events
    def handle(self, ev: pygame.event.Event) -> None:
        st = self.state
        if ev.type == pygame.QUIT:
            self.running = False
        elif ev.type == pygame.KEYDOWN:
            self._key(ev)
        elif ev.type == pygame.MOUSEWHEEL:
            x, y = self._mouse
            if contains(st.viewport.rect, x, y):
                self._zoom(x, y, ev.y)
        elif ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1:
            self._mouse = ev.pos
            self._press(ev.pos)
        elif ev.type == pygame.MOUSEBUTTONUP and ev.button == 1:
            self._release(ev.pos)
        elif ev.type == pygame.MOUSEMOTION:
            self._mouse = ev.pos
            self._motion(ev.pos)

    def _zoom(self, x: float, y: float, clicks: float) -> None:
        st = self.state
        if st.follow is not None:
            # Following keeps the ship centred, so zoom about the centre instead of the cursor.
            x0, y0, w, h = st.viewport.rect
            x, y = x0 + w / 2, y0 + h / 2
        st.viewport.zoom_at(x, y, WHEEL_ZOOM**clicks)

    def _key(self, ev: pygame.event.Event) -> None:
        k = ev.key
        shift = bool(ev.mod & pygame.KMOD_SHIFT)
        st = self.state
        if k in (pygame.K_ESCAPE, pygame.K_q):
            if st.show_help and k == pygame.K_ESCAPE:
                st.show_help = False
            else:
                self.running = False
        elif k == pygame.K_SPACE:
            self.toggle_play()
        elif k == pygame.K_RIGHT:
            self.seek(st.t + 60.0) if shift else self.step(1)
        elif k == pygame.K_LEFT:
            self.seek(st.t - 60.0) if shift else self.step(-1)
        elif k in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS, pygame.K_RIGHTBRACKET):
            self.set_speed(+1)
        elif k in (pygame.K_MINUS, pygame.K_KP_MINUS, pygame.K_LEFTBRACKET):
            self.set_speed(-1)
        elif k == pygame.K_HOME:
            self.seek(self.scene.t0)
        elif k == pygame.K_END:
            self.seek(self.scene.t1)
        elif k == pygame.K_f:
            if shift:
                st.follow = None
                self.say("follow off")
            else:
                self.cycle_follow()
        elif k == pygame.K_r:
            self.reset_view()
        elif k == pygame.K_l:
            st.show_labels = not st.show_labels
        elif k == pygame.K_s:
            self.screenshot()
        elif k in (pygame.K_h, pygame.K_F1, pygame.K_QUESTION):
            st.show_help = not st.show_help

    def _press(self, pos: tuple[int, int]) -> None:
        st = self.state
        tl = self.renderer.timeline
        x, y = pos
        if tl is not None and contains(tl.rect, x, y):
            mark = tl.mark_at(x, y)
            if mark is not None:
                self.seek(mark.event.t_s)
                self.say(f"{format_clock(mark.event.t_s)} {mark.event.label}")
            else:
                self._drag = "timeline"
                self.seek(tl.t_of(x))
        elif contains(st.viewport.rect, x, y):
            self._drag = "map"
        self._drag_last = pos
        self._drag_moved = False

    def _release(self, pos: tuple[int, int]) -> None:
        if self._drag == "map" and not self._drag_moved:
            # A click (no drag) on a ship follows it.
            k = self.renderer.ship_at(self.state, *pos)
            if k is not None:
                self.state.follow = k
                self.say(f"following {self.scene.ships[k].id}")
        self._drag = None

    def _motion(self, pos: tuple[int, int]) -> None:
        st = self.state
        tl = self.renderer.timeline
        if self._drag == "timeline" and tl is not None:
            self.seek(tl.t_of(pos[0]))
        elif self._drag == "map":
            dx, dy = pos[0] - self._drag_last[0], pos[1] - self._drag_last[1]
            if dx or dy:
                st.follow = None  # dragging the chart takes over from following
                st.viewport.pan(dx, dy)
                self._drag_moved = True
        self._drag_last = pos
        if tl is not None:
            m = tl.mark_at(*pos)
            st.hover_mark = tl.marks.index(m) if m is not None else None
            b = tl.bar_at(*pos) if m is None else None
            st.hover_bar = tl.bars.index(b) if b is not None else None
        in_map = self._drag is None and contains(st.viewport.rect, *pos)
        st.hover_ship = self.renderer.ship_at(st, *pos) if in_map else None

    # ---------------------------------------------------------------- frame
    def resize(self, surface: pygame.Surface) -> None:
        self.surface = surface

    def tick(self, dt_wall: float) -> None:
        """Advance play time by ``dt_wall`` seconds of wall time and draw one frame."""
        st = self.state
        if st.playing:
            st.t = min(st.t + dt_wall * st.speed, self.scene.t1)
            if st.t >= self.scene.t1:
                st.playing = False
        if st.message and time.monotonic() > self._message_until:
            st.message = ""
        self.renderer.draw(self.surface, st)


def open_window(
    run: str | os.PathLike | Scene,
    size: tuple[int, int] = (1280, 800),
    score_path: str | os.PathLike | None = None,
    max_fps: int = 60,
    follow: str | None = None,
    range_nm: float | None = None,
    max_frames: int | None = None,
) -> None:
    """Open the replay window and run until the user closes it (or ``max_frames`` frames have
    been shown: a smoke test under the dummy video driver)."""
    scene = run if isinstance(run, Scene) else load_scene(run, score_path)
    pygame.display.init()
    pygame.font.init()
    try:
        pygame.display.set_caption(f"autoship view - {scene.title}")
        screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        app = App(scene, screen)
        app.state = initial_state(
            scene, app.renderer, screen.get_size(), scene.t0, follow, range_nm
        )
        clock = pygame.time.Clock()
        frames = 0
        while app.running and (max_frames is None or frames < max_frames):
            frames += 1
            for ev in pygame.event.get():
                if ev.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                    app.resize(pygame.display.get_surface())
                app.handle(ev)
            dt = clock.tick(max_fps) / 1000.0
            app.tick(dt)
            pygame.display.flip()
    finally:
        pygame.display.quit()
