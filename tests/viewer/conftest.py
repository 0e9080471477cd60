"""Viewer tests draw off-screen; the dummy SDL drivers keep them off any display."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

pytest.importorskip("pygame")

from viewer_synth import make_run  # noqa: E402


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """Synthetic crossing with chart, meta events, no score.json."""
    return make_run(tmp_path / "run")


@pytest.fixture
def scored_run_dir(tmp_path: Path) -> Path:
    """The same run with a score.json (encounters, penalties, a near miss)."""
    return make_run(tmp_path / "scored", score=True)
