"""Charted hazards during a run: who took the ground, and each ship's closest hull clearance."""

from __future__ import annotations

from typing import Any

import numpy as np

from autoship.dynamics.state import PSI, E, N, R, U, V


class GroundingWatch:
    """Per-ship hazards (None where no chart applies); grounded ships stay where they stopped."""

    def __init__(self, hazards: list[Any]) -> None:
        n = len(hazards)
        self.hazards = hazards
        # Ships of one draught share a Hazards object: one vectorised query per group and tick.
        self.groups: list[tuple[Any, np.ndarray]] = []
        for hz in {id(h): h for h in hazards if h is not None}.values():
            idx = np.array([i for i in range(n) if hazards[i] is hz], dtype=np.int64)
            self.groups.append((hz, idx))
        self.min_clearance = np.full(n, np.inf)
        self.grounded = np.zeros(n, dtype=bool)

    def start(self, X: np.ndarray, length: np.ndarray, beam: np.ndarray) -> None:
        """Clearance of the starting positions."""
        for hz, idx in self.groups:
            self.min_clearance[idx] = hz.hull_clearance(
                X[N, idx], X[E, idx], X[PSI, idx], length[idx], beam[idx]
            )

    def hold(self, X: np.ndarray, prev: np.ndarray) -> None:
        """Put grounded ships back where they took the ground (``prev``: north, east, heading)."""
        if self.grounded.any():
            g = np.flatnonzero(self.grounded)
            X[N, g] = prev[0, g]
            X[E, g] = prev[1, g]
            X[PSI, g] = prev[2, g]
            X[U, g] = 0.0
            X[V, g] = 0.0
            X[R, g] = 0.0

    def check(
        self,
        prev: np.ndarray,
        X: np.ndarray,
        length: np.ndarray,
        beam: np.ndarray,
        replaying: np.ndarray,
    ) -> list[int]:
        """Ships whose hull swept onto a hazard over the last tick (now grounded), in group
        order; updates the running minimum clearance of the others."""
        new: list[int] = []
        grounded, min_clearance = self.grounded, self.min_clearance
        for hz, idx in self.groups:
            # A replayed ship is where it really was: a chart that puts it on land (a harbour
            # edge, a hovercraft slipway) is the chart's limit, not a grounding.
            live = idx[~grounded[idx] & ~replaying[idx]]
            if live.size == 0:
                continue
            hit = hz.swept_hits(
                prev[0, live],
                prev[1, live],
                X[N, live],
                X[E, live],
                prev[2, live],
                X[PSI, live],
                length[live],
                beam[live],
            )
            for i in live[np.asarray(hit, dtype=bool)]:
                grounded[i] = True
                min_clearance[i] = 0.0
                new.append(int(i))
            # Exact hull clearance only where the distance field says the running minimum could
            # fall (the field is exact to about one grid cell).
            live = idx[~grounded[idx] & ~replaying[idx]]
            field = hz.distance_field()
            centre = field.sample(X[N, live], X[E, live])
            reach = 0.5 * np.hypot(length[live], beam[live]) + 2.0 * field.res
            near = live[centre - reach < min_clearance[live]]
            if near.size:
                c = hz.hull_clearance(
                    X[N, near], X[E, near], X[PSI, near], length[near], beam[near]
                )
                np.minimum.at(min_clearance, near, c)
        return new
