"""What a ship's planner sees of the others: the truth, or an AIS-like picture.

The AIS picture holds each ship's last received report (position with Gaussian noise, course and
speed over ground, heading) and dead-reckons it to the current time, as an ECDIS or a COLAV system
fed by AIS does. Reports arrive every ``report_interval_s`` per ship (first reports staggered over
one interval), each is lost with probability ``dropout``, and a ship not heard for
``stale_after_s`` is not shown at all. All draws come from the run's seeded sensor stream.
"""

from __future__ import annotations

import numpy as np

from autoship.scenario.schema import SensorSpec


class AisPicture:
    """Last received report per ship, dead-reckoned on request."""

    def __init__(self, spec: SensorSpec, n: int, rng: np.random.Generator) -> None:
        self.spec = spec
        self.rng = rng
        self.last_t = np.full(n, -np.inf)
        self.north = np.full(n, np.nan)
        self.east = np.full(n, np.nan)
        self.vn = np.zeros(n)
        self.ve = np.zeros(n)
        self.heading = np.zeros(n)
        self.next_t = rng.uniform(0.0, spec.report_interval_s, n)

    def update(self, t: float, north, east, vn, ve, heading) -> None:
        """Receive the reports due by time ``t`` from the true states."""
        due = np.flatnonzero(self.next_t <= t)
        if due.size == 0:
            return
        spec = self.spec
        heard = due[self.rng.random(due.size) >= spec.dropout]
        if heard.size:
            noise = self.rng.normal(0.0, spec.position_noise_m, (2, heard.size))
            self.north[heard] = north[heard] + noise[0]
            self.east[heard] = east[heard] + noise[1]
            self.vn[heard] = vn[heard]
            self.ve[heard] = ve[heard]
            self.heading[heard] = heading[heard]
            self.last_t[heard] = t
        steps = np.floor((t - self.next_t[due]) / spec.report_interval_s) + 1.0
        self.next_t[due] += steps * spec.report_interval_s

    def picture(self, t: float) -> tuple[np.ndarray, ...]:
        """(north, east, heading, vn, ve, valid) at time ``t``."""
        age = t - self.last_t
        valid = np.isfinite(self.last_t) & (age <= self.spec.stale_after_s)
        a = np.where(valid, age, 0.0)
        north = np.where(valid, self.north + self.vn * a, np.nan)
        east = np.where(valid, self.east + self.ve * a, np.nan)
        return north, east, self.heading.copy(), self.vn.copy(), self.ve.copy(), valid
