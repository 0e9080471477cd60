"""The bundled chart scenarios load (chart checks included) and the grounding ones ground."""

from __future__ import annotations

from pathlib import Path

import pytest

from autoship.scenario import load_scenario
from autoship.sim import simulate
from autoship.sweep.batch import chart_check

SCEN = Path(__file__).resolve().parents[2] / "scenarios"
FILES = (
    sorted((SCEN / "solent-chart").glob("*.toml"))
    + sorted((SCEN / "chesapeake").glob("*.toml"))
    + sorted((SCEN / "tss").glob("*.toml"))
)


def test_there_are_chart_scenarios():
    names = {p.parent.name for p in FILES}
    assert names == {"solent-chart", "chesapeake", "tss"}
    assert len(FILES) == 7


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario_loads_with_chart_checks(path):
    scen = load_scenario(path, check_chart=chart_check)
    assert scen.chart is not None and scen.chart.path.exists()


def _groundings(path: Path) -> list[tuple[float, list[str]]]:
    result = simulate(load_scenario(path, check_chart=chart_check))
    return [(e["t_s"], e["ships"]) for e in result.events if e["kind"] == "grounding"]


def test_keep_course_onto_the_isle_of_wight_grounds():
    g = _groundings(SCEN / "solent-chart" / "grounding-wootton.toml")
    assert len(g) == 1 and g[0][1] == ["drifter"]
    # 5.7 km to the shore at 10 kn, less the ship's half length: about 1100 s.
    assert 1000.0 < g[0][0] < 1200.0


def test_same_shoal_grounds_only_the_deep_ship():
    g = _groundings(SCEN / "chesapeake" / "shoal-draught.toml")
    assert [ships for _, ships in g] == [["deep"]]
