"""CPA/TCPA and encounter angles, as the COLREG engine names them.

The implementation is ``autoship.geometry`` (the bottom-layer geometry every layer shares, the
viewer included); this module keeps the names the colregs package has always exported.
"""

from __future__ import annotations

from autoship.geometry import (
    TWO_PI,
    V_REL_EPS2,
    cpa_tcpa,
    cpa_tcpa_scalar,
    encounter_angles,
    encounter_angles_scalar,
)
from autoship.geometry import as_float_array as _as_flat
from autoship.geometry import wrap_2pi as wrap_2pi_scalar
from autoship.geometry import wrap_pi as wrap_pi_scalar

__all__ = [
    "TWO_PI",
    "V_REL_EPS2",
    "_as_flat",
    "cpa_tcpa",
    "cpa_tcpa_scalar",
    "encounter_angles",
    "encounter_angles_scalar",
    "wrap_2pi_scalar",
    "wrap_pi_scalar",
]
