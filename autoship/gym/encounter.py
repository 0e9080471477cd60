"""``autoship/Encounter-v0``: one ship of a scenario steered by the agent, one planner period
per step, every other ship on its scenario planner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces

from autoship.colregs.profile import load_profile
from autoship.errors import AutoshipError
from autoship.gym.agent import ShipAgent
from autoship.gym.options import action_space, agent_config, seed_for, to_order
from autoship.gym.referee import encounters_so_far
from autoship.gym.source import ScenarioSource
from autoship.planner import Command
from autoship.scenario import Scenario
from autoship.sim import Simulation


class EncounterEnv(gymnasium.Env):
    """A scenario as a Gymnasium environment (see ``autoship.gym.agent`` for the observation
    and reward). ``scenario``: a scenario file, a ``Scenario``, or a sweep file whose generated
    scenarios are drawn one per episode; ``ship``: the ship id the agent steers (default: the
    first own ship); ``action``: "continuous" (Box) or "discrete"; ``max_steps``: truncate
    earlier than the scenario's duration; further keyword options are ``AgentConfig`` fields
    (sizes, ranges, reward weights).

    ``step`` also takes an ``autoship.planner.Command`` (course rad, speed m/s) as a literal
    order; ``planner_order()`` is what the scenario's own planner would order now.
    """

    metadata = {"render_modes": []}

    def __init__(
        self,
        scenario: str | Path | Scenario,
        ship: str | None = None,
        action: str = "continuous",
        max_steps: int | None = None,
        **options: Any,
    ) -> None:
        self.source = ScenarioSource(scenario)
        self.cfg = agent_config(action, self.source.first, **options)
        self.action_type = action
        self.max_steps = max_steps
        self._ship = ship
        self._load(self.source.first)
        self.observation_space = spaces.Box(-1.0, 1.0, shape=(self.agent.size,), dtype=np.float32)
        self.action_space = action_space(action)
        self._steps = 0
        self._n_events = 0
        self._over = False

    def _load(self, scen: Scenario) -> None:
        """Simulation and agent for one scenario (once, or every episode of a sweep)."""
        self.sim = Simulation(scen, self.source.planner)
        ship = self._ship or next(s.id for s in scen.ships if s.role == "own")
        i = self.sim.index(ship)
        if self.sim.replaying[i]:
            raise AutoshipError(
                f"{ship} replays its recording and cannot be steered",
                file=str(scen.path or ""),
                field="ship",
            )
        self.ship = scen.ships[i].id
        self.profile = load_profile(self.source.profile or self.sim.profile)
        self.agent = ShipAgent(self.sim, i, self.profile, self.cfg)
        space = getattr(self, "observation_space", None)
        if space is not None and space.shape != (self.agent.size,):
            raise AutoshipError(
                f"observation size {self.agent.size} differs from the first scenario's "
                f"{space.shape[0]} (every scenario of a sweep needs a chart, or none)",
                file=str(scen.path or ""),
                field="chart",
            )

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        if len(self.source) > 1:
            self._load(self.source.draw(self.np_random))
        # A given seed is the simulation's seed (so reset(seed=scenario.seed) is the scenario's
        # own run); without one, the next episode's seed comes from the environment's stream.
        self.sim.reset(seed=seed if seed is not None else seed_for(self.np_random))
        self.agent = ShipAgent(self.sim, self.agent.i, self.profile, self.cfg)
        self._steps = 0
        self._n_events = 0
        self._over = False
        info = {"t_s": self.sim.t, "seed": self.sim.seed, "scenario": self.sim.scenario.id}
        return self.agent.observe(), info

    def planner_order(self) -> Command:
        return self.agent.planner_order()

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        if self._over:
            raise AutoshipError("the episode is over: reset() the environment", field="step")
        order = to_order(self.agent, action, self.action_type)
        self.sim.step({self.agent.i: order})
        self._steps += 1
        new = self.sim.events[self._n_events :]
        self._n_events = len(self.sim.events)
        terms, terminated = self.agent.reward(new)
        truncated = not terminated and (
            self.sim.done or (self.max_steps is not None and self._steps >= self.max_steps)
        )
        info: dict[str, Any] = {"t_s": self.sim.t, "events": list(new)}
        if terminated or truncated:
            # The referee's rule scores, once per episode: they judge whole encounters.
            encounters = encounters_so_far(self.sim, self.profile)
            terms["rules"] = self.agent.rules_term(encounters)
            info["encounters"] = [e for e in encounters if e["own"] == self.ship]
            self._over = True
        info["reward_terms"] = terms
        return self.agent.observe(), float(sum(terms.values())), terminated, truncated, info
