"""The in-memory API: run a scenario and score it without writing a run folder.

``run_scenario`` does what ``autoship run`` does for one scenario (the same checks before the
run, the same simulation, the same scoring) and returns the run with its report entry;
``score`` scores any run in memory. Both give the entry ``autoship score`` gives for the run
folder written from the same result (tests/foundation/test_api_inmemory.py), apart from
``run_dir``, which is None until the result is written.

Imported lazily by ``autoship/__init__.py``: this module pulls in the scenario loader and the
simulation, which ``import autoship`` (and so the CLI's start) must not pay for.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from autoship.errors import AutoshipError
from autoship.sim.result import SimResult

if TYPE_CHECKING:
    from autoship.colregs.profile import Profile
    from autoship.scenario import Scenario

__all__ = ["RunResult", "run_scenario", "score"]


@dataclass(kw_only=True)
class RunResult(SimResult):
    """A finished run and its score: everything a ``SimResult`` holds (``meta``, ``arrays``,
    ``chart_json``, ``events``; ``write()``, ``to_run()``) plus ``report``, the run's report
    entry as ``score(result, profile)`` gives it."""

    report: dict[str, Any]

    def write(self, path: str | os.PathLike[str], force: bool = False) -> Path:
        """Write the run folder as ``autoship run`` writes it: the run, and ``score.json`` (the
        report entry, naming the folder) that the viewer shows scores and gates from."""
        out = super().write(path, force=force)
        entry = self.report | {"run_dir": str(path)}
        (out / "score.json").write_text(json.dumps(entry, indent=1, default=str))
        return out


def run_scenario(
    scenario_or_path: Scenario | str | os.PathLike[str],
    *,
    planner: str | None = None,
    seed: int | None = None,
    profile: str | os.PathLike[str] | Profile | None = None,
    vs_recording: bool = False,
) -> RunResult:
    """Run one scenario to the end and score it, as ``autoship run`` does, in memory.

    ``scenario_or_path`` is a scenario file or a loaded ``autoship.scenario.Scenario``.
    ``planner`` replaces the own ships' planners (as ``--planner``), ``seed`` the scenario's
    seed (as ``--seed``), ``profile`` the scoring profile (a bundled name, a ``.toml`` file or a
    ``Profile``; default: the scenario's own, as ``--profile``); ``vs_recording`` as
    ``--vs-recording``. The scenario is checked as ``autoship run`` checks it before running
    (chart coverage and hazards, planners and ``planner_params``, ship models): anything wrong
    is a one-line ``AutoshipError`` (``ScenarioError``, ``ProfileError``, ...) naming the file
    and the key.
    """
    from autoship.planner import planner_names
    from autoship.sim import simulate

    if planner is not None and planner not in planner_names():
        raise AutoshipError(
            f"unknown planner {planner!r}; known: {', '.join(planner_names())}", field="planner"
        )
    if seed is not None and seed < 0:
        raise AutoshipError("must be >= 0", field="seed")
    prof = _profile(profile)  # a bad profile fails before the run, as in `autoship run`
    scen = _checked_scenario(scenario_or_path, planner)
    result = simulate(scen, planner_override=planner, seed=seed)
    report = score(result, prof, vs_recording=vs_recording)
    return RunResult(**vars(result), report=report)


def score(
    result: SimResult,
    profile: str | os.PathLike[str] | Profile | None = None,
    *,
    vs_recording: bool = False,
) -> dict[str, Any]:
    """The report entry of a run (one item of the JSON report's ``runs``): what ``autoship
    score`` gives for the run folder written from ``result``, scored without writing it.
    ``run_dir`` is None (the result has no folder). ``profile`` as in ``run_scenario``
    (default: the profile the run was made under); ``vs_recording`` as ``--vs-recording``."""
    from autoship.metrics import score_run

    if not isinstance(result, SimResult):
        raise TypeError(
            f"score() takes a run result (run_scenario, simulate), not {type(result).__name__}; "
            "a run folder is scored by autoship.metrics.score_run"
        )
    # The path only names the run in scoring errors; in memory there is no folder to name.
    run = result.to_run(Path(str(result.meta.get("scenario", {}).get("id") or "run")))
    entry = score_run(run.path, _profile(profile), vs_recording, run=run)
    entry["run_dir"] = None
    return entry


def _profile(profile: str | os.PathLike[str] | Profile | None) -> Profile | None:
    from autoship.colregs import load_profile
    from autoship.colregs.profile import Profile

    if profile is None or isinstance(profile, Profile):
        return profile
    if isinstance(profile, (str, os.PathLike)):
        return load_profile(os.fspath(profile))
    raise TypeError(f"profile must be a name, a .toml path or a Profile, not {type(profile)}")


def _checked_scenario(
    scenario_or_path: Scenario | str | os.PathLike[str], planner: str | None
) -> Scenario:
    """The scenario, loaded if it is a path, with the checks ``autoship run`` makes before it
    runs anything (``plan_jobs``)."""
    from autoship.scenario import Scenario, load_scenario
    from autoship.sweep.batch import chart_check
    from autoship.sweep.generators import check_runnable

    if isinstance(scenario_or_path, Scenario):
        scen = scenario_or_path
        if scen.chart is not None:
            chart_check(scen)
    elif isinstance(scenario_or_path, (str, os.PathLike)):
        scen = load_scenario(os.fspath(scenario_or_path), check_chart=chart_check)
    else:
        raise TypeError(
            f"expected a Scenario or a scenario file path, not {type(scenario_or_path).__name__}"
        )
    check_runnable(scen, planner)
    return scen
