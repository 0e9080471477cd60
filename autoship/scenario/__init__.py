"""Scenarios: schema (frozen dataclasses) and the strict TOML loader."""

from autoship.scenario.loader import find_scenarios, load_scenario, parse_scenario
from autoship.scenario.schema import ChartSpec, Environment, Scenario, ShipSpec

__all__ = [
    "ChartSpec",
    "Environment",
    "Scenario",
    "ShipSpec",
    "find_scenarios",
    "load_scenario",
    "parse_scenario",
]
