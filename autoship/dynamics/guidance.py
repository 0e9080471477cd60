"""Line-of-sight (LOS) waypoint guidance: course commands that converge onto straight legs.

Lookahead-based LOS (Fossen 2021, ch. 12): for the leg from p0 to p1 with path angle alpha and
cross-track error e (positive to starboard of the leg), the desired course is
``alpha + atan(-e / Delta)``. The lookahead Delta is a few ship lengths: shorter converges
faster but asks for more rudder. Planners emit the course; the autopilot turns it into rudder.
``los_course`` itself lives in ``autoship.geometry`` (shared with the planners' route following).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from autoship.errors import AutoshipError
from autoship.geometry import los_course

__all__ = ["LOSGuidance", "los_course"]


class LOSGuidance:
    """Follows a route of waypoints (north, east in m) leg by leg.

    A leg is done when the ship is within ``acceptance_m`` of its end or has passed the end
    along the leg. After the last waypoint the course of the last leg is held.
    """

    def __init__(
        self,
        waypoints: Sequence[tuple[float, float]] | np.ndarray,
        lookahead_m: float,
        acceptance_m: float,
    ) -> None:
        wp = np.asarray(waypoints, dtype=float)
        if wp.ndim != 2 or wp.shape[1] != 2 or wp.shape[0] < 2:
            raise AutoshipError("need at least two (north, east) waypoints", field="waypoints")
        if not np.all(np.isfinite(wp)):
            raise AutoshipError("waypoints must be finite", field="waypoints")
        if np.any(np.hypot(*np.diff(wp, axis=0).T) <= 0.0):
            raise AutoshipError("consecutive waypoints must differ", field="waypoints")
        if not (lookahead_m > 0.0 and math.isfinite(lookahead_m)):
            raise AutoshipError("must be a positive number of metres", field="lookahead_m")
        if not (acceptance_m >= 0.0 and math.isfinite(acceptance_m)):
            raise AutoshipError("must be >= 0 m", field="acceptance_m")
        self.waypoints = wp
        self.lookahead_m = float(lookahead_m)
        self.acceptance_m = float(acceptance_m)
        self.leg = 0
        self._done = False

    @property
    def finished(self) -> bool:
        """True once the end of the last leg has been reached or passed."""
        return self._done

    def _leg_done(self, k: int, north: float, east: float) -> bool:
        (n0, e0), (n1, e1) = self.waypoints[k], self.waypoints[k + 1]
        length = math.hypot(n1 - n0, e1 - e0)
        along = ((north - n0) * (n1 - n0) + (east - e0) * (e1 - e0)) / length
        return along >= length or math.hypot(north - n1, east - e1) <= self.acceptance_m

    def course(self, north: float, east: float) -> tuple[float, float]:
        """(desired course rad, cross-track error m) at the ship's position; advances legs."""
        last = len(self.waypoints) - 2
        while self.leg < last and self._leg_done(self.leg, north, east):
            self.leg += 1
        if self.leg == last and self._leg_done(last, north, east):
            self._done = True
        (n0, e0), (n1, e1) = self.waypoints[self.leg], self.waypoints[self.leg + 1]
        c, x, _ = los_course(north, east, n0, e0, n1, e1, self.lookahead_m)
        return float(c), float(x)
