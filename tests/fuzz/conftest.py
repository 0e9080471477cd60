"""Prints the fuzz outcome table at the end of a run (and writes it to AUTOSHIP_FUZZ_REPORT)."""

from __future__ import annotations

import json
import os

from .engine import STATS, table


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not STATS:
        return
    terminalreporter.write_sep("-", "fuzz outcomes")
    terminalreporter.write_line(table())
    out = os.environ.get("AUTOSHIP_FUZZ_REPORT")
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump({k: dict(v) for k, v in STATS.items()}, fh, indent=1)
