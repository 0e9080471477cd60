"""The one local frame: north/east metres around the scenario origin, heading clockwise from north.

Built on an ellipsoidal azimuthal-equidistant projection (WGS84) centred at the origin: distances
and bearings from the origin are exact, the scale error stays below 1e-5 inside 50 km, and the
inverse is exact to numerical precision (unlike a true ENU plane, whose round trip needs height).
Grid north differs from true north by the meridian convergence away from the origin (about 0.5 deg
at 50 km east of the origin at 50 deg N); ``convergence_rad`` gives it for edge conversions of
courses.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass, field

import numpy as np
from pyproj import CRS, Geod, Transformer

from autoship.errors import AutoshipError

_GEOD = Geod(ellps="WGS84")


@functools.lru_cache(maxsize=64)
def _transformers(lat: float, lon: float, thread: int) -> tuple[Transformer, Transformer]:
    # Building a pyproj transformer costs ~10 ms; sweeps build thousands of frames at a few
    # origins, so they are shared per origin (and per thread: a pyproj transformer must not be
    # used from two threads at once).
    crs = CRS.from_proj4(f"+proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +datum=WGS84 +units=m")
    return (
        Transformer.from_crs("EPSG:4326", crs, always_xy=True),
        Transformer.from_crs(crs, "EPSG:4326", always_xy=True),
    )


@dataclass(frozen=True)
class LocalFrame:
    origin_lat_deg: float
    origin_lon_deg: float
    _fwd: Transformer = field(init=False, repr=False, compare=False)
    _inv: Transformer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lat, lon = self.origin_lat_deg, self.origin_lon_deg
        if not (math.isfinite(lat) and -89.0 <= lat <= 89.0):
            raise AutoshipError(f"origin latitude {lat} is outside [-89, 89] deg", field="frame")
        if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
            raise AutoshipError(f"origin longitude {lon} is outside [-180, 180] deg", field="frame")
        fwd, inv = _transformers(float(lat), float(lon), threading.get_ident())
        object.__setattr__(self, "_fwd", fwd)
        object.__setattr__(self, "_inv", inv)

    @property
    def crs_wkt(self) -> str:
        return self._fwd.target_crs.to_wkt()

    def to_local(self, lat_deg, lon_deg) -> tuple[np.ndarray, np.ndarray]:
        """lat/lon (deg) -> (north, east) metres."""
        east, north = self._fwd.transform(np.asarray(lon_deg, float), np.asarray(lat_deg, float))
        return np.asarray(north), np.asarray(east)

    def to_latlon(self, north, east) -> tuple[np.ndarray, np.ndarray]:
        """(north, east) metres -> (lat, lon) deg."""
        lon, lat = self._inv.transform(np.asarray(east, float), np.asarray(north, float))
        return np.asarray(lat), np.asarray(lon)

    def transformer_from(self, crs) -> Transformer:
        """A transformer from any CRS to this frame's (x=east, y=north) metres."""
        return Transformer.from_crs(CRS.from_user_input(crs), self._fwd.target_crs, always_xy=True)

    def convergence_rad(self, lat_deg, lon_deg) -> np.ndarray:
        """Grid north minus true north (rad) at the given points: course_grid = course_true - c."""
        lat = np.asarray(lat_deg, float)
        lon = np.asarray(lon_deg, float)
        n0, e0 = self.to_local(lat, lon)
        # A 10 m step true north, measured in the grid, gives the convergence.
        lon1, lat1, _ = _GEOD.fwd(lon, lat, np.zeros_like(lat), np.full_like(lat, 10.0))
        n1, e1 = self.to_local(lat1, lon1)
        return np.arctan2(e1 - e0, n1 - n0)

    def to_dict(self) -> dict:
        return {"origin_lat_deg": self.origin_lat_deg, "origin_lon_deg": self.origin_lon_deg}


def geodesic_distance_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    """WGS84 geodesic distance (m) between point arrays."""
    _, _, d = _GEOD.inv(
        np.asarray(lon1, float),
        np.asarray(lat1, float),
        np.asarray(lon2, float),
        np.asarray(lat2, float),
    )
    return np.asarray(d)
