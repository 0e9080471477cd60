"""Geodesy: the local metric frame and geodesic helpers."""

from autoship.geo.frame import LocalFrame, geodesic_distance_m

__all__ = ["LocalFrame", "geodesic_distance_m"]
