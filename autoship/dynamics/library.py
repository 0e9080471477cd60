"""The ship library: ships are data (TOML files), not code.

A scenario's ``model`` names a ship in ``autoship/ships/`` (e.g. ``generic-cargo``) or a TOML file
of the user's own (a path ending in ``.toml``, relative to the scenario file).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from autoship._strict import check_path_text, parse_toml, read_text
from autoship.errors import ShipModelError

SHIPS_DIR = Path(__file__).resolve().parent.parent / "ships"

# Blendermann (1994) coefficients per ship type: (C_Dt, C_Dl,AF bow, C_Dl,AF stern, delta)
# (Blendermann 1994, JWEIA 51:339-351; drilling vessel takes the middle of its ranges).
BLENDERMANN: dict[str, tuple[float, float, float, float]] = {
    "car-carrier": (0.95, 0.55, 0.60, 0.80),
    "cargo-loaded": (0.85, 0.65, 0.55, 0.40),
    "cargo-containers-on-deck": (0.85, 0.55, 0.50, 0.40),
    "container-ship-loaded": (0.90, 0.55, 0.55, 0.40),
    "destroyer": (0.85, 0.60, 0.65, 0.65),
    "diving-support-vessel": (0.90, 0.60, 0.80, 0.55),
    "drilling-vessel": (1.00, 0.85, 0.92, 0.10),
    "ferry": (0.90, 0.45, 0.50, 0.80),
    "fishing-vessel": (0.95, 0.70, 0.70, 0.40),
    "lng-tanker": (0.70, 0.60, 0.65, 0.50),
    "offshore-supply-vessel": (0.90, 0.55, 0.80, 0.55),
    "passenger-liner": (0.90, 0.40, 0.40, 0.80),
    "research-vessel": (0.85, 0.55, 0.65, 0.60),
    "speed-boat": (0.90, 0.55, 0.60, 0.60),
    "tanker-loaded": (0.70, 0.90, 0.55, 0.40),
    "tanker-ballast": (0.70, 0.75, 0.55, 0.40),
    "tender": (0.85, 0.55, 0.55, 0.65),
}


def _family_specs() -> tuple[dict, dict]:
    # Each family module declares its own [model] keys; imported here so the library stays the
    # one place that reads files.
    from autoship.dynamics import abkowitz, fossen3, mmg, nomoto1, nomoto2, sonnomoto

    req = {}
    opt = {}
    for name, mod in (
        ("nomoto1", nomoto1),
        ("nomoto2", nomoto2),
        ("fossen3", fossen3),
        ("mmg", mmg),
        ("abkowitz", abkowitz),
        ("sonnomoto", sonnomoto),
    ):
        req[name] = mod.REQUIRED
        opt[name] = mod.OPTIONAL
    return req, opt


FAMILY_KEYS, OPTIONAL_KEYS = _family_specs()


@dataclass(frozen=True)
class WindDef:
    """Above-water areas and Blendermann coefficients for wind loads (SI)."""

    frontal_area_m2: float
    lateral_area_m2: float
    loa_m: float
    lateral_centroid_m: float  # centroid of A_L forward of midship
    CDt: float
    CDl_bow: float
    CDl_stern: float
    delta: float


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
    wind: WindDef | None = None
    scale_ratio: float = 1.0  # lambda of a scale model; 1 at full scale (IMO L/V uses full scale)

    @property
    def service_speed(self) -> float:
        """Service (trial approach) speed in m/s."""
        kn = self.model.get("service_speed_kn", self.model.get("max_speed_kn", 0.0))
        return float(kn) * 1852.0 / 3600.0

    def with_dimensions(self, length_m: float, beam_m: float, draught_m: float) -> ShipDef:
        """This ship at other dimensions, its parameters scaled by the laws in ``scaling``."""
        from autoship.dynamics.scaling import scale_ship

        return scale_ship(self, length_m, beam_m, draught_m)


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
    try:
        val = float(val)
    except OverflowError:  # a TOML integer with hundreds of digits
        val = math.inf
    if not math.isfinite(val) or not (lo <= val <= hi):
        raise ShipModelError(f"{val:g} is outside [{lo}, {hi}]", file=file, field=f"{prefix}{key}")
    return val


def load_ship(name_or_path: str, base_dir: Path | None = None) -> ShipDef:
    """Load a ship by library name or file path; raises ShipModelError naming file and key."""
    check_path_text(name_or_path, None, "model", ShipModelError)
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
    # A sweep loads the same ship file once per generated scenario: reuse the checked result
    # for the same text (a copy, so no caller can alter the cached parameters). Keyed by the
    # content, not the mtime, which is too coarse to tell two quick edits apart.
    # One reader for every user TOML file: a folder, non-UTF-8 bytes, a NUL in the name or deep
    # nesting are one ShipModelError naming the file, never an OSError or RecursionError.
    text = read_text(path, file, ShipModelError)
    key = (file, text)
    hit = _LOADED.get(key)
    if hit is None:
        hit = _load_text(path, file, text)
        if len(_LOADED) > 64:
            _LOADED.clear()
        _LOADED[key] = hit
    return replace(hit, model=dict(hit.model))


_LOADED: dict[tuple[str, str], ShipDef] = {}


def _load_text(path: Path, file: str, text: str) -> ShipDef:
    doc = parse_toml(text, file, ShipModelError)
    ship = doc.get("ship")
    if not isinstance(ship, dict):
        raise ShipModelError("missing [ship] table", file=file, field="ship")
    family = ship.get("family")
    if not isinstance(family, str) or family not in FAMILY_KEYS:
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
    for key, (lo, hi, _default) in OPTIONAL_KEYS.get(family, {}).items():
        if key in model_tbl:
            model[key] = _num(model_tbl, key, file, "model.", lo, hi)
    known = set(FAMILY_KEYS[family]) | set(OPTIONAL_KEYS.get(family, {}))
    unknown = sorted(set(model_tbl) - known)
    if unknown:
        raise ShipModelError("unknown key", file=file, field=f"model.{unknown[0]}")
    wind = _wind(doc.get("wind"), file, length)
    scale = 1.0
    if "scale_ratio" in ship:
        scale = _num(ship, "scale_ratio", file, "ship.", 1.0, 1000.0)
    unknown_ship = sorted(set(ship) - _SHIP_KEYS)
    if unknown_ship:
        raise ShipModelError("unknown key", file=file, field=f"ship.{unknown_ship[0]}")
    unknown_top = sorted(set(doc) - {"ship", "model", "wind"})
    if unknown_top:
        raise ShipModelError("unknown table", file=file, field=unknown_top[0])
    for key in ("name", "source"):
        if key in ship and not isinstance(ship[key], str):
            raise ShipModelError("must be a string", file=file, field=f"ship.{key}")
    if "scalable" in ship and not isinstance(ship["scalable"], bool):
        raise ShipModelError("must be true or false", file=file, field="ship.scalable")
    sdef = ShipDef(
        name=str(ship.get("name", path.stem)),
        family=family,
        length_m=length,
        beam_m=beam,
        draught_m=draught,
        model=model,
        source=str(ship.get("source", "")),
        scalable=bool(ship.get("scalable", False)),
        wind=wind,
        scale_ratio=scale,
    )
    _check_consistency(sdef, file)
    return sdef


def _check_consistency(sdef: ShipDef, file: str) -> None:
    """Cross-key checks each key's range cannot express (the ship must reach its service speed)."""
    m = sdef.model
    if (
        "service_speed_kn" in m
        and "max_speed_kn" in m
        and m["service_speed_kn"] > m["max_speed_kn"]
    ):
        raise ShipModelError(
            "service speed exceeds max_speed_kn", file=file, field="model.service_speed_kn"
        )
    if sdef.family not in ("mmg", "fossen3"):
        return
    from autoship.dynamics.fleet import FAMILIES

    fam = FAMILIES[sdef.family]
    try:
        P = fam.pack_params([sdef])
        n_service = fam.propulsion_demand(P, 0, sdef.service_speed, "trim")
    except ShipModelError as exc:
        raise ShipModelError(exc.message, file=file, field=exc.field) from None
    if not math.isfinite(n_service) or n_service > m["max_shaft_rps"]:
        raise ShipModelError(
            f"the service speed needs {n_service:.3g} rev/s, above max_shaft_rps "
            f"{m['max_shaft_rps']:g}",
            file=file,
            field="model.max_shaft_rps",
        )


_SHIP_KEYS = {
    "name",
    "family",
    "scalable",
    "length_m",
    "beam_m",
    "draught_m",
    "source",
    "scale_ratio",
}


def _wind(tbl: Any, file: str, length: float) -> WindDef | None:
    if tbl is None:
        return None
    if not isinstance(tbl, dict):
        raise ShipModelError("must be a table", file=file, field="wind")
    kind = tbl.get("type")
    if not isinstance(kind, str) or kind not in BLENDERMANN:
        raise ShipModelError(
            f"unknown Blendermann type {kind!r}; known: {', '.join(BLENDERMANN)}",
            file=file,
            field="wind.type",
        )
    keys = {"type", "frontal_area_m2", "lateral_area_m2", "loa_m", "lateral_centroid_m"}
    unknown = sorted(set(tbl) - keys)
    if unknown:
        raise ShipModelError("unknown key", file=file, field=f"wind.{unknown[0]}")
    af = _num(tbl, "frontal_area_m2", file, "wind.", 1e-4, 1e5)
    al = _num(tbl, "lateral_area_m2", file, "wind.", 1e-4, 1e6)
    loa = _num(tbl, "loa_m", file, "wind.", 0.5 * length, 1.5 * length)
    sl = _num(tbl, "lateral_centroid_m", file, "wind.", -0.5 * loa, 0.5 * loa)
    cdt, cb, cs, dl = BLENDERMANN[kind]
    return WindDef(af, al, loa, sl, cdt, cb, cs, dl)


def ship_for(length_m: float, beam_m: float | None = None, ship_type: int | None = None) -> ShipDef:
    """Library ship for AIS static data (length, beam, ITU-R M.1371 ship type), scaled to it.

    See ``autoship.dynamics.choose`` for the rules; ``choose.ship_choice`` gives the name and
    the reason for a scenario's provenance.
    """
    from autoship.dynamics.choose import ship_for as _ship_for

    return _ship_for(length_m, beam_m, ship_type)
