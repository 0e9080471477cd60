"""What both environments take as options and give as spaces: the agent's configuration, the
action space and how an action becomes an order."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from gymnasium import spaces

from autoship.errors import AutoshipError
from autoship.gym.agent import DISCRETE_COURSE_DEG, DISCRETE_SPEED, AgentConfig, ShipAgent
from autoship.planner import Command
from autoship.scenario import Scenario

ACTION_TYPES = ("continuous", "discrete")


def seed_for(rng: np.random.Generator) -> int:
    """A simulation seed drawn from the environment's generator (reset without a seed)."""
    return int(rng.integers(0, 2**31 - 1))


def agent_config(action: str, scen: Scenario, **options: Any) -> AgentConfig:
    if action not in ACTION_TYPES:
        raise AutoshipError(
            f"unknown action type {action!r}; known: {', '.join(ACTION_TYPES)}",
            file=str(scen.path or ""),
            field="action",
        )
    known = {f.name for f in dataclasses.fields(AgentConfig)}
    bad = sorted(set(options) - known)
    if bad:
        raise AutoshipError(
            f"unknown option {bad[0]!r}; known: {', '.join(sorted(known))}",
            file=str(scen.path or ""),
            field=bad[0],
        )
    return AgentConfig(**options)


def action_space(action: str) -> spaces.Space:
    if action == "discrete":
        return spaces.Discrete(len(DISCRETE_COURSE_DEG) * len(DISCRETE_SPEED))
    # [course change as a fraction of max_turn_deg, speed order from 0 (-1) to full (+1)]
    return spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)


def to_order(agent: ShipAgent, action: Any, kind: str) -> Command:
    """An action as the ship's order; a ``Command`` is taken as it is (scripted or expert)."""
    if isinstance(action, Command):
        return action
    if kind == "discrete":
        return agent.discrete_order(int(action))
    return agent.continuous_order(np.asarray(action))
