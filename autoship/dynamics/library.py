"""The ship library: ships are data (TOML files), not code.

A scenario's ``model`` names a ship in ``autoship/ships/`` (e.g. ``generic-cargo``) or a TOML file
of the user's own (a path ending in ``.toml``, relative to the scenario file).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autoship.errors import ShipModelError

SHIPS_DIR = Path(__file__).resolve().parent.parent / "ships"

# Per family: required keys of the [model] table and the (min, max) each must lie in.
FAMILY_KEYS: dict[str, dict[str, tuple[float, float]]] = {
    "nomoto1": {
        "K_prime": (0.05, 20.0),
        "T_prime": (0.05, 50.0),
        "rudder_max_deg": (1.0, 90.0),
        "rudder_rate_deg_s": (0.1, 100.0),
        "speed_time_constant_s": (0.1, 3600.0),
        "max_speed_kn": (0.5, 80.0),
    },
}
OPTIONAL_KEYS: dict[str, dict[str, tuple[float, float]]] = {
    "nomoto1": {"autopilot_wn_prime": (0.05, 20.0), "autopilot_zeta": (0.1, 3.0)},
}


@dataclass(frozen=True)
class ShipDef:
    """A ship type: hull dimensions, model family and that family's parameters (SI where named)."""

    name: str
    family: str
    length_m: float
    beam_m: float
    draught_m: float
    model: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    scalable: bool = False  # True when the parameters are non-dimensional (any length works)

    def with_dimensions(self, length_m: float, beam_m: float, draught_m: float) -> ShipDef:
        return ShipDef(
            self.name,
            self.family,
            length_m,
            beam_m,
            draught_m,
            dict(self.model),
            self.source,
            self.scalable,
        )


def library_names() -> list[str]:
    return sorted(p.stem for p in SHIPS_DIR.glob("*.toml"))


def _num(tbl: dict, key: str, file: str, prefix: str, lo: float, hi: float) -> float:
    if key not in tbl:
        raise ShipModelError("missing key", file=file, field=f"{prefix}{key}")
    val = tbl[key]
    if isinstance(val, bool) or not isinstance(val, (int, float)):
        raise ShipModelError(
            f"must be a number, got {type(val).__name__}", file=file, field=f"{prefix}{key}"
        )
    val = float(val)
    if not math.isfinite(val) or not (lo <= val <= hi):
        raise ShipModelError(f"{val} is outside [{lo}, {hi}]", file=file, field=f"{prefix}{key}")
    return val


def load_ship(name_or_path: str, base_dir: Path | None = None) -> ShipDef:
    """Load a ship by library name or file path; raises ShipModelError naming file and key."""
    if name_or_path.endswith(".toml"):
        path = Path(name_or_path)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
    else:
        path = SHIPS_DIR / f"{name_or_path}.toml"
        if not path.is_file():
            raise ShipModelError(
                f"unknown ship {name_or_path!r}; library ships: {', '.join(library_names())}"
            )
    file = str(path)
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise ShipModelError("file not found", file=file) from None
    except tomllib.TOMLDecodeError as exc:
        raise ShipModelError(f"invalid TOML: {exc}", file=file) from None
    ship = doc.get("ship")
    if not isinstance(ship, dict):
        raise ShipModelError("missing [ship] table", file=file, field="ship")
    family = ship.get("family")
    if family not in FAMILY_KEYS:
        raise ShipModelError(
            f"unknown family {family!r}; known: {', '.join(FAMILY_KEYS)}",
            file=file,
            field="ship.family",
        )
    length = _num(ship, "length_m", file, "ship.", 1.0, 500.0)
    beam = _num(ship, "beam_m", file, "ship.", 0.3, 80.0)
    draught = _num(ship, "draught_m", file, "ship.", 0.05, 30.0)
    if beam >= length:
        raise ShipModelError("beam must be smaller than length", file=file, field="ship.beam_m")
    model_tbl = doc.get("model")
    if not isinstance(model_tbl, dict):
        raise ShipModelError("missing [model] table", file=file, field="model")
    model: dict[str, Any] = {}
    for key, (lo, hi) in FAMILY_KEYS[family].items():
        model[key] = _num(model_tbl, key, file, "model.", lo, hi)
    for key, (lo, hi) in OPTIONAL_KEYS.get(family, {}).items():
        if key in model_tbl:
            model[key] = _num(model_tbl, key, file, "model.", lo, hi)
    known = set(FAMILY_KEYS[family]) | set(OPTIONAL_KEYS.get(family, {}))
    unknown = sorted(set(model_tbl) - known)
    if unknown:
        raise ShipModelError("unknown key", file=file, field=f"model.{unknown[0]}")
    return ShipDef(
        name=str(ship.get("name", path.stem)),
        family=family,
        length_m=length,
        beam_m=beam,
        draught_m=draught,
        model=model,
        source=str(ship.get("source", "")),
        scalable=bool(ship.get("scalable", False)),
    )
