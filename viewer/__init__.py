"""Replay viewer for autoship run folders.

The viewer reads run folders only (``autoship.record``) and never imports the simulator, the
metrics or anything that compiles a Numba kernel. It has two layers:

- ``viewer.scene`` / ``viewer.view``: a pure model (time -> ship poses, CPA, encounter labels,
  timeline events, world <-> screen transform, layout). NumPy only, testable without pygame.
- ``viewer.render`` / ``viewer.app`` / ``viewer.export``: drawing onto any pygame Surface
  (on-screen or off-screen), the interactive window, and headless PNG / GIF / MP4 export.

Importing this package does not import pygame.
"""

from __future__ import annotations

from viewer.scene import Scene, load_scene

__all__ = ["Scene", "load_scene"]
