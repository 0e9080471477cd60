"""Score formulas against hand-worked values; ship domains; penalty reasons."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from autoship.colregs import (
    CROSSING_GIVE_WAY,
    CROSSING_STAND_ON,
    HEAD_ON,
    EncounterFacts,
    load_profile,
    score_encounter,
)
from autoship.colregs.domains import domain_params, domain_ratios
from autoship.colregs.scores import (
    delay_penalty,
    not_apparent_penalties,
    safety_range_score,
    safety_score,
    starboard_to_starboard_penalty,
)

NTNU = load_profile("ntnu-small-asv")
LARGE = load_profile("large-ship")
NM = 1852.0
D = math.radians


@pytest.mark.parametrize(
    "r,want",
    [(500.0, 1.0), (190.0, 1.0), (145.0, 0.9), (100.0, 0.8), (75.0, 0.65), (50.0, 0.5),
     (40.0, 0.25), (30.0, 0.0), (29.9, 0.0)],
)  # fmt: skip
def test_safety_range_piecewise_ntnu(r, want):
    # Drops 0.2 from R_pref 190 to R_min 100, 0.3 to R_nm 50, 0.5 to R_col 30.
    assert safety_range_score(r, NTNU) == pytest.approx(want)


def test_safety_pose_and_fade():
    # Abeam pass inside R_min: pose 1; bow-to-bow inside R_min: pose 0.
    assert safety_score(80.0, D(-90), D(-90), NTNU) == pytest.approx(0.5 * 0.8 * 1 + 0.5 * 1.0, 0.1)
    assert safety_score(80.0, 0.0, 0.0, NTNU) == pytest.approx(0.5 * safety_range_score(80, NTNU))
    # Beyond R_pref the pose no longer matters.
    assert safety_score(300.0, 0.0, 0.0, NTNU) == 1.0
    assert safety_score(29.0, D(-90), D(-90), NTNU) == 0.0


def test_starboard_to_starboard_penalty():
    assert starboard_to_starboard_penalty(D(-90), D(-90)) == pytest.approx(0.0)  # port to port
    assert starboard_to_starboard_penalty(D(90), D(90)) == pytest.approx(1.0)
    assert 0.0 < starboard_to_starboard_penalty(0.0, 0.0) < 1.0


def facts(**kw) -> EncounterFacts:
    base = dict(
        code=CROSSING_GIVE_WAY, role="give-way", basis="rule 15", r_detect=7000.0, r_cpa=2000.0,
        alpha_cpa=D(-120), beta_cpa=D(-60), beta_detect=D(45), manoeuvred=True, r_man=7000.0,
        stage_man=2, max_starboard=D(35), max_port=0.0, r_port=math.nan, speed_reduction=0.0,
        speed_increase=0.0, port_offset_m=0.0, beam_m=32.0, target_acted_first=False,
    )  # fmt: skip
    base.update(kw)
    return EncounterFacts(**base)


def test_delay_penalty_minne():
    assert delay_penalty(facts(r_man=7000.0)) == 0.0
    assert delay_penalty(facts(r_man=4500.0)) == pytest.approx(0.5)  # half way to CPA
    assert delay_penalty(facts(r_man=9000.0)) == 0.0  # before stage 2
    assert delay_penalty(facts(manoeuvred=False)) == 1.0


def test_not_apparent_penalty():
    assert not_apparent_penalties(facts(max_starboard=D(35)), LARGE)[0] == 0.0
    p, pc, pu = not_apparent_penalties(facts(max_starboard=D(10)), LARGE)
    assert pc == pytest.approx(0.5 * (1 - 100 / 900)) and pu == 0.5
    assert p == pytest.approx(pc * pu)
    # A 50 % speed reduction alone is apparent.
    assert not_apparent_penalties(facts(max_starboard=0.0, speed_reduction=0.5), LARGE)[0] == 0


def test_give_way_early_apparent_scores_one():
    rules, pens, s = score_encounter(facts(), LARGE)
    assert rules == {"8": 1.0, "16": 1.0, "15": 1.0} and s == 1.0 and pens == []


def test_give_way_late_small_turn_penalised_with_reasons():
    rules, pens, _ = score_encounter(facts(r_man=2500.0, max_starboard=D(10), r_cpa=1200.0), LARGE)
    assert rules["16"] < 0.5
    reasons = [p["reason"] for p in pens]
    assert any(r.startswith("rule 16: first manoeuvre at 1.35 nm") for r in reasons)
    assert any(r.startswith("rule 16: course change 10 deg") for r in reasons)


def test_crossing_ahead_penalised_rule_15():
    rules, pens, _ = score_encounter(facts(alpha_cpa=D(40)), LARGE)
    assert rules["15"] == pytest.approx(rules["16"] - 0.5)
    assert any(p["rule"] == "15" and "crossed ahead" in p["reason"] for p in pens)


def test_head_on_port_turn_rule_14_reason():
    f = facts(
        code=HEAD_ON, role="both", basis="rule 14", max_starboard=0.0, max_port=D(12),
        r_port=1.4 * NM, r_man=1.4 * NM, alpha_cpa=D(80), beta_cpa=D(95), r_cpa=300.0,
    )  # fmt: skip
    rules, pens, _ = score_encounter(f, LARGE)
    assert rules["14"] == 0.0
    assert "rule 14: turned to port 12 deg at 1.40 nm" in [p["reason"] for p in pens]


def test_head_on_starboard_turn_good():
    f = facts(code=HEAD_ON, role="both", basis="rule 14", alpha_cpa=D(-90), beta_cpa=D(-90))
    rules, pens, _ = score_encounter(f, LARGE)
    assert rules["14"] == pytest.approx(1.0)


def test_stand_on_early_turn_rule_17():
    keep = facts(code=CROSSING_STAND_ON, role="stand-on", basis="rule 15", manoeuvred=False,
                 max_starboard=0.0, r_man=math.nan, stage_man=0)  # fmt: skip
    rules, pens, _ = score_encounter(keep, LARGE)
    assert rules == {"17": 1.0, "15": 1.0}
    early = replace(keep, manoeuvred=True, max_starboard=D(30), r_man=5000.0, stage_man=2)
    rules, pens, _ = score_encounter(early, LARGE)
    assert rules["17"] == pytest.approx(0.5)
    assert any(p["reason"].startswith("rule 17(a)(i): stand-on vessel altered course 30 deg")
               for p in pens)  # fmt: skip
    # Stage 3 while the give-way ship has not acted: allowed (17(a)(ii)); once it has: not.
    late = replace(early, r_man=2500.0, stage_man=3)
    assert score_encounter(late, LARGE)[0]["17"] == 1.0
    assert score_encounter(replace(late, target_acted_first=True), LARGE)[0]["17"] == 0.5
    # 17(c): port turn for a vessel on own port side, ending 3 beams off track.
    port = replace(
        early, max_starboard=0.0, max_port=D(30), port_offset_m=96.0 + 1, port_turn_counts=True
    )
    r, pens, _ = score_encounter(port, LARGE)
    assert r["17"] == 0.0 and any("rule 17(c)" in p["reason"] for p in pens)


def test_rule_19_restricted_visibility():
    f = facts(role="give-way", basis="rule 19", max_starboard=0.0, max_port=D(35), r_port=5000.0)
    rules, pens, _ = score_encounter(f, LARGE)
    assert set(rules) == {"8", "19"} and rules["19"] == pytest.approx(0.5)
    assert any(p["reason"].startswith("rule 19(d)(i)") for p in pens)
    # Target abaft the beam on starboard: turning to starboard (towards it) is penalised.
    f2 = facts(basis="rule 19", beta_detect=D(120))
    rules, pens, _ = score_encounter(f2, LARGE)
    assert rules["19"] == pytest.approx(0.5) and "rule 19(d)(ii)" in pens[0]["reason"]


def test_domains_hand_worked():
    dp = domain_params(LARGE)
    L = 100.0
    # Fujii: 4 L ahead, 1.6 L abeam.
    assert domain_ratios(400.0, 0.0, 0.0, L, dp, False)[0] == pytest.approx(1.0)
    assert domain_ratios(0.0, 160.0, 0.0, L, dp, False)[0] == pytest.approx(1.0)
    # Heading east: a target 400 m east is dead ahead.
    assert domain_ratios(0.0, 400.0, math.pi / 2, L, dp, False)[0] == pytest.approx(1.0)
    # Coldwell head-on: ahead 6.1 L, astern 3.9 L, starboard 3.25 L, port 1.75 L.
    f, c = domain_ratios(0.0, -175.0, 0.0, L, dp, False)
    assert c == pytest.approx(1.0) and f == pytest.approx(175 / 160)
    assert domain_ratios(0.0, 325.0, 0.0, L, dp, False)[1] == pytest.approx(1.0)
    assert domain_ratios(-390.0, 0.0, 0.0, L, dp, False)[1] == pytest.approx(1.0)
    assert domain_ratios(0.0, 175.0, 0.0, L, dp, True)[1] == pytest.approx(1.0)  # overtaking
    assert np.isclose(domain_ratios(610.0, 0.0, 0.0, L, dp, True)[1], 1.0)
