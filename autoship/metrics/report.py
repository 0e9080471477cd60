"""Batch report (JSON contract), readiness summary, Markdown table and JUnit XML."""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from statistics import NormalDist
from typing import Any

import autoship
from autoship.colregs.profile import Profile, load_profile
from autoship.errors import AutoshipError, ProfileError


def wilson_interval(failures: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Two-sided Wilson score interval for a binomial proportion (failures out of n)."""
    if n <= 0:
        return 0.0, 1.0
    z = NormalDist().inv_cdf(1.0 - (1.0 - confidence) / 2.0)
    p = failures / n
    z2 = z * z
    den = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / den
    half = z * math.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


def runs_needed_zero_failures(max_rate: float, confidence: float = 0.95) -> int:
    """Smallest n with zero failures whose Wilson upper bound is at or below max_rate."""
    z = NormalDist().inv_cdf(1.0 - (1.0 - confidence) / 2.0)
    # Upper bound with p = 0 is z^2 / (n + z^2) <= u  <=>  n >= z^2 (1 - u) / u.
    return math.ceil(z * z * (1.0 - max_rate) / max_rate - 1e-9)


def _rule_failures(run: dict[str, Any], threshold: float) -> list[str]:
    out = []
    for enc in run.get("encounters", []):
        for rule, val in (enc.get("rules") or {}).items():
            if val is not None and val < threshold:
                out.append(f"{enc['own']} vs {enc['target']}: rule {rule} {val:.2f}")
    return out


def readiness(runs: list[dict[str, Any]], profile: Profile) -> dict[str, Any]:
    """Readiness for the 2030 fully-autonomous target: gates A (standard sets without
    collision or grounding), B (rule scores at threshold), C (Wilson upper bound on the
    failure rate over the runs given)."""
    rd = profile.readiness
    # Negative tests (scenarios that exist to provoke a collision) say nothing about A and B.
    positive = [r for r in runs if not r.get("negative_test")]
    std = [
        r
        for r in positive
        if any(str(r.get("scenario_id") or "").startswith(prefix) for prefix in rd.standard_sets)
    ]
    a_coll = sum(bool(r.get("collision")) for r in std)
    a_grd = sum(bool(r.get("grounding")) for r in std)
    gate_a: dict[str, Any] = {
        "description": "standard scenario sets with zero collisions and groundings",
        "standard_sets": list(rd.standard_sets),
        "runs": len(std),
        "scenarios": len({r.get("scenario_id") for r in std}),
        "collisions": a_coll,
        "groundings": a_grd,
        "passed": (a_coll == 0 and a_grd == 0) if std else None,
    }
    if not std:
        gate_a["note"] = "not evaluated: no run of a standard set was given"
    thr = profile.gates.min_rule_score
    below = {}
    for r in positive:
        fails = _rule_failures(r, thr)
        if fails:
            below[f"{r.get('scenario_id')}/{r.get('planner')}/seed {r.get('seed')}"] = fails
    gate_b = {
        "description": "every rule score at or above the profile threshold",
        "threshold": thr,
        "runs": len(positive),
        "runs_below": len(below),
        "failures": below,
        "passed": (not below) if positive else None,
    }
    n = len(runs)
    k = sum(not r.get("passed") for r in runs)
    lo, hi = wilson_interval(k, n, rd.confidence)
    gate_c = {
        "description": "run failure rate, Wilson upper bound",
        "runs": n,
        "failures": k,
        "failure_rate": (k / n) if n else None,
        "confidence": rd.confidence,
        "wilson_lower": round(lo, 6),
        "wilson_upper": round(hi, 6),
        "max_failure_rate": rd.max_failure_rate,
        "runs_needed_if_no_failures": runs_needed_zero_failures(rd.max_failure_rate, rd.confidence),
        "passed": (hi <= rd.max_failure_rate) if n else None,
    }
    gates = [gate_a["passed"], gate_b["passed"], gate_c["passed"]]
    return {
        "target": "2030 fully autonomous",
        "gate_a": gate_a,
        "gate_b": gate_b,
        "gate_c": gate_c,
        "ready": all(g is True for g in gates),
    }


def build_report(run_entries: list[dict[str, Any]], profile: Profile | None) -> dict[str, Any]:
    """Wrap scored runs into the report: version, profile, summary and readiness. Runs scored
    under a different profile are refused (scores are not comparable across profiles)."""
    if profile is None:
        profile = load_profile(None)
    for r in run_entries:
        h = r.get("profile_hash")
        if h is not None and h != profile.hash:
            raise ProfileError(
                f"run scored with profile {r.get('profile')!r} ({h}), report uses "
                f"{profile.name!r} ({profile.hash}): scores under different profiles are not "
                "comparable",
                file=str(r.get("run_dir")),
                field="profile",
            )
    summary = {
        "runs": len(run_entries),
        "passed": sum(bool(r.get("passed")) for r in run_entries),
        "failed": sum(not r.get("passed") for r in run_entries),
        "collisions": sum(bool(r.get("collision")) for r in run_entries),
        "groundings": sum(bool(r.get("grounding")) for r in run_entries),
        "near_misses": sum(
            any(e.get("near_miss") for e in r.get("encounters", [])) for r in run_entries
        ),
    }
    return {
        "autoship_version": autoship.__version__,
        "profile": profile.name,
        "profile_version": profile.version,
        "profile_hash": profile.hash,
        "runs": run_entries,
        "summary": summary,
        "readiness": readiness(run_entries, profile),
    }


def build_batch_report(
    run_entries: list[dict[str, Any]], profile: Profile | None = None
) -> dict[str, Any]:
    """The report of a batch whose runs may use different profiles (each scenario names its
    own). With one profile this is ``build_report``. With several, every group is scored and
    gated under its own profile and nothing is compared across them: the report says
    ``"profile": "mixed"``, lists the profiles, and its readiness sums the per-profile gates
    (C over all runs against the strictest profile's limit); ``readiness["by_profile"]`` keeps
    each profile's own verdict."""
    if profile is not None:
        return build_report(run_entries, profile)
    names: list[str] = []
    for r in run_entries:
        name = r.get("profile")
        if name not in names:
            names.append(name)
    if len(names) <= 1:
        return build_report(run_entries, load_profile(names[0] if names else None))
    groups = {
        n: build_report([r for r in run_entries if r.get("profile") == n], load_profile(n))
        for n in names
    }
    strictest = min((load_profile(n) for n in names), key=lambda p: p.readiness.max_failure_rate)
    combined = readiness(run_entries, strictest)
    by = {n: g["readiness"] for n, g in groups.items()}
    ga, gb = combined["gate_a"], combined["gate_b"]
    for key in ("runs", "collisions", "groundings"):
        ga[key] = sum(b["gate_a"][key] for b in by.values())
    ga["scenarios"] = sum(b["gate_a"]["scenarios"] for b in by.values())
    ga["standard_sets"] = sorted({s for b in by.values() for s in b["gate_a"]["standard_sets"]})
    ga["passed"] = _all_or_none(b["gate_a"]["passed"] for b in by.values())
    gb["runs"] = sum(b["gate_b"]["runs"] for b in by.values())
    gb["runs_below"] = sum(b["gate_b"]["runs_below"] for b in by.values())
    gb["failures"] = {k: v for b in by.values() for k, v in b["gate_b"]["failures"].items()}
    gb["passed"] = _all_or_none(b["gate_b"]["passed"] for b in by.values())
    gb["threshold"] = max(b["gate_b"]["threshold"] for b in by.values())
    gates = [ga["passed"], gb["passed"], combined["gate_c"]["passed"]]
    combined["ready"] = all(g is True for g in gates)
    combined["by_profile"] = by
    summary = {
        k: sum(g["summary"][k] for g in groups.values())
        for k in next(iter(groups.values()))["summary"]
    }
    return {
        "autoship_version": autoship.__version__,
        "profile": "mixed",
        "profile_version": None,
        "profile_hash": None,
        "profiles": [
            {
                "name": n,
                "version": g["profile_version"],
                "hash": g["profile_hash"],
                "runs": g["summary"]["runs"],
            }
            for n, g in groups.items()
        ],
        "runs": run_entries,
        "summary": summary,
        "readiness": combined,
    }


def _all_or_none(values) -> bool | None:
    vals = [v for v in values if v is not None]
    return all(vals) if vals else None


def _open_out(path: str | os.PathLike) -> Path:
    p = Path(path)
    if p.parent and not p.parent.exists():
        raise AutoshipError("output folder does not exist", file=str(p))
    return p


def _cell(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"
    return str(x).replace("|", "\\|")


def _first(items: list[str], sep: str, n: int = 4) -> str:
    """The summary table keeps a row readable: the first few, then a count (details follow)."""
    if not items:
        return "-"
    more = f"{sep}(+{len(items) - n} more)" if len(items) > n else ""
    return sep.join(items[:n]) + more


def _readiness_lines(rd: dict[str, Any]) -> list[str]:
    lines = [f"## Readiness ({rd['target']})", "", "| gate | passed | detail |", "|---|---|---|"]
    a, b, c = rd["gate_a"], rd["gate_b"], rd["gate_c"]
    lines.append(
        f"| A: standard sets | {_cell(a['passed'])} | {a['runs']} runs of "
        f"{', '.join(a['standard_sets'])}: {a['collisions']} collisions, "
        f"{a['groundings']} groundings{'; ' + a['note'] if a.get('note') else ''} |"
    )
    lines.append(
        f"| B: rule scores >= {b['threshold']:.2f} | {_cell(b['passed'])} | "
        f"{b['runs_below']} of {b['runs']} runs below |"
    )
    lines.append(
        f"| C: failure rate | {_cell(c['passed'])} | {c['failures']}/{c['runs']} failed, "
        f"Wilson {100 * c['confidence']:.0f} % upper bound {c['wilson_upper']:.4f} vs "
        f"{c['max_failure_rate']} (zero-failure runs needed: "
        f"{c['runs_needed_if_no_failures']}) |"
    )
    lines += ["", f"Ready: {'yes' if rd['ready'] else 'no'}.", ""]
    return lines


def _row(*cells: Any) -> str:
    """One Markdown table row."""
    return "| " + " | ".join(_cell(x) for x in cells) + " |"


def markdown(report: dict[str, Any]) -> str:
    """The report a person reads: the verdict, readiness and every failure first; the run,
    progress and encounter tables after them."""
    s = report["summary"]
    runs = report["runs"]
    failed = [r for r in runs if not r.get("passed")]
    rd = report.get("readiness")
    verdict = "PASSED" if not failed else "FAILED"
    ready = "" if not rd else (" Ready." if rd["ready"] else " Not ready.")
    lines = [
        "# autoship score report",
        "",
        f"**{verdict}: {s['passed']}/{s['runs']} runs passed, {s['collisions']} collisions, "
        f"{s['groundings']} groundings.**{ready}",
        "",
        (
            f"Profile `{report['profile']}` v{report.get('profile_version')} "
            f"({report.get('profile_hash')})"
            if report.get("profile") != "mixed"
            else "Profiles "
            + ", ".join(
                f"`{p['name']}` v{p['version']} ({p['runs']} runs)"
                for p in report.get("profiles", [])
            )
        )
        + f", autoship {report['autoship_version']}. "
        "Gates are inclusive: a rule score equal to the threshold passes; a direction breach "
        "fails by itself.",
        "",
    ]
    if rd:
        lines += _readiness_lines(rd)
    if failed:
        lines += ["## Failures", ""]
        for r in failed:
            lines.append(f"- **{r.get('scenario_id')}** ({r.get('planner')}, seed {r.get('seed')})")
            lines += [f"  - {g}" for g in r.get("failed_gates", [])]
        lines.append("")
    lines += [
        "## Runs",
        "",
        "| scenario | planner | profile | seed | passed | collision | grounding | min sep (m) "
        "| score | encounters | failed gates |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        encs = [e for e in r.get("encounters", []) if e.get("type") != "none"]
        many_owns = len({e.get("own") for e in encs}) > 1
        desc = _first(
            [
                f"{e['own'] + '-' if many_owns else ''}{e['target']}: {e['type']}/{e['own_role']}"
                for e in encs
            ],
            ", ",
        )
        prof = r.get("profile")
        if r.get("profile_choice") and str(r["profile_choice"]).startswith("auto"):
            prof = f"{prof} (auto)"
        lines.append(
            _row(
                r.get("scenario_id"),
                r.get("planner"),
                prof,
                r.get("seed"),
                r.get("passed"),
                r.get("collision"),
                r.get("grounding"),
                r.get("min_separation_m"),
                r.get("score"),
                desc,
                _first(r.get("failed_gates", []), "; "),
            )
        )
    prog = [(r, sid, p) for r in runs for sid, p in (r.get("progress") or {}).items()]
    if prog:
        lines += [
            "",
            "## Progress",
            "",
            "| scenario | ship | mission | goal reached | at (s) | path (m) | nominal (m) "
            "| made good (m) | asked (m) | passed |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r, sid, p in prog:
            lines.append(
                _row(
                    r.get("scenario_id"),
                    sid,
                    p.get("mission"),
                    p.get("goal_reached"),
                    p.get("t_goal_s"),
                    p.get("path_length_m"),
                    p.get("nominal_length_m"),
                    p.get("made_good_m"),
                    p.get("expected_m"),
                    p.get("passed"),
                )
            )
    human = [r for r in runs if r.get("human")]
    if human:
        lines += [
            "",
            "## Planner and recorded human",
            "",
            "| scenario | planner min sep (m) | human min sep (m) | planner score | human score "
            "| planner failed gates | human failed gates | planner path (m) | human path (m) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for r in human:
            h = r["human"]
            own = next(iter((r.get("progress") or {}).values()), {})
            lines.append(
                _row(
                    r.get("scenario_id"),
                    r.get("min_separation_m"),
                    h.get("min_separation_m"),
                    r.get("score"),
                    h.get("score"),
                    len(r.get("failed_gates", [])),
                    len(h.get("failed_gates", [])),
                    own.get("path_length_m"),
                    (h.get("progress") or {}).get("path_length_m"),
                )
            )
    lines += ["", "## Encounters", ""]
    lines += [
        "| scenario | own | target | type | role | CPA at detection (m) | min range (m) "
        "| rules | penalties |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        for e in r.get("encounters", []):
            if e.get("type") == "none" and not e.get("rules"):
                continue
            rules = ", ".join(f"{k}: {v:.2f}" for k, v in e["rules"].items()) or "-"
            pens = "; ".join(
                p["reason"] + (" (breach)" if p.get("breach") else "")
                for p in sorted(e.get("penalties", []), key=lambda p: -p["penalty"])
            )
            lines.append(
                _row(
                    r.get("scenario_id"),
                    e["own"],
                    e["target"],
                    e["type"],
                    e["own_role"],
                    e.get("cpa_m"),
                    e.get("min_range_m"),
                    rules,
                    pens or "-",
                )
            )
    return "\n".join(lines) + "\n"


def write_markdown(report: dict[str, Any], path: str | os.PathLike) -> None:
    p = _open_out(path)
    p.write_text(markdown(report), encoding="utf-8")


# A CI log shows the failure message on one line: long enough for a few gates, never a page.
JUNIT_MESSAGE_MAX = 500


def _wall_s(r: dict[str, Any]) -> float | None:
    """The run's measured wall time: the entry's own ``wall_s``, else the one ``autoship run``
    wrote into the run folder's score.json (``autoship score`` re-scores without running).
    The simulated ``duration_s`` is not a wall time; None when nothing measured it."""
    w = r.get("wall_s")
    if w is None and r.get("run_dir"):
        try:
            import json

            w = json.loads((Path(r["run_dir"]) / "score.json").read_text()).get("wall_s")
        except (OSError, ValueError, AttributeError):
            w = None
    if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0:
        return None
    return float(w)


def _cap(text: str, n: int = JUNIT_MESSAGE_MAX, tail: str = "") -> str:
    """One line of at most ``n`` characters; ``tail`` says where the rest is when cut."""
    text = " ".join(text.split())  # an attribute is one line in every CI viewer
    if len(text) <= n:
        return text
    return text[: max(n - len(tail) - 1, 0)].rstrip() + "\u2026" + tail


def _num_txt(x: Any, unit: str = "", nd: int = 1) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return f"{x}{unit}"
    if isinstance(x, float):
        return f"{x:.{nd}f}{unit}"
    return str(x)


def _rule_order(k: Any) -> tuple[int, str]:
    # Rule keys are "8", "13", "17a"...: numeric order, as a reader of the COLREGs expects.
    digits = "".join(c for c in str(k) if c.isdigit())
    return (int(digits) if digits else 10**6, str(k))


def _encounter_lines(e: dict[str, Any]) -> list[str]:
    rules = e.get("rules") or {}
    rule_txt = ", ".join(
        f"rule {k} {_num_txt(v, nd=2)}"
        for k, v in sorted(rules.items(), key=lambda kv: _rule_order(kv[0]))
    )
    head = (
        f"  {e.get('own')} vs {e.get('target')}: {e.get('type')}, {e.get('own_role')}; "
        f"CPA {_num_txt(e.get('cpa_m'), ' m', 0)}, min range "
        f"{_num_txt(e.get('min_range_m'), ' m', 0)}, score {_num_txt(e.get('score'), nd=2)}"
    )
    out = [head]
    if rule_txt:
        out.append(f"    {rule_txt}")
    for pen in e.get("penalties") or []:
        if isinstance(pen, dict) and pen.get("reason"):
            tag = "breach" if pen.get("breach") else "penalty"
            reason = str(pen["reason"])
            if not reason.lower().startswith("rule"):  # most reasons already name their rule
                reason = f"rule {pen.get('rule')}: {reason}"
            out.append(f"    {tag} {reason}")
    return out


def _system_out(r: dict[str, Any], wall: float | None) -> str:
    """Readable run summary for a CI log: plain lines, no Python reprs."""
    verdict = "PASSED" if r.get("passed") else "FAILED"
    out = [
        f"{verdict}: scenario {r.get('scenario_id')}, planner {r.get('planner')}, "
        f"seed {_num_txt(r.get('seed'))}",
        f"score {_num_txt(r.get('score'), nd=2)}, min separation "
        f"{_num_txt(r.get('min_separation_m'), ' m')}, collision "
        f"{_num_txt(bool(r.get('collision')))}, grounding {_num_txt(bool(r.get('grounding')))}",
    ]
    if r.get("profile"):
        out.append(f"profile {r['profile']}")
    out.append(f"wall time {wall:.3f} s" if wall is not None else "wall time not measured")
    if r.get("run_dir"):
        out.append(f"run folder {r['run_dir']}")
    auto = r.get("autonomous_ships")
    if auto:
        out.append("ships under test " + ", ".join(str(a) for a in auto))
    neg = r.get("negative_test")
    if isinstance(neg, dict):
        out.append(
            "negative test: expected "
            + (" and ".join(neg.get("expect") or []) or "nothing")
            + ", occurred "
            + (" and ".join(neg.get("occurred") or []) or "neither")
        )
    gates = r.get("failed_gates") or []
    if gates:
        out.append("failed gates:")
        out.extend(f"  {g}" for g in gates)
    encs = [e for e in r.get("encounters") or [] if e.get("type") != "none"]
    if encs:
        out.append("encounters:")
        for e in encs:
            out.extend(_encounter_lines(e))
    return "\n".join(out)


def junit_tree(
    report: dict[str, Any],
    suite_name: str | None = None,
    appendix: Callable[[dict[str, Any]], str | None] | None = None,
) -> ET.ElementTree:
    """JUnit XML, the one writer of ``run``, ``score`` and ``report``: one <testcase> per run
    (classname = scenario, name = planner [+ seed when a scenario/planner pair has several
    runs]), ``time`` = the run's measured wall time (0 when none was measured). A run fails
    iff ``passed`` is false: its <failure> message is the failed gates on one line, capped at
    JUNIT_MESSAGE_MAX characters, and its text lists every failed gate, then ``appendix(run)``
    (e.g. the scenario to replay). System-out is a readable summary. ``report["errors"]``
    (runs that crashed, hung or were rejected) become <error> cases. Properties without a
    value are left out."""
    runs = report.get("runs") or []
    errors = report.get("errors") or []
    counts = Counter((r.get("scenario_id"), r.get("planner")) for r in runs)
    failures = sum(not r.get("passed") for r in runs)
    n_tests = len(runs) + len(errors)
    name = suite_name or f"autoship.score[{report.get('profile')}]"
    root = ET.Element(
        "testsuites",
        name="autoship",
        tests=str(n_tests),
        failures=str(failures),
        errors=str(len(errors)),
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name=name,
        tests=str(n_tests),
        failures=str(failures),
        errors=str(len(errors)),
        skipped="0",
    )
    props = ET.SubElement(suite, "properties")
    for k in ("profile", "profile_version", "profile_hash", "autoship_version"):
        if report.get(k) is not None:
            ET.SubElement(props, "property", name=k, value=str(report[k]))
    for prof in report.get("profiles") or []:
        if isinstance(prof, dict) and prof.get("name") and prof.get("hash"):
            key = f"profile_hash.{prof['name']}"
            ET.SubElement(props, "property", name=key, value=str(prof["hash"]))
    if not len(props):
        suite.remove(props)  # an empty <properties> is invalid in the common JUnit schema
    total = 0.0
    seen: Counter = Counter()
    for r in runs:
        key = (r.get("scenario_id"), r.get("planner"))
        cname = str(r.get("planner"))
        if counts[key] > 1:
            cname = f"{cname} seed {r.get('seed')}"
        seen[(key, cname)] += 1
        if seen[(key, cname)] > 1:
            cname = f"{cname} #{seen[(key, cname)]}"
        wall = _wall_s(r)
        total += wall or 0.0
        case = ET.SubElement(
            suite,
            "testcase",
            classname=str(r.get("scenario_id")),
            name=cname,
            time=f"{wall or 0.0:.3f}",
        )
        if not r.get("passed"):
            gates = [str(g) for g in (r.get("failed_gates") or [])] or ["failed"]
            tail = f" ({len(gates)} failed gates, all in the failure text)"
            msg = _cap("; ".join(gates), tail=tail)
            fail = ET.SubElement(case, "failure", message=msg, type="gate")
            text = "\n".join(gates)
            extra = appendix(r) if appendix is not None else None
            if extra:
                text += "\n\n" + extra
            fail.text = text
        ET.SubElement(case, "system-out").text = _system_out(r, wall)
    for err in errors:
        path = str(err.get("path") or err.get("run_id") or "run")
        wall = err.get("wall_s")
        wall = float(wall) if isinstance(wall, (int, float)) and wall >= 0 else 0.0
        total += wall
        case = ET.SubElement(
            suite,
            "testcase",
            classname=str(err.get("scenario_id") or Path(path).stem),
            name=str(err.get("planner") or "run"),
            time=f"{wall:.3f}",
        )
        msg = str(err.get("error") or "error")
        kind = str(err.get("kind") or ("crash" if err.get("crash") else "error"))
        el = ET.SubElement(case, "error", message=_cap(msg, tail=" (full text below)"), type=kind)
        el.text = f"{path}\n{msg}"
    suite.set("time", f"{total:.3f}")
    root.set("time", f"{total:.3f}")
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(
    report: dict[str, Any],
    path: str | os.PathLike,
    suite_name: str | None = None,
    appendix: Callable[[dict[str, Any]], str | None] | None = None,
) -> None:
    """Write ``junit_tree(report, ...)`` to ``path`` (its folder must exist)."""
    p = _open_out(path)
    junit_tree(report, suite_name, appendix).write(p, encoding="utf-8", xml_declaration=True)
