"""Numba kernels that scan recorded tracks pair by pair (pure: arrays in, caller arrays out).

Track arrays are passed ship-major, shape (n_ships, n_records), so one pair reads two contiguous
rows. Courses are over ground (COG) with the heading as fallback at very low speed.
"""

from __future__ import annotations

import math

import numpy as np

from autoship._jit import njit, prange
from autoship.colregs.classify import NONE, classify_kernel
from autoship.colregs.domains import domain_ratios_cs
from autoship.colregs.geometry import cpa_tcpa_scalar, wrap_pi_scalar

MAX_ENC = 4  # encounters kept per pair; more are counted in n_enc but not stored
# Domain ratios are evaluated (and reported) only below this value; above it "far outside".
DOMAIN_RATIO_CAP = 2.0

# scan_params layout
SP_R1, SP_R2, SP_DCPA, SP_TCPA, SP_STERN = range(5)


@njit
def _scan_one(
    p, i, j, t, N, E, VN, VE, COG, SOG, cls, sp,
    pmin_r, pmin_t, n_enc, e_k0, e_kc, e_k1, e_code, e_kcpa, e_rcpa, e_tcpa_t, e_dcpa0, e_tcpa0,
):  # fmt: skip
    # Hot loop: squared ranges and division-free risk tests; a square root only at detection,
    # during encounters and at the end.
    n = t.shape[0]
    r1sq = sp[SP_R1] * sp[SP_R1]
    r2 = sp[SP_R2]
    dsq = sp[SP_DCPA] * sp[SP_DCPA]
    tcpa_max = sp[SP_TCPA]
    cos_stern = math.cos(sp[SP_STERN])
    th_ho = cls[0]
    th_ot = cls[1]
    th_cr = cls[2]
    stern = cls[3]
    speed_test = cls[4] != 0.0
    hyst = cls[5]
    best2 = np.inf
    best_t = np.nan
    state = 0
    ne = 0
    slot = -1
    code = NONE
    enc2 = np.inf
    prev_ok = False
    ppn = 0.0
    ppe = 0.0
    for k in range(n):
        pn = N[j, k] - N[i, k]
        pe = E[j, k] - E[i, k]
        rr = pn * pn + pe * pe
        if not math.isfinite(rr):
            prev_ok = False
            continue
        # Continuous minimum on the straight segment from the previous record to this one. When
        # the closest point is the previous record it was counted there, so only an interior
        # minimum (0 < s < 1) replaces this record's range.
        seg2 = rr
        seg_t = t[k]
        seg_k = k
        if prev_ok:
            dn = pn - ppn
            de = pe - ppe
            d2 = dn * dn + de * de
            dot = ppn * dn + ppe * de
            if dot < 0.0 and -dot < d2:
                s = -dot / d2
                qn = ppn + s * dn
                qe = ppe + s * de
                seg2 = qn * qn + qe * qe
                seg_t = t[k - 1] + s * (t[k] - t[k - 1])
                seg_k = k - 1 if s < 0.5 else k
        if seg2 < best2:
            best2 = seg2
            best_t = seg_t
        vn = VN[j, k] - VN[i, k]
        ve = VE[j, k] - VE[i, k]
        if state == 0:
            if rr <= r1sq:
                # Risk: CPA ahead (p.v <= 0), TCPA <= max and DCPA <= limit, written without
                # division: TCPA = -p.v / v^2, DCPA^2 = r^2 - (p.v)^2 / v^2.
                v2 = vn * vn + ve * ve
                pv = pn * vn + pe * ve
                if (
                    v2 > 1e-12
                    and pv <= 0.0
                    and -pv <= tcpa_max * v2
                    and rr * v2 - pv * pv <= dsq * v2
                ):
                    los = math.atan2(pe, pn)
                    back = math.atan2(-pe, -pn)
                    code = classify_kernel(
                        los - COG[i, k], back - COG[j, k], SOG[i, k], SOG[j, k],
                        th_ho, th_ot, th_cr, stern, speed_test, hyst,
                    )  # fmt: skip
                    state = 1
                    slot = ne if ne < MAX_ENC else -1
                    ne += 1
                    enc2 = rr
                    if slot >= 0:
                        dcpa, tcpa = cpa_tcpa_scalar(pn, pe, vn, ve)
                        e_k0[p, slot] = k
                        e_kc[p, slot] = k
                        e_k1[p, slot] = n - 1
                        e_code[p, slot] = code
                        e_kcpa[p, slot] = k
                        e_rcpa[p, slot] = math.sqrt(rr)
                        e_tcpa_t[p, slot] = t[k]
                        e_dcpa0[p, slot] = dcpa
                        e_tcpa0[p, slot] = tcpa
        else:
            if seg2 < enc2:
                enc2 = seg2
                if slot >= 0:
                    e_rcpa[p, slot] = math.sqrt(seg2)
                    e_tcpa_t[p, slot] = seg_t
                    e_kcpa[p, slot] = seg_k
            if code == NONE:
                los = math.atan2(pe, pn)
                back = math.atan2(-pe, -pn)
                code = classify_kernel(
                    los - COG[i, k], back - COG[j, k], SOG[i, k], SOG[j, k],
                    th_ho, th_ot, th_cr, stern, speed_test, hyst,
                )  # fmt: skip
                if code != NONE and slot >= 0:
                    e_code[p, slot] = code
                    e_kc[p, slot] = k
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
                    if slot >= 0:
                        e_k1[p, slot] = k
                    state = 0
                    code = NONE
        ppn = pn
        ppe = pe
        prev_ok = True
    pmin_r[p] = math.sqrt(best2)
    pmin_t[p] = best_t
    n_enc[p] = ne


@njit
def scan_pairs(
    t, N, E, VN, VE, COG, SOG, pair_i, pair_j, cls, sp,
    pmin_r, pmin_t, n_enc, e_k0, e_kc, e_k1, e_code, e_kcpa, e_rcpa, e_tcpa_t, e_dcpa0, e_tcpa0,
):  # fmt: skip
    for p in range(pair_i.shape[0]):
        _scan_one(
            p, pair_i[p], pair_j[p], t, N, E, VN, VE, COG, SOG, cls, sp,
            pmin_r, pmin_t, n_enc, e_k0, e_kc, e_k1, e_code, e_kcpa, e_rcpa, e_tcpa_t,
            e_dcpa0, e_tcpa0,
        )  # fmt: skip


@njit(parallel=True)
def scan_pairs_parallel(
    t, N, E, VN, VE, COG, SOG, pair_i, pair_j, cls, sp,
    pmin_r, pmin_t, n_enc, e_k0, e_kc, e_k1, e_code, e_kcpa, e_rcpa, e_tcpa_t, e_dcpa0, e_tcpa0,
):  # fmt: skip
    for p in prange(pair_i.shape[0]):
        _scan_one(
            p, pair_i[p], pair_j[p], t, N, E, VN, VE, COG, SOG, cls, sp,
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
        if abs(wrap_pi_scalar(COG[s, k] - chi0)) >= md_course or abs(SOG[s, k] - u0) >= md_speed:
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
            d = wrap_pi_scalar(COG[o, k] - chi0)
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
