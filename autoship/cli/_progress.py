"""Dependency-free progress on stderr: a bar on a terminal, plain lines on anything else (a CI
log or a pipe would otherwise stay empty until a long batch ends)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

# Up to this many items every finished one gets its own plain line (a batch of scenario files:
# a CI reader wants each name); above it, about one line per 2 % so a 10 000-run sweep does not
# flood the log.
EVERY_ITEM_UP_TO = 200


class Progress:
    """``advance(note)`` once per finished item. ``enabled`` is True when the bar is drawn (a
    terminal); otherwise, unless ``plain=False``, a line such as ``running 5/46 imazu-05
    (12 s, eta 98 s)`` is printed per finished item (periodically for large totals)."""

    def __init__(
        self, total: int, label: str = "", stream: TextIO | None = None, plain: bool = True
    ) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.plain = plain and not self.enabled
        self.every = 1 if self.total <= EVERY_ITEM_UP_TO else max(1, self.total // 50)
        self.t0 = time.monotonic()

    def _rate_eta(self) -> tuple[float, float, float]:
        elapsed = time.monotonic() - self.t0
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        return elapsed, rate, eta

    def advance(self, note: str = "") -> None:
        self.done += 1
        if self.plain:
            if self.done % self.every == 0 or self.done >= self.total:
                elapsed, _, eta = self._rate_eta()
                name = f" {note}" if note else ""
                tail = f", eta {eta:.0f} s" if self.done < self.total else ""
                self.stream.write(
                    f"{self.label} {self.done}/{self.total}{name} ({elapsed:.0f} s{tail})\n"
                )
                self.stream.flush()
            return
        if not self.enabled:
            return
        frac = min(self.done / self.total, 1.0)
        width = 30
        bar = "#" * int(frac * width) + "-" * (width - int(frac * width))
        _, rate, eta = self._rate_eta()
        self.stream.write(
            f"\r{self.label} [{bar}] {self.done}/{self.total} "
            f"{rate:.1f}/s eta {eta:.0f}s {note[:30]:<30}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
