"""Typed run records: exact JSON round trips, the explicit under-test flag, old run folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from autoship.errors import RunFolderError
from autoship.metrics import score_run
from autoship.record import (
    EventRecord,
    Report,
    RunMeta,
    RunReport,
    ScenarioInfo,
    ShipRecord,
    legacy_under_test,
    load_run,
)


def _text(d: object) -> str:
    # Key order too: a record written back must be the same file, not just an equal dict.
    return json.dumps(d)


def test_meta_json_round_trips_exactly(bundled_runs):
    for folder in bundled_runs.values():
        meta = json.loads((folder / "meta.json").read_text())
        rec = RunMeta.from_json(meta, file=str(folder / "meta.json"))
        assert _text(rec.to_json()) == _text(meta)
        assert RunMeta.from_json(rec.to_json()) == rec
        assert load_run(folder).record() == rec


def test_score_and_report_round_trip_exactly(bundled_runs):
    for folder in bundled_runs.values():
        entry = json.loads((folder / "score.json").read_text())
        rec = RunReport.from_json(entry)
        assert _text(rec.to_json()) == _text(entry)
        assert rec.encounters, "every bundled run here has an encounter"
        assert rec.encounters[0].own in rec.autonomous_ships
    parent = next(iter(bundled_runs.values())).parent
    report = json.loads((parent / "report.json").read_text())
    rep = Report.from_json(report)
    assert _text(rep.to_json()) == _text(report)
    assert [r.scenario_id for r in rep.runs] == list(bundled_runs)


def test_records_built_in_code_write_every_key_in_order():
    ev = EventRecord(t_s=12.0, kind="collision", ships=["a", "b"], detail="hull contact")
    assert list(ev.to_json()) == ["t_s", "kind", "ships", "detail"]
    assert EventRecord.from_json(ev.to_json()) == ev
    ship = ShipRecord(id="a", index=0, role="target", model="tug", planner="vo", under_test=True)
    js = ship.to_json()
    assert js["under_test"] is True and list(js)[:4] == ["id", "index", "role", "model"]
    assert ShipRecord.from_json(js) == ship


def test_unknown_keys_survive_a_round_trip():
    # A newer writer's keys are kept (after the known ones) and the source's order is kept.
    d = {"kind": "fallback", "t_s": 5.0, "ships": ["s00"], "detail": "x", "margin_m": 12.5}
    ev = EventRecord.from_json(d)
    assert ev.extra == {"margin_m": 12.5}
    assert _text(ev.to_json()) == _text(d)
    ev.extra["added"] = 1
    assert list(ev.to_json())[-1] == "added"
    failed = {"scenario_id": "x", "run_id": "r7", "passed": False, "error": "boom"}
    assert RunReport.from_json(failed).to_json() == failed


def test_bad_types_are_one_line_errors_naming_file_and_key(bundled_runs):
    folder = bundled_runs["imazu-03"]
    meta = json.loads((folder / "meta.json").read_text())
    meta["ships"][1]["length_m"] = "long"
    with pytest.raises(RunFolderError) as exc:
        RunMeta.from_json(meta, file="run/meta.json")
    assert str(exc.value) == (
        "run/meta.json: ships[1].length_m: must be a number or null, got string"
    )
    del meta["ships"][1]["id"]
    with pytest.raises(RunFolderError, match=r"ships\[1\]\.id: missing key"):
        RunMeta.from_json(meta, file="run/meta.json")
    with pytest.raises(RunFolderError, match="under_test: must be true or false, got integer"):
        ShipRecord.from_json({**meta["ships"][0], "under_test": 1})
    with pytest.raises(RunFolderError, match="scenario: must be an object, got array"):
        RunMeta.from_json({**meta, "scenario": []})


def test_simulator_flags_the_ships_under_test(bundled_runs):
    imazu = load_run(bundled_runs["imazu-03"]).record()
    # imazu-03: the own ship on sbmpc against one keep-course target.
    assert [(s.id, s.planner, s.under_test) for s in imazu.ships] == [
        ("os", "sbmpc", True),
        ("ts1", "keep-course", False),
    ]
    crowd = load_run(bundled_runs["swap-10"]).record()
    assert len(crowd.ships) == 10 and crowd.under_test_ids == [s.id for s in crowd.ships]
    for folder in bundled_runs.values():
        rec = load_run(folder).record()
        # The flag is today's rule, written down: nothing is judged differently.
        assert all(s.under_test == legacy_under_test(s.to_json()) for s in rec.ships)
        score = json.loads((folder / "score.json").read_text())
        assert score["autonomous_ships"] == rec.under_test_ids


def _strip_flag(src: Path, dst: Path) -> Path:
    """A copy of run folder ``src`` as autoship wrote it before ships had ``under_test``."""
    shutil.copytree(src, dst)
    meta = json.loads((dst / "meta.json").read_text())
    for s in meta["ships"]:
        del s["under_test"]
    (dst / "meta.json").write_text(json.dumps(meta, indent=1))
    return dst


def test_old_run_folders_without_the_flag_load_and_score_alike(bundled_runs, tmp_path):
    for sid in ("imazu-03", "swap-10"):
        new = bundled_runs[sid]
        old = _strip_flag(new, tmp_path / sid)
        rec = load_run(old).record()
        assert rec.under_test_ids == load_run(new).record().under_test_ids
        meta = json.loads((old / "meta.json").read_text())
        # Written back as it was: the derived flag does not appear in the file.
        assert _text(rec.to_json()) == _text(meta)
        a, b = score_run(new), score_run(old)
        assert a["autonomous_ships"] == b["autonomous_ships"]
        for key in ("passed", "score", "encounters", "failed_gates"):
            assert a[key] == b[key]


def test_scenario_info_defaults_for_minimal_meta():
    info = ScenarioInfo.from_json({"id": "x"})
    assert (info.id, info.title, info.expect) == ("x", "", [])
    assert info.to_json() == {"id": "x"}
