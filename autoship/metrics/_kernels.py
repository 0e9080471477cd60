"""Numba kernels that scan recorded tracks pair by pair (pure: arrays in, caller arrays out).

Track arrays are passed ship-major, shape (n_ships, n_records), so one pair reads two contiguous
rows. Courses are over ground (COG) with the heading as fallback at very low speed.

The pair scan runs in two passes per pair: a branch-free pass (segment minima and risk flags for
every record, which the compiler vectorises) and a sparse pass that walks the state machine
(detection, situation lock, release) only from risk flag to risk flag and through encounters.
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit
from autoship.colregs.classify import classify_kernel
from autoship.colregs.domains import domain_ratios_cs
from autoship.geometry import cpa_tcpa_scalar, wrap_pi

MAX_ENC = 4  # encounters kept per pair; more are counted in n_enc but not stored
# Domain ratios are evaluated (and reported) only below this value; above it "far outside".
DOMAIN_RATIO_CAP = 2.0

# scan_params layout (the risk distance is per pair: ``pair_dsq``, squared metres)
SP_R1, SP_R2, SP_DCPA, SP_TCPA, SP_STERN = range(5)


@njit
def _segments_and_risk(i, j, t, N, E, VN, VE, r1sq, dsq, tcpa_max, seg2, risk):
    """Pass 1, branch-free so it vectorises: per record the squared minimum range on the
    segment from the previous record (interior minimum, else this record; +inf where a position
    is missing) and the risk-of-collision flag (inside r1, CPA ahead within tcpa_max, DCPA under
    the limit; division-free)."""
    n = t.shape[0]
    for k in range(n):
        pn = N[j, k] - N[i, k]
        pe = E[j, k] - E[i, k]
        rr = pn * pn + pe * pe
        vn = VN[j, k] - VN[i, k]
        ve = VE[j, k] - VE[i, k]
        v2 = vn * vn + ve * ve
        pv = pn * vn + pe * ve
        risk[k] = (
            (rr <= r1sq)
            & (v2 > 1e-12)
            & (pv <= 0.0)
            & (-pv <= tcpa_max * v2)
            & (rr * v2 - pv * pv <= dsq * v2)
        )
        seg2[k] = rr if rr < np.inf else np.inf
    for k in range(1, n):
        ppn = N[j, k - 1] - N[i, k - 1]
        ppe = E[j, k - 1] - E[i, k - 1]
        dn = (N[j, k] - N[i, k]) - ppn
        de = (E[j, k] - E[i, k]) - ppe
        d2 = dn * dn + de * de
        dot = ppn * dn + ppe * de
        s = -dot / d2 if d2 > 0.0 else 0.0
        qn = ppn + s * dn
        qe = ppe + s * de
        q2 = qn * qn + qe * qe
        inner = (dot < 0.0) & (-dot < d2)
        seg2[k] = q2 if inner else seg2[k]


@njit
def _seg_detail(k, t, N, E, i, j):
    """(time, nearest record) of the segment minimum that ends at record k."""
    if k == 0:
        return t[0], 0
    ppn = N[j, k - 1] - N[i, k - 1]
    ppe = E[j, k - 1] - E[i, k - 1]
    dn = (N[j, k] - N[i, k]) - ppn
    de = (E[j, k] - E[i, k]) - ppe
    d2 = dn * dn + de * de
    dot = ppn * dn + ppe * de
    if dot < 0.0 and -dot < d2:
        s = -dot / d2
        return t[k - 1] + s * (t[k] - t[k - 1]), (k - 1 if s < 0.5 else k)
    return t[k], k


@njit
def _scan_two_pass(
    p, i, j, t, N, E, VN, VE, COG, SOG, cls, sp, dsq, seg2, risk,
    pmin_r, pmin_t, n_enc, e_k0, e_kc, e_k1, e_code, e_kcpa, e_rcpa, e_tcpa_t, e_dcpa0, e_tcpa0,
):  # fmt: skip
    n = t.shape[0]
    r2 = sp[SP_R2]
    cos_stern = math.cos(sp[SP_STERN])
    _segments_and_risk(
        i, j, t, N, E, VN, VE, sp[SP_R1] * sp[SP_R1], dsq, sp[SP_TCPA], seg2, risk,
    )  # fmt: skip
    kb = 0
    b2 = seg2[0]
    for k in range(1, n):
        if seg2[k] < b2:
            b2 = seg2[k]
            kb = k
    pmin_r[p] = math.sqrt(b2)
    if b2 < np.inf:
        pmin_t[p] = _seg_detail(kb, t, N, E, i, j)[0]
    ne = 0
    k = 0
    while k < n:
        while k < n and not risk[k]:
            k += 1
        if k >= n:
            break
        k0 = k
        pn = N[j, k0] - N[i, k0]
        pe = E[j, k0] - E[i, k0]
        code = classify_kernel(
            math.atan2(pe, pn) - COG[i, k0], math.atan2(-pe, -pn) - COG[j, k0],
            SOG[i, k0], SOG[j, k0], cls[0], cls[1], cls[2], cls[3], cls[4] != 0.0, cls[5],
        )  # fmt: skip
        kc = k0
        enc2 = pn * pn + pe * pe
        kmin = k0
        k1 = n - 1
        ended = False
        for k in range(k0 + 1, n):
            pn = N[j, k] - N[i, k]
            pe = E[j, k] - E[i, k]
            rr = pn * pn + pe * pe
            if not (rr < np.inf):
                continue
            if seg2[k] < enc2:
                enc2 = seg2[k]
                kmin = k
            vn = VN[j, k] - VN[i, k]
            ve = VE[j, k] - VE[i, k]
            if pn * vn + pe * ve > 0.0:  # opening
                r = math.sqrt(rr)
                passed = r > r2
                if not passed:
                    # Both ships have passed when each velocity points more than the stern
                    # angle away from the line of sight to the other (situation lock release).
                    von = VN[i, k]
                    voe = VE[i, k]
                    vtn = VN[j, k]
                    vte = VE[j, k]
                    so = math.sqrt(von * von + voe * voe)
                    st = math.sqrt(vtn * vtn + vte * vte)
                    own_past = so <= 1e-6 or (von * pn + voe * pe) < cos_stern * so * r
                    tgt_past = st <= 1e-6 or -(vtn * pn + vte * pe) < cos_stern * st * r
                    passed = own_past and tgt_past
                if passed:
                    k1 = k
                    ended = True
                    break
        if ne < MAX_ENC:
            pn = N[j, k0] - N[i, k0]
            pe = E[j, k0] - E[i, k0]
            dcpa, tcpa = cpa_tcpa_scalar(pn, pe, VN[j, k0] - VN[i, k0], VE[j, k0] - VE[i, k0])
            e_k0[p, ne] = k0
            e_kc[p, ne] = kc
            e_k1[p, ne] = k1
            e_code[p, ne] = code
            e_rcpa[p, ne] = math.sqrt(enc2)
            if kmin == k0:
                e_kcpa[p, ne] = k0
                e_tcpa_t[p, ne] = t[k0]
            else:
                tt, kk = _seg_detail(kmin, t, N, E, i, j)
                e_kcpa[p, ne] = kk
                e_tcpa_t[p, ne] = tt
            e_dcpa0[p, ne] = dcpa
            e_tcpa0[p, ne] = tcpa
        ne += 1
        if not ended:
            break
        k = k1 + 1
    n_enc[p] = ne


@njit
def scan_pairs(
    t, N, E, VN, VE, COG, SOG, pair_i, pair_j, cls, sp, pair_dsq,
    pmin_r, pmin_t, n_enc, e_k0, e_kc, e_k1, e_code, e_kcpa, e_rcpa, e_tcpa_t, e_dcpa0, e_tcpa0,
):  # fmt: skip
    seg2 = np.empty(t.shape[0])
    risk = np.empty(t.shape[0], dtype=np.bool_)
    for p in range(pair_i.shape[0]):
        _scan_two_pass(
            p, pair_i[p], pair_j[p], t, N, E, VN, VE, COG, SOG, cls, sp, pair_dsq[p], seg2, risk,
            pmin_r, pmin_t, n_enc, e_k0, e_kc, e_k1, e_code, e_kcpa, e_rcpa, e_tcpa_t,
            e_dcpa0, e_tcpa0,
        )  # fmt: skip


# measure_params layout
MP_COURSE_MD, MP_SPEED_MD, MP_R2, MP_R3, MP_R4 = range(5)


@njit
def _onset(COG, SOG, s, k0, k_last, md_course, md_speed):
    """First record in [k0, k_last] where ship s deviates from its course/speed at k0."""
    chi0 = COG[s, k0]
    u0 = SOG[s, k0]
    for k in range(k0, k_last + 1):
        if abs(wrap_pi(COG[s, k] - chi0)) >= md_course or abs(SOG[s, k] - u0) >= md_speed:
            return k
    return -1


@njit
def measure_sides(
    N, E, COG, SOG, COSH, SINH, length, own, tgt, k0, kcpa, k1, overtaking, mp, dp,
    k_man, k_port, k_man_tgt, max_stbd, max_port, red, inc, port_off,
    fujii_min, coldwell_min, k_st2, k_st3, k_st4,
):  # fmt: skip
    """Per encounter side: own ship's manoeuvre before CPA, the target's manoeuvre onset, the
    largest port offset from the original track, minimum domain ratios and stage entries."""
    md_c = mp[MP_COURSE_MD]
    md_u = mp[MP_SPEED_MD]
    r2sq = mp[MP_R2] * mp[MP_R2]
    r3sq = mp[MP_R3] * mp[MP_R3]
    r4sq = mp[MP_R4] * mp[MP_R4]
    dmax = 0.0
    for x in dp:
        dmax = max(dmax, x)
    for e in range(own.shape[0]):
        o = own[e]
        q = tgt[e]
        a = k0[e]
        c = kcpa[e]
        b = k1[e]
        chi0 = COG[o, a]
        u0 = SOG[o, a]
        km = -1
        kp = -1
        st = 0.0
        pt = 0.0
        dr = 0.0
        di = 0.0
        for k in range(a, c + 1):
            d = wrap_pi(COG[o, k] - chi0)
            du = SOG[o, k] - u0
            if d > st:
                st = d
            if -d > pt:
                pt = -d
            if -du > dr:
                dr = -du
            if du > di:
                di = du
            if km < 0 and (abs(d) >= md_c or abs(du) >= md_u):
                km = k
            if kp < 0 and d <= -md_c:
                kp = k
        k_man[e] = km
        k_port[e] = kp
        max_stbd[e] = st
        max_port[e] = pt
        red[e] = dr / u0 if u0 > 0.1 else 0.0
        inc[e] = di / u0 if u0 > 0.1 else 0.0
        k_man_tgt[e] = _onset(COG, SOG, q, a, c, md_c, md_u)
        n0 = N[o, a]
        e0 = E[o, a]
        sn = -math.sin(chi0)
        ce = math.cos(chi0)
        po = 0.0
        fm = np.inf
        cm = np.inf
        s2 = -1
        s3 = -1
        s4 = -1
        # A domain ratio below DOMAIN_RATIO_CAP needs the target within that many times the
        # largest semi-axis: farther records are not evaluated (their ratio is above the cap).
        reach = DOMAIN_RATIO_CAP * dmax * length[o]
        reach2 = reach * reach
        for k in range(a, b + 1):
            lat = (N[o, k] - n0) * sn + (E[o, k] - e0) * ce
            if -lat > po:
                po = -lat
            pn = N[q, k] - N[o, k]
            pe = E[q, k] - E[o, k]
            rr = pn * pn + pe * pe
            if rr <= reach2:
                f, cw = domain_ratios_cs(
                    pn, pe, COSH[o, k], SINH[o, k], length[o], dp, overtaking[e]
                )
                if f < fm:
                    fm = f
                if cw < cm:
                    cm = cw
            if s2 < 0 and rr <= r2sq:
                s2 = k
            if s3 < 0 and rr <= r3sq:
                s3 = k
            if s4 < 0 and rr <= r4sq:
                s4 = k
        port_off[e] = po
        fujii_min[e] = fm
        coldwell_min[e] = cm
        k_st2[e] = s2
        k_st3[e] = s3
        k_st4[e] = s4
