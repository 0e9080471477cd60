"""The ``autoship manoeuvre`` subcommand through its own parser (no dependency on cli/main)."""

from __future__ import annotations

import argparse
import json

import pytest

from autoship.cli import manoeuvre
from autoship.errors import AutoshipError


def _run(argv: list[str], capsys) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    manoeuvre.add_parser(parser.add_subparsers())
    args = parser.parse_args(["manoeuvre", *argv])
    rc = manoeuvre.run(args)
    return rc, capsys.readouterr().out


def test_turning_json_keys_and_values(capsys):
    rc, out = _run(["kvlcc2-model", "--test", "turning", "--rudder-deg", "35", "--json"], capsys)
    assert rc == 0
    doc = json.loads(out)
    for key in ("advance", "transfer", "tactical_diameter", "steady_diameter"):
        assert doc[f"{key}_L"] == pytest.approx(doc[f"{key}_m"] / 7.0)
    assert abs(doc["advance_L"] - 3.06) <= 0.09
    assert abs(doc["tactical_diameter_L"] - 3.05) <= 0.09


def test_zigzag_port_json_and_plot(capsys, tmp_path):
    png = tmp_path / "z.png"
    rc, out = _run(
        ["kvlcc2-model", "--test", "zigzag", "--side", "port", "--json", "--plot", str(png)],
        capsys,
    )
    assert rc == 0
    doc = json.loads(out)
    assert abs(doc["overshoot1_deg"] - 7.2) <= 1.5
    assert abs(doc["overshoot2_deg"] - 9.1) <= 1.5
    assert doc["period_s"] > 0
    assert png.stat().st_size > 1000


def test_stopping_and_initial_text(capsys):
    rc, out = _run(["kvlcc2-model", "--test", "stopping"], capsys)
    assert rc == 0 and "track_reach_L" in out
    rc, out = _run(["kvlcc2-model", "--test", "initial", "--json"], capsys)
    assert rc == 0 and json.loads(out)["distance_L"] < 2.5


def test_imo_json(capsys):
    rc, out = _run(["kvlcc2", "--imo", "--json"], capsys)
    assert rc == 0
    doc = json.loads(out)
    assert doc["passed"] is True and doc["applicable"] is True
    assert all({"value", "limit", "passed"} <= set(c) for c in doc["criteria"])


@pytest.mark.parametrize(
    "argv",
    [
        ["kvlcc2-model"],  # neither --test nor --imo
        ["kvlcc2-model", "--imo", "--test", "turning"],
        ["no-such-ship", "--imo"],
        ["kvlcc2-model", "--test", "turning", "--rudder-deg", "50"],
        ["kvlcc2-model", "--test", "turning", "--rudder-deg", "nan"],
        ["kvlcc2-model", "--test", "zigzag", "--plot", "x.txt"],
    ],
)
def test_bad_input_is_one_line_error(argv, capsys):
    with pytest.raises(AutoshipError) as exc:
        _run(argv, capsys)
    assert "\n" not in str(exc.value)


def test_through_main_bad_input_exits_2(capsys):
    from autoship.cli.main import main

    assert main(["manoeuvre", "no-such-ship", "--imo"]) == 2
    assert "autoship: error:" in capsys.readouterr().err
    assert main(["manoeuvre", "kvlcc2-model", "--test", "initial", "--json"]) == 0


def test_imo_marks_small_craft_not_applicable(capsys):
    rc, out = _run(["usv-fast", "--imo", "--json"], capsys)
    assert json.loads(out)["applicable"] is False
    assert rc in (0, 1)


def test_default_turning_rudder_is_capped_at_the_ship_maximum(capsys):
    rc, out = _run(["usv-fast", "--test", "turning", "--json"], capsys)
    assert rc == 0 and json.loads(out)["rudder_deg"] == 30.0


def test_top_speed_and_bollard_pull(capsys):
    rc, out = _run(["tug", "--test", "bollard", "--json"], capsys)
    assert rc == 0 and abs(json.loads(out)["t"] - 80.0) < 4.0  # Damen ASD Tug 2913: 80 t
    rc, out = _run(["pilot-boat", "--test", "top-speed", "--json"], capsys)
    assert rc == 0 and abs(json.loads(out)["speed_kn"] - 30.0) < 1.5  # published 30 kn
    with pytest.raises(AutoshipError):
        _run(["kvlcc2", "--test", "bollard"], capsys)  # no fossen3 propeller model


def test_imo_nonlinear_mariner_fails_tactical_diameter(capsys):
    rc, out = _run(["mariner", "--imo", "--json"], capsys)
    doc = json.loads(out)
    assert rc == 1 and doc["verdict"] == "FAIL" and doc["passed"] is False
    bad = [c for c in doc["criteria"] if c["verdict"] == "FAIL"]
    assert {c["criterion"] for c in bad} == {"turning_tactical_diameter"}
    assert all(c["value"] > 6.3 for c in bad)  # 6.40 L starboard, 6.65 L port


def test_imo_small_craft_is_not_applicable_not_passed(capsys):
    rc, out = _run(["pilot-boat", "--imo", "--json"], capsys)
    doc = json.loads(out)
    assert rc == 0 and doc["verdict"] == "not applicable" and doc["passed"] is None
