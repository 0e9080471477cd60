"""Scaling laws: a library ship stretched to the length, beam and draught a scenario gives it.

``ShipDef.with_dimensions`` calls :func:`scale_ship`. With lambda = L / L_file the laws are
Froude similarity (time ~ sqrt(lambda), speed ~ sqrt(lambda), force ~ lambda^3, power ~
lambda^3.5), applied per family to the quantities its file gives dimensionally:

| quantity | law | families |
|---|---|---|
| non-dimensional hydrodynamics (K', T', prime derivatives, MMG coefficients) | unchanged | all |
| rudder rate | lambda^-0.5, floored at SOLAS 2.32 deg/s (note 1) | all |
| speed time constant | lambda^0.5 | nomoto1, nomoto2 |
| service and maximum speed | lambda^0.5 | fossen3, mmg, abkowitz, sonnomoto |
| service and maximum speed | unchanged (the scenario gives it) | nomoto1, nomoto2 |
| shaft speeds | lambda^-0.5; shaft acceleration lambda^-1 | fossen3, mmg, sonnomoto |
| propeller diameter, rudder span, x_G, x_R, GM, lengths | lambda | fossen3, mmg, sonnomoto |
| rudder area, wind areas | lambda^2 | fossen3, mmg, sonnomoto, all [wind] |
| displacement | L B T ratio | mmg, sonnomoto (fossen3 derives it from L B T C_b) |
| engine power | lambda^3.5 | fossen3 |
| time constants of actuators, integration step | lambda^0.5 | abkowitz, fossen3, mmg, sonnomoto |

Note 1: SOLAS II-1 Reg. 29.3.2 asks the steering gear to put the rudder from 35 deg on one side
to 30 deg on the other in 28 s (2.32 deg/s); a file whose own rate is lower keeps its rate.

Each ship file states the lengths its model is valid for (``valid_length_min_m`` and
``valid_length_max_m`` in [model]); the laws do not check them, so a placeholder still runs at
any size, but ``library.ship_for`` and the stability tests use them.
"""

from __future__ import annotations

import dataclasses
import math

SOLAS_MIN_RUDDER_RATE_DEG_S = 65.0 / 28.0  # SOLAS II-1 Reg. 29.3.2: 35 deg to 30 deg in 28 s

# Keys scaled per family: key -> exponent of lambda.
_LAWS: dict[str, dict[str, float]] = {
    "nomoto1": {"speed_time_constant_s": 0.5},
    "nomoto2": {"speed_time_constant_s": 0.5},
    "abkowitz": {
        "service_speed_kn": 0.5,
        "max_speed_kn": 0.5,
        "rudder_time_constant_s": 0.5,
        "max_step_s": 0.5,
    },
    "fossen3": {
        "service_speed_kn": 0.5,
        "service_shaft_rps": -0.5,
        "max_shaft_rps": -0.5,
        "astern_shaft_rps": -0.5,
        "shaft_rate_rps_s": -1.0,
        "propeller_diameter_m": 1.0,
        "x_G_m": 1.0,
        "x_R_m": 1.0,
        "rudder_area_m2": 2.0,
        "max_power_kW": 3.5,
        "max_step_s": 0.5,
    },
    "sonnomoto": {
        "service_speed_kn": 0.5,
        "max_shaft_rps": -0.5,
        "propeller_diameter_m": 1.0,
        "rudder_area_m2": 2.0,
        "GM_m": 1.0,
        "rudder_time_constant_s": 0.5,
        "max_step_s": 0.5,
    },
    "mmg": {
        "service_speed_kn": 0.5,
        "max_shaft_rps": -0.5,
        "astern_shaft_rps": -0.5,
        "shaft_rate_rps_s": -1.0,
        "propeller_diameter_m": 1.0,
        "rudder_span_m": 1.0,
        "x_G_m": 1.0,
        "rudder_area_m2": 2.0,
        "max_step_s": 0.5,
    },
}


def scaled_rudder_rate(rate_deg_s: float, lam: float) -> float:
    """Froude-scaled rudder rate, floored at the SOLAS minimum (unless the file is slower)."""
    return max(rate_deg_s / math.sqrt(lam), min(rate_deg_s, SOLAS_MIN_RUDDER_RATE_DEG_S))


def scale_ship(sd, length_m: float, beam_m: float, draught_m: float):
    """``sd`` (a ShipDef) with new dimensions and its dimensional parameters scaled to them."""
    lam = length_m / sd.length_m
    model = dict(sd.model)
    if lam != 1.0:
        for key, expo in _LAWS.get(sd.family, {}).items():
            if key in model and model[key] != 0.0:
                model[key] = model[key] * lam**expo
        if "rudder_rate_deg_s" in model:
            model["rudder_rate_deg_s"] = scaled_rudder_rate(model["rudder_rate_deg_s"], lam)
    if sd.family == "fossen3" and model.get("clarke_beam_m", 0.0) > 0.0:
        model["clarke_beam_m"] *= beam_m / sd.beam_m
    if sd.family in ("mmg", "sonnomoto") and "displacement_m3" in model:
        model["displacement_m3"] *= (
            length_m * beam_m * draught_m / (sd.length_m * sd.beam_m * sd.draught_m)
        )
    wind = sd.wind
    if wind is not None and lam != 1.0:
        wind = dataclasses.replace(
            wind,
            frontal_area_m2=wind.frontal_area_m2 * lam * lam,
            lateral_area_m2=wind.lateral_area_m2 * lam * lam,
            loa_m=wind.loa_m * lam,
            lateral_centroid_m=wind.lateral_centroid_m * lam,
        )
    return dataclasses.replace(
        sd, length_m=length_m, beam_m=beam_m, draught_m=draught_m, model=model, wind=wind
    )


def valid_lengths(sd) -> tuple[float, float]:
    """(min, max) length in m the ship file declares valid; its own length when it declares none."""
    lo = float(sd.model.get("valid_length_min_m", 0.0)) or sd.length_m
    hi = float(sd.model.get("valid_length_max_m", 0.0)) or sd.length_m
    return lo, hi
