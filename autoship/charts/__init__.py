"""Charts: S-57 ENC and vector readers, draught-aware hazards, clearance and grounding queries,
and a signed distance field that Numba kernels sample.

    chart = load_chart("charts/noaa_enc/US4MD81M/US4MD81M.000", frame)
    hz = chart.hazards(draught_m=9.0, ukc_m=1.0)
    hz.clearance(north, east); hz.swept_hits(n0, e0, n1, e1, psi0, psi1, L, B)
    f = hz.distance_field(); signed_distance(f.grid, f.north0, f.east0, f.res, f.boundary, n, e)
"""

from autoship.charts.chart import Chart, Hazards, cache_dir, load_chart
from autoship.charts.readers import ChartWarning
from autoship.charts.sdf import (
    DistanceField,
    sample_sdf,
    sample_sdf_many,
    signed_distance,
    signed_distance_many,
)
from autoship.errors import ChartError

__all__ = [
    "Chart",
    "ChartError",
    "ChartWarning",
    "DistanceField",
    "Hazards",
    "cache_dir",
    "load_chart",
    "sample_sdf",
    "sample_sdf_many",
    "signed_distance",
    "signed_distance_many",
]
