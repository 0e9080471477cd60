"""Results store: atomic rows, never twice, errors replaced on retry, one writer, one sweep."""

from __future__ import annotations

import sqlite3

import pytest

from autoship.errors import AutoshipError
from autoship.sweep.stats import is_failure, markdown, summarize
from autoship.sweep.store import Store, safety_of


def _entry(collision: bool = False, sep: float = 800.0) -> dict:
    return {
        "planner": "waypoint",
        "profile": "large-ship",
        "passed": not collision,
        "collision": collision,
        "grounding": False,
        "min_separation_m": sep,
        "score": 0.0 if collision else 0.8,
        "run_dir": None,
        "encounters": [
            {
                "own": "os",
                "target": "ts1",
                "type": "head-on",
                "own_role": "both",
                "cpa_m": 0.0,
                "tcpa_s": 600.0,
                "min_range_m": sep,
                "rules": {"14": 0.5},
                "score": 0.5,
                "safety_score": 0.3,
                "collision": collision,
            },
            {
                "own": "os",
                "target": "ts2",
                "type": "none",
                "own_role": "none",
                "rules": {},
                "score": None,
                "safety_score": None,
            },
        ],
    }


PARAMS = {"encounter": "head-on", "n_targets": 2, "bearing_deg": 1.0, "speed_ratio": 1.0}


def _rec(store: Store, rid: str, outcome: dict) -> bool:
    return store.record(rid, rid, 0, 7, "waypoint", None, PARAMS, "[scenario]\n", outcome)


def test_a_run_is_stored_once_with_its_encounters(tmp_path):
    with Store(tmp_path) as s:
        s.bind("sweep", "t", "definition", {})
        assert _rec(s, "a", {"ok": True, "entry": _entry()})
        assert not _rec(s, "a", {"ok": True, "entry": _entry(True)})  # never twice
        assert s.finished() == {"a"}
        rows = s.runs()
        assert len(rows) == 1 and rows[0]["collision"] == 0 and rows[0]["safety_score"] == 0.3
        assert rows[0]["failed_gates_json"] == "[]"
        assert len(s.encounters()) == 2


def test_an_error_is_finished_but_replaced_by_a_later_success(tmp_path):
    with Store(tmp_path) as s:
        s.bind("sweep", "t", "definition", {})
        _rec(s, "a", {"ok": False, "kind": "timeout", "error": "too slow"})
        assert s.finished() == {"a"}
        assert s.finished(include_errors=False) == set()
        assert _rec(s, "a", {"ok": True, "entry": _entry(True, 0.0)})
        (row,) = s.runs()
        assert row["status"] == "ok" and row["error"] is None and row["collision"] == 1
        assert row["safety_score"] == 0.0  # a collision is the lowest safety, whatever the pose


def test_folder_is_bound_to_one_definition_and_one_writer(tmp_path):
    with Store(tmp_path) as s:
        s.bind("sweep", "t", "definition A", {})
        with pytest.raises(AutoshipError, match="another sweep"):
            Store(tmp_path)
    with Store(tmp_path) as s:
        s.bind("sweep", "t", "definition A", {})  # same definition: resume is fine
        with pytest.raises(AutoshipError, match="with other scenarios"):
            s.bind("sweep", "t", "definition B", {})


def test_reading_a_folder_without_a_store_is_a_clear_error(tmp_path):
    with pytest.raises(AutoshipError, match="no sweep results"):
        Store(tmp_path, write=False)
    (tmp_path / "sweep.sqlite").write_text("not a database at all, just text" * 10)
    with pytest.raises(AutoshipError, match="not a sweep database"):
        Store(tmp_path, write=False)


def test_writes_are_transactional(tmp_path):
    # An encounter row that violates the schema must take its run row down with it.
    bad = _entry()
    bad["encounters"][0]["cpa_m"] = [1, 2]  # JSON is fine, SQLite cannot bind it: fails mid-write
    with Store(tmp_path) as s:
        s.bind("sweep", "t", "d", {})
        with pytest.raises(sqlite3.Error):
            _rec(s, "a", {"ok": True, "entry": bad})
        assert s.count() == 0
    db = sqlite3.connect(tmp_path / "sweep.sqlite")
    assert db.execute("SELECT COUNT(*) FROM encounters").fetchone()[0] == 0


def test_summary_counts_and_wilson_interval(tmp_path):
    with Store(tmp_path) as s:
        s.bind("sweep", "t", "d", {})
        for k in range(10):
            _rec(s, f"r{k}", {"ok": True, "entry": _entry(collision=k < 2)})
        _rec(s, "err", {"ok": False, "kind": "crash", "error": "boom"})
        runs, encs = s.runs(), s.encounters()
    summ = summarize(runs, encs)
    assert (summ["runs"], summ["failures"], summ["errors"], summ["collisions"]) == (10, 2, 1, 2)
    # Wilson 95 % for 2/10 (Brown, Cai & DasGupta 2001 form): 0.0567 - 0.5098.
    assert summ["wilson_lower"] == pytest.approx(0.0567, abs=1e-4)
    assert summ["wilson_upper"] == pytest.approx(0.5098, abs=1e-4)
    assert summ["by_encounter"]["head-on"]["runs"] == 10
    assert summ["rules"]["14"]["median"] == 0.5
    err = next(r for r in runs if r["run_id"] == "err")
    assert not is_failure(err) and summ["error_list"][0]["error"] == "boom"


def test_safety_of_ignores_encounters_without_a_score():
    assert safety_of(_entry()) == 0.3
    assert safety_of({"collision": False, "encounters": []}) is None


def test_runs_from_changed_sources_are_flagged(tmp_path):
    with Store(tmp_path) as s:
        s.bind("sweep", "t", "d", {})
        _rec(s, "a", {"ok": True, "entry": _entry(), "code_digest": "aaaa"})
        _rec(s, "b", {"ok": True, "entry": _entry(), "code_digest": "bbbb"})
        summ = summarize(s.runs(), s.encounters())
        assert summ["code_digests"] == ["aaaa", "bbbb"]
        assert "2 different source versions" in markdown(summ, [], s.meta())
        _rec(s, "c", {"ok": True, "entry": _entry(), "code_digest": "aaaa"})
        one = summarize(s.runs("WHERE code_digest = 'aaaa'"))
        assert "different source" not in markdown(one, [], s.meta())
