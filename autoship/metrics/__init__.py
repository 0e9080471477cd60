"""Pure scoring over run folders: encounters, COLREG rule scores, gates, readiness; JSON,
Markdown and JUnit XML reports. Reads ``autoship.record`` and ``autoship.colregs`` only."""

from autoship.metrics.report import (
    build_batch_report,
    build_report,
    junit_tree,
    markdown,
    readiness,
    wilson_interval,
    write_junit,
    write_markdown,
)
from autoship.metrics.score import is_autonomous, score_run, score_tracks

__all__ = [
    "build_batch_report",
    "build_report",
    "is_autonomous",
    "junit_tree",
    "markdown",
    "readiness",
    "score_run",
    "score_tracks",
    "wilson_interval",
    "write_junit",
    "write_markdown",
]
