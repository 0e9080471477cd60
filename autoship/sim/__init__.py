"""The simulation loop and its checks."""

from autoship.sim.loop import SimResult, simulate

__all__ = ["SimResult", "simulate"]
