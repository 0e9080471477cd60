"""Profiles: bundled names, default, strict loading, validation, identification."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from autoship.colregs import DEFAULT_PROFILE, available_profiles, load_profile
from autoship.colregs.profile import profile_from_dict
from autoship.errors import ProfileError

PROFILES = Path(__file__).resolve().parents[2] / "autoship" / "colregs" / "profiles"


def _raw(name="large-ship"):
    with open(PROFILES / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


def test_bundled_profiles_and_default():
    assert {"large-ship", "ntnu-small-asv", "dnv2023"} <= set(available_profiles())
    assert DEFAULT_PROFILE == "large-ship"
    assert load_profile(None).name == "large-ship"
    small = load_profile("ntnu-small-asv")
    # NTNU evaluator.yaml distances and stages (NTNU colav-simulator config/evaluator.yaml).
    assert (small.safety.r_pref_m, small.safety.r_min_m, small.safety.r_nm_m) == (190, 100, 50)
    assert small.safety.r_col_m == 30
    assert (small.stages.r2_m, small.stages.r3_m, small.stages.r4_m) == (2500, 1100, 200)
    dnv = load_profile("dnv2023")
    assert (dnv.classification.head_on_deg, dnv.classification.overtaking_deg) == (5.0, 67.5)
    assert dnv.classification.crossing_deg == 5.0 and not dnv.classification.overtaking_speed_test
    large = load_profile("large-ship")
    assert (large.classification.head_on_deg, large.classification.crossing_deg) == (13.0, -10.0)
    assert large.classification.stern_sector_deg == 112.5
    hashes = {load_profile(n).hash for n in available_profiles()}
    assert len(hashes) == len(available_profiles())
    assert large.describe() == {"name": "large-ship", "version": 2, "hash": large.hash}
    assert load_profile("ntnu_small_asv").name == "ntnu-small-asv"


def test_unknown_profile_names_choices():
    with pytest.raises(ProfileError, match="unknown profile 'nope'.*large-ship"):
        load_profile("nope")


def test_profile_file_path(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text((PROFILES / "large-ship.toml").read_text().replace('"large-ship"', '"mine"'))
    prof = load_profile(str(p))
    assert prof.name == "mine" and prof.hash != load_profile("large-ship").hash
    with pytest.raises(ProfileError, match="not found"):
        load_profile(str(tmp_path / "missing.toml"))
    bad = tmp_path / "bad.toml"
    bad.write_text("[profile\nname=")
    with pytest.raises(ProfileError, match="not valid TOML"):
        load_profile(str(bad))


@pytest.mark.parametrize(
    "edit,field",
    [
        (lambda r: r["stages"].update(r2_m=100.0), "stages"),
        (lambda r: r["classification"].update(typo_deg=3.0), "classification.typo_deg"),
        (lambda r: r["safety"].pop("r_min_m"), "safety.r_min_m"),
        (lambda r: r["safety"].update(r_min_m="far"), "safety.r_min_m"),
        (lambda r: r["safety"].update(gamma_col=0.9), "safety.gamma_col"),
        (lambda r: r["classification"].update(crossing_deg=20.0), "classification.crossing_deg"),
        (lambda r: r["classification"].update(overtaking_speed_test=1), "overtaking_speed_test"),
        (lambda r: r.pop("gates"), "gates"),
        (lambda r: r.update(extra={}), "extra"),
        (lambda r: r["profile"].update(version=0), "profile.version"),
        (lambda r: r["readiness"].update(max_failure_rate=1.5), "readiness.max_failure_rate"),
    ],
)
def test_malformed_profiles_name_the_key(edit, field):
    raw = _raw()
    edit(raw)
    with pytest.raises(ProfileError) as exc:
        profile_from_dict(raw, file="x.toml")
    assert "x.toml" in str(exc.value) and field in str(exc.value)


def test_pilotage_distances_grow_with_the_ship():
    base = load_profile("pilotage")
    harbour = load_profile("harbour")
    # Unscaled, pilotage has the harbour's metres (its floor) and the harbour's angles.
    assert base.safety.r_min_m == harbour.safety.r_min_m == 50.0
    assert base.classification == harbour.classification
    ferry = load_profile("pilotage@150")
    assert ferry.name == "pilotage@150" and ferry.hash != base.hash
    # 150 m: R_pref 1.75 L (Coldwell), R_min 0.8 L, near miss and run gate 0.5 L, stages 8/4/1 L.
    s = ferry.safety
    assert (s.r_pref_m, s.r_min_m, s.r_nm_m, s.r_col_m) == (262.5, 120.0, 75.0, 45.0)
    assert ferry.gates.min_separation_m == 75.0
    st = ferry.stages
    assert (st.r1_m, st.r2_m, st.r3_m, st.r4_m) == (3000.0, 1200.0, 600.0, 150.0)
    # Small ships keep the metres: at 60 m every distance is the floor or just above it.
    coaster = load_profile("pilotage@60")
    assert coaster.safety.r_min_m == 50.0 and coaster.stages.r2_m == 600.0
    # The name in a run folder loads the same thresholds again.
    assert load_profile(ferry.name) == ferry
    # Everything but the distances is the base profile's.
    assert ferry.rules == base.rules and ferry.risk == base.risk


def test_length_suffix_errors():
    with pytest.raises(ProfileError, match="does not scale with length"):
        load_profile("large-ship@150")
    with pytest.raises(ProfileError, match="ship length in metres"):
        load_profile("pilotage@long")
    with pytest.raises(ProfileError, match="not a ship length"):
        load_profile("pilotage@-5")


def test_lengths_table_is_validated():
    raw = _raw("pilotage")
    raw["lengths"]["r_min"] = -1.0
    with pytest.raises(ProfileError) as exc:
        profile_from_dict(raw, "p.toml")
    assert exc.value.field == "lengths.r_min"
    raw = _raw("pilotage")
    raw["lengths"]["r_nm"] = 2.0  # near miss above R_min once scaled: inconsistent
    prof = profile_from_dict(raw, "p.toml")
    with pytest.raises(ProfileError, match="r_pref_m >= r_min_m > r_nm_m"):
        prof.for_length(150.0)
