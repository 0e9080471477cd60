"""Sweep statistics over stored runs: failure rates with Wilson intervals, breakdowns, score
distributions, PNG plots, Markdown and JUnit XML."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from autoship.metrics import wilson_interval

FAIL_ON = ("collision", "failure", "never")


def is_failure(row: dict[str, Any], fail_on: str = "failure") -> bool:
    """A stored ok run counts as failed: any failed gate ("failure"), or only a collision or
    grounding ("collision")."""
    if row["status"] != "ok":
        return False
    if fail_on == "collision":
        return bool(row["collision"] or row["grounding"])
    if fail_on == "failure":
        return not row["passed"]
    return False


def _rate(k: int, n: int) -> dict[str, Any]:
    lo, hi = wilson_interval(k, n, 0.95)
    return {
        "runs": n,
        "failures": k,
        "failure_rate": k / n if n else 0.0,
        "wilson_lower": lo,
        "wilson_upper": hi,
    }


def _quantiles(vals: list[float]) -> dict[str, Any]:
    a = np.array([v for v in vals if v is not None and math.isfinite(v)], dtype=float)
    if a.size == 0:
        return {"n": 0}
    q = np.percentile(a, [5, 25, 50, 75, 95])
    return {
        "n": int(a.size),
        "min": float(a.min()),
        "p05": float(q[0]),
        "p25": float(q[1]),
        "median": float(q[2]),
        "p75": float(q[3]),
        "p95": float(q[4]),
        "max": float(a.max()),
        "mean": float(a.mean()),
    }


def summarize(
    runs: list[dict[str, Any]], encounters: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Everything ``autoship report`` prints, as plain data (rates are fractions)."""
    ok = [r for r in runs if r["status"] == "ok"]
    errs = [r for r in runs if r["status"] != "ok"]
    k = sum(is_failure(r) for r in ok)
    kc = sum(is_failure(r, "collision") for r in ok)
    out: dict[str, Any] = _rate(k, len(ok))
    crate = _rate(kc, len(ok))
    out.update(
        {
            "errors": len(errs),
            "collisions": sum(bool(r["collision"]) for r in ok),
            "groundings": sum(bool(r["grounding"]) for r in ok),
            "collision_or_grounding": {
                "runs": crate["runs"],
                "failures": crate["failures"],
                "rate": crate["failure_rate"],
                "wilson_lower": crate["wilson_lower"],
                "wilson_upper": crate["wilson_upper"],
            },
        }
    )
    for key in ("encounter", "n_targets", "planner"):
        groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for r in ok:
            groups[r[key]].append(r)
        out[f"by_{key}"] = {
            str(g): {
                **_rate(sum(is_failure(r) for r in rs), len(rs)),
                "collisions": sum(bool(r["collision"] or r["grounding"]) for r in rs),
            }
            for g, rs in sorted(groups.items(), key=lambda kv: str(kv[0]))
        }
    out["score"] = _quantiles([r["score"] for r in ok])
    out["safety_score"] = _quantiles([r["safety_score"] for r in ok])
    out["min_separation_m"] = _quantiles([r["min_separation_m"] for r in ok])
    if encounters is not None:
        rules: dict[str, list[float]] = defaultdict(list)
        for e in encounters:
            for rule, v in json.loads(e["rules_json"]).items():
                if v is not None:
                    rules[rule].append(float(v))
        out["rules"] = {
            rule: _quantiles(v)
            for rule, v in sorted(rules.items(), key=lambda kv: (len(kv[0]), kv[0]))
        }
    # More than one means the sources changed between the runs (e.g. a resumed sweep).
    out["code_digests"] = sorted({str(r["code_digest"]) for r in ok if r.get("code_digest")})
    out["error_list"] = [
        {"run_id": r["run_id"], "kind": r["error_kind"], "error": r["error"]} for r in errs
    ]
    return out


def worst(runs: list[dict[str, Any]], n: int = 10) -> list[dict[str, Any]]:
    """The n lowest-safety ok runs (collisions first, then by safety score and separation)."""
    ok = [r for r in runs if r["status"] == "ok"]

    def key(r: dict[str, Any]) -> tuple[float, float, float]:
        s = r["safety_score"] if r["safety_score"] is not None else 1.0
        d = r["min_separation_m"] if r["min_separation_m"] is not None else math.inf
        return (-float(bool(r["collision"] or r["grounding"])), s, d)

    return sorted(ok, key=key)[:n]


# --------------------------------------------------------------------------- plots


def write_plots(
    runs: list[dict[str, Any]], out_dir: Path, encounters: list[dict[str, Any]] | None = None
) -> list[Path]:
    """Minimum-separation histogram, failure map over bearing and speed ratio, score by
    encounter type and (given encounters) rule-score distributions, as PNG files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    ok = [r for r in runs if r["status"] == "ok"]
    paths = []

    fig, ax = plt.subplots(figsize=(7, 4))
    seps = np.array([r["min_separation_m"] for r in ok if r["min_separation_m"] is not None])
    if seps.size:
        ax.hist(seps, bins=min(40, max(5, int(np.sqrt(seps.size)))), color="tab:blue")
    profiles = {r["profile"] for r in ok if r.get("profile")}
    if len(profiles) == 1:  # the gate the runs were judged by
        from autoship.colregs import load_profile

        gate = load_profile(profiles.pop()).gates.min_separation_m
        ax.axvline(gate, color="tab:red", ls="--", label=f"gate {gate:.0f} m")
        ax.legend(fontsize=8)
    ax.set_xlabel("minimum separation (m)")
    ax.set_ylabel("runs")
    ax.set_title(f"Minimum separation, {len(ok)} runs")
    paths.append(_save(fig, out_dir / "min_separation_hist.png"))

    fig, ax = plt.subplots(figsize=(7, 5))
    pts = [r for r in ok if r["bearing_deg"] is not None and r["speed_ratio"] is not None]
    if pts:
        b = np.array([r["bearing_deg"] for r in pts], dtype=float)
        v = np.array([r["speed_ratio"] for r in pts], dtype=float)
        f = np.array([is_failure(r) for r in pts], dtype=float)
        c = np.array([is_failure(r, "collision") for r in pts], dtype=bool)
        be = np.linspace(-180.0, 180.0, 25)
        ve = np.linspace(min(v.min(), 0.0), max(v.max(), 1e-3) * 1.0001, 13)
        n, _, _ = np.histogram2d(b, v, bins=(be, ve))
        k, _, _ = np.histogram2d(b, v, bins=(be, ve), weights=f)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(n > 0, k / n, np.nan)
        mesh = ax.pcolormesh(be, ve, rate.T, cmap="RdYlGn_r", vmin=0.0, vmax=1.0, shading="flat")
        fig.colorbar(mesh, ax=ax, label="failure rate")
        ax.scatter(b[~c], v[~c], s=6, c="k", alpha=0.4, label="run")
        if c.any():
            ax.scatter(b[c], v[c], s=18, marker="x", c="k", label="collision/grounding")
        ax.legend(loc="upper right", fontsize=8)
    ax.set_xlabel("relative bearing of the first target (deg, + starboard)")
    ax.set_ylabel("speed ratio (target / own)")
    ax.set_title("Failure map")
    paths.append(_save(fig, out_dir / "failure_map.png"))

    fig, ax = plt.subplots(figsize=(7, 4))
    groups: dict[str, list[float]] = defaultdict(list)
    for r in ok:
        if r["score"] is not None:
            groups[str(r["encounter"])].append(float(r["score"]))
    names = sorted(groups)
    if names:
        ax.boxplot([groups[nm] for nm in names], showfliers=True)
        ax.set_xticks(range(1, len(names) + 1), names, rotation=20, fontsize=8)
    ax.set_ylabel("run score (lowest encounter score)")
    ax.set_ylim(-0.05, 1.05)
    ax.set_title("Score by encounter type")
    paths.append(_save(fig, out_dir / "score_by_encounter.png"))

    if encounters is not None:
        rules: dict[str, list[float]] = defaultdict(list)
        for e in encounters:
            for rule, val in json.loads(e["rules_json"]).items():
                if val is not None:
                    rules[rule].append(float(val))
        fig, ax = plt.subplots(figsize=(7, 4))
        names = sorted(rules, key=lambda r: (len(r), r))
        if names:
            ax.boxplot([rules[r] for r in names], showfliers=True)
            ax.set_xticks(range(1, len(names) + 1), [f"rule {r}" for r in names], fontsize=8)
        ax.set_ylabel("rule score per encounter")
        ax.set_ylim(-0.05, 1.05)
        ax.set_title("Rule-score distributions")
        paths.append(_save(fig, out_dir / "rule_scores.png"))
    return paths


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- text outputs


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def markdown(
    summary: dict[str, Any],
    worst_runs: list[dict[str, Any]],
    meta: dict[str, str],
    plots: list[Path] | None = None,
    md_path: Path | None = None,
) -> str:
    s = summary
    cg = s["collision_or_grounding"]
    lines = [
        f"# Sweep report: {meta.get('sweep_id', '?')}",
        "",
        f"autoship {meta.get('autoship_version', '?')}, {s['runs']} runs stored, "
        f"{s['errors']} errors.",
        "",
        *(
            [
                f"**Warning:** runs come from {len(s['code_digests'])} different source "
                f"versions ({', '.join(s['code_digests'])}): the code changed during the sweep.",
                "",
            ]
            if len(s["code_digests"]) > 1
            else []
        ),
        "| measure | count | rate | Wilson 95 % interval |",
        "|---|---|---|---|",
        f"| failed (any gate) | {s['failures']}/{s['runs']} | {_pct(s['failure_rate'])} | "
        f"{_pct(s['wilson_lower'])} - {_pct(s['wilson_upper'])} |",
        f"| collision or grounding | {cg['failures']}/{cg['runs']} | {_pct(cg['rate'])} | "
        f"{_pct(cg['wilson_lower'])} - {_pct(cg['wilson_upper'])} |",
        "",
    ]
    for key, title in (("by_encounter", "encounter type"), ("by_n_targets", "number of targets")):
        lines += [
            f"## By {title}",
            "",
            f"| {title} | runs | failed | rate | Wilson 95 % | collisions/groundings |",
            "|---|---|---|---|---|---|",
        ]
        for g, r in s[key].items():
            lines.append(
                f"| {g} | {r['runs']} | {r['failures']} | {_pct(r['failure_rate'])} | "
                f"{_pct(r['wilson_lower'])} - {_pct(r['wilson_upper'])} | {r['collisions']} |"
            )
        lines.append("")
    lines += [
        "## Distributions",
        "",
        "| quantity | n | min | p05 | median | p95 | max |",
        "|---|---|---|---|---|---|---|",
    ]
    dists = [
        ("run score", s["score"]),
        ("safety score", s["safety_score"]),
        ("min separation (m)", s["min_separation_m"]),
    ]
    dists += [(f"rule {k}", v) for k, v in (s.get("rules") or {}).items()]
    for name, q in dists:
        if q.get("n"):
            lines.append(
                f"| {name} | {q['n']} | {q['min']:.3g} | {q['p05']:.3g} | {q['median']:.3g} | "
                f"{q['p95']:.3g} | {q['max']:.3g} |"
            )
    lines += [
        "",
        "## Lowest safety",
        "",
        "| run | encounter | targets | bearing (deg) | speed ratio | min sep (m) | "
        "safety | collision |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in worst_runs:
        lines.append(
            f"| {r['run_id']} | {r['encounter']} | {r['n_targets']} | {_f(r['bearing_deg'])} | "
            f"{_f(r['speed_ratio'], 2)} | {_f(r['min_separation_m'])} | "
            f"{_f(r['safety_score'], 3)} | {'yes' if r['collision'] else 'no'} |"
        )
    if s["error_list"]:
        lines += ["", "## Errors", ""]
        for e in s["error_list"][:50]:
            lines.append(f"- `{e['run_id']}` ({e['kind']}): {e['error']}")
    if plots:
        lines += ["", "## Plots", ""]
        for p in plots:
            rel = p
            if md_path is not None:
                try:
                    rel = p.resolve().relative_to(md_path.resolve().parent)
                except ValueError:
                    rel = p.resolve()
            lines.append(f"![{p.stem}]({rel.as_posix()})")
    return "\n".join(lines) + "\n"


def _f(x: Any, nd: int = 1) -> str:
    return "-" if x is None else f"{x:.{nd}f}"


def junit(
    runs: list[dict[str, Any]],
    meta: dict[str, str],
    fail_on: str = "collision",
    detail: Callable[[str], dict[str, Any]] | None = None,
) -> ET.ElementTree:
    """One testcase per run; a <failure> per failing run (``fail_on``), an <error> per run that
    crashed, hung or was rejected. ``detail(run_id)`` supplies the entry and scenario text of a
    failing run when ``runs`` were read without them (``Store.runs(light=True)``)."""
    suite = ET.Element("testsuite", name=f"autoship-sweep-{meta.get('sweep_id', 'sweep')}")
    n_fail = n_err = 0
    for r in runs:
        tc = ET.SubElement(
            suite,
            "testcase",
            classname=f"sweep.{r.get('encounter') or 'scenario'}",
            name=r["run_id"],
            time=f"{r['wall_s'] or 0.0:.3f}",
        )
        if r["status"] != "ok":
            n_err += 1
            el = ET.SubElement(
                tc, "error", message=str(r["error"])[:500], type=str(r["error_kind"])
            )
            el.text = str(r["error"])
        elif is_failure(r, fail_on):
            n_fail += 1
            if "entry_json" in r:
                d = {
                    "entry": json.loads(r["entry_json"] or "{}"),
                    "scenario_text": r["scenario_text"],
                }
            else:
                assert detail is not None, "light rows need detail()"
                d = detail(r["run_id"])
            entry = d["entry"] or {}
            gates = entry.get("failed_gates") or []
            what = "collision" if r["collision"] else ("grounding" if r["grounding"] else "gate")
            el = ET.SubElement(
                tc,
                "failure",
                message=f"{what}: min separation {_f(r['min_separation_m'])} m",
                type=what,
            )
            el.text = "\n".join(
                [*gates, f"seed {r['seed']}, planner {r['planner']}", "", d["scenario_text"]]
            )
    suite.set("tests", str(len(runs)))
    suite.set("failures", str(n_fail))
    suite.set("errors", str(n_err))
    ET.indent(suite)
    return ET.ElementTree(suite)
