"""World <-> screen transform, window layout and the timeline geometry (pure, no pygame)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from viewer.scene import EncounterWindow, Event

Rect = tuple[int, int, int, int]  # x, y, w, h

MIN_SCALE = 1e-4  # px per m: ~2,700 NM across 500 px
MAX_SCALE = 50.0  # px per m: a 10 m boat 500 px long

# Nice lengths for the scale bar, in nautical miles.
SCALE_BAR_NM = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)


@dataclass
class Viewport:
    """Maps local (north, east) metres to pixels in ``rect``; north is up, east is right."""

    rect: Rect
    center_n: float = 0.0
    center_e: float = 0.0
    scale: float = 0.1  # px per metre

    def to_screen(self, north: np.ndarray, east: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x0, y0, w, h = self.rect
        x = x0 + w / 2.0 + (np.asarray(east) - self.center_e) * self.scale
        y = y0 + h / 2.0 - (np.asarray(north) - self.center_n) * self.scale
        return x, y

    def point(self, north: float, east: float) -> tuple[float, float]:
        x0, y0, w, h = self.rect
        return (
            x0 + w / 2.0 + (east - self.center_e) * self.scale,
            y0 + h / 2.0 - (north - self.center_n) * self.scale,
        )

    def to_world(self, x: float, y: float) -> tuple[float, float]:
        """(north, east) of a pixel."""
        x0, y0, w, h = self.rect
        east = self.center_e + (x - x0 - w / 2.0) / self.scale
        north = self.center_n - (y - y0 - h / 2.0) / self.scale
        return north, east

    def zoom_at(self, x: float, y: float, factor: float) -> None:
        """Zoom by ``factor`` keeping the world point under pixel (x, y) fixed."""
        n, e = self.to_world(x, y)
        new = min(max(self.scale * factor, MIN_SCALE), MAX_SCALE)
        self.scale = new
        n2, e2 = self.to_world(x, y)
        self.center_n += n - n2
        self.center_e += e - e2

    def pan(self, dx: float, dy: float) -> None:
        """Move the picture by (dx, dy) pixels (drag direction)."""
        self.center_e -= dx / self.scale
        self.center_n += dy / self.scale

    def fit(self, bounds: tuple[float, float, float, float], margin: float = 0.08) -> None:
        """Show (north_min, north_max, east_min, east_max) with a fractional margin."""
        n0, n1, e0, e1 = bounds
        _, _, w, h = self.rect
        span_n = max(n1 - n0, 200.0)
        span_e = max(e1 - e0, 200.0)
        usable_w = max(w * (1.0 - 2.0 * margin), 1.0)
        usable_h = max(h * (1.0 - 2.0 * margin), 1.0)
        self.scale = min(max(min(usable_w / span_e, usable_h / span_n), MIN_SCALE), MAX_SCALE)
        self.center_n = (n0 + n1) / 2.0
        self.center_e = (e0 + e1) / 2.0

    def visible_world(self) -> tuple[float, float, float, float]:
        x0, y0, w, h = self.rect
        n_top, e_left = self.to_world(x0, y0)
        n_bot, e_right = self.to_world(x0 + w, y0 + h)
        return n_bot, n_top, e_left, e_right


def scale_bar(scale_px_per_m: float, max_px: float = 160.0) -> tuple[float, float]:
    """The longest nice length (NM) whose bar fits in ``max_px``; returns (nm, pixels)."""
    px_per_nm = scale_px_per_m * 1852.0
    best = SCALE_BAR_NM[0]
    for nm in SCALE_BAR_NM:
        if nm * px_per_nm <= max_px:
            best = nm
    return best, best * px_per_nm


@dataclass(frozen=True)
class Layout:
    """Regions of the window: the chart, the side panel and the timeline strip."""

    width: int
    height: int

    @property
    def panel_w(self) -> int:
        return 300 if self.width >= 900 else max(200, self.width // 3)

    @property
    def timeline_h(self) -> int:
        return 64

    @property
    def map(self) -> Rect:
        return (0, 0, max(self.width - self.panel_w, 1), max(self.height - self.timeline_h, 1))

    @property
    def panel(self) -> Rect:
        return (self.width - self.panel_w, 0, self.panel_w, max(self.height - self.timeline_h, 1))

    @property
    def timeline(self) -> Rect:
        return (0, self.height - self.timeline_h, self.width, self.timeline_h)


def contains(rect: Rect, x: float, y: float) -> bool:
    rx, ry, rw, rh = rect
    return rx <= x < rx + rw and ry <= y < ry + rh


@dataclass(frozen=True)
class Mark:
    x: float
    event: Event


@dataclass(frozen=True)
class Bar:
    """An encounter window on the timeline: x from x0 to x1 in lane ``lane``."""

    x0: float
    x1: float
    lane: int
    window: EncounterWindow


class Timeline:
    """Time axis along the bottom strip: one mark per event, and encounter windows as bars in
    up to ``LANES`` lanes above the marks."""

    PAD = 16  # px at either end of the axis
    HIT_PX = 6.0
    LANES = 2
    LANE_TOP = 18  # px below the strip's top
    LANE_H = 4
    MARK_TOP = 27  # top of the event triangles, below the lanes

    def __init__(
        self,
        rect: Rect,
        t0: float,
        t1: float,
        events: list[Event],
        windows: list[EncounterWindow] | None = None,
    ) -> None:
        self.rect = rect
        self.t0 = t0
        self.t1 = t1 if t1 > t0 else t0 + 1.0
        x, y, w, h = rect
        self.x_left = x + self.PAD
        self.x_right = x + w - self.PAD
        self.axis_y = y + h - 22
        self.marks = [Mark(self.x_of(e.t_s), e) for e in events]
        # Greedy lanes: a window goes to the first lane free at its start; extra ones share
        # the last lane (their labels still show on hover).
        self.bars: list[Bar] = []
        ends = [-math.inf] * self.LANES
        for win in windows or []:
            x0, x1 = self.x_of(win.t0), max(self.x_of(win.t1), self.x_of(win.t0) + 2)
            lane = next((i for i in range(self.LANES) if ends[i] < x0), self.LANES - 1)
            ends[lane] = max(ends[lane], x1)
            self.bars.append(Bar(x0, x1, lane, win))

    def lane_y(self, lane: int) -> int:
        return self.rect[1] + self.LANE_TOP + lane * (self.LANE_H + 1)

    def bar_at(self, x: float, y: float) -> Bar | None:
        """The encounter bar under (x, y) (a few pixels of slack vertically)."""
        for b in self.bars:
            ly = self.lane_y(b.lane)
            if b.x0 - 2 <= x <= b.x1 + 2 and ly - 2 <= y <= ly + self.LANE_H + 1:
                return b
        return None

    def x_of(self, t: float) -> float:
        f = (min(max(t, self.t0), self.t1) - self.t0) / (self.t1 - self.t0)
        return self.x_left + f * (self.x_right - self.x_left)

    def t_of(self, x: float) -> float:
        f = (x - self.x_left) / max(self.x_right - self.x_left, 1.0)
        return self.t0 + min(max(f, 0.0), 1.0) * (self.t1 - self.t0)

    def mark_at(self, x: float, y: float) -> Mark | None:
        """The mark nearest to (x, y) within a few pixels (marks sit above the axis)."""
        if not contains(self.rect, x, y):
            return None
        best, best_d = None, self.HIT_PX
        for m in self.marks:
            d = abs(m.x - x)
            if d <= best_d:
                best, best_d = m, d
        return best

    def ticks(self, min_px: float = 70.0) -> list[tuple[float, str]]:
        """Tick positions and labels at a nice step with at least ``min_px`` between them."""
        span = self.t1 - self.t0
        px = max(self.x_right - self.x_left, 1.0)
        steps = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200)
        step = steps[-1]
        for s in steps:
            if s / span * px >= min_px:
                step = s
                break
        first = math.ceil(self.t0 / step) * step
        out = []
        t = first
        while t <= self.t1 + 1e-9:
            out.append((self.x_of(t), format_clock(t)))
            t += step
        return out


def format_clock(t_s: float) -> str:
    """Seconds as m:ss below an hour, h:mm:ss above."""
    t = int(round(max(t_s, 0.0)))
    h, rem = divmod(t, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
