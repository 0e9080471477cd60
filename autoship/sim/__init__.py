"""The simulation loop and its checks."""

from autoship.sim.loop import simulate
from autoship.sim.result import SimResult
from autoship.sim.simulation import Simulation

__all__ = ["SimResult", "Simulation", "simulate"]
