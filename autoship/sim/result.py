"""What one run produces: the run folder's contents in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class SimResult:
    meta: dict[str, Any]
    arrays: dict[str, np.ndarray]
    chart_json: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
