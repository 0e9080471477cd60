"""Ship library: every bundled ship loads and runs; bad ship files give one-line errors."""

from __future__ import annotations

import numpy as np
import pytest

from autoship.dynamics import Fleet, library_names, load_ship
from autoship.dynamics.state import NX, U
from autoship.errors import ShipModelError


def test_required_library_ships_exist():
    names = set(library_names())
    assert {
        "kvlcc2",
        "kvlcc2-model",
        "container",
        "usv-fast",
        "mariner",
        "generic-cargo",
        "mariner-nomoto",
        "pilot-boat",
        "tug",
        "fishing-vessel",
        "motor-yacht",
        "sailing-yacht",
        "ferry",
        "tanker",
    } <= names


@pytest.mark.parametrize("name", library_names())
def test_every_library_ship_loads_and_builds_a_fleet(name):
    sd = load_ship(name)
    assert sd.service_speed > 0
    X0 = np.zeros((NX, 1))
    X0[U] = sd.service_speed
    Fleet([sd], X0)


def test_kvlcc2_model_is_froude_scaled_from_full_scale():
    full, model = load_ship("kvlcc2"), load_ship("kvlcc2-model")
    lam = model.scale_ratio
    assert full.length_m / model.length_m == pytest.approx(lam, rel=1e-3)
    assert model.model["rudder_rate_deg_s"] == pytest.approx(
        full.model["rudder_rate_deg_s"] * lam**0.5, rel=1e-3
    )
    assert full.service_speed / model.service_speed == pytest.approx(lam**0.5, rel=2e-3)
    for key in ("R_0", "Y_v", "N_R", "k_2", "w_P0", "x_P", "f_alpha"):
        assert full.model[key] == model.model[key]


def _write(tmp_path, text):
    p = tmp_path / "ship.toml"
    p.write_text(text)
    return str(p)


def _mmg_file(tmp_path, drop=None, override=None, extra=""):
    src = (
        __import__("autoship.dynamics.library", fromlist=["SHIPS_DIR"]).SHIPS_DIR / "kvlcc2.toml"
    ).read_text()
    lines = []
    for line in src.splitlines():
        key = line.split("=")[0].strip()
        if drop and key == drop:
            continue
        if override and key in override:
            line = f"{key} = {override[key]}"
        lines.append(line)
    return _write(tmp_path, "\n".join(lines) + "\n" + extra)


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"override": {"displacement_m3": "-3.0"}}, "model.displacement_m3", "outside"),
        ({"drop": "N_vrr"}, "model.N_vrr", "missing"),
        ({"override": {"Y_v": '"big"'}}, "model.Y_v", "number"),
        ({"override": {"rudder_rate_deg_s": "0"}}, "model.rudder_rate_deg_s", "outside"),
        ({"override": {"family": '"warp"'}}, "ship.family", "unknown family"),
        ({"override": {"type": '"zeppelin"'}}, "wind.type", "Blendermann"),
        ({"extra": "[model2]\nx = 1\n"}, "model2", "unknown"),
    ],
)
def test_bad_ship_files_give_one_line_errors(tmp_path, kwargs, field, words):
    path = _mmg_file(tmp_path, **kwargs)
    with pytest.raises(ShipModelError) as exc:
        load_ship(path)
    msg = str(exc.value)
    assert "\n" not in msg
    assert exc.value.file == path and exc.value.field == field
    assert words in msg


def test_unknown_model_key_is_rejected(tmp_path):
    path = _mmg_file(tmp_path, override={"N_rrr": "-0.013\nN_rrrr = 0.1"})
    with pytest.raises(ShipModelError, match="unknown key"):
        load_ship(path)


def test_unknown_ship_name_lists_library():
    with pytest.raises(ShipModelError, match="kvlcc2"):
        load_ship("titanic")


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ShipModelError, match="not found"):
        load_ship(str(tmp_path / "nope.toml"))
    with pytest.raises(ShipModelError, match="invalid TOML"):
        load_ship(_write(tmp_path, "[ship\n"))


def test_relative_path_resolves_against_base_dir(tmp_path):
    _mmg_file(tmp_path)
    sd = load_ship("ship.toml", base_dir=tmp_path)
    assert sd.family == "mmg"


def test_shaft_limit_below_service_rps_is_rejected(tmp_path):
    path = _mmg_file(tmp_path, override={"max_shaft_rps": "1.0"})
    with pytest.raises(ShipModelError, match=r"needs 1\.7\d rev/s") as exc:
        load_ship(path)
    assert exc.value.field == "model.max_shaft_rps" and exc.value.file == path


@pytest.mark.parametrize(
    ("name", "ad", "td", "os1", "os2"),
    [("container", 3.16, 4.24, 2.6, 3.1), ("usv-fast", 2.41, 2.50, 3.3, 2.9)],
)
def test_trial_figures_noted_in_ship_files_still_hold(name, ad, td, os1, os2):
    from autoship.dynamics import trials

    sd = load_ship(name)
    t, _ = trials.turning(sd, min(35.0, sd.model["rudder_max_deg"]), until_deg=200, settle=False)
    z, _ = trials.zigzag(sd, 10.0)
    assert abs(t["advance_L"] - ad) <= 0.05 and abs(t["tactical_diameter_L"] - td) <= 0.05
    assert abs(z["overshoot1_deg"] - os1) <= 0.3 and abs(z["overshoot2_deg"] - os2) <= 0.3
