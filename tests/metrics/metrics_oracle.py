"""Plain NumPy reference of the metrics kernels (pair scan and per-side measurement).

Vectorised over records for one pair at a time, with a short Python loop over encounters; no
numba. Used as the oracle in tests and as the "plain NumPy" baseline in
benchmarks/bench_scoring.py. Same inputs and outputs as ``autoship.metrics.score.scan`` /
``measure`` (ship-major track arrays).
"""

from __future__ import annotations

import math

import numpy as np

MAX_ENC = 4
NONE, HEAD_ON, CR_GW, CR_SO, OVERTAKING, OVERTAKEN = range(6)


def wrap_pi(a):
    """(-pi, pi], same construction as the kernels (fmod, then shift)."""
    w = np.fmod(a, 2 * math.pi)
    w = np.where(w > math.pi, w - 2 * math.pi, w)
    return np.where(w <= -math.pi, w + 2 * math.pi, w)


def wrap_2pi(a):
    w = wrap_pi(a)
    w = np.where(w < 0, w + 2 * math.pi, w)
    return np.where(w >= 2 * math.pi, np.nextafter(2 * math.pi, 0.0), w)


def classify_np(beta, alpha, u_own, u_tgt, cls):
    """Vectorised classifier: the table in autoship.colregs.classify, written independently."""
    th_ho, th_ot, th_cr, stern, speed_test, hyst = cls
    b180 = wrap_pi(np.asarray(beta, dtype=float))
    a180 = wrap_pi(np.asarray(alpha, dtype=float))
    b360 = np.where(b180 < 0, b180 + 2 * math.pi, b180)
    a360 = np.where(a180 < 0, a180 + 2 * math.pi, a180)
    hi = 2 * math.pi - stern
    u_own = np.asarray(u_own, dtype=float)
    u_tgt = np.asarray(u_tgt, dtype=float)
    if speed_test:
        tf = u_tgt > u_own + hyst
        of = u_own > u_tgt + hyst
    else:
        tf = of = np.ones(b180.shape, dtype=bool)
    conds = [
        (stern < b360) & (b360 < hi) & (np.abs(a180) <= th_ot) & tf,
        (stern < a360) & (a360 < hi) & (np.abs(b180) <= th_ot) & of,
        (np.abs(b180) <= th_ho) & (np.abs(a180) <= th_ho),
        (b180 >= 0) & (b180 <= stern) & (-stern <= a180) & (a180 <= th_cr),
        (a180 >= 0) & (a180 <= stern) & (-stern <= b180) & (b180 <= th_cr),
    ]
    return np.select(conds, [OVERTAKEN, OVERTAKING, HEAD_ON, CR_GW, CR_SO], default=NONE)


def scan_np(t, N, E, VN, VE, COG, SOG, pair_i, pair_j, cls, sp, pair_dcpa=None):
    """``pair_dcpa`` (m per pair) is the risk distance of each pair; default: the profile's."""
    r1, r2, dcpa_max, tcpa_max, stern_rad = sp
    P = len(pair_i)
    out = {
        "pmin_r": np.full(P, np.inf),
        "pmin_t": np.full(P, np.nan),
        "n_enc": np.zeros(P, dtype=np.int64),
        "k0": np.full((P, MAX_ENC), -1, dtype=np.int64),
        "kc": np.full((P, MAX_ENC), -1, dtype=np.int64),
        "k1": np.full((P, MAX_ENC), -1, dtype=np.int64),
        "code": np.zeros((P, MAX_ENC), dtype=np.int64),
        "kcpa": np.full((P, MAX_ENC), -1, dtype=np.int64),
        "rcpa": np.full((P, MAX_ENC), np.nan),
        "tcpa_t": np.full((P, MAX_ENC), np.nan),
        "dcpa0": np.full((P, MAX_ENC), np.nan),
        "tcpa0": np.full((P, MAX_ENC), np.nan),
    }
    n = len(t)
    cs = math.cos(stern_rad)
    for p, (i, j) in enumerate(zip(pair_i, pair_j, strict=True)):
        if pair_dcpa is not None:
            dcpa_max = float(pair_dcpa[p])
        pn = N[j] - N[i]
        pe = E[j] - E[i]
        vn = VN[j] - VN[i]
        ve = VE[j] - VE[i]
        rr = pn * pn + pe * pe
        # segment minima: interior minimum of the straight segment (k-1, k), else record k
        seg2 = rr.copy()
        seg_t = t.copy()
        seg_k = np.arange(n)
        dn = np.diff(pn)
        de = np.diff(pe)
        d2 = dn * dn + de * de
        dot = pn[:-1] * dn + pe[:-1] * de
        with np.errstate(invalid="ignore", divide="ignore"):
            inner = (dot < 0) & (-dot < d2)
            s = np.where(inner, -dot / np.where(d2 > 0, d2, 1.0), 0.0)
        qn = pn[:-1] + s * dn
        qe = pe[:-1] + s * de
        seg2[1:] = np.where(inner, qn * qn + qe * qe, rr[1:])
        seg_t[1:] = np.where(inner, t[:-1] + s * (t[1:] - t[:-1]), t[1:])
        seg_k[1:] = np.where(inner & (s < 0.5), np.arange(n - 1), np.arange(1, n))
        kb = int(np.argmin(seg2))
        out["pmin_r"][p] = math.sqrt(seg2[kb])
        out["pmin_t"][p] = seg_t[kb]
        v2 = vn * vn + ve * ve
        pv = pn * vn + pe * ve
        risk = (v2 > 1e-12) & (rr <= r1 * r1) & (pv <= 0) & (-pv <= tcpa_max * v2)
        risk &= rr * v2 - pv * pv <= dcpa_max * dcpa_max * v2
        los = np.arctan2(pe, pn)
        back = np.arctan2(-pe, -pn)
        code = classify_np(los - COG[i], back - COG[j], SOG[i], SOG[j], cls)
        r = np.sqrt(rr)
        so = np.hypot(VN[i], VE[i])
        st = np.hypot(VN[j], VE[j])
        own_past = (so <= 1e-6) | ((VN[i] * pn + VE[i] * pe) < cs * so * r)
        tgt_past = (st <= 1e-6) | (-(VN[j] * pn + VE[j] * pe) < cs * st * r)
        passed = (pv > 0) & ((r > r2) | (own_past & tgt_past))
        k = 0
        ne = 0
        while k < n:
            idx = np.flatnonzero(risk[k:])
            if idx.size == 0:
                break
            k0 = k + int(idx[0])
            after = np.flatnonzero(passed[k0 + 1 :])
            k1 = k0 + 1 + int(after[0]) if after.size else n - 1
            slot = ne
            ne += 1
            if slot < MAX_ENC:
                # The class is fixed at risk onset (no later re-classification).
                c = code[k0]
                kc = k0
                window = np.concatenate(([rr[k0]], seg2[k0 + 1 : k1 + 1]))
                m = int(np.argmin(window))
                d = math.sqrt(rr[k0])
                tc = 0.0
                if v2[k0] > 1e-12:
                    tc = -pv[k0] / v2[k0]
                    d = math.hypot(pn[k0] + vn[k0] * tc, pe[k0] + ve[k0] * tc)
                o = out
                o["k0"][p, slot] = k0
                o["kc"][p, slot] = kc
                o["k1"][p, slot] = k1
                o["code"][p, slot] = c
                o["kcpa"][p, slot] = k0 if m == 0 else seg_k[k0 + m]
                o["rcpa"][p, slot] = math.sqrt(window[m])
                o["tcpa_t"][p, slot] = t[k0] if m == 0 else seg_t[k0 + m]
                o["dcpa0"][p, slot] = d
                o["tcpa0"][p, slot] = tc
            if k1 >= n - 1 and not passed[k1]:
                break
            k = k1 + 1
        out["n_enc"][p] = ne
    return out


def _onset(cog, sog, a, c, md_c, md_u):
    d = wrap_pi(cog[a : c + 1] - cog[a])
    du = sog[a : c + 1] - sog[a]
    hit = np.flatnonzero((np.abs(d) >= md_c) | (np.abs(du) >= md_u))
    return a + int(hit[0]) if hit.size else -1


def quad_ratio(x, y, ahead, astern, stbd, port):
    a = np.where(x >= 0, ahead, astern)
    b = np.where(y >= 0, stbd, port)
    return np.sqrt((x / a) ** 2 + (y / b) ** 2)


def measure_np(N, E, COG, SOG, HDG, length, own, tgt, k0, kcpa, k1, overtaking, mp, dp):
    md_c, md_u, r2, r3, r4 = mp
    n = len(own)
    out = {k: np.full(n, -1, dtype=np.int64) for k in ("k_man", "k_port", "k_man_tgt")}
    out.update({f"k_st{s}": np.full(n, -1, dtype=np.int64) for s in (2, 3, 4)})
    for k in ("max_stbd", "max_port", "red", "inc", "port_off", "fujii", "coldwell"):
        out[k] = np.zeros(n)
    for e in range(n):
        o, q, a, c, b = own[e], tgt[e], k0[e], kcpa[e], k1[e]
        d = wrap_pi(COG[o, a : c + 1] - COG[o, a])
        u0 = SOG[o, a]
        du = SOG[o, a : c + 1] - u0
        out["max_stbd"][e] = max(0.0, d.max())
        out["max_port"][e] = max(0.0, (-d).max())
        out["red"][e] = max(0.0, (-du).max()) / u0 if u0 > 0.1 else 0.0
        out["inc"][e] = max(0.0, du.max()) / u0 if u0 > 0.1 else 0.0
        out["k_man"][e] = _onset(COG[o], SOG[o], a, c, md_c, md_u)
        hp = np.flatnonzero(d <= -md_c)
        out["k_port"][e] = a + int(hp[0]) if hp.size else -1
        out["k_man_tgt"][e] = _onset(COG[q], SOG[q], a, c, md_c, md_u)
        chi0 = COG[o, a]
        lat = (N[o, a : b + 1] - N[o, a]) * -math.sin(chi0) + (
            E[o, a : b + 1] - E[o, a]
        ) * math.cos(chi0)
        out["port_off"][e] = max(0.0, (-lat).max())
        pn = N[q, a : b + 1] - N[o, a : b + 1]
        pe = E[q, a : b + 1] - E[o, a : b + 1]
        h = HDG[o, a : b + 1]
        x = pn * np.cos(h) + pe * np.sin(h)
        y = -pn * np.sin(h) + pe * np.cos(h)
        L = length[o]
        fj = quad_ratio(x, y, dp[0] * L, dp[0] * L, dp[1] * L, dp[1] * L)
        if overtaking[e]:
            cw = quad_ratio(x, y, dp[2] * L, dp[3] * L, dp[6] * L, dp[6] * L)
        else:
            cw = quad_ratio(x, y, dp[2] * L, dp[3] * L, dp[4] * L, dp[5] * L)
        # ratios are only evaluated within 2 x the largest semi-axis (above 2: inf)
        near = pn * pn + pe * pe <= (2.0 * max(dp) * L) ** 2
        out["fujii"][e] = fj[near].min() if near.any() else np.inf
        out["coldwell"][e] = cw[near].min() if near.any() else np.inf
        r = np.hypot(pn, pe)
        for s, lim in ((2, r2), (3, r3), (4, r4)):
            hit = np.flatnonzero(r <= lim)
            out[f"k_st{s}"][e] = a + int(hit[0]) if hit.size else -1
    return out
