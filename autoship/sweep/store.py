"""The sweep results store: one embedded SQLite database per output folder.

One row per run (scenario parameters, seed, planner, profile, software version, gates, scores,
the scenario text so any run can be replayed) and one row per encounter. Each finished run is
written in a single transaction by the one process that drives the sweep, so a sweep killed at
any moment (Ctrl-C, ``kill -9``) leaves only whole runs behind; the same command resumes it,
skipping every run already stored. WAL journal with synchronous=NORMAL survives a killed process
(only a power cut can lose the last commits, which are then simply run again).
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from autoship.errors import AutoshipError

DB_NAME = "sweep.sqlite"
SCHEMA_VERSION = 1

# Parameter columns copied from a case's params (the rest stay in params_json).
PARAM_COLUMNS = (
    "encounter",
    "n_targets",
    "bearing_deg",
    "course_deg",
    "speed_ratio",
    "tcpa_min",
    "offset_m",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    scenario_id TEXT NOT NULL,
    replicate INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    planner TEXT,
    profile TEXT,
    autoship_version TEXT,
    code_digest TEXT,
    status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    error_kind TEXT,
    error TEXT,
    passed INTEGER,
    collision INTEGER,
    grounding INTEGER,
    failed_gates_json TEXT,
    min_separation_m REAL,
    score REAL,
    safety_score REAL,
    encounter TEXT,
    n_targets INTEGER,
    bearing_deg REAL,
    course_deg REAL,
    speed_ratio REAL,
    tcpa_min REAL,
    offset_m REAL,
    params_json TEXT NOT NULL,
    entry_json TEXT,
    scenario_sha256 TEXT NOT NULL,
    scenario_text TEXT NOT NULL,
    run_dir TEXT,
    wall_s REAL,
    finished_utc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS encounters (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    own TEXT,
    target TEXT,
    type TEXT,
    own_role TEXT,
    cpa_m REAL,
    tcpa_s REAL,
    min_range_m REAL,
    score REAL,
    safety_score REAL,
    collision INTEGER,
    rules_json TEXT NOT NULL,
    PRIMARY KEY (run_id, idx)
);
CREATE INDEX IF NOT EXISTS runs_status ON runs(status);
"""


def safety_of(entry: dict[str, Any]) -> float | None:
    """The run's lowest encounter safety score (0 after a collision): the falsification target."""
    if entry.get("collision"):
        return 0.0
    vals = [e.get("safety_score") for e in entry.get("encounters") or []]
    vals = [float(v) for v in vals if v is not None]
    return min(vals) if vals else None


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _b(x: Any) -> int | None:
    return None if x is None else int(bool(x))


class Store:
    """Results of one sweep in ``DIR/sweep.sqlite``. Holds an exclusive lock on the folder while
    open for writing, so two sweeps cannot interleave in one folder."""

    def __init__(self, out_dir: str | Path, write: bool = True) -> None:
        self.dir = Path(out_dir)
        self.path = self.dir / DB_NAME
        self._lock = None
        if write:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._lock = open(self.dir / ".sweep.lock", "w")  # noqa: SIM115 - held while open
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._lock.close()
                raise AutoshipError(
                    "another sweep is writing to this folder", file=str(self.dir)
                ) from None
        elif not self.path.is_file():
            raise AutoshipError(f"no sweep results ({DB_NAME}) in this folder", file=str(self.dir))
        try:
            self.db = sqlite3.connect(self.path, timeout=30.0)
            self.db.execute("PRAGMA foreign_keys = ON")
            if write:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
                with self.db:
                    self.db.executescript(_SCHEMA)
            version = self.meta().get("schema_version")
            if (
                not write
                and not self.db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'"
                ).fetchone()
            ):
                self.db.close()
                raise AutoshipError(f"no sweep results yet in {DB_NAME}", file=str(self.dir))
        except sqlite3.DatabaseError as exc:
            raise AutoshipError(f"not a sweep database: {exc}", file=str(self.path)) from None
        if version is not None and int(version) != SCHEMA_VERSION:
            raise AutoshipError(
                f"store schema {version} is not {SCHEMA_VERSION}", file=str(self.path)
            )

    # ------------------------------------------------------------------ meta

    def meta(self) -> dict[str, str]:
        try:
            return dict(self.db.execute("SELECT key, value FROM meta"))
        except sqlite3.OperationalError:
            return {}

    def bind(self, kind: str, sweep_id: str, definition: str, extra: dict[str, str]) -> None:
        """Tie the folder to one sweep definition; refuse to mix a different one into it."""
        digest = hashlib.sha256(definition.encode()).hexdigest()
        m = self.meta()
        if m:
            if m.get("kind") != kind or m.get("definition_sha256") != digest:
                raise AutoshipError(
                    f"holds results of {m.get('kind')} {m.get('sweep_id')!r} with other "
                    "scenarios, planner, profile, seeds or search options; use a new --out "
                    "folder (or the original sweep file)",
                    file=str(self.dir),
                )
            return
        from autoship import __version__

        rows = {
            "schema_version": str(SCHEMA_VERSION),
            "kind": kind,
            "sweep_id": sweep_id,
            "definition_sha256": digest,
            "definition": definition,
            "created_utc": _now(),
            "autoship_version": __version__,
            **extra,
        }
        with self.db:
            self.db.executemany("INSERT INTO meta VALUES (?, ?)", rows.items())

    # ------------------------------------------------------------------ runs

    def finished(self, include_errors: bool = True) -> set[str]:
        q = "SELECT run_id FROM runs" + ("" if include_errors else " WHERE status = 'ok'")
        return {r[0] for r in self.db.execute(q)}

    def record(
        self,
        run_id: str,
        scenario_id: str,
        replicate: int,
        seed: int,
        planner: str | None,
        profile: str | None,
        params: dict[str, Any],
        scenario_text: str,
        outcome: dict[str, Any],
    ) -> bool:
        """Store one finished run (and its encounters) atomically. An earlier error row for the
        same run is replaced; an earlier success is kept and False returned (never twice)."""
        from autoship import __version__

        ok = bool(outcome.get("ok"))
        entry = outcome.get("entry") if ok else None
        row: dict[str, Any] = {
            "run_id": run_id,
            "scenario_id": scenario_id,
            "replicate": replicate,
            "seed": seed,
            "planner": (entry or {}).get("planner") or planner,
            "profile": (entry or {}).get("profile") or profile,
            "autoship_version": (entry or {}).get("autoship_version") or __version__,
            "code_digest": outcome.get("code_digest"),
            "status": "ok" if ok else "error",
            "error_kind": None if ok else outcome.get("kind", "error"),
            "error": None if ok else str(outcome.get("error", "")),
            "params_json": json.dumps(params, sort_keys=True),
            "scenario_sha256": hashlib.sha256(scenario_text.encode()).hexdigest(),
            "scenario_text": scenario_text,
            "wall_s": outcome.get("wall_s"),
            "finished_utc": _now(),
        }
        for c in PARAM_COLUMNS:
            row[c] = params.get(c)
        if entry is not None:
            row.update(
                passed=_b(entry.get("passed")),
                collision=_b(entry.get("collision")),
                grounding=_b(entry.get("grounding")),
                failed_gates_json=json.dumps(entry.get("failed_gates") or []),
                min_separation_m=entry.get("min_separation_m"),
                score=entry.get("score"),
                safety_score=safety_of(entry),
                entry_json=json.dumps(entry, sort_keys=True),
                run_dir=entry.get("run_dir"),
            )
        cols = list(row)
        with self.db:
            cur = self.db.execute("SELECT status FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if cur is not None:
                if cur[0] == "ok":
                    return False
                self.db.execute("DELETE FROM encounters WHERE run_id = ?", (run_id,))
                self.db.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))
            self.db.execute(
                f"INSERT INTO runs ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [row[c] for c in cols],
            )
            if entry is not None:
                self.db.executemany(
                    "INSERT INTO encounters VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            run_id,
                            k,
                            e.get("own"),
                            e.get("target"),
                            e.get("type"),
                            e.get("own_role"),
                            e.get("cpa_m"),
                            e.get("tcpa_s"),
                            e.get("min_range_m"),
                            e.get("score"),
                            e.get("safety_score"),
                            _b(e.get("collision")),
                            json.dumps(e.get("rules") or {}, sort_keys=True),
                        )
                        for k, e in enumerate(entry.get("encounters") or [])
                    ],
                )
        return True

    def runs(
        self, where: str = "", args: Iterable[Any] = (), light: bool = False
    ) -> list[dict[str, Any]]:
        """Run rows ordered by run id; ``light`` leaves out the two large text columns
        (entry_json, scenario_text), for statistics over big sweeps."""
        cols = "*"
        if light:
            names = [r[1] for r in self.db.execute("PRAGMA table_info(runs)")]
            cols = ", ".join(n for n in names if n not in ("entry_json", "scenario_text"))
        cur = self.db.execute(f"SELECT {cols} FROM runs {where} ORDER BY run_id", tuple(args))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]

    def detail(self, run_id: str) -> dict[str, Any]:
        """The large columns of one run: {"entry": dict | None, "scenario_text": str}."""
        row = self.db.execute(
            "SELECT entry_json, scenario_text FROM runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        if row is None:
            raise KeyError(run_id)
        return {"entry": json.loads(row[0]) if row[0] else None, "scenario_text": row[1]}

    def encounters(self) -> list[dict[str, Any]]:
        cur = self.db.execute(
            "SELECT e.*, r.encounter AS run_encounter, r.n_targets FROM encounters e "
            "JOIN runs r USING (run_id) ORDER BY run_id, idx"
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
