"""The one JUnit writer of `run`, `score` and `report`: schema-valid, CI-parser readable, real
times, no "None", capped one-line messages with the full gates in the text, readable
system-out, one case per scenario and planner, failures = failed gates."""

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autoship.cli.main import main
from autoship.metrics import junit_tree, write_junit
from autoship.metrics.report import JUNIT_MESSAGE_MAX

ROOT = Path(__file__).resolve().parents[2]
XSD = Path(__file__).with_name("junit.xsd")

LONG_GATES = [
    f"rule {r}: ts{k} score 0.{k:02d} below 0.70 (give-way action late by {k * 37} s, "
    "course alteration not readily apparent to the other vessel)"
    for k, r in enumerate(["8", "13", "14", "15", "16", "17"] * 20)
]


def _enc(own: str, tgt: str, score: float) -> dict:
    return {
        "own": own,
        "target": tgt,
        "type": "crossing",
        "own_role": "give-way",
        "cpa_m": 812.4,
        "tcpa_s": 300.0,
        "min_range_m": 790.0,
        "score": score,
        "rules": {"15": score, "16": 1.0},
        "penalties": [{"rule": "16", "penalty": 0.3, "reason": "late action", "breach": True}],
    }


def _report() -> dict:
    base = {"planner": "sbmpc", "collision": False, "grounding": False, "score": 0.9}
    runs = [
        {**base, "scenario_id": "a", "seed": 1, "passed": True, "wall_s": 2.5,
         "min_separation_m": 900.0, "encounters": [_enc("os", "ts1", 0.9)], "failed_gates": []},
        {**base, "scenario_id": "b", "seed": 1, "passed": False, "wall_s": 0.75,
         "min_separation_m": None, "score": 0.0, "collision": True,
         "encounters": [_enc("os", "ts1", 0.0)], "failed_gates": LONG_GATES},
        # Same scenario and planner twice: two cases told apart by seed.
        {**base, "scenario_id": "c", "seed": 1, "passed": True, "failed_gates": []},
        {**base, "scenario_id": "c", "seed": 2, "passed": False, "failed_gates": []},
        # A declared negative test that got what it expected passes.
        {**base, "scenario_id": "neg", "seed": 1, "passed": True, "grounding": True,
         "failed_gates": [], "negative_test": {"expect": ["grounding"],
                                               "occurred": ["grounding"], "gates": []}},
    ]  # fmt: skip
    return {
        "autoship_version": "0.1",
        "profile": "large-ship",
        "profile_version": None,  # missing values are left out, never the string "None"
        "profile_hash": "abc123",
        "runs": runs,
        "errors": [{"ok": False, "error": "x.toml: ship: boom " * 60, "path": "s/x.toml"}],
    }


def _check_structure(root: ET.Element) -> None:
    """What the JUnit schema and CI readers require, without an XSD library."""
    assert root.tag == "testsuites"
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)
        assert int(suite.get("errors")) == sum(c.find("error") is not None for c in cases)
        assert float(suite.get("time")) == pytest.approx(sum(float(c.get("time")) for c in cases))
        props = suite.find("properties")
        assert props is None or len(props) > 0
        for c in cases:
            assert c.get("classname") and c.get("name") and float(c.get("time")) >= 0
            kids = [k.tag for k in c]
            assert sum(k in ("failure", "error", "skipped") for k in kids) <= 1
            for k in c.findall("failure") + c.findall("error"):
                assert k.get("message") and k.get("type")
    for el in root.iter():
        for v in el.attrib.values():
            assert v != "None" and "None" not in v.split()


def test_junit_shape_times_messages_and_text(tmp_path):
    rep = _report()
    path = tmp_path / "j.xml"
    write_junit(rep, path)
    root = ET.parse(path).getroot()
    _check_structure(root)
    suite = root.find("testsuite")
    names = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert names == {"profile": "large-ship", "profile_hash": "abc123", "autoship_version": "0.1"}
    cases = suite.findall("testcase")
    key = [(c.get("classname"), c.get("name")) for c in cases]
    assert key == [("a", "sbmpc"), ("b", "sbmpc"), ("c", "sbmpc seed 1"), ("c", "sbmpc seed 2"),
                   ("neg", "sbmpc"), ("x", "run")]  # fmt: skip
    # Real times where measured, 0 where unknown; the suite sums them.
    assert [float(c.get("time")) for c in cases[:3]] == [2.5, 0.75, 0.0]
    assert float(suite.get("time")) == pytest.approx(3.25)
    # A run fails iff it did not pass (a negative test that got its expected grounding passes,
    # a run without gates listed still fails when passed is false).
    failed = [c.get("classname") + c.get("name") for c in cases if c.find("failure") is not None]
    assert failed == ["bsbmpc", "csbmpc seed 2"]
    fail = cases[1].find("failure")
    assert len(fail.get("message")) <= JUNIT_MESSAGE_MAX
    assert fail.get("message").startswith(LONG_GATES[0])
    assert f"({len(LONG_GATES)} failed gates, all in the failure text)" in fail.get("message")
    assert fail.text.splitlines() == LONG_GATES
    assert cases[3].find("failure").get("message") == "failed"
    err = cases[5].find("error")
    assert len(err.get("message")) <= JUNIT_MESSAGE_MAX and "boom" in err.text
    # System-out is readable text: no dict or list reprs.
    out = cases[1].find("system-out").text
    assert "FAILED: scenario b, planner sbmpc, seed 1" in out
    assert "min separation n/a, collision yes" in out and "wall time 0.750 s" in out
    assert "os vs ts1: crossing, give-way; CPA 812 m" in out and "rule 15 0.00" in out
    assert "breach rule 16: late action" in out
    assert "wall time not measured" in cases[2].find("system-out").text
    assert "negative test: expected grounding, occurred grounding" in (
        cases[4].find("system-out").text
    )
    for c in cases:
        text = c.find("system-out").text if c.find("system-out") is not None else ""
        assert not any(ch in text for ch in "{}[]'"), text


def test_junit_validates_against_schema(tmp_path):
    xmlschema = pytest.importorskip("xmlschema", reason="XSD validation needs xmlschema")
    path = tmp_path / "j.xml"
    write_junit(_report(), path)
    xmlschema.XMLSchema(str(XSD)).validate(str(path))
    # The schema catches what the writer used to produce: empty properties, "None" times.
    bad = junit_tree(_report()).getroot()
    bad.find("testsuite/testcase").set("time", "None")
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        xmlschema.XMLSchema(str(XSD)).validate(bad)


def test_junit_round_trip_through_a_ci_parser(tmp_path):
    junitparser = pytest.importorskip("junitparser", reason="CI-style parser not installed")
    path = tmp_path / "j.xml"
    write_junit(_report(), path)
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert (suite.tests, suite.failures, suite.errors) == (6, 2, 1)
    cases = list(suite)
    assert [c.time for c in cases[:2]] == [2.5, 0.75]
    res = {c.classname + "/" + c.name: [type(r).__name__ for r in c.result] for c in cases}
    assert res["a/sbmpc"] == [] and res["b/sbmpc"] == ["Failure"] and res["x/run"] == ["Error"]
    b = cases[1]
    assert b.result[0].message.startswith("rule 8:") and b.result[0].text.count("\n") == 119
    assert "FAILED: scenario b" in b.system_out


def _one_scenario(tmp: Path) -> Path:
    d = tmp / "scen"
    d.mkdir()
    shutil.copy(ROOT / "scenarios" / "imazu" / "imazu-01.toml", d)
    return d


def test_run_and_score_write_the_same_junit_with_wall_times(tmp_path, capsys):
    scen = _one_scenario(tmp_path)
    out = tmp_path / "out"
    junit, rep = str(tmp_path / "run.xml"), str(tmp_path / "r.json")
    rc = main(["run", str(scen), "--planner", "keep-course", "--out", str(out),
               "--report", rep, "--junit", junit])  # fmt: skip
    assert rc == 1  # keep-course collides head-on
    entry = json.loads((tmp_path / "r.json").read_text())["runs"][0]
    assert entry["wall_s"] > 0
    # The run folder keeps it, so re-scoring reports the same measured time.
    assert json.loads((out / "imazu-01" / "score.json").read_text())["wall_s"] > 0
    assert main(["score", str(out), "--junit", str(tmp_path / "score.xml")]) == 1
    capsys.readouterr()
    a = ET.parse(tmp_path / "run.xml").getroot()
    b = ET.parse(tmp_path / "score.xml").getroot()
    for root in (a, b):
        _check_structure(root)
        (case,) = root.iter("testcase")
        assert (case.get("classname"), case.get("name")) == ("imazu-01", "keep-course")
        assert float(case.get("time")) > 0
        assert case.find("failure").get("message").startswith("collision:")
    assert [c.tag for c in a.iter()] == [c.tag for c in b.iter()]
