"""COLREG rules 9(a) and 10 scored from the chart's ships' routeing objects.

Reads the run folder's chart record (``chart.json`` key ``routing``, polygons in the local
frame; ``autoship.charts.routing.Routing.from_chart_json``) and the recorded tracks, so the
scorer needs neither the chart file nor the readers. A chart without routeing objects gives no
entries and the run scores exactly as before.

Each ship under test that sailed in a traffic separation scheme or a fairway gets one entry per
kind, shaped like an encounter entry (``type = "routing"``, the target names the scheme or the
fairways) so that the gates (``score.rule_gate_failures``), the Markdown and the JUnit reports
list it with the other rule entries:

- ``10(b)(i)`` "proceed in the appropriate traffic lane in the general direction of traffic
  flow for that lane": course over ground within ``routing.lane_course_tolerance_deg`` of the
  lane's ORIENT; time outside it beyond ``lane_wrong_way_max_s`` is a breach;
- ``10(c)`` "cross on a heading as nearly as practicable at right angles to the general
  direction of traffic flow": a lane visit that enters by one side and leaves by the other is a
  crossing; its median heading more than ``crossing_heading_tolerance_deg`` off square is a
  breach. Joining or leaving by the side (10(b)(iii)) is not a crossing: for
  ``join_leave_s`` after joining and before leaving, a course up to ``join_angle_max_deg`` off
  ORIENT is not "against the flow";
- ``10(e)`` "not normally enter a separation zone ... except when crossing, joining or leaving
  a lane, or in cases of emergency to avoid immediate danger": time inside a separation zone
  beyond ``separation_zone_max_s``, not excused, is a breach;
- ``9(a)`` "keep as near to the outer limit of the channel or fairway which lies on her
  starboard side as is safe and practicable": of the time proceeding along a fairway (within
  ``channel_along_max_deg`` of its axis), more than ``channel_port_fraction_max`` with the
  centre left of the centreline by over ``channel_lateral_tolerance`` of the half width is a
  breach, for a transit of at least ``channel_min_transit_s``.

Encounters excuse: while the ship is the give-way vessel of an encounter (from detection to its
end), or from the moment a stand-on vessel may act (rule 17(a)(ii)) to the encounter's end, its
course is judged under rules 8 and 13-17 (rule 10(a): rule 10 does not relieve a vessel of her
obligations under any other rule), and rule 10(e)'s "immediate danger" applies. The time is left
out of rules 9(a), 10(b)(i) and 10(e).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autoship.charts.routing import Routing
from autoship.colregs.profile import Profile

RULE_LANE = "10(b)(i)"
RULE_CROSSING = "10(c)"
RULE_ZONE = "10(e)"
RULE_CHANNEL = "9(a)"
TSS_TARGET = "traffic separation scheme"
CHANNEL_TARGET = "narrow channel or fairway"


def _wrap180(a: np.ndarray) -> np.ndarray:
    return (np.asarray(a, dtype=np.float64) + 180.0) % 360.0 - 180.0


def _weights(t: np.ndarray) -> np.ndarray:
    """Seconds each sample stands for: the step to the next sample (0 for the last)."""
    if t.size < 2:
        return np.zeros(t.shape)
    return np.append(np.diff(t), 0.0)


def _runs(idx: np.ndarray) -> list[tuple[int, int, int]]:
    """(start, stop, value) of the runs of equal values >= 0 in ``idx``."""
    out = []
    k, n = 0, idx.size
    while k < n:
        v = int(idx[k])
        j = k + 1
        while j < n and idx[j] == v:
            j += 1
        if v >= 0:
            out.append((k, j, v))
        k = j
    return out


def excused_windows(encounters: list[dict[str, Any]], own: str) -> list[tuple[float, float]]:
    """(t0, t1) spans in which ``own``'s course answers to rules 8 and 13-17 rather than to
    rules 9(a) and 10: give-way from detection to the end of the encounter, otherwise from the
    time the stand-on vessel may act (17(a)(ii)) to the end."""
    out = []
    for enc in encounters:
        if enc.get("own") != own or enc.get("type") in (None, "none", "routing"):
            continue
        t1 = enc.get("t_end_s")
        t0 = enc.get("t_detect_s") if enc.get("own_role") == "give-way" else enc.get("t_may_act_s")
        if isinstance(t0, (int, float)) and isinstance(t1, (int, float)):
            out.append((float(t0), float(t1)))
    return out


def _in_windows(t: np.ndarray, windows: list[tuple[float, float]]) -> np.ndarray:
    m = np.zeros(t.shape, dtype=bool)
    for t0, t1 in windows:
        m |= (t >= t0) & (t <= t1)
    return m


def _r(x: float, nd: int = 1) -> float | None:
    return round(float(x), nd) if math.isfinite(x) else None


def tss_facts(
    routing: Routing,
    t: np.ndarray,
    north: np.ndarray,
    east: np.ndarray,
    cog_deg: np.ndarray,
    heading_deg: np.ndarray,
    sog: np.ndarray,
    excused: np.ndarray,
    p: Any,
) -> dict[str, Any] | None:
    """Rule 10 facts of one ship's sampled track; None when it never was in a lane or a
    separation zone. ``p`` is the profile's ``routing`` table."""
    ok = np.isfinite(north) & np.isfinite(east)
    lane = np.where(ok, routing.lane_index(north, east), -1)
    zone = ok & routing.in_separation_zone(north, east)
    if not ((lane >= 0).any() or zone.any()):
        return None
    w = _weights(t)
    moving = ok & (sog >= p.min_speed_mps)
    orient = routing.lane_direction(north, east)
    lateral = routing.lane_lateral(north, east)
    n = t.size
    crossing_sample = np.zeros(n, dtype=bool)
    joining = np.zeros(n, dtype=bool)
    boundaries: list[float] = []
    crossings = []
    visits = _runs(lane)
    for a, b, li in visits:
        la, lb = lateral[a], lateral[b - 1]
        side_in = a > 0 and abs(la) >= p.crossing_edge
        side_out = b < n and abs(lb) >= p.crossing_edge
        if a > 0:
            boundaries.append(float(t[a]))
        if b < n:
            boundaries.append(float(t[b - 1]))
        if side_in and side_out and np.sign(la) != np.sign(lb):
            crossing_sample[a:b] = True
            seg = moving[a:b]
            if not seg.any():
                continue
            rel = _wrap180(heading_deg[a:b][seg] - orient[a:b][seg])
            dev = float(np.median(np.abs(np.abs(rel) - 90.0)))
            crossings.append(
                {
                    "lane": routing.lanes[li].name or f"lane {li}",
                    "t_in_s": _r(t[a]),
                    "t_out_s": _r(t[b - 1]),
                    "heading_off_square_deg": _r(dev),
                }
            )
            continue
        tt = t[a:b]
        if side_in:
            joining[a:b] |= tt <= t[a] + p.join_leave_s
        if side_out:
            joining[a:b] |= tt >= t[b - 1] - p.join_leave_s
    rel = np.abs(_wrap180(cog_deg - orient))
    # A lane without ORIENT has no direction of flow to keep (not scored for 10(b)(i)).
    judged = (lane >= 0) & np.isfinite(orient) & moving & ~crossing_sample & ~excused
    off = judged & (rel > p.lane_course_tolerance_deg)
    off &= ~(joining & (rel <= p.join_angle_max_deg))
    lane_time = float(w[judged].sum())
    wrong_time = float(w[off].sum())
    against_time = float(w[off & (rel > 90.0)].sum())

    # Rule 10(e): inside a separation zone, not crossing the scheme (a course outside the
    # general direction of the nearest lane's flow, either way: not proceeding along the
    # scheme), not near joining or leaving a lane, not in an encounter.
    near = routing.nearest_lane(north, east)
    lane_orient = routing.lane_orient_deg
    axis = (
        np.where(near >= 0, lane_orient[np.maximum(near, 0)], np.nan)
        if len(lane_orient)
        else np.full(n, np.nan)
    )
    across = np.abs(np.sin(np.radians(cog_deg - axis))) > math.sin(
        math.radians(p.lane_course_tolerance_deg)
    )
    near_change = np.zeros(n, dtype=bool)
    for tb in boundaries:
        near_change |= np.abs(t - tb) <= p.join_leave_s
    in_zone = zone & moving
    zone_bad = in_zone & ~across & ~near_change & ~excused
    scheme_time = float(w[((lane >= 0) | zone) & moving].sum())
    return {
        "lane_time_s": lane_time,
        "wrong_way_s": wrong_time,
        "against_flow_s": against_time,
        "crossings": crossings,
        "zone_time_s": float(w[in_zone].sum()),
        "zone_unexcused_s": float(w[zone_bad].sum()),
        "scheme_time_s": scheme_time,
        "lanes": sorted({routing.lanes[li].name or f"lane {li}" for _a, _b, li in visits}),
    }


def channel_facts(
    routing: Routing,
    t: np.ndarray,
    north: np.ndarray,
    east: np.ndarray,
    cog_deg: np.ndarray,
    sog: np.ndarray,
    excused: np.ndarray,
    p: Any,
) -> dict[str, Any] | None:
    """Rule 9(a) facts of one ship's sampled track; None when it never proceeded along a
    fairway."""
    ok = np.isfinite(north) & np.isfinite(east)
    idx = np.where(ok, routing.fairway_index(north, east), -1)
    sel = (idx >= 0) & (sog >= p.min_speed_mps)
    if not sel.any():
        return None
    w = _weights(t)[sel]
    _, axis, lat = routing.fairway_at(north[sel], east[sel], cog_deg[sel])
    along = np.abs(_wrap180(cog_deg[sel] - axis)) <= p.channel_along_max_deg
    judged = along & ~excused[sel] & np.isfinite(lat)
    if not judged.any():
        return None
    port = judged & (lat < -p.channel_lateral_tolerance)
    transit = float(w[judged].sum())
    names = sorted(
        {routing.channels[c].name or f"{routing.channels[c].cls} {c}" for c in idx[sel][judged]}
    )
    return {
        "transit_s": transit,
        "port_side_s": float(w[port].sum()),
        "port_fraction": float(w[port].sum()) / transit if transit > 0 else 0.0,
        "mean_lateral": float(np.average(lat[judged], weights=w[judged]))
        if w[judged].sum() > 0
        else float(np.mean(lat[judged])),
        "fairways": names,
    }


def _entry(own: str, target: str, basis: str, rules, penalties, detail) -> dict[str, Any]:
    return {
        "own": own,
        "target": target,
        "type": "routing",
        "own_role": "none",
        "cpa_m": None,
        "tcpa_s": None,
        "min_range_m": None,
        "rules": rules,
        "penalties": penalties,
        "score": round(float(np.mean(list(rules.values()))), 4) if rules else None,
        "safety_score": None,
        "role_basis": basis,
        "own_category": None,
        "own_category_source": None,
        "target_category": None,
        "target_category_source": None,
        "near_miss": False,
        "collision": False,
        "hull_contact": False,
        "breaches": [pen for pen in penalties if pen.get("breach")],
        "routing": detail,
    }


def _pen(rule: str, score: float, reason: str, breach: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"rule": rule, "penalty": round(1.0 - score, 4), "reason": reason}
    if breach:
        out["breach"] = True
    return out


def tss_entry(own: str, f: dict[str, Any], p: Any) -> dict[str, Any]:
    rules: dict[str, float] = {}
    pens: list[dict[str, Any]] = []
    if f["lane_time_s"] > 0.0:
        s = 1.0 - f["wrong_way_s"] / f["lane_time_s"]
        rules[RULE_LANE] = round(s, 4)
        if f["wrong_way_s"] > 0.0:
            bad = f["wrong_way_s"] > p.lane_wrong_way_max_s
            against = f" ({f['against_flow_s']:.0f} s against it)" if f["against_flow_s"] else ""
            pens.append(
                _pen(
                    RULE_LANE,
                    s,
                    f"rule 10(b)(i): {f['wrong_way_s']:.0f} s in a traffic lane more than "
                    f"{p.lane_course_tolerance_deg:.0f} deg off the direction of traffic flow"
                    f"{against}" + (f" > {p.lane_wrong_way_max_s:.0f} s" if bad else ""),
                    bad,
                )
            )
    if f["crossings"]:
        tol = p.crossing_heading_tolerance_deg
        worst = max(f["crossings"], key=lambda c: c["heading_off_square_deg"] or 0.0)
        dev = float(worst["heading_off_square_deg"] or 0.0)
        s = 1.0 if dev <= tol else max(0.0, 1.0 - (dev - tol) / tol)
        rules[RULE_CROSSING] = round(s, 4)
        if dev > tol:
            pens.append(
                _pen(
                    RULE_CROSSING,
                    s,
                    f"rule 10(c): crossed {worst['lane']} on a heading {dev:.0f} deg off square "
                    f"to the traffic flow (> {tol:.0f} deg)",
                    True,
                )
            )
    if f["scheme_time_s"] > 0.0:
        z = f["zone_unexcused_s"]
        s = max(0.0, 1.0 - z / f["scheme_time_s"])
        rules[RULE_ZONE] = round(s, 4)
        if z > 0.0:
            bad = z > p.separation_zone_max_s
            pens.append(
                _pen(
                    RULE_ZONE,
                    s,
                    f"rule 10(e): {z:.0f} s inside a separation zone, not crossing, joining or "
                    "leaving a lane nor avoiding immediate danger"
                    + (f" (> {p.separation_zone_max_s:.0f} s)" if bad else ""),
                    bad,
                )
            )
    detail = {k: (_r(v) if isinstance(v, float) else v) for k, v in f.items()}
    return _entry(
        own, TSS_TARGET, "rule 10: traffic separation scheme on the chart", rules, pens, detail
    )


def channel_entry(own: str, f: dict[str, Any], p: Any) -> dict[str, Any]:
    rules: dict[str, float] = {}
    pens: list[dict[str, Any]] = []
    if f["transit_s"] >= p.channel_min_transit_s:
        s = 1.0 - f["port_fraction"]
        rules[RULE_CHANNEL] = round(s, 4)
        if f["port_side_s"] > 0.0:
            bad = f["port_fraction"] > p.channel_port_fraction_max
            pens.append(
                _pen(
                    RULE_CHANNEL,
                    s,
                    f"rule 9(a): {f['port_side_s']:.0f} s of a {f['transit_s']:.0f} s transit of "
                    f"{', '.join(f['fairways'])} on the port side of the fairway "
                    f"({100.0 * f['port_fraction']:.0f} %"
                    + (f" > {100.0 * p.channel_port_fraction_max:.0f} %)" if bad else ")"),
                    bad,
                )
            )
    detail = {k: (_r(v, 3) if isinstance(v, float) else v) for k, v in f.items()}
    return _entry(own, CHANNEL_TARGET, "rule 9(a): fairway on the chart", rules, pens, detail)


def routing_entries(
    chart_json: dict[str, Any] | None,
    res: dict[str, Any],
    ships: list[dict[str, Any]],
    profile: Profile,
) -> list[dict[str, Any]]:
    """Rule 9(a) and 10 entries for every ship under test (``res`` from
    ``score.score_tracks``: its ``tracks``, ``autonomous`` and ``encounters``); [] when the
    chart has no routeing objects."""
    routing = Routing.from_chart_json(chart_json)
    if not (routing.has_tss or routing.has_fairways):
        return []
    p = profile.routing
    tr = res["tracks"]
    if tr.t.size < 2:
        return []
    dt = float(np.median(np.diff(tr.t)))
    step = max(1, int(round(p.sample_s / dt))) if dt > 0 else 1
    ks = np.arange(0, tr.t.size, step)
    t = tr.t[ks]
    ids = [str(s.get("id", k)) for k, s in enumerate(ships)]
    out: list[dict[str, Any]] = []
    for k in (int(x) for x in res["autonomous"]):
        n, e = tr.north[k, ks], tr.east[k, ks]
        cog = np.degrees(tr.cog[k, ks]) % 360.0
        hdg = np.degrees(tr.heading[k, ks]) % 360.0
        sog = tr.sog[k, ks]
        excused = _in_windows(t, excused_windows(res["encounters"], ids[k]))
        if routing.has_tss:
            f = tss_facts(routing, t, n, e, cog, hdg, sog, excused, p)
            if f is not None:
                out.append(tss_entry(ids[k], f, p))
        if routing.has_fairways:
            f = channel_facts(routing, t, n, e, cog, sog, excused, p)
            if f is not None:
                out.append(channel_entry(ids[k], f, p))
    return out
