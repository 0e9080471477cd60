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
    ref_types, ref_roles, ref_cpa = [], [], []
    for js in eps["encounters_json"]:
        for e in json.loads(js) if js else []:
            ref_types.append(e.get("type"))
            ref_roles.append(e.get("own_role"))
            if e.get("min_range_m") is not None:
                ref_cpa.append(float(e["min_range_m"]))
    scores = [float(x) for x in eps["score"] if x is not None]
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
            "source": _counts(eps["source"]),
        },
        "distributions": {
            "referee_min_range_m": histogram(
                ref_cpa, [0.0, 250.0, 500.0, 1000.0, 1852.0, 3704.0], "m"
            ),
            "episode_score": histogram(scores, [0.0, 0.25, 0.5, 0.75, 0.9, 1.0], ""),
        },
        "provenance": manifest["provenance"],
        "licence": _licence(eps),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def svg_bars(title: str, counts: dict[str, int]) -> str:
    """A horizontal bar chart as plain SVG text (no plotting library; the same counts give the
    same bytes)."""
    row, left, width = 22, 170, 300
    items = list(counts.items())
    top = max([v for _, v in items] + [1])
    h = 40 + row * max(len(items), 1)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" height="{h}" '
        'font-family="sans-serif" font-size="12">',
        f'<text x="8" y="18" font-weight="bold">{_esc(title)}</text>',
    ]
    for k, (label, v) in enumerate(items):
        y = 30 + k * row
        w = round(width * v / top, 1)
        out += [
            f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{_esc(label)}</text>',
            f'<rect x="{left}" y="{y + 3}" width="{w}" height="{row - 6}" fill="#4a7ab5"/>',
            f'<text x="{left + w + 4}" y="{y + 14}">{v}</text>',
        ]
    out.append("</svg>")
    return "\n".join(out) + "\n"


def histogram(values: list[float], edges: list[float], unit: str) -> dict[str, int]:
    u = f" {unit}" if unit else ""
    counts = {}
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        counts[f"{lo:g}-{hi:g}{u}"] = sum(lo <= v < hi for v in values)
    counts[f">= {edges[-1]:g}{u}"] = sum(v >= edges[-1] for v in values)
    return counts


def _licence(eps: dict[str, list]) -> str:
    """Licence notes: generated episodes are autoship's; mined ones name their recordings."""
    refs = sorted(
        {str(r) for s, r in zip(eps["source"], eps["source_ref"], strict=True) if s == "ais" and r}
    )
    text = (
        "Generated episodes: produced by autoship (see its LICENSE); the ship models' sources "
        "are in docs/ships.md."
    )
    if refs:
        files = sorted({r.split()[0] for r in refs})
        text += (
            f" {sum(s == 'ais' for s in eps['source'])} episodes are mined from recorded AIS "
            f"({', '.join(files)}): they carry the licence and terms of that AIS data's "
            "provider (see the scenario folder's README) and may contain real vessel "
            "identities (MMSI)."
        )
    return text


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
        ("Scenario source", "source"),
    ):
        lines += [f"## {title}", "", *_table(c[key])]
    plots = out / "plots"
    plots.mkdir(exist_ok=True)
    charts = [
        ("outcome", "Episode outcome", c["outcome"]),
        ("encounter_type", "Referee encounter type", c["referee_encounter_type"]),
        ("own_role", "Referee own role", c["referee_own_role"]),
        ("step_encounter", "Per-step encounter", c["step_encounter"]),
        ("min_range", "Closest range per encounter", card["distributions"]["referee_min_range_m"]),
        ("score", "Episode referee score", card["distributions"]["episode_score"]),
    ]
    lines += ["## Plots", ""]
    for name, title, counts in charts:
        (plots / f"{name}.svg").write_text(svg_bars(title, counts))
        lines += [f"![{title}](plots/{name}.svg)", ""]
    lines += ["## Licence", "", card["licence"], ""]
    (out / "README.md").write_text("\n".join(lines))
    return card
