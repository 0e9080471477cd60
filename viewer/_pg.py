"""The one place the viewer imports pygame (quietly: pygame prints a banner on import)."""

from __future__ import annotations

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

__all__ = ["pygame"]
