"""Plain NumPy implementation of the SB-MPC candidate evaluation (``_kernels.evaluate_candidates``).

Same inputs, same outputs, same formulas, vectorised over candidates x targets x time steps
instead of loops. It is the oracle the kernel is tested against and the baseline the benchmark
times; planners do not use it.
"""

from __future__ import annotations

import numpy as np

from autoship.geometry import wrap_pi_array
from autoship.planner._kernels import (
    CROSSING_GIVE_WAY,
    CROSSING_STAND_ON,
    DUTY_BOTH,
    DUTY_GIVE_WAY,
    DUTY_R19,
    DUTY_STAND_ON,
    HALF_PI,
    O_CHI0,
    O_CHI_BASE,
    O_CHI_ROUTE,
    O_DCHI_PREV,
    O_E,
    O_N,
    O_T_CHI,
    O_T_DELAY,
    O_T_U,
    O_U0,
    O_U_REF,
    O_UF_PREV,
    OVERTAKEN,
    OVERTAKING,
    W_AHEAD,
    W_AHEAD_AMAX,
    W_AHEAD_AMIN,
    W_CHANGE_COURSE,
    W_CHANGE_SPEED,
    W_CLEAR_HIT,
    W_CLEAR_REQ,
    W_COLL,
    W_COLREG_RANGE,
    W_COURSE,
    W_DT,
    W_GROUND,
    W_GROUND_HIT,
    W_GROUND_STEPS,
    W_HAS_CHART,
    W_HIT,
    W_HULL_HALF_B,
    W_HULL_HALF_L,
    W_HULL_N,
    W_LATER,
    W_NA,
    W_NA_RAD,
    W_NSTEPS,
    W_OT_AHEAD,
    W_PORT_17C,
    W_PORT_GW,
    W_PORT_HO,
    W_R19_PORT,
    W_R19_TOWARDS,
    W_RULE_E0,
    W_RULE_N0,
    W_RULE_RES,
    W_RULES,
    W_SPEED,
    W_STAGE2_STEP,
    W_STANDON,
    W_STS,
    W_TAIL_S,
    W_TDISC,
    W_TURN_RAD,
)
from autoship.planner.lanes import rule_factor_np


def sample_sdf_np(grid, north0, east0, res, north, east):
    """Bilinear sample with clamping, as ``autoship.charts.sdf.sample_sdf``, over arrays."""
    nr, nc = grid.shape
    fi = np.clip((north - north0) / res, 0.0, nr - 1.0)
    fj = np.clip((east - east0) / res, 0.0, nc - 1.0)
    i0 = np.clip(np.floor(fi).astype(np.int64), 0, nr - 2)
    j0 = np.clip(np.floor(fj).astype(np.int64), 0, nc - 2)
    i1 = np.minimum(i0 + 1, nr - 1)
    j1 = np.minimum(j0 + 1, nc - 1)
    ti = fi - i0
    tj = fj - j0
    a = grid[i0, j0] * (1.0 - tj) + grid[i0, j1] * tj
    b = grid[i1, j0] * (1.0 - tj) + grid[i1, j1] * tj
    return a * (1.0 - ti) + b * ti


def own_tracks_np(own, chi_cmd, u_cmd, dt, nsteps, chi_cmd2=None, k_sw=0):
    """(north, east, course) of shape (n_candidates, nsteps + 1), as ``own_track``; with
    ``chi_cmd2`` the command changes at the end of step ``k_sw`` (``course_profile2``)."""
    k = np.arange(1, nsteps + 1)
    tm = (k - 0.5) * dt
    tk = k * dt
    chi0 = own[O_CHI0]
    t_del = own[O_T_DELAY]
    err0 = wrap_pi_array(chi0 - chi_cmd)[:, None]
    chi_m = np.where(
        tm <= t_del, chi0, chi_cmd[:, None] + err0 * np.exp(-(tm - t_del) / own[O_T_CHI])
    )
    chi_e = np.where(
        tk <= t_del, chi0, chi_cmd[:, None] + err0 * np.exp(-(tk - t_del) / own[O_T_CHI])
    )
    if chi_cmd2 is not None and 0 <= k_sw < nsteps:
        chi_sw = chi_e[:, k_sw - 1] if k_sw >= 1 else np.full(chi_cmd.shape, chi0)
        err = wrap_pi_array(chi_sw - chi_cmd2)[:, None]
        after = k > k_sw
        two = (chi_cmd2 != chi_cmd)[:, None] & after[None, :]
        m2 = chi_cmd2[:, None] + err * np.exp(-((k - k_sw) - 0.5) * dt / own[O_T_CHI])
        e2 = chi_cmd2[:, None] + err * np.exp(-(k - k_sw) * dt / own[O_T_CHI])
        chi_m = np.where(two, m2, chi_m)
        chi_e = np.where(two, e2, chi_e)
    u_m = u_cmd[:, None] + (own[O_U0] - u_cmd[:, None]) * np.exp(-tm / own[O_T_U])
    nc = chi_cmd.shape[0]
    trk_n = np.empty((nc, nsteps + 1))
    trk_e = np.empty((nc, nsteps + 1))
    trk_n[:, 0] = own[O_N]
    trk_e[:, 0] = own[O_E]
    trk_n[:, 1:] = own[O_N] + np.cumsum(u_m * np.cos(chi_m) * dt, axis=1)
    trk_e[:, 1:] = own[O_E] + np.cumsum(u_m * np.sin(chi_m) * dt, axis=1)
    trk_chi = np.empty((nc, nsteps + 1))
    trk_chi[:, 0] = chi0
    trk_chi[:, 1:] = chi_e
    return trk_n, trk_e, trk_chi


def now_tcpa_np(own, tn, te, tvn, tve):
    """``_kernels.now_tcpa`` over targets."""
    vn = tvn - own[O_U0] * np.cos(own[O_CHI0])
    ve = tve - own[O_U0] * np.sin(own[O_CHI0])
    v2 = vn * vn + ve * ve
    with np.errstate(divide="ignore", invalid="ignore"):
        t = -((tn - own[O_N]) * vn + (te - own[O_E]) * ve) / v2
    return np.where(v2 > 1e-12, np.maximum(t, 0.0), 0.0)


def own_tail(trk_n, trk_e, dt):
    """Last predicted (north, east, v_north, v_east) of every candidate track."""
    return (
        trk_n[:, -1],
        trk_e[:, -1],
        (trk_n[:, -1] - trk_n[:, -2]) / dt,
        (trk_e[:, -1] - trk_e[:, -2]) / dt,
    )


def tail_cpa_np(tail, tn, te, tvn, tve, t_end, t_tail):
    """``_kernels.tail_cpa`` over candidates x targets: (distance, time after the horizon)."""
    on, oe, von, voe = (a[:, None] for a in tail)
    pn = tn[None, :] + tvn[None, :] * t_end - on
    pe = te[None, :] + tve[None, :] * t_end - oe
    vn = tvn[None, :] - von
    ve = tve[None, :] - voe
    v2 = vn * vn + ve * ve
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(v2 > 1e-12, np.clip(-(pn * vn + pe * ve) / v2, 0.0, t_tail), 0.0)
    return np.sqrt((pn + vn * t) ** 2 + (pe + ve * t) ** 2), t


def hull_clearance_np(grid, g_n0, g_e0, g_res, n, e, chi, half_l, half_b, n_samples):
    """``_kernels.hull_clearance`` over arrays of centres and courses."""
    if n_samples <= 1 or half_l <= 0.0:
        return sample_sdf_np(grid, g_n0, g_e0, g_res, n, e) - half_l - half_b
    x = -half_l + 2.0 * half_l * np.arange(n_samples) / (n_samples - 1)
    c = np.cos(chi)[..., None]
    s = np.sin(chi)[..., None]
    d = sample_sdf_np(grid, g_n0, g_e0, g_res, n[..., None] + x * c, e[..., None] + x * s)
    return d.min(axis=-1) - half_b


def evaluate_candidates_numpy(
    own, dchi, uf, dchi2, tn, te, tvn, tve, r_safe, r_col, code, duty, free, at_risk, beta_now,
    idx, w, grid, g_n0, g_e0, g_res, trk_n_scratch, trk_e_scratch, trk_chi_scratch, cost,
    min_margin,
    min_clear,
    rules=None,
    tpn=None,
    tpe=None,
):  # fmt: skip
    """NumPy twin of ``_kernels.evaluate_candidates``: same signature (the scratch arrays are
    unused), writes the same three outputs."""
    nsteps = int(w[W_NSTEPS])
    dt = w[W_DT]
    na_rad = w[W_NA_RAD]
    turn_rad = w[W_TURN_RAD]
    chi_c = own[O_CHI_BASE] + dchi
    chi_c2 = own[O_CHI_BASE] + dchi2
    k_sw = int(w[W_STAGE2_STEP])
    trk_n, trk_e, trk_chi = own_tracks_np(
        own, chi_c, uf * own[O_U_REF], dt, nsteps, chi_c2 if k_sw < nsteps else None, k_sw
    )
    two = dchi2 != dchi
    turn = np.where(np.abs(dchi2) > np.abs(dchi), dchi2, dchi)
    dev = np.minimum(np.abs(wrap_pi_array(chi_c - own[O_CHI_ROUTE])), np.abs(dchi))
    dev2 = np.minimum(np.abs(wrap_pi_array(chi_c2 - own[O_CHI_ROUTE])), np.abs(dchi2))
    dev = np.where(two, np.maximum(dev, dev2), dev)
    c = w[W_COURSE] * (dev / HALF_PI) ** 2 + w[W_SPEED] * (1.0 - uf)
    c = c + w[W_CHANGE_COURSE] * np.abs(wrap_pi_array(dchi - own[O_DCHI_PREV])) / HALF_PI
    c = c + w[W_CHANGE_SPEED] * np.abs(uf - own[O_UF_PREV])
    d_idx = duty[idx]
    give_way_risk = bool(
        np.any(at_risk[idx] & np.isin(d_idx, (DUTY_GIVE_WAY, DUTY_BOTH, DUTY_R19)))
    )
    if give_way_risk:
        c = c + np.where(two, w[W_LATER], 0.0)
    if give_way_risk:
        x2 = (turn / na_rad) ** 2
        c = c + np.where((uf > 0.5) & (x2 < 1.0), w[W_NA] * (1.0 - x2), 0.0)
    acting = give_way_risk or bool(np.any(at_risk[idx] & (d_idx == DUTY_STAND_ON) & free[idx]))
    w_so = w[W_STANDON] * (0.1 if acting else 1.0)
    mm = np.full(dchi.shape[0], np.inf)
    if idx.shape[0]:
        t = np.arange(1, nsteps + 1) * dt
        pn_t = tn[idx, None] + tvn[idx, None] * t  # (nt, nsteps)
        pe_t = te[idx, None] + tve[idx, None] * t
        # Targets with a predicted path (``_kernels.target_at``): positions along it, and its
        # last step's velocity past the horizon.
        path = np.zeros(idx.shape[0], dtype=bool) if tpn is None else ~np.isnan(tpn[idx, 0])
        tail_n, tail_e = tn[idx].copy(), te[idx].copy()
        tail_vn, tail_ve = tvn[idx].copy(), tve[idx].copy()
        if path.any():
            pj = idx[path]
            pn_t[path] = tpn[pj, 1:]
            pe_t[path] = tpe[pj, 1:]
            tail_vn[path] = (tpn[pj, nsteps] - tpn[pj, nsteps - 1]) / dt
            tail_ve[path] = (tpe[pj, nsteps] - tpe[pj, nsteps - 1]) / dt
            tail_n[path] = tpn[pj, nsteps] - tail_vn[path] * nsteps * dt
            tail_e[path] = tpe[pj, nsteps] - tail_ve[path] * nsteps * dt
        dn = pn_t[None, :, :] - trk_n[:, None, 1:]  # (nc, nt, nsteps)
        de = pe_t[None, :, :] - trk_e[:, None, 1:]
        d2 = dn * dn + de * de
        rs = r_safe[idx][None, :, None]
        rc = r_col[idx][None, :, None]
        d = np.sqrt(d2)
        val = w[W_COLL] * (rs - d) / rs + np.where(d < rc, w[W_HIT], 0.0)
        t_ref = now_tcpa_np(own, tn[idx], te[idx], tvn[idx], tve[idx])[None, :, None]
        val = val / (1.0 + np.minimum(t, t_ref) / w[W_TDISC])
        risk = np.max(np.where(d2 < rs * rs, val, 0.0), axis=2, initial=0.0)  # (nc, nt)
        kbest = np.argmin(d2, axis=2) + 1
        dmin = np.sqrt(np.take_along_axis(d2, kbest[:, :, None] - 1, axis=2)[:, :, 0])
        if w[W_TAIL_S] > 0.0:
            d_tail, t_tail = tail_cpa_np(own_tail(trk_n, trk_e, dt), tail_n, tail_e,
                                         tail_vn, tail_ve, nsteps * dt, w[W_TAIL_S])  # fmt: skip
            rs2d = r_safe[idx][None, :]
            val = w[W_COLL] * (rs2d - d_tail) / rs2d
            val = val + np.where(d_tail < r_col[idx][None, :], w[W_HIT], 0.0)
            val = val / (1.0 + np.minimum(nsteps * dt + t_tail, t_ref[:, :, 0]) / w[W_TDISC])
            risk = np.maximum(risk, np.where(d_tail < rs2d, val, 0.0))
            kbest = np.where(d_tail < dmin, nsteps, kbest)
            dmin = np.minimum(dmin, d_tail)
        wide = np.isin(d_idx, (DUTY_GIVE_WAY, DUTY_BOTH))
        cap_f = np.where(wide, max(1.0, w[W_COLREG_RANGE]), 1.0)
        dmin = np.minimum(dmin, cap_f * r_safe[idx])
        cd = code[idx][None, :]
        dd = d_idx[None, :]
        hold = (dd == DUTY_STAND_ON) & ~free[idx][None, :]
        keep = ((dchi == 0.0) & (uf == 1.0) & ~two)[:, None]
        c = c + np.sum(np.where(hold & keep, 0.0, risk), axis=1)
        mm = np.min(np.where(hold & keep, np.inf, dmin - r_col[idx][None, :]), axis=1)

        tk = kbest * dt
        cols = np.arange(dchi.shape[0])[:, None]
        pn = tn[idx][None, :] + tvn[idx][None, :] * tk - trk_n[cols, kbest]
        pe = te[idx][None, :] + tve[idx][None, :] * tk - trk_e[cols, kbest]
        chi_t = np.broadcast_to(np.arctan2(tve[idx], tvn[idx])[None, :], pn.shape).copy()
        if path.any():
            rows = np.arange(idx.shape[0])[None, :]
            kb = np.broadcast_to(kbest, pn.shape)
            on = np.broadcast_to(path[None, :], pn.shape)
            qn = pn_t[rows, kb - 1] - trk_n[cols, kbest]
            qe = pe_t[rows, kb - 1] - trk_e[cols, kbest]
            pj = np.broadcast_to(idx[None, :], pn.shape)
            k1 = np.maximum(kb, 1)
            vn_k = (tpn[pj, k1] - tpn[pj, k1 - 1]) / dt if tpn is not None else 0.0
            ve_k = (tpe[pj, k1] - tpe[pj, k1 - 1]) / dt if tpe is not None else 0.0
            pn = np.where(on, qn, pn)
            pe = np.where(on, qe, pe)
            chi_t = np.where(on, np.arctan2(ve_k, vn_k), chi_t)
        beta = wrap_pi_array(np.arctan2(pe, pn) - trk_chi[cols, kbest])
        alpha = wrap_pi_array(np.arctan2(-pe, -pn) - chi_t)
        near = dmin < w[W_COLREG_RANGE] * r_safe[idx][None, :]
        gw = dd == DUTY_GIVE_WAY
        ahead_cr = gw & np.isin(cd, (CROSSING_GIVE_WAY, CROSSING_STAND_ON))
        ahead_cr = ahead_cr & (w[W_AHEAD_AMIN] < alpha) & (alpha < w[W_AHEAD_AMAX])
        ahead_ot = gw & (cd == OVERTAKING) & (np.abs(alpha) < w[W_OT_AHEAD])
        a = (1.0 - np.sin(alpha)) / 2.0
        b = (1.0 - np.sin(beta)) / 2.0
        sts = np.where(dd == DUTY_BOTH, w[W_STS] * (1.0 - a * a * b * b), 0.0)
        pass_cost = np.where(ahead_cr | ahead_ot, w[W_AHEAD], 0.0) + sts
        c = c + np.sum(np.where(near, pass_cost, 0.0), axis=1)

        tr = turn[:, None]
        active = at_risk[idx][None, :]
        port = tr < -turn_rad
        port_w = 0.5 + 0.5 * np.minimum(1.0, -tr / na_rad)
        term = np.zeros_like(dmin)
        term += np.where((dd == DUTY_BOTH) & port, w[W_PORT_HO] * port_w, 0.0)
        term += np.where(gw & (cd == CROSSING_GIVE_WAY) & port, w[W_PORT_GW] * port_w, 0.0)
        so = dd == DUTY_STAND_ON
        term += np.where(
            hold, w_so * (np.minimum(1.0, np.abs(tr) / na_rad) + (1.0 - uf[:, None])), 0.0
        )
        term += np.where(so & (cd == CROSSING_STAND_ON) & port, w[W_PORT_17C] * port_w, 0.0)
        bn = beta_now[idx][None, :]
        r19 = dd == DUTY_R19
        fwd = np.abs(bn) < HALF_PI
        term += np.where(r19 & fwd & (cd != OVERTAKEN) & port, w[W_R19_PORT], 0.0)
        towards = ~fwd & (np.abs(tr) > turn_rad) & (tr * bn > 0.0)
        term += np.where(r19 & towards & ~(fwd & (cd != OVERTAKEN) & port), w[W_R19_TOWARDS], 0.0)
        c = c + np.sum(np.where(active, term, 0.0), axis=1)
    min_margin[:] = mm

    if w[W_HAS_CHART] != 0.0:
        kg = min(nsteps, int(w[W_GROUND_STEPS]))
        s = hull_clearance_np(
            grid,
            g_n0,
            g_e0,
            g_res,
            trk_n[:, 1 : kg + 1],
            trk_e[:, 1 : kg + 1],
            trk_chi[:, 1 : kg + 1],
            w[W_HULL_HALF_L],
            w[W_HULL_HALF_B],
            int(w[W_HULL_N]),
        )
        s = s + w[W_HULL_HALF_L] + w[W_HULL_HALF_B]
        t = np.arange(1, kg + 1) * dt
        req = w[W_CLEAR_REQ]
        x = (req - s) / req
        val = w[W_GROUND] * x * x + np.where(s < w[W_CLEAR_HIT], w[W_GROUND_HIT], 0.0)
        val = val / (1.0 + t / w[W_TDISC])
        c = c + np.max(np.where(s < req, val, 0.0), axis=1, initial=0.0)
        min_clear[:] = s.min(axis=1)
    else:
        min_clear[:] = np.inf
    if rules is not None and w[W_RULES] > 0.0:
        kr = max(1, min(nsteps, int(w[W_GROUND_STEPS])))
        ri = np.floor((trk_n[:, 1 : kr + 1] - w[W_RULE_N0]) / w[W_RULE_RES] + 0.5).astype(np.int64)
        rj = np.floor((trk_e[:, 1 : kr + 1] - w[W_RULE_E0]) / w[W_RULE_RES] + 0.5).astype(np.int64)
        inside = (ri >= 0) & (rj >= 0) & (ri < rules.shape[1]) & (rj < rules.shape[2])
        ri = np.clip(ri, 0, rules.shape[1] - 1)
        rj = np.clip(rj, 0, rules.shape[2] - 1)
        chi = trk_chi[:, 1 : kr + 1]
        f = rule_factor_np(np.cos(chi), np.sin(chi), *(r[ri, rj] for r in rules))
        c = c + w[W_RULES] * np.sum(np.where(inside, f - 1.0, 0.0), axis=1) / kr
    cost[:] = c
