"""Run a scenario and score it in memory: compare two planners, re-score a run under another
profile without running it again, then write the run folder `autoship view` opens.

    python examples/run_and_score.py [SCENARIO] [OUT_FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

import autoship

ROOT = Path(__file__).resolve().parents[1]


def summary(entry: dict) -> str:
    verdict = "PASS" if entry["passed"] else "FAIL"
    sep = entry["min_separation_m"]
    sep_txt = f"{sep:.0f} m" if sep is not None else "n/a"
    return f"{verdict} score={entry['score']:.2f} min_sep={sep_txt}"


def main(path: Path, out: Path) -> None:
    # Three targets at once; None is the scenario's own planner (sbmpc).
    for planner in (None, "vo"):
        result = autoship.run_scenario(path, planner=planner)
        entry = result.report
        print(f"{entry['scenario_id']} planner={entry['planner']}: {summary(entry)}")
        for enc in entry["encounters"]:
            rules = ", ".join(
                f"rule {k} " + ("n/a" if v is None else f"{v:.2f}") for k, v in enc["rules"].items()
            )
            print(f"  {enc['own']} vs {enc['target']}: {enc['type']} ({enc['own_role']}); {rules}")
        for gate in entry["failed_gates"]:
            print(f"  failed: {gate}")
    # The last run judged by the harbour profile's thresholds: scoring only, no new run.
    print(f"under the harbour profile: {summary(autoship.score(result, 'harbour'))}")
    # The folder `autoship run` would have written (with score.json for the viewer).
    folder = result.write(out / entry["scenario_id"], force=True)
    print(f"run folder written: {folder} (open it with: autoship view {folder})")


if __name__ == "__main__":
    scenario = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "scenarios/imazu/imazu-22.toml"
    main(scenario, Path(sys.argv[2]) if len(sys.argv) > 2 else Path("runs"))
