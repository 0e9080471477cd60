"""Planners: the protocol, the registry and the built-in planners."""

from autoship.planner.base import (
    Command,
    Observation,
    Planner,
    PlannerContext,
    make_planner,
    planner_names,
    register,
)

__all__ = [
    "Command",
    "Observation",
    "Planner",
    "PlannerContext",
    "make_planner",
    "planner_names",
    "register",
]
