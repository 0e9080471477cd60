"""Golden runs: what the simulation loop produces for a fixed set of scenarios, bit for bit.

The digests in tests/data/golden/sim_digests.json were written by the loop as it was before it
became the ``Simulation`` object, so any change to what a run records (arrays, events, run
metadata, chart) shows here. Version fields and wall-clock planner latencies are left out: they
differ between installs and runs, not between loops. Regenerate only on a deliberate change of
behaviour: ``python tests/foundation/test_golden_sim.py --write``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autoship.scenario import load_scenario
from autoship.sim import simulate

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden"
DIGESTS = GOLDEN / "sim_digests.json"

# Quick scenarios covering every branch of the loop: own planners of each kind against
# keep-course traffic (Imazu), charts with groundings and hull clearance, replayed AIS tracks with
# handovers, and AIS sensing with noise and dropouts.
CASES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios" / "imazu").glob("*.toml")) + [
    "scenarios/planner/shore-or-port.toml",
    "scenarios/solent-chart/grounding-wootton.toml",
    "scenarios/chesapeake/shoal-draught.toml",
    "scenarios/solent/ais-solentais-20160112-130211-01.toml",
    "tests/data/golden/ais-sensors.toml",
]
# A second planner on a few cases, so the override path is pinned too.
OVERRIDES = [("scenarios/imazu/imazu-05.toml", "vo"), ("scenarios/imazu/imazu-12.toml", "waypoint")]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _json_sha(obj: Any) -> str:
    # Run metadata holds absolute paths: digest them relative to the checkout, wherever it is.
    text = json.dumps(obj, sort_keys=True, allow_nan=True).replace(str(ROOT), "<root>")
    return _sha(text.encode())


def digest(res: Any) -> dict[str, Any]:
    """Per-array and per-part digests of one run (per part, so a failure says what moved)."""
    arrays = {
        k: _sha(f"{a.dtype.str}{a.shape}".encode() + np.ascontiguousarray(a).tobytes())
        for k, a in sorted(res.arrays.items())
    }
    meta = {k: v for k, v in res.meta.items() if k not in ("autoship_version", "versions")}
    # Latencies are wall-clock; only how often each planner was asked is reproducible.
    meta["planner_latency_ms"] = {k: v["n"] for k, v in meta["planner_latency_ms"].items()}
    return {
        "arrays": arrays,
        "events": _json_sha(res.events),
        "meta": _json_sha(meta),
        "chart": _json_sha(res.chart_json),
    }


def _run(case: str, planner: str | None) -> dict[str, Any]:
    return digest(simulate(load_scenario(ROOT / case), planner_override=planner))


def _key(case: str, planner: str | None) -> str:
    return case if planner is None else f"{case} --planner {planner}"


REGEN = (
    " (a deliberate change of behaviour, e.g. a planner's, regenerates the digests with"
    " `python tests/foundation/test_golden_sim.py --write` in the same commit)"
)
PARAMS = [(c, None) for c in CASES] + OVERRIDES


@pytest.mark.parametrize(("case", "planner"), PARAMS, ids=[_key(c, p) for c, p in PARAMS])
def test_run_matches_golden_digest(case: str, planner: str | None) -> None:
    expected = json.loads(DIGESTS.read_text())[_key(case, planner)]
    got = _run(case, planner)
    moved = [k for k in expected["arrays"] if got["arrays"].get(k) != expected["arrays"][k]]
    assert got["arrays"].keys() == expected["arrays"].keys()
    assert not moved, f"arrays differ from the golden run: {moved}{REGEN}"
    for part in ("events", "meta", "chart"):
        assert got[part] == expected[part], f"{part} differ from the golden run{REGEN}"


def test_digest_sees_a_one_ulp_change() -> None:
    res = simulate(load_scenario(ROOT / "tests/data/golden/ais-sensors.toml"))
    before = digest(res)
    res.arrays["north"][-1, 0] = np.nextafter(res.arrays["north"][-1, 0], np.inf)
    res.events.append({"t_s": 0.0, "kind": "x", "ships": [], "detail": ""})
    after = digest(res)
    assert after["arrays"]["north"] != before["arrays"]["north"]
    assert after["arrays"]["east"] == before["arrays"]["east"]
    assert after["events"] != before["events"]


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/foundation/test_golden_sim.py --write")
    out = {_key(c, p): _run(c, p) for c, p in PARAMS}
    DIGESTS.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(out)} digests to {DIGESTS.relative_to(ROOT)}")
