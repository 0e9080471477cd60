"""Where an environment's episodes come from: one scenario, or the scenarios a sweep file
generates (one drawn per episode from the environment's random stream)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np

from autoship.errors import AutoshipError
from autoship.scenario import Scenario, load_scenario, parse_scenario


def _is_sweep_file(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return "sweep" in tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        return False  # the scenario loader reports it, naming the file


class ScenarioSource:
    """A scenario file, a ``Scenario``, or a sweep file (``[sweep]`` table: its generator's
    scenarios, or its listed files). ``planner`` is the sweep's own-ship planner, if it names
    one; ``profile`` the sweep's scoring profile, if it names one."""

    def __init__(self, scenario: str | Path | Scenario) -> None:
        self.planner: str | None = None
        self.profile: str | None = None
        if isinstance(scenario, Scenario):
            self._texts: list[tuple[str, Path | None]] = []
            self._first = scenario
            return
        if not isinstance(scenario, (str, Path)):
            raise AutoshipError(
                f"expected a scenario or sweep file or a Scenario, got {type(scenario).__name__}",
                field="scenario",
            )
        path = Path(scenario)
        if not _is_sweep_file(path):
            self._texts = []
            self._first = load_scenario(path)
            return
        from autoship.sweep.generators import generate, load_sweep

        spec = load_sweep(path)
        cases = generate(spec).cases
        if not cases:
            raise AutoshipError("the sweep generates no scenario", file=str(path), field="sweep")
        self.planner, self.profile = spec.planner, spec.profile
        self._texts = [(c.text, c.path or path) for c in cases]
        self._first = parse_scenario(*self._texts[0])

    def __len__(self) -> int:
        return max(1, len(self._texts))

    @property
    def first(self) -> Scenario:
        return self._first

    def draw(self, rng: np.random.Generator) -> Scenario:
        """The next episode's scenario (the same one when there is only one)."""
        if len(self._texts) <= 1:
            return self._first
        return parse_scenario(*self._texts[int(rng.integers(len(self._texts)))])
