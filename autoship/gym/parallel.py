"""The PettingZoo parallel environment: every autonomous ship of a scenario is an agent.

Autonomous as the referee counts it (``autoship.metrics.is_autonomous``): own ships and ships on
an avoiding planner, not replayed traffic nor ships told to ignore their duty. Each agent has the
single-agent environment's observation, action and reward; an agent whose episode ends (hull
contact, grounding, goal) leaves, and its ship goes back to its scenario planner.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from autoship.colregs.profile import load_profile
from autoship.errors import AutoshipError
from autoship.gym.agent import ShipAgent
from autoship.gym.options import action_space, agent_config, seed_for, to_order
from autoship.gym.referee import encounters_so_far
from autoship.gym.source import ScenarioSource
from autoship.metrics import is_autonomous
from autoship.planner import Command
from autoship.scenario import Scenario
from autoship.sim import Simulation


class ParallelEncounterEnv(ParallelEnv):
    """Options as ``EncounterEnv`` (``action``, ``max_steps``, ``AgentConfig`` fields)."""

    metadata = {"name": "autoship_encounter_v0", "render_modes": [], "is_parallelizable": True}

    def __init__(
        self,
        scenario: str | Path | Scenario,
        action: str = "continuous",
        max_steps: int | None = None,
        **options: Any,
    ) -> None:
        source = ScenarioSource(scenario)
        scen = source.first
        if len(source) > 1:
            # Agents are the scenario's ships: a fixed set needs a fixed scenario.
            raise AutoshipError(
                "the parallel environment takes one scenario, not a sweep",
                file=str(scenario),
                field="scenario",
            )
        self.cfg = agent_config(action, scen, **options)
        self.action_type = action
        self.max_steps = max_steps
        self.sim = Simulation(scen)
        self.profile = load_profile(self.sim.profile)
        ships = [
            {
                "role": s.role,
                "planner": self.sim.planner_names[i],
                "replayed": bool(self.sim.replaying[i]),
                "ignores_duty": s.ignores_duty,
            }
            for i, s in enumerate(scen.ships)
        ]
        self._index = {s.id: i for i, s in enumerate(scen.ships) if is_autonomous(ships[i])}
        if not self._index:
            raise AutoshipError(
                "no autonomous ship to be an agent", file=str(scen.path or ""), field="ship"
            )
        self.possible_agents = list(self._index)
        self._agents = self._make_agents()
        self._obs_spaces = {
            a: spaces.Box(-1.0, 1.0, shape=(self._agents[a].size,), dtype=np.float32)
            for a in self.possible_agents
        }
        self._act_spaces = {a: action_space(action) for a in self.possible_agents}
        self.agents: list[str] = []
        self._np_random = np.random.default_rng()
        self._steps = 0
        self._n_events = 0

    def _make_agents(self) -> dict[str, ShipAgent]:
        return {a: ShipAgent(self.sim, i, self.profile, self.cfg) for a, i in self._index.items()}

    def observation_space(self, agent: str) -> spaces.Space:
        return self._obs_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space:
        return self._act_spaces[agent]

    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, dict[str, Any]]]:
        if seed is not None:
            self._np_random = np.random.default_rng(seed)
        self.sim.reset(seed=seed if seed is not None else seed_for(self._np_random))
        self._agents = self._make_agents()
        self.agents = list(self.possible_agents)
        self._steps = 0
        self._n_events = 0
        obs = {a: self._agents[a].observe() for a in self.agents}
        return obs, {a: {"t_s": self.sim.t} for a in self.agents}

    def step(self, actions: dict[str, Any]) -> tuple[dict, dict, dict, dict, dict]:
        unknown = sorted(set(actions) - set(self.agents))
        if unknown:
            raise AutoshipError(
                f"{unknown[0]!r} is not a live agent; agents: {', '.join(self.agents)}",
                file=str(self.sim.scenario.path or ""),
                field="actions",
            )
        orders: dict[int | str, Command] = {
            self._agents[a].i: to_order(self._agents[a], act, self.action_type)
            for a, act in actions.items()
        }
        self.sim.step(orders)
        self._steps += 1
        new = self.sim.events[self._n_events :]
        self._n_events = len(self.sim.events)
        out_of_time = self.sim.done or (
            self.max_steps is not None and self._steps >= self.max_steps
        )
        obs: dict[str, Any] = {}
        rewards: dict[str, float] = {}
        terms: dict[str, bool] = {}
        truncs: dict[str, bool] = {}
        infos: dict[str, dict[str, Any]] = {}
        ended = []
        for a in self.agents:
            parts, done = self._agents[a].reward(new)
            terms[a], truncs[a] = done, out_of_time and not done
            infos[a] = {"t_s": self.sim.t, "reward_terms": parts}
            if terms[a] or truncs[a]:
                ended.append(a)
            obs[a] = self._agents[a].observe()
        if ended:
            # The referee's rule scores, once for every agent that leaves now.
            encounters = encounters_so_far(self.sim, self.profile)
            for a in ended:
                infos[a]["reward_terms"]["rules"] = self._agents[a].rules_term(encounters)
        for a in self.agents:
            rewards[a] = float(sum(infos[a]["reward_terms"].values()))
        self.agents = [a for a in self.agents if a not in ended]
        return obs, rewards, terms, truncs, infos

    def render(self) -> None:
        return None

    def close(self) -> None:
        return None


def parallel_env(scenario: str | Path | Scenario, **options: Any) -> ParallelEncounterEnv:
    """PettingZoo's conventional constructor name for the parallel environment."""
    return ParallelEncounterEnv(scenario, **options)
