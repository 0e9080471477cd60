"""Reports: JSON contract, readiness gates, Wilson bound, Markdown, JUnit XML, score CLI."""

from __future__ import annotations

import argparse
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from autoship.colregs import load_profile
from autoship.errors import AutoshipError, ProfileError
from autoship.metrics import (
    build_report,
    markdown,
    score_run,
    wilson_interval,
    write_junit,
    write_markdown,
)
from autoship.metrics.report import runs_needed_zero_failures

from .runs import ship, track, write_run

NM = 1852.0
T = np.arange(0.0, 3001.0, 5.0)
RUN_KEYS = {"scenario_id", "planner", "seed", "run_dir", "passed", "collision", "grounding",
            "min_separation_m", "score", "encounters"}  # fmt: skip
ENC_KEYS = {"own", "target", "type", "own_role", "cpa_m", "tcpa_s", "min_range_m", "rules"}


def make_runs(tmp_path):
    """Two runs: a good early starboard turn and a collision course, plus a second seed."""
    own_good = track(T, -6 * NM, 0.0, 0.0, 12.0, turn_at_s=900, turn_deg=35)
    own_bad = track(T, -6 * NM, 0.0, 0.0, 12.0)
    tgt = track(T, 0.0, 6 * NM, 270.0, 12.0)
    ev = [{"t_s": 1795.0, "kind": "collision", "ships": ["os", "ts1"], "detail": ""}]
    out = []
    for name, own, events, sid, seed in (
        ("good", own_good, [], "imazu-02", 1),
        ("bad", own_bad, ev, "imazu-02", 2),
        ("other", own_good, [], "custom-x", 1),
    ):
        ships = [ship("os", "own", "sbmpc"), ship("ts1")]
        out.append(write_run(tmp_path / name, T, [own, tgt], ships, scenario_id=sid,
                             events=events, seed=seed))  # fmt: skip
    return out


def test_report_contract_summary_and_readiness(tmp_path):
    prof = load_profile("large-ship")
    entries = [score_run(d, prof) for d in make_runs(tmp_path)]
    rep = build_report(entries, prof)
    assert {"autoship_version", "profile", "runs", "summary"} <= set(rep)
    assert rep["profile"] == "large-ship" and rep["profile_hash"] == prof.hash
    for r in rep["runs"]:
        assert set(r) >= RUN_KEYS
        for e in r["encounters"]:
            assert set(e) >= ENC_KEYS
            assert e["type"] in {"head-on", "crossing", "overtaking", "overtaken", "none"}
            assert e["own_role"] in {"give-way", "stand-on", "both", "none"}
            assert all(isinstance(k, str) and 0 <= v <= 1 for k, v in e["rules"].items())
    assert rep["summary"] == {"runs": 3, "passed": 2, "failed": 1, "collisions": 1,
                              "groundings": 0, "near_misses": 1}  # fmt: skip
    rd = rep["readiness"]
    assert rd["gate_a"]["runs"] == 2 and rd["gate_a"]["collisions"] == 1
    assert rd["gate_a"]["passed"] is False
    assert rd["gate_b"]["runs_below"] == 1 and rd["gate_b"]["passed"] is False
    lo, hi = wilson_interval(1, 3, 0.95)
    assert rd["gate_c"]["wilson_upper"] == pytest.approx(hi, abs=1e-6)
    assert rd["gate_c"]["passed"] is False and rd["ready"] is False
    json.dumps(rep)  # plain JSON, no NaN objects


def test_wilson_hand_worked():
    # Zero failures in 10: upper = z^2 / (n + z^2) = 3.8415 / 13.8415 = 0.2775.
    lo, hi = wilson_interval(0, 10)
    assert lo == pytest.approx(0.0, abs=1e-12) and hi == pytest.approx(0.27754, abs=1e-4)
    # 5 of 10: symmetric about 0.5, (0.2366, 0.7634).
    lo, hi = wilson_interval(5, 10)
    assert (lo, hi) == (pytest.approx(0.2366, abs=1e-4), pytest.approx(0.7634, abs=1e-4))
    assert runs_needed_zero_failures(0.05) == 73  # 3.8415 * 0.95 / 0.05 = 72.99
    assert wilson_interval(0, 73)[1] <= 0.05 < wilson_interval(0, 72)[1]


def test_negative_tests_left_out_of_gates_a_and_b(tmp_path):
    prof = load_profile("large-ship")
    own = track(T, -6 * NM, 0.0, 0.0, 12.0)
    tgt = track(T, 0.0, 6 * NM, 270.0, 12.0)
    ev = [{"t_s": 1795.0, "kind": "collision", "ships": ["os", "ts1"], "detail": ""}]
    d = write_run(tmp_path / "neg", T, [own, tgt], [ship("os", "own", "sbmpc"), ship("ts1")],
                  scenario_id="imazu-02", events=ev, expect=["collision"])  # fmt: skip
    rep = build_report([score_run(d, prof)], prof)
    assert rep["summary"]["passed"] == 1
    assert rep["readiness"]["gate_a"]["runs"] == 0 and rep["readiness"]["gate_a"]["passed"] is None
    assert rep["readiness"]["gate_b"]["runs"] == 0
    assert rep["readiness"]["gate_c"]["failures"] == 0


def test_mixed_profiles_refused(tmp_path):
    d = make_runs(tmp_path)[0]
    entry = score_run(d, load_profile("dnv2023"))
    with pytest.raises(ProfileError, match="not comparable"):
        build_report([entry], load_profile("large-ship"))


def test_markdown_and_junit(tmp_path):
    prof = load_profile("large-ship")
    rep = build_report([score_run(d, prof) for d in make_runs(tmp_path)], prof)
    md = markdown(rep)
    assert "| imazu-02 | sbmpc | large-ship | 1 | yes | no | no |" in md
    assert "collision: os and ts1 at t=1795 s" in md and "## Readiness" in md
    write_markdown(rep, tmp_path / "r.md")
    assert (tmp_path / "r.md").read_text() == md
    write_junit(rep, tmp_path / "r.xml")
    root = ET.parse(tmp_path / "r.xml").getroot()
    assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1"
    cases = root.findall("./testsuite/testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [
        ("imazu-02", "sbmpc seed 1"),
        ("imazu-02", "sbmpc seed 2"),
        ("custom-x", "sbmpc"),
    ]
    # What common consumers (Jenkins, GitLab, GitHub test reporters) read: counts on the
    # suite, classname/name/time on each case, message/type on a failure.
    suite = root.find("testsuite")
    for key in ("name", "tests", "failures", "errors", "skipped", "time"):
        assert suite.get(key) is not None, key
    assert int(suite.get("tests")) == len(cases) and int(suite.get("failures")) == 1
    for c in cases:
        assert c.get("classname") and c.get("name") and float(c.get("time")) >= 0.0
    fails = [c.find("failure") for c in cases]
    assert fails[1].get("type") == "gate" and "collision: os and ts1" in fails[1].text
    assert fails[0] is None and fails[2] is None
    assert fails[1].get("message").startswith("collision: os and ts1 at t=1795 s; separation:")
    with pytest.raises(AutoshipError, match="output folder does not exist"):
        write_junit(rep, tmp_path / "no" / "r.xml")


def _cli(argv):
    from autoship.cli import score

    parser = argparse.ArgumentParser()
    score.add_parser(parser.add_subparsers())
    args = parser.parse_args(["score", *argv])
    return args.func(args)


def test_score_cli(tmp_path, capsys):
    runs = make_runs(tmp_path)
    assert _cli([str(runs[0])]) == 0
    assert "PASS imazu-02" in capsys.readouterr().out
    # A batch folder is expanded to its run folders; one run failed -> exit 1.
    rc = _cli([str(tmp_path), "--profile", "dnv2023", "--json", "--junit", str(tmp_path / "j.xml"),
               "--markdown", str(tmp_path / "m.md")])  # fmt: skip
    assert rc == 1
    rep = json.loads(capsys.readouterr().out)
    assert rep["profile"] == "dnv2023" and len(rep["runs"]) == 3
    assert len(ET.parse(tmp_path / "j.xml").getroot().findall(".//testcase")) == 3
    with pytest.raises(ProfileError):
        _cli([str(runs[0]), "--profile", "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(AutoshipError, match="no meta.json"):
        _cli([str(tmp_path / "empty")])
