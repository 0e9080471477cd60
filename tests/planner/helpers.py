"""Shared helpers for planner tests: a stand-in hazard set, contexts and observations."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from autoship.charts.sdf import DistanceField
from autoship.planner import Observation, PlannerContext
from autoship.units import KNOT

ROOT = Path(__file__).resolve().parents[2]


class FakeHazards:
    """Stands in for ``autoship.charts.Hazards``: round islands with an analytic distance field."""

    def __init__(self, islands, extent=20000.0, res=50.0):
        self.islands = islands  # [(north, east, radius)]
        g = np.arange(-extent, extent + res / 2, res)
        nn, ee = np.meshgrid(g, g, indexing="ij")
        d = np.full(nn.shape, np.inf)
        for n, e, r in islands:
            d = np.minimum(d, np.hypot(nn - n, ee - e) - r)
        self.field = DistanceField(d, -extent, -extent, res)
        self.empty = not islands

    def distance_field(self):
        return self.field

    def clearance(self, north, east):
        north = np.atleast_1d(north)
        east = np.atleast_1d(east)
        d = np.full(north.shape, np.inf)
        for n, e, r in self.islands:
            d = np.minimum(d, np.hypot(north - n, east - e) - r)
        return np.maximum(d, 0.0)


def make_ctx(**kw) -> PlannerContext:
    base = dict(
        ship_index=0, ship_id="os", length=150.0, beam=25.0, draught=8.5, start=(0.0, 0.0),
        initial_course=0.0, cruise_speed=12 * KNOT, max_speed=18 * KNOT, goal=(40000.0, 0.0),
        dt=1.0, planner_period=5.0, visibility="good", category="power-driven",
        rng=np.random.default_rng(0),
    )  # fmt: skip
    base.update(kw)
    return PlannerContext(**base)


def make_obs(north, east, course_deg, speed_kn, t=0.0, own=0, categories=None) -> Observation:
    north = np.asarray(north, dtype=float)
    east = np.asarray(east, dtype=float)
    c = np.radians(np.asarray(course_deg, dtype=float))
    u = np.asarray(speed_kn, dtype=float) * KNOT
    n = north.shape[0]
    return Observation(
        t=t, own=own, ids=tuple(f"s{i}" for i in range(n)), north=north, east=east, heading=c,
        vn=u * np.cos(c), ve=u * np.sin(c), length=np.full(n, 150.0), beam=np.full(n, 25.0),
        categories=tuple(categories or ("power-driven",) * n), valid=np.ones(n, dtype=bool),
        own_u=float(u[own]), own_r=0.0,
    )  # fmt: skip
