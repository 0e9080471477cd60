"""Draws a scene at one time onto any pygame Surface (a window or an off-screen surface)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from autoship.units import NAUTICAL_MILE, ms_to_kn
from viewer._pg import pygame
from viewer.scene import (
    AUTONOMOUS,
    DOMAIN_ACROSS_L,
    DOMAIN_ALONG_L,
    OWN,
    REPLAYED,
    TRAFFIC,
    Cpa,
    EncounterLabel,
    Event,
    Poses,
    Scene,
)
from viewer.view import Layout, Rect, Timeline, Viewport, format_clock, scale_bar

Colour = tuple[int, int, int]

# Chart colours after the ECDIS day palette (S-52 idea: land buff, shallow water darker blue,
# deep water near white), so a mariner reads them without a legend.
WATER = {0: (163, 196, 150), 1: (150, 196, 232), 2: (201, 226, 245), 3: (238, 245, 250)}
LAND = (222, 206, 160)
LAND_EDGE = (150, 130, 90)
HAZARD = (200, 0, 120)
HAZARD_PT = (190, 90, 160)  # obstructions, wrecks, rocks shallower than the safety depth

# Ship kinds: orange / purple / green are told apart by colour-blind viewers too
# (ColorBrewer Dark2), and each kind also has its own symbol shape. Ships under test (own,
# autonomous) are saturated; scripted traffic is grey, as is everything the referee does not
# judge.
KIND_COLOUR: dict[str, Colour] = {
    OWN: (230, 97, 1),
    AUTONOMOUS: (94, 60, 153),
    TRAFFIC: (112, 118, 128),
    REPLAYED: (0, 128, 96),
}
KIND_LABEL = {
    OWN: "own ship (under test)",
    AUTONOMOUS: "autonomous ship (under test)",
    TRAFFIC: "traffic (not under test)",
    REPLAYED: "replayed AIS traffic",
}
# Events among traffic ships only: drawn in this muted grey, thinner, and named as traffic.
TRAFFIC_EVENT = (150, 150, 158)
EXPECTED = (0, 110, 150)  # a negative test's expected collision or grounding: not a failure
CPA_COLOUR = (210, 0, 0)
# Encounter windows on the timeline, by the own ship's role.
ROLE_COLOUR: dict[str, Colour] = {
    "give-way": (255, 170, 60),
    "stand-on": (120, 180, 255),
    "both": (230, 220, 90),
}
TEXT = (20, 24, 32)
TEXT_DIM = (90, 96, 110)
PANEL_BG = (244, 245, 247)
PANEL_EDGE = (190, 194, 200)
TL_BG = (38, 42, 50)
TL_AXIS = (120, 126, 138)
TL_TEXT = (225, 228, 235)
TL_PLAYED = (200, 206, 218)
PASS = (0, 130, 60)
FAIL = (200, 0, 0)

EVENT_COLOUR: dict[str, Colour] = {
    "collision": (235, 30, 30),
    "grounding": (170, 100, 30),
    "near_miss": (255, 150, 0),
    "rule_penalty": (220, 60, 220),
    "first_manoeuvre": (60, 200, 90),
    "handover": (40, 190, 200),
    "fallback": (170, 170, 170),
    "planner_error": (255, 255, 255),
}

POINTS_MIN_SCALE = 0.04  # px per m: 1 NM is about 75 px


def _style_colours() -> list[Colour]:
    cols = [*WATER.values(), LAND, LAND_EDGE, HAZARD, HAZARD_PT, *KIND_COLOUR.values(), CPA_COLOUR]
    cols += [TEXT, TEXT_DIM, PANEL_BG, PANEL_EDGE, TL_BG, TL_AXIS, TL_TEXT, PASS, FAIL]
    cols += [TRAFFIC_EVENT, EXPECTED]
    cols += [*EVENT_COLOUR.values(), *ROLE_COLOUR.values(), (255, 255, 255), TL_PLAYED]
    return list(dict.fromkeys(cols))


STYLE_COLOURS = _style_colours()  # every flat colour the renderer uses (GIF palettes)

FLASH_KINDS = ("collision", "grounding", "near_miss")


def event_colour(ev: Event) -> Colour:
    """Traffic events muted, a negative test's expected ones in EXPECTED, others by kind."""
    if ev.traffic:
        return TRAFFIC_EVENT
    if ev.expected:
        return EXPECTED
    return EVENT_COLOUR.get(ev.kind, (200, 200, 200))


VECTOR_S = 360.0  # speed vector length in seconds: 6 min, a common ECDIS default
TRAIL_S = 900.0  # fading track: the last 15 min
TRAIL_CHUNKS = 4
HULL_MIN_PX = 24.0  # draw the hull to scale once it is at least this long on screen
SYMBOL_PX = 7.0
MAX_FORCED_LABELS = 4  # encounter labels drawn even where they must overlap others

SPEEDS = (0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)

HELP_LINES = (
    ("Space", "play / pause"),
    ("Left / Right", "step back / forward one record"),
    ("Shift + Left / Right", "jump 1 minute"),
    ("+ / -", "faster / slower (0.25x to 1000x)"),
    ("Home / End", "start / end of the run"),
    ("Wheel", "zoom around the cursor"),
    ("Drag chart", "pan"),
    ("Drag timeline", "scrub; click a mark to jump to it"),
    ("F", "follow next ship (own first); Shift+F stop"),
    ("R", "reset the view"),
    ("L", "ship labels on / off"),
    ("S", "screenshot (PNG in the current folder)"),
    ("H or F1", "this help"),
    ("Esc / Q", "quit"),
)


@dataclass
class ViewState:
    """What the user controls; the renderer only reads it."""

    t: float
    viewport: Viewport
    playing: bool = False
    speed: float = 1.0
    follow: int | None = None
    show_help: bool = False
    show_labels: bool = True
    message: str = ""
    hover_mark: int | None = None
    hover_ship: int | None = None
    hover_bar: int | None = None
    mouse: tuple[int, int] = (0, 0)


def blend(c: Colour, bg: Colour, a: float) -> Colour:
    return (
        int(bg[0] + (c[0] - bg[0]) * a),
        int(bg[1] + (c[1] - bg[1]) * a),
        int(bg[2] + (c[2] - bg[2]) * a),
    )


class TextCache:
    """Rendered text surfaces keyed by (text, size, colour); fonts are the pygame default."""

    def __init__(self) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self._fonts: dict[int, pygame.font.Font] = {}
        self._cache: dict[tuple[str, int, Colour], pygame.Surface] = {}

    def font(self, size: int) -> pygame.font.Font:
        f = self._fonts.get(size)
        if f is None:
            f = pygame.font.Font(None, size)
            self._fonts[size] = f
        return f

    def get(self, text: str, size: int = 18, colour: Colour = TEXT) -> pygame.Surface:
        key = (text, size, colour)
        s = self._cache.get(key)
        if s is None:
            if len(self._cache) > 4000:
                self._cache.clear()
            s = self.font(size).render(text, True, colour)
            self._cache[key] = s
        return s

    def wrap(self, text: str, width: int, size: int = 18) -> list[str]:
        """Split ``text`` at spaces into lines no wider than ``width`` pixels."""
        f = self.font(size)
        lines: list[str] = []
        cur = ""
        for word in text.split():
            trial = f"{cur} {word}" if cur else word
            if f.size(trial)[0] <= width or not cur:
                cur = trial
            else:
                lines.append(cur)
                cur = word
        if cur:
            lines.append(cur)
        return lines

    def fit(self, text: str, width: int, size: int = 18) -> str:
        """Cut ``text`` with an ellipsis so it fits ``width`` pixels."""
        f = self.font(size)
        if f.size(text)[0] <= width:
            return text
        while text and f.size(text + "...")[0] > width:
            text = text[:-1]
        return text + "..."


def _clip_edge(P: np.ndarray, axis: int, bound: float, keep_less: bool) -> np.ndarray:
    """One Sutherland-Hodgman pass: keep the part of polygon P on one side of a line."""
    if len(P) == 0:
        return P
    prev = np.roll(P, 1, axis=0)
    ci = P[:, axis] <= bound if keep_less else P[:, axis] >= bound
    pi = np.roll(ci, 1)
    cross = ci != pi
    den = P[:, axis] - prev[:, axis]
    tt = np.where(cross, (bound - prev[:, axis]) / np.where(cross, den, 1.0), 0.0)
    inter = prev + tt[:, None] * (P - prev)
    out = np.empty((2 * len(P), 2))
    mask = np.empty(2 * len(P), dtype=bool)
    out[0::2], mask[0::2] = inter, cross
    out[1::2], mask[1::2] = P, ci
    return out[mask]


def clip_polygon(P: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """Polygon P (k, 2) clipped to the rectangle [x0, x1] x [y0, y1] (Sutherland-Hodgman).

    pygame's polygon fill slows down with the polygon's full extent, and a zoomed-in chart area
    can span millions of pixels; clipped to the surface it fills in milliseconds.
    """
    P = np.asarray(P, dtype=float)
    P = _clip_edge(P, 0, x0, keep_less=False)
    P = _clip_edge(P, 0, x1, keep_less=True)
    P = _clip_edge(P, 1, y0, keep_less=False)
    return _clip_edge(P, 1, y1, keep_less=True)


class ChartCache:
    """The chart drawn once per zoom level onto a surface larger than the view, then blitted;
    panning and following only redraw it when the view leaves the cached area."""

    def __init__(self, scene: Scene) -> None:
        c = scene.chart
        self.layers = c
        rings: list[np.ndarray] = [r for r, _ in c.depth] + list(c.land) + list(c.hazard)
        self.n_depth = len(c.depth)
        self.n_land = len(c.land)
        self.shades = [s for _, s in c.depth]
        if rings:
            self.verts = np.concatenate(rings)
            self.offsets = np.cumsum([0] + [len(r) for r in rings])
            self.bbox = np.array(
                [(r[:, 0].min(), r[:, 0].max(), r[:, 1].min(), r[:, 1].max()) for r in rings]
            )
        else:
            self.verts = np.zeros((0, 2))
            self.offsets = np.zeros(1, dtype=int)
            self.bbox = np.zeros((0, 4))
        self.surface: pygame.Surface | None = None
        self.vp: Viewport | None = None
        self.renders = 0

    def _render(self, vp: Viewport) -> None:
        _, _, w, h = vp.rect
        W, H = 2 * w, 2 * h
        cvp = Viewport((0, 0, W, H), vp.center_n, vp.center_e, vp.scale)
        surf = pygame.Surface((W, H))
        surf.fill(WATER[3])
        n0, n1, e0, e1 = cvp.visible_world()
        if len(self.bbox):
            vis = (
                (self.bbox[:, 1] >= e0)
                & (self.bbox[:, 0] <= e1)
                & (self.bbox[:, 3] >= n0)
                & (self.bbox[:, 2] <= n1)
            )
            xs, ys = cvp.to_screen(self.verts[:, 1], self.verts[:, 0])
            pts = np.column_stack([np.rint(xs), np.rint(ys)]).astype(np.int64)
            for i in np.where(vis)[0]:
                a, b = self.offsets[i], self.offsets[i + 1]
                p = pts[a:b]
                # Consecutive vertices on the same pixel add nothing but drawing time.
                keep = np.ones(len(p), dtype=bool)
                keep[1:] = (p[1:] != p[:-1]).any(axis=1)
                p = p[keep]
                if len(p) < 3:
                    continue
                if p.min() < -2 or p[:, 0].max() > W + 2 or p[:, 1].max() > H + 2:
                    # Borders land just outside the surface, so no outline shows along them.
                    p = clip_polygon(p, -2, -2, W + 2, H + 2)
                    if len(p) < 3:
                        continue
                poly = p.tolist()
                if i < self.n_depth:
                    pygame.draw.polygon(surf, WATER[self.shades[i]], poly)
                elif i < self.n_depth + self.n_land:
                    pygame.draw.polygon(surf, LAND, poly)
                    pygame.draw.lines(surf, LAND_EDGE, True, poly)
                else:
                    pygame.draw.lines(surf, HAZARD, True, poly, 2)
        # Point hazards only once zoomed in; overviews would drown in them.
        points = self.layers.points if vp.scale >= POINTS_MIN_SCALE else []
        for e, n, _kind in points:
            x, y = cvp.point(n, e)
            if 0 <= x < W and 0 <= y < H:
                pygame.draw.line(surf, HAZARD_PT, (x - 2, y - 2), (x + 2, y + 2))
                pygame.draw.line(surf, HAZARD_PT, (x - 2, y + 2), (x + 2, y - 2))
        self.surface = surf
        self.vp = cvp
        self.renders += 1

    def draw(self, target: pygame.Surface, vp: Viewport) -> None:
        x0, y0, w, h = vp.rect
        ok = (
            self.surface is not None
            and self.vp is not None
            and self.vp.scale == vp.scale
            and self.surface.get_size() == (2 * w, 2 * h)
        )
        if ok:
            assert self.vp is not None
            sx, sy = vp.point(*self.vp.to_world(0, 0))
            ok = sx <= x0 + 0.5 and sy <= y0 + 0.5 and sx + 2 * w >= x0 + w and sy + 2 * h >= y0 + h
        if not ok:
            self._render(vp)
            assert self.vp is not None
            sx, sy = vp.point(*self.vp.to_world(0, 0))
        assert self.surface is not None
        target.blit(self.surface, (round(sx), round(sy)))


class LabelPlacer:
    """Greedy label placement: a label goes to the first free candidate spot, or is dropped."""

    def __init__(self, bounds: Rect) -> None:
        self.bounds = pygame.Rect(bounds)
        self.taken: list[pygame.Rect] = []

    def block(self, rect: pygame.Rect) -> None:
        self.taken.append(rect)

    def place(
        self, anchor: pygame.Rect, w: int, h: int, gap: int = 4, far: bool = False
    ) -> pygame.Rect | None:
        """Try spots around ``anchor`` (right, above/below right, left, above, below); with
        ``far`` also spots stepped further up and down on either side before giving up."""
        a = anchor
        cands = [
            (a.right + gap, a.centery - h / 2),
            (a.right + gap, a.top - h + 2),
            (a.right + gap, a.bottom - 2),
            (a.left - gap - w, a.centery - h / 2),
            (a.centerx - w / 2, a.top - gap - h),
            (a.centerx - w / 2, a.bottom + gap),
            (a.left - gap - w, a.top - h + 2),
            (a.left - gap - w, a.bottom - 2),
        ]
        if far:
            for k in range(1, 8):
                dy = k * (h + 2)
                for cx in (a.right + gap, a.left - gap - w):
                    cands += [(cx, a.centery - h / 2 - dy), (cx, a.centery - h / 2 + dy)]
        for cx, cy in cands:
            r = pygame.Rect(round(cx), round(cy), w, h)
            if not self.bounds.contains(r):
                continue
            if r.collidelist(self.taken) == -1:
                self.taken.append(r)
                return r
        return None


def _hull(length: float, beam: float) -> np.ndarray:
    """Hull outline in ship axes (forward, starboard) metres: pointed bow, square stern."""
    L, B = length, beam
    return np.array(
        [
            (0.5 * L, 0.0),
            (0.3 * L, 0.5 * B),
            (-0.5 * L, 0.5 * B),
            (-0.5 * L, -0.5 * B),
            (0.3 * L, -0.5 * B),
        ]
    )


def _rotate(fwd: np.ndarray, stb: np.ndarray, psi: float) -> tuple[np.ndarray, np.ndarray]:
    """Ship axes to (north, east) offsets for heading psi (clockwise from north)."""
    c, s = math.cos(psi), math.sin(psi)
    return fwd * c - stb * s, fwd * s + stb * c


def _dashed(
    surf: pygame.Surface, colour: Colour, a: tuple, b: tuple, dash: float = 6.0, width: int = 1
) -> None:
    ax, ay = a
    bx, by = b
    length = math.hypot(bx - ax, by - ay)
    if length < 1.0:
        return
    n = int(length // dash)
    ux, uy = (bx - ax) / length, (by - ay) / length
    for k in range(0, n + 1, 2):
        s0 = k * dash
        s1 = min(s0 + dash, length)
        pygame.draw.line(
            surf, colour, (ax + ux * s0, ay + uy * s0), (ax + ux * s1, ay + uy * s1), width
        )


def fmt_course(course_deg: float, sog_ms: float) -> str:
    """Course over ground, or dashes when the ship is (nearly) stopped and COG means nothing."""
    return f"{course_deg:05.1f}°" if sog_ms >= 0.05 else "---.-°"


def fmt_nm(d_m: float) -> str:
    nm = d_m / NAUTICAL_MILE
    return f"{nm:.2f} NM" if nm < 10 else f"{nm:.1f} NM"


class Renderer:
    """Draws a Scene; keeps caches (chart image, text) between frames."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.text = TextCache()
        self.chart = ChartCache(scene)
        self.timeline: Timeline | None = None
        self._timeline_key: tuple | None = None
        self._panel_text_w = 276

    # ------------------------------------------------------------------ helpers
    def layout(self, surf: pygame.Surface) -> Layout:
        w, h = surf.get_size()
        return Layout(w, h)

    def timeline_for(self, rect: Rect) -> Timeline:
        if self.timeline is None or self._timeline_key != rect:
            s = self.scene
            self.timeline = Timeline(rect, s.t0, s.t1, s.events, s.encounter_windows())
            self._timeline_key = rect
        return self.timeline

    def default_viewport(self, size: tuple[int, int]) -> Viewport:
        vp = Viewport(Layout(*size).map)
        vp.fit(self.scene.bounds())
        return vp

    def ship_at(self, st: ViewState, x: float, y: float, radius: float = 12.0) -> int | None:
        """Index of the ship drawn nearest to pixel (x, y) within ``radius``, else None."""
        p = self.scene.poses(st.t)
        xs, ys = st.viewport.to_screen(p.north, p.east)
        d = np.hypot(xs - x, ys - y)
        d = np.where(p.present, d, np.inf)
        if d.size == 0:
            return None
        k = int(np.argmin(d))
        return k if d[k] <= radius else None

    # ------------------------------------------------------------------ frame
    def draw(self, surf: pygame.Surface, st: ViewState) -> None:
        lay = self.layout(surf)
        vp = st.viewport
        vp.rect = lay.map
        scene = self.scene
        t = scene.clamp(st.t)
        poses = scene.poses(t)
        if st.follow is not None and poses.present[st.follow]:
            vp.center_n = float(poses.north[st.follow])
            vp.center_e = float(poses.east[st.follow])
        surf.set_clip(pygame.Rect(lay.map))
        self.chart.draw(surf, vp)
        cpa = scene.cpa(t, poses)
        encs = scene.encounters(t)
        self._trails(surf, vp, t)
        self._domain(surf, vp, poses)
        if cpa is not None:
            self._cpa_lines(surf, vp, poses, cpa)
        placer = LabelPlacer(lay.map)
        boxes = self._ships(surf, vp, poses, t)
        for r in boxes.values():
            placer.block(r)
        self._scale_and_north(surf, vp, placer)
        if cpa is not None:
            self._cpa_label(surf, vp, cpa, placer)
        self._event_flash(surf, vp, poses, placer)
        self._labels(surf, vp, poses, encs, placer, st.show_labels, t, boxes)
        if st.hover_ship is not None and poses.present[st.hover_ship]:
            self._tooltip(surf, vp, poses, st)
        surf.set_clip(None)
        self._panel(surf, lay.panel, poses, cpa, encs, st)
        self._timeline(surf, lay.timeline, st)
        if st.message:
            self._toast(surf, lay.map, st.message)
        if st.show_help:
            self._help(surf, lay)

    # ------------------------------------------------------------------ map layers
    def _trails(self, surf: pygame.Surface, vp: Viewport, t: float) -> None:
        north, east = self.scene.trail(t, TRAIL_S)
        if north.shape[0] < 2:
            return
        xs, ys = vp.to_screen(north, east)
        k = north.shape[0]
        bounds = np.linspace(0, k - 1, TRAIL_CHUNKS + 1).round().astype(int).tolist()
        ok_all = (np.isfinite(xs) & np.isfinite(ys)).all(axis=0)
        # (ship, point, xy) once for all ships: per-ship numpy calls dominate otherwise.
        pts = np.stack([xs.T, ys.T], axis=-1)
        shades = {
            kind: [
                blend(col, WATER[3], 0.2 + 0.6 * (c + 1) / TRAIL_CHUNKS)
                for c in range(TRAIL_CHUNKS)
            ]
            for kind, col in KIND_COLOUR.items()
        }
        good_all = np.isfinite(pts).all(axis=2)  # (ship, point)
        n_good = good_all.sum(axis=1)
        first = np.argmax(good_all, axis=1)
        last = k - 1 - np.argmax(good_all[:, ::-1], axis=1)
        for s in self.scene.ships:
            i = s.index
            shade = shades[s.kind_at(t)]
            if n_good[i] < 2:
                continue
            if ok_all[i] or n_good[i] == last[i] - first[i] + 1:
                # One unbroken piece (also a ship heard late or lost early): chunks clipped to it.
                f, g = int(first[i]), int(last[i])
                line = pts[i].tolist()
                for c in range(TRAIL_CHUNKS):
                    a, b = max(bounds[c], f), min(bounds[c + 1], g)
                    if b > a:
                        pygame.draw.lines(surf, shade[c], False, line[a : b + 1], 2)
                continue
            # Several pieces (gaps in a replayed track): draw each piece.
            good = good_all[i]
            for c in range(TRAIL_CHUNKS):
                a, b = bounds[c], bounds[c + 1]
                if b <= a:
                    continue
                g = good[a : b + 1]
                edges = np.diff(np.concatenate([[0], g.astype(np.int8), [0]]))
                for s0, s1 in zip(np.where(edges == 1)[0], np.where(edges == -1)[0], strict=True):
                    if s1 - s0 >= 2:
                        pygame.draw.lines(
                            surf, shade[c], False, pts[i, a + s0 : a + s1].tolist(), 2
                        )

    def _domain(self, surf: pygame.Surface, vp: Viewport, p: Poses) -> None:
        o = self.scene.own_index
        if o is None or not p.present[o]:
            return
        L = self.scene.ships[o].length_m
        if L <= 0:
            return
        th = np.linspace(0.0, 2.0 * math.pi, 48, endpoint=False)
        fwd = DOMAIN_ALONG_L * L * np.cos(th)
        stb = DOMAIN_ACROSS_L * L * np.sin(th)
        dn, de = _rotate(fwd, stb, float(p.heading[o]))
        xs, ys = vp.to_screen(p.north[o] + dn, p.east[o] + de)
        if np.ptp(xs) < 6 and np.ptp(ys) < 6:
            return
        pts = np.column_stack([xs, ys]).tolist()
        pygame.draw.lines(surf, blend(KIND_COLOUR[OWN], WATER[3], 0.7), True, pts, 1)

    def _ships(
        self, surf: pygame.Surface, vp: Viewport, p: Poses, t: float
    ) -> dict[int, pygame.Rect]:
        xs, ys = vp.to_screen(p.north, p.east)
        vx, vy = vp.to_screen(p.north + p.vn * VECTOR_S, p.east + p.ve * VECTOR_S)
        boxes: dict[int, pygame.Rect] = {}
        order = sorted(self.scene.ships, key=lambda s: s.kind == OWN)  # own ship on top
        x0, y0, w, h = vp.rect
        for s in order:
            i = s.index
            if not p.present[i]:
                continue
            x, y = float(xs[i]), float(ys[i])
            if not (x0 - 200 < x < x0 + w + 200 and y0 - 200 < y < y0 + h + 200):
                continue
            col = KIND_COLOUR[s.kind_at(t)]
            kind = s.kind_at(t)
            pygame.draw.line(surf, col, (x, y), (float(vx[i]), float(vy[i])), 1)
            psi = float(p.heading[i])
            L, B = s.length_m, s.beam_m
            if L * vp.scale >= HULL_MIN_PX and B > 0:
                hull = _hull(L, B)
                dn, de = _rotate(hull[:, 0], hull[:, 1], psi)
                hx, hy = vp.to_screen(p.north[i] + dn, p.east[i] + de)
                pts = np.column_stack([hx, hy]).tolist()
                fill = col if kind != REPLAYED else blend(col, (255, 255, 255), 0.45)
                pygame.draw.polygon(surf, fill, pts)
                pygame.draw.polygon(surf, blend(col, (0, 0, 0), 0.6), pts, 1)
                r = pygame.Rect(
                    int(hx.min()), int(hy.min()), int(np.ptp(hx)) + 1, int(np.ptp(hy)) + 1
                )
            else:
                r = self._symbol(surf, x, y, psi, col, kind)
            boxes[i] = r
        return boxes

    def _symbol(
        self, surf: pygame.Surface, x: float, y: float, psi: float, col: Colour, kind: str
    ) -> pygame.Rect:
        S = SYMBOL_PX
        hx, hy = math.sin(psi), -math.cos(psi)  # heading as a screen unit vector
        if kind == OWN:
            # ECDIS own-ship symbol: two concentric circles and a heading line.
            pygame.draw.circle(surf, col, (x, y), S + 1, 2)
            pygame.draw.circle(surf, col, (x, y), 3)
            pygame.draw.line(surf, col, (x, y), (x + hx * 3.2 * S, y + hy * 3.2 * S), 2)
        else:
            # AIS target triangle pointing along the heading; replayed targets hollow.
            px, py = -hy, hx
            pts = [
                (x + hx * 1.5 * S, y + hy * 1.5 * S),
                (x - hx * S + px * 0.8 * S, y - hy * S + py * 0.8 * S),
                (x - hx * S - px * 0.8 * S, y - hy * S - py * 0.8 * S),
            ]
            if kind == REPLAYED:
                pygame.draw.polygon(surf, (255, 255, 255), pts)
                pygame.draw.polygon(surf, col, pts, 2)
            else:
                pygame.draw.polygon(surf, col, pts)
            pygame.draw.line(surf, col, (x, y), (x + hx * 2.6 * S, y + hy * 2.6 * S), 1)
        r = int(S * 1.6)
        return pygame.Rect(int(x) - r, int(y) - r, 2 * r, 2 * r)

    def _cpa_lines(self, surf: pygame.Surface, vp: Viewport, p: Poses, c: Cpa) -> None:
        """Dashed legs from each ship to where it will be at TCPA, joined by the CPA line; drawn
        under the ships so a collision course does not hide the own ship's bow."""
        o, k = c.own, c.target
        a = vp.point(*c.own_cpa)
        b = vp.point(*c.target_cpa)
        _dashed(surf, CPA_COLOUR, vp.point(float(p.north[o]), float(p.east[o])), a, 5)
        _dashed(surf, CPA_COLOUR, vp.point(float(p.north[k]), float(p.east[k])), b, 5)
        pygame.draw.line(surf, CPA_COLOUR, a, b, 2)
        pygame.draw.circle(surf, CPA_COLOUR, a, 3)
        pygame.draw.circle(surf, CPA_COLOUR, b, 3)

    def _cpa_label(self, surf: pygame.Surface, vp: Viewport, c: Cpa, placer: LabelPlacer) -> None:
        a = vp.point(*c.own_cpa)
        b = vp.point(*c.target_cpa)
        if not placer.bounds.collidepoint((a[0] + b[0]) / 2, (a[1] + b[1]) / 2):
            return  # CPA off the chart area: the side panel still gives DCPA/TCPA
        tid = self.scene.ships[c.target].id
        text = f"CPA {tid}: DCPA {fmt_nm(c.dcpa_m)}, TCPA {format_clock(c.tcpa_s)}"
        self._box_label(
            surf, placer, [(text, CPA_COLOUR)], (a[0] + b[0]) / 2, (a[1] + b[1]) / 2, force=True
        )

    def _box_label(
        self,
        surf: pygame.Surface,
        placer: LabelPlacer,
        lines: list[tuple[str, Colour]],
        x: float,
        y: float,
        force: bool = False,
        anchor: pygame.Rect | None = None,
    ) -> bool:
        imgs = [self.text.get(t, 17, c) for t, c in lines]
        w = max(i.get_width() for i in imgs) + 6
        h = sum(i.get_height() for i in imgs) + 4
        anchor = anchor or pygame.Rect(round(x) - 3, round(y) - 3, 6, 6)
        r = placer.place(anchor, w, h, far=force)
        if r is None:
            if not force:
                return False
            r = pygame.Rect(anchor.right + 4, round(anchor.centery - h / 2), w, h)
            r.clamp_ip(placer.bounds)
            placer.block(r)
        # A label pushed away from its ship gets a leader line back to it.
        px = min(max(anchor.centerx, r.left), r.right - 1)
        py = min(max(anchor.centery, r.top), r.bottom - 1)
        if (
            math.hypot(px - anchor.centerx, py - anchor.centery)
            > 0.5 * max(anchor.w, anchor.h) + 10
        ):
            pygame.draw.line(surf, lines[0][1], anchor.center, (px, py), 1)
        surf.fill((255, 255, 255), r)
        pygame.draw.rect(surf, lines[0][1], r, 1)
        yy = r.y + 2
        for img in imgs:
            surf.blit(img, (r.x + 3, yy))
            yy += img.get_height()
        return True

    def _labels(
        self,
        surf: pygame.Surface,
        vp: Viewport,
        p: Poses,
        encs: list[EncounterLabel],
        placer: LabelPlacer,
        show_names: bool,
        t: float,
        boxes: dict[int, pygame.Rect],
    ) -> None:
        xs, ys = vp.to_screen(p.north, p.east)
        enc_by = {e.target_index: e for e in encs}
        # Encounter targets first (they explain the score), nearest to the own ship first,
        # then the own ship, then the rest. Only the nearest few encounter labels are forced
        # onto the chart: in a busy replay the others appear where there is room, and the
        # panel lists every encounter.
        o = self.scene.own_index
        if o is not None and p.present[o]:
            rng = np.hypot(p.north - p.north[o], p.east - p.east[o])
        else:
            rng = np.zeros(len(self.scene.ships))
        order = sorted(
            self.scene.ships,
            key=lambda s: (s.index not in enc_by, s.kind != OWN, float(rng[s.index]), s.index),
        )
        forced = [s.index for s in order if s.index in enc_by][:MAX_FORCED_LABELS]
        for s in order:
            i = s.index
            if not p.present[i]:
                continue
            col = KIND_COLOUR[s.kind_at(t)]
            lines = [(s.id, col)]
            e = enc_by.get(i)
            if e is not None:
                lines.append((e.text, TEXT))
            elif not show_names and s.kind != OWN:
                continue
            if i not in boxes:
                continue
            self._box_label(
                surf,
                placer,
                lines,
                float(xs[i]),
                float(ys[i]),
                force=i in forced or s.kind == OWN,
                anchor=boxes[i],
            )

    def _event_flash(
        self, surf: pygame.Surface, vp: Viewport, p: Poses, placer: LabelPlacer
    ) -> None:
        """Ring the ships of a collision, grounding or near miss for a while once it has
        happened (never before: a label must not announce the future), so the event on the
        timeline is also seen on the chart. Traffic events (no ship under test involved) are
        muted, thinner, labelled as traffic and only placed where there is room."""
        window = max(30.0, 0.01 * self.scene.duration_s)
        ids = [s.id for s in self.scene.ships]
        # Events of ships under test first, so their labels get the free space.
        for ev in sorted(self.scene.events, key=lambda e: e.traffic):
            if ev.kind not in FLASH_KINDS or not 0.0 <= p.t - ev.t_s <= window:
                continue
            col = event_colour(ev)
            idx = [ids.index(sid) for sid in ev.ships if sid in ids]
            pts = [vp.point(float(p.north[i]), float(p.east[i])) for i in idx if p.present[i]]
            for x, y in pts:
                pygame.draw.circle(
                    surf, col, (x, y), 18 if ev.traffic else 22, 1 if ev.traffic else 3
                )
            if pts:
                x, y = pts[0]
                text = f"{ev.name.upper()} at {format_clock(ev.t_s)}"
                if ev.traffic:
                    text = f"{ev.name} at {format_clock(ev.t_s)} (not judged)"
                anchor = pygame.Rect(round(x) - 22, round(y) - 22, 44, 44)
                placer.block(anchor)
                self._box_label(
                    surf, placer, [(text, col)], x, y, force=not ev.traffic, anchor=anchor
                )

    def _scale_and_north(self, surf: pygame.Surface, vp: Viewport, placer: LabelPlacer) -> None:
        x0, y0, w, h = vp.rect
        nm, px = scale_bar(vp.scale, max_px=min(180.0, w / 4))
        bx, by = x0 + 16, y0 + h - 22
        box = pygame.Rect(bx - 6, by - 20, max(int(px) + 12, 56), 34)
        surf.fill((255, 255, 255), box)
        pygame.draw.rect(surf, PANEL_EDGE, box, 1)
        half = px / 2
        pygame.draw.rect(surf, TEXT, (bx, by, int(half), 5))
        pygame.draw.rect(surf, TEXT, (bx, by, int(px), 5), 1)
        label = f"{nm:g} NM"
        surf.blit(self.text.get(label, 17), (bx, by - 16))
        placer.block(box)
        # North arrow (the chart is always north-up).
        cx, cy = x0 + w - 26, y0 + 34
        pygame.draw.circle(surf, (255, 255, 255), (cx, cy), 20)
        pygame.draw.circle(surf, PANEL_EDGE, (cx, cy), 20, 1)
        pygame.draw.polygon(
            surf, TEXT, [(cx, cy - 16), (cx - 6, cy + 4), (cx, cy), (cx + 6, cy + 4)]
        )
        img = self.text.get("N", 17)
        surf.blit(img, (cx - img.get_width() // 2, cy + 4))
        placer.block(pygame.Rect(cx - 21, cy - 21, 42, 42))

    def _tooltip(self, surf: pygame.Surface, vp: Viewport, p: Poses, st: ViewState) -> None:
        i = st.hover_ship
        assert i is not None
        s = self.scene.ships[i]
        kind = s.kind_at(p.t)
        sog = ms_to_kn(float(p.sog[i]))
        cog, hdg = math.degrees(float(p.cog[i])), math.degrees(float(p.heading[i]))
        lines = [
            (f"{s.id} ({KIND_LABEL[kind]})", KIND_COLOUR[kind]),
            (f"SOG {sog:.1f} kn  COG {fmt_course(cog, float(p.sog[i]))}  HDG {hdg:05.1f}°", TEXT),
        ]
        if s.length_m > 0:
            lines.append(
                (f"{s.length_m:.0f} m x {s.beam_m:.0f} m, draught {s.draught_m:.1f} m", TEXT)
            )
        o = self.scene.own_index
        if o is not None and o != i and p.present[o]:
            dn, de = float(p.north[i] - p.north[o]), float(p.east[i] - p.east[o])
            brg = math.degrees(math.atan2(de, dn)) % 360.0
            lines.append((f"{fmt_nm(math.hypot(dn, de))} at {brg:05.1f}° from own ship", TEXT))
        lines.append(("click: follow", TEXT_DIM))
        imgs = [self.text.get(t, 17, c) for t, c in lines]
        w = max(im.get_width() for im in imgs) + 10
        h = sum(im.get_height() for im in imgs) + 8
        x, y = vp.point(float(p.north[i]), float(p.east[i]))
        r = pygame.Rect(round(x) + 14, round(y) + 14, w, h)
        r.clamp_ip(pygame.Rect(vp.rect))
        surf.fill((255, 255, 240), r)
        pygame.draw.rect(surf, KIND_COLOUR[kind], r, 1)
        yy = r.y + 4
        for im in imgs:
            surf.blit(im, (r.x + 5, yy))
            yy += im.get_height()

    def _toast(self, surf: pygame.Surface, rect: Rect, msg: str) -> None:
        img = self.text.get(msg, 18)
        x0, y0, w, _ = rect
        r = pygame.Rect(
            x0 + (w - img.get_width()) // 2 - 8, y0 + 10, img.get_width() + 16, img.get_height() + 8
        )
        surf.fill((255, 255, 225), r)
        pygame.draw.rect(surf, PANEL_EDGE, r, 1)
        surf.blit(img, (r.x + 8, r.y + 4))

    # ------------------------------------------------------------------ side panel
    def _panel(
        self,
        surf: pygame.Surface,
        rect: Rect,
        p: Poses,
        cpa: Cpa | None,
        encs: list[EncounterLabel],
        st: ViewState,
    ) -> None:
        x0, y0, w, h = rect
        surf.fill(PANEL_BG, rect)
        pygame.draw.line(surf, PANEL_EDGE, (x0, y0), (x0, y0 + h))
        scene = self.scene
        tx = x0 + 12
        width = w - 24
        self._panel_text_w = width
        y = y0 + 10
        bottom = y0 + h - 8

        def line(text: str, size: int = 18, colour: Colour = TEXT, indent: int = 0) -> None:
            nonlocal y
            if y + size > bottom:
                return
            img = self.text.get(self.text.fit(text, width - indent, size), size, colour)
            surf.blit(img, (tx + indent, y))
            y += img.get_height() + 3

        def head(text: str) -> None:
            nonlocal y
            y += 5
            line(text, 17, TEXT_DIM)
            if y < bottom:
                pygame.draw.line(surf, PANEL_EDGE, (tx, y - 2), (tx + width, y - 2))
                y += 2

        line(scene.title, 24)
        sc = scene.meta.get("scenario") or {}
        if sc.get("title"):
            line(str(sc["title"]), 17, TEXT_DIM)
        state = "playing" if st.playing else "paused"
        line(f"t {format_clock(p.t)} / {format_clock(scene.t1)}   {state} {st.speed:g}x", 18)
        if st.follow is not None:
            line(f"following {scene.ships[st.follow].id}", 17, TEXT_DIM)
        # The verdict first, with every failed gate: what a reviewer opens the run for.
        self._score(line, head)

        o = scene.own_index
        if o is not None:
            head(f"Own ship {scene.ships[o].id}")
            cog = math.degrees(float(p.cog[o]))
            hdg = math.degrees(float(p.heading[o]))
            rud = math.degrees(float(p.rudder[o]))
            side = "stbd" if rud > 0.05 else ("port" if rud < -0.05 else "")
            line(f"COG {fmt_course(cog, float(p.sog[o]))}   HDG {hdg:05.1f}°")
            line(f"SOG {ms_to_kn(float(p.sog[o])):.1f} kn   rudder {abs(rud):.1f}° {side}")
        head("Closest point of approach")
        if cpa is None:
            line("no target approaching", 17, TEXT_DIM)
        else:
            line(f"{scene.ships[cpa.target].id}: DCPA {fmt_nm(cpa.dcpa_m)}", 18, CPA_COLOUR)
            line(f"TCPA {format_clock(cpa.tcpa_s)}   range {fmt_nm(cpa.range_m)}")
        head("Encounters" + (" (estimated)" if encs and encs[0].estimated else ""))
        if not encs:
            line("none active", 17, TEXT_DIM)
        for e in encs[:6]:
            line(f"{e.target}: {e.text.replace(' (est.)', '')}", 17)
        if len(encs) > 6:
            line(f"+ {len(encs) - 6} more", 17, TEXT_DIM)
        head("Legend")
        self._legend(surf, tx, y, bottom)

    def _score(self, line: Callable[..., None], head: Callable[[str], None]) -> None:
        """The verdict as score.json states it: PASSED/FAILED, collision and grounding of the
        ships under test, a negative test's expected failures as "expected", every failed
        gate wrapped in full, and the traffic events the referee did not judge."""
        scene = self.scene
        score = scene.score
        head("Score")
        if score is None:
            line("no score.json in the run folder", 17, TEXT_DIM)
            line("(autoship score RUN_DIR --out FILE;", 16, TEXT_DIM)
            line(" autoship view RUN_DIR --score FILE)", 16, TEXT_DIM)
            return
        passed = score.get("passed")
        neg = scene.negative_test
        verdict = {True: ("PASSED", PASS), False: ("FAILED", FAIL)}.get(
            passed, ("not gated", TEXT_DIM)
        )
        s = score.get("score")
        line(
            verdict[0] + (f"   score {s:.2f}" if isinstance(s, (int, float)) else ""),
            20,
            verdict[1],
        )
        expect = set(neg.get("expect") or []) if neg else set()
        if neg:
            what = " and ".join(sorted(expect)) or "a failure"
            line(f"negative test: {what} expected", 17, EXPECTED if passed else FAIL)
        bits = []
        bad = False
        for key in ("collision", "grounding"):
            if key in score:
                if score[key] and key in expect:
                    bits.append(f"{key} YES (expected)")
                else:
                    bits.append(f"{key} {'YES' if score[key] else 'no'}")
                    bad = bad or bool(score[key])
        if bits:
            line("   ".join(bits), 17, FAIL if bad else (EXPECTED if expect else TEXT))
        tested = scene.under_test_ids
        if tested and len(tested) < len(scene.ships):
            for k, part in enumerate(
                self.text.wrap("under test: " + ", ".join(tested), self._panel_text_w, 16)
            ):
                line(part, 16, TEXT_DIM, indent=0 if k == 0 else 12)
        ms = score.get("min_separation_m")
        if isinstance(ms, (int, float)):
            line(f"min separation {ms:.0f} m ({fmt_nm(ms)})", 17)
        gates = score.get("gates")
        items: list[tuple[str, object]] = []
        if isinstance(gates, dict):
            items = list(gates.items())
        elif isinstance(gates, list):
            items = [(str(g.get("name", i)), g) for i, g in enumerate(gates) if isinstance(g, dict)]
        for name, g in items[:6]:
            ok = g.get("passed") if isinstance(g, dict) else g
            tag, col = (
                ("pass", PASS)
                if ok is True
                else (("FAIL", FAIL) if ok is False else ("?", TEXT_DIM))
            )
            line(f"{tag}  {name}", 17, col, indent=4)
        failed = score.get("failed_gates")
        if isinstance(failed, list):
            if not failed and passed:
                line("all gates passed", 17, PASS)
            # Every failed gate, wrapped in full: a cut-off gate hides why the run failed.
            for text in failed:
                for k, part in enumerate(self.text.wrap(str(text), self._panel_text_w - 16, 16)):
                    line(part, 16, FAIL, indent=4 if k == 0 else 12)
        # Events among traffic only: on the chart and timeline too, but they fail nothing.
        kinds = [
            ev.kind for ev in scene.events if ev.traffic and ev.kind in ("collision", "grounding")
        ]
        if kinds:
            counts = [
                f"{kinds.count(k)} {k}{'' if kinds.count(k) == 1 else 's'}"
                for k in ("collision", "grounding")
                if k in kinds
            ]
            line(f"traffic, not judged: {', '.join(counts)}", 16, TEXT_DIM)

    def _legend(self, surf: pygame.Surface, x: int, y: int, bottom: int) -> None:
        # Only the kinds this run has (a handed-over replayed ship becomes traffic): the legend
        # must not promise autonomous ships where every target is scripted or replayed.
        present = {s.kind for s in self.scene.ships}
        present |= {TRAFFIC for s in self.scene.ships if s.handover_t_s is not None}
        entries = [(k, KIND_LABEL[k]) for k in (OWN, AUTONOMOUS, TRAFFIC, REPLAYED) if k in present]
        for kind, text in entries:
            if y + 16 > bottom:
                return
            self._symbol(surf, x + 9, y + 8, 0.5 * math.pi, KIND_COLOUR[kind], kind)
            surf.blit(self.text.get(text, 17), (x + 40, y + 2))
            y += 20
        extra = [
            (CPA_COLOUR, "CPA line to the most dangerous target"),
            *(
                [(TRAFFIC_EVENT, "traffic event (not judged)")]
                if any(ev.traffic for ev in self.scene.events)
                else []
            ),
            (blend(KIND_COLOUR[OWN], WATER[3], 0.7), "ship domain (Fujii-Tanaka ellipse)"),
            (TEXT, f"vectors {VECTOR_S / 60:g} min, tracks {TRAIL_S / 60:g} min"),
        ]
        for col, text in extra:
            if y + 16 > bottom:
                return
            pygame.draw.line(surf, col, (x, y + 8), (x + 26, y + 8), 2)
            surf.blit(self.text.get(text, 17), (x + 40, y + 2))
            y += 20
        if y + 16 <= bottom and self.scene.chart.depth:
            sd = self.scene.chart.safety_depth_m
            pygame.draw.rect(surf, WATER[1], (x, y + 2, 26, 12))
            pygame.draw.rect(surf, PANEL_EDGE, (x, y + 2, 26, 12), 1)
            surf.blit(
                self.text.get(f"shallower than {sd:.1f} m (draught + UKC)", 17), (x + 40, y + 2)
            )
            y += 20
        if y + 16 <= bottom:
            # Timeline encounter bars, by the own ship's role.
            xx = x
            for role, col in ROLE_COLOUR.items():
                pygame.draw.rect(surf, col, (xx, y + 6, 18, 5))
                img = self.text.get(role, 17)
                surf.blit(img, (xx + 22, y + 2))
                xx += 22 + img.get_width() + 10
            img = self.text.get("(timeline)", 17, TEXT_DIM)
            surf.blit(img, (xx, y + 2))
            y += 20
        if y + 16 <= bottom:
            surf.blit(self.text.get("H: help and keys", 17, TEXT_DIM), (x, y + 4))

    # ------------------------------------------------------------------ timeline
    def _timeline(self, surf: pygame.Surface, rect: Rect, st: ViewState) -> None:
        tl = self.timeline_for(rect)
        x0, y0, w, h = rect
        surf.fill(TL_BG, rect)
        ay = tl.axis_y
        pygame.draw.line(surf, TL_AXIS, (tl.x_left, ay), (tl.x_right, ay), 3)
        cx = tl.x_of(st.t)
        pygame.draw.line(surf, TL_PLAYED, (tl.x_left, ay), (cx, ay), 3)
        last_right = -1e9
        for x, label in tl.ticks():
            pygame.draw.line(surf, TL_AXIS, (x, ay), (x, ay + 5))
            img = self.text.get(label, 16, TL_TEXT)
            lx = min(max(x - img.get_width() / 2, x0 + 2), x0 + w - img.get_width() - 2)
            if lx > last_right + 6:
                surf.blit(img, (lx, ay + 7))
                last_right = lx + img.get_width()
        for b in tl.bars:
            col = ROLE_COLOUR.get(b.window.label.own_role, TL_AXIS)
            ly = tl.lane_y(b.lane)
            pygame.draw.rect(surf, col, (round(b.x0), ly, max(round(b.x1 - b.x0), 2), tl.LANE_H))
        # Traffic marks first, so a judged event at the same pixel is drawn over them.
        order = sorted(range(len(tl.marks)), key=lambda j: not tl.marks[j].event.traffic)
        for j in order:
            m = tl.marks[j]
            col = event_colour(m.event)
            top = y0 + tl.MARK_TOP
            if m.event.traffic:
                # Short and hollow: seen, but not read as a failure of the run.
                pygame.draw.line(surf, col, (m.x, top + 8), (m.x, ay - 2), 1)
                pygame.draw.polygon(
                    surf, col, [(m.x - 4, top + 2), (m.x + 4, top + 2), (m.x, top + 8)], 1
                )
                continue
            pygame.draw.line(
                surf, col, (m.x, top + 6), (m.x, ay - 2), 3 if j == st.hover_mark else 2
            )
            pygame.draw.polygon(surf, col, [(m.x - 5, top), (m.x + 5, top), (m.x, top + 7)])
        pygame.draw.line(surf, (255, 255, 255), (cx, y0 + tl.LANE_TOP), (cx, ay + 5), 2)
        state = "playing" if st.playing else "paused"
        status = f"{format_clock(st.t)}  {state}  {st.speed:g}x"
        if st.follow is not None:
            status += f"  following {self.scene.ships[st.follow].id}"
        surf.blit(self.text.get(status, 17, TL_TEXT), (x0 + 10, y0 + 4))
        if st.hover_mark is not None and st.hover_mark < len(tl.marks):
            ev = tl.marks[st.hover_mark].event
            info = f"{format_clock(ev.t_s)} {ev.label}"
        elif st.hover_bar is not None and st.hover_bar < len(tl.bars):
            win = tl.bars[st.hover_bar].window
            info = (
                f"{win.label.target}: {win.label.text}, "
                f"{format_clock(win.t0)}-{format_clock(win.t1)}"
            )
        else:
            n_ev = len(tl.marks)
            info = f"{n_ev} event{'' if n_ev == 1 else 's'}: " + ", ".join(
                sorted({m.event.name for m in tl.marks})
            )
            if not tl.marks:
                info = "no events"
        img = self.text.get(self.text.fit(info, w // 2, 17), 17, TL_TEXT)
        surf.blit(img, (x0 + w - img.get_width() - 10, y0 + 4))

    # ------------------------------------------------------------------ help
    def _help(self, surf: pygame.Surface, lay: Layout) -> None:
        rows = [(self.text.get(k, 18, TEXT), self.text.get(v, 18, TEXT)) for k, v in HELP_LINES]
        kw = max(a.get_width() for a, _ in rows)
        vw = max(b.get_width() for _, b in rows)
        rh = max(a.get_height() for a, _ in rows) + 4
        w = kw + vw + 60
        h = rh * len(rows) + 56
        x0, y0, mw, mh = lay.map
        r = pygame.Rect(x0 + (mw - w) // 2, y0 + max((mh - h) // 2, 4), w, h)
        surf.fill((255, 255, 255), r)
        pygame.draw.rect(surf, TEXT, r, 2)
        title = self.text.get("Keys and mouse", 22)
        surf.blit(title, (r.x + 20, r.y + 12))
        y = r.y + 44
        for a, b in rows:
            surf.blit(a, (r.x + 20, y))
            surf.blit(b, (r.x + 40 + kw, y))
            y += rh


def render_frame(
    scene: Scene,
    t: float,
    size: tuple[int, int] = (1280, 800),
    renderer: Renderer | None = None,
    state: ViewState | None = None,
) -> pygame.Surface:
    """One off-screen frame of ``scene`` at time ``t`` (fit-to-tracks view)."""
    r = renderer or Renderer(scene)
    surf = pygame.Surface(size)
    st = state or ViewState(t=t, viewport=r.default_viewport(size))
    st.t = t
    r.draw(surf, st)
    return surf
