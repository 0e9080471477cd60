"""The dataset card beside the data: card.json (counts and provenance, machine-readable) and
README.md (the same for people). Computed from the written shards, so a resumed dataset gets
the same card as an uninterrupted one; nothing in it depends on the clock."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from autoship.dataset.parquet import read_table


def _counts(values) -> dict[str, int]:
    c = Counter("null" if v is None else str(v) for v in values)
    return dict(sorted(c.items()))


def card_data(out: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    eps = read_table(out, "episodes").to_pydict()
    pairs = read_table(out, "pairs").select(["encounter", "role", "risk"]).to_pydict()
    steps = read_table(out, "steps").num_rows
    ref_types, ref_roles = [], []
    for js in eps["encounters_json"]:
        for e in json.loads(js) if js else []:
            ref_types.append(e.get("type"))
            ref_roles.append(e.get("own_role"))
    nbytes = sum(p.stat().st_size for p in out.glob("*/shard-*.parquet"))
    return {
        "format": manifest["format"],
        "schema_version": manifest["schema_version"],
        "dataset": manifest["dataset"],
        "counts": {
            "episodes": len(eps["episode_id"]),
            "steps": steps,
            "pair_records": len(pairs["encounter"]),
            "shards": manifest["n_shards"],
            "bytes": nbytes,
            "bytes_per_step": round(nbytes / steps, 1) if steps else None,
            "outcome": _counts(eps["outcome"]),
            "referee_encounter_type": _counts(ref_types),
            "referee_own_role": _counts(ref_roles),
            "step_encounter": _counts(pairs["encounter"]),
            "step_role": _counts(pairs["role"]),
            "step_risk": _counts(pairs["risk"]),
            "own_model": _counts(eps["own_model"]),
            "expert": _counts(eps["expert"]),
        },
        "provenance": manifest["provenance"],
        "licence": (
            "Generated data: same licence as autoship (see LICENSE). Episodes from mined AIS "
            "scenarios carry the licence of their AIS source; check each source's terms."
        ),
    }


def _table(counts: dict[str, int]) -> list[str]:
    if not counts:
        return ["(none)", ""]
    lines = ["| value | count |", "|---|---:|"]
    lines += [f"| {k} | {v} |" for k, v in counts.items()]
    return [*lines, ""]


def write_card(out: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    card = card_data(out, manifest)
    (out / "card.json").write_text(json.dumps(card, indent=1, sort_keys=True) + "\n")
    c, p = card["counts"], card["provenance"]
    lines = [
        f"# Dataset `{card['dataset']['id']}`",
        "",
        f"{card['format']} schema version {card['schema_version']} (docs/dataset.md in autoship).",
        f"{c['episodes']} episodes, {c['steps']} steps, {c['pair_records']} pair records in "
        f"{c['shards']} shards; {c['bytes']} bytes ({c['bytes_per_step']} bytes per step).",
        "",
        "Tables: `steps/`, `pairs/`, `episodes/` (one Parquet file per shard each).",
        "",
        "## Provenance",
        "",
        f"- autoship {p['autoship_version']} (source digest {p['code_digest']})",
        f"- spec digest {p['spec_digest']} (spec copied to spec.toml)",
        f"- dataset seed {p['seed']}; episode seeds in episodes.seed",
        f"- expert planner {p['expert']}; source {p['source_kind']}",
        "",
    ]
    for title, key in (
        ("Outcome", "outcome"),
        ("Referee encounter type", "referee_encounter_type"),
        ("Referee own role", "referee_own_role"),
        ("Per-step encounter (classifier)", "step_encounter"),
        ("Per-step role", "step_role"),
        ("Own-ship model", "own_model"),
    ):
        lines += [f"## {title}", "", *_table(c[key])]
    lines += ["## Licence", "", card["licence"], ""]
    (out / "README.md").write_text("\n".join(lines))
    return card
