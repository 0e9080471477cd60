"""Plain Python/NumPy reference implementations of the model kernels, one ship at a time.

Written from the published equations (Yasukawa & Yoshimura 2015, Fossen 2021, Nomoto; see
docs/references.md section 2), not from the kernels' packed parameter rows: they read the
ship definition's dictionaries directly. The benchmark uses the same functions as the "plain
NumPy per-ship" baseline.
"""

from __future__ import annotations

import math

import numpy as np

from autoship.dynamics.library import ShipDef

KNOT = 1852.0 / 3600.0
RHO_AIR = 1.224


def _ramp(x, target, rate, h):
    return x + float(np.clip(target - x, -rate * h, rate * h))


def blendermann(w, u_rw, v_rw):
    V2 = u_rw**2 + v_rw**2
    if V2 == 0.0:
        return np.zeros(3)
    gamma = -math.atan2(v_rw, u_rw)
    cdlaf = w.CDl_bow if abs(gamma) <= math.pi / 2 else w.CDl_stern
    cdl = cdlaf * w.frontal_area_m2 / w.lateral_area_m2
    den = 1 - 0.5 * w.delta * (1 - cdl / w.CDt) * math.sin(2 * gamma) ** 2
    cx = -cdlaf * math.cos(gamma) / den
    cy = w.CDt * math.sin(gamma) / den
    cn = (w.lateral_centroid_m / w.loa_m - 0.18 * (abs(gamma) - math.pi / 2)) * cy
    q = 0.5 * RHO_AIR * V2
    return np.array(
        [
            q * cx * w.frontal_area_m2,
            q * cy * w.lateral_area_m2,
            q * cn * w.lateral_area_m2 * w.loa_m,
        ]
    )


def relative_wind(psi, u, v, env):
    cn, ce, ws, wf = env
    Rm = np.array([[math.cos(psi), -math.sin(psi)], [math.sin(psi), math.cos(psi)]])
    ground = Rm @ np.array([u, v]) + np.array([cn, ce])
    air = -ws * np.array([math.cos(wf), math.sin(wf)])
    return Rm.T @ (ground - air)


class MMG:
    """MMG standard model of one ship, state [N, E, psi, u, v, r, delta, n]."""

    def __init__(self, sd: ShipDef) -> None:
        m = sd.model
        self.sd = sd
        self.m = m
        L, d, rho = sd.length_m, sd.draught_m, m["rho_kg_m3"]
        self.L, self.d, self.rho = L, d, rho
        self.mass = rho * m["displacement_m3"]
        self.mx = m["m_x"] * 0.5 * rho * L**2 * d
        self.my = m["m_y"] * 0.5 * rho * L**2 * d
        self.Jz = m["J_z"] * 0.5 * rho * L**4 * d
        self.IzG = self.mass * (m.get("yaw_gyration_ratio", 0.25) * L) ** 2
        xG = m["x_G_m"]
        self.M = np.array(
            [
                [self.mass + self.mx, 0.0, 0.0],
                [0.0, self.mass + self.my, xG * self.mass],
                [0.0, xG * self.mass, self.IzG + xG**2 * self.mass + self.Jz],
            ]
        )
        us = m["service_speed_kn"] * KNOT
        h = m.get("max_step_s", 0.0)
        self.hmax = h if h > 0 else 0.05 * L / us
        self.umin = 0.01 * math.sqrt(9.81 * L)

    def forces(self, u, v, r, delta, n):
        m, L, rho = self.m, self.L, self.rho
        U = math.hypot(u, v)
        Ue = max(U, self.umin)
        beta = math.atan2(-v, max(abs(u), 1e-9))
        vp, rp = v / Ue, r * L / Ue
        q = 0.5 * rho * L * self.d * Ue**2
        # Prime polynomials as published; R'_0 scales with the true U^2 and the sign of u.
        XH = 0.5 * rho * L * self.d * (-m["R_0"] * U**2 * (1 if u >= 0 else -1)) + q * (
            m["X_vv"] * vp**2 + m["X_vr"] * vp * rp + m["X_rr"] * rp**2 + m["X_vvvv"] * vp**4
        )
        lin = 0.5 * rho * L * self.d * U * Ue  # linear terms use U * U (U/Ue = 1 when moving)
        YH = lin * (m["Y_v"] * vp + m["Y_R"] * rp) + q * (
            m["Y_vvv"] * vp**3
            + m["Y_vvr"] * vp**2 * rp
            + m["Y_vrr"] * vp * rp**2
            + m["Y_rrr"] * rp**3
        )
        NH = L * (
            lin * (m["N_v"] * vp + m["N_R"] * rp)
            + q
            * (
                m["N_vvv"] * vp**3
                + m["N_vvr"] * vp**2 * rp
                + m["N_vrr"] * vp * rp**2
                + m["N_rrr"] * rp**3
            )
        )
        DP = m["propeller_diameter_m"]
        betaP = beta - m["x_P"] * rp
        C2 = m["C_2_plus"] if betaP > 0 else m["C_2_minus"]
        one_w = (1 - m["w_P0"]) * (1 + (1 - math.exp(-m["C_1"] * abs(betaP))) * (C2 - 1))
        uP = u * one_w
        if n > 1e-9:
            J = uP / (n * DP)
            KT = m["k_0"] + m["k_1"] * J + m["k_2"] * J**2
            XP = (1 - m["t_P"]) * rho * n**2 * DP**4 * KT
            eta = DP / m["rudder_span_m"]
            kt = max(KT, 0.0)
            if uP > 0:
                term = uP * (1 + m["kappa"] * (math.sqrt(1 + 8 * kt / (math.pi * J**2)) - 1))
            else:
                term = m["kappa"] * math.sqrt(8 * kt * n**2 * DP**2 / math.pi)
            uR = m["epsilon"] * math.sqrt(eta * term**2 + (1 - eta) * uP**2)
            if uP < 0:
                uR = m["epsilon"] * uP
        else:
            XP = min(
                -(1 - m["t_P"]) * rho * DP**3 * abs(n)
                * (DP * abs(n) * m.get("astern_kt", 0.3) + m.get("astern_kt_slope", 0.0) * uP),
                0.0,
            )  # fmt: skip
            uR = m["epsilon"] * uP
        betaR = beta - m["l_R"] * rp
        gR = m["gamma_R_minus"] if betaR < 0 else m["gamma_R_plus"]
        vR = U * gR * betaR
        alphaR = delta - math.atan(vR / uR) if uR > 0 else delta + math.atan2(vR, -uR)
        FN = 0.5 * rho * m["rudder_area_m2"] * (uR**2 + vR**2) * m["f_alpha"] * math.sin(alphaR)
        XR = -(1 - m["t_R"]) * FN * math.sin(delta)
        YR = -(1 + m["a_H"]) * FN * math.cos(delta)
        NR = -(m["x_R"] * L + m["a_H"] * m["x_H"] * L) * FN * math.cos(delta)
        return np.array([XH + XP + XR, YH + YR, NH + NR])

    def accel(self, u, v, r, delta, n, tau_w):
        F = self.forces(u, v, r, delta, n) + tau_w
        xG, mass = self.m["x_G_m"], self.mass
        rhs = F + np.array(
            [
                (mass + self.my) * v * r + xG * mass * r**2,
                -(mass + self.mx) * u * r,
                -xG * mass * u * r,
            ]
        )
        return np.linalg.solve(self.M, rhs)

    def step_open(self, x, d_cmd, n_cmd, dt, env):
        """x = [N, E, psi, u, v, r, delta, n]; returns the state after dt (open loop)."""
        m = self.m
        nsub = max(1, math.ceil(dt / self.hmax - 1e-9))
        h = dt / nsub
        dmax = math.radians(m["rudder_max_deg"])
        d_cmd = float(np.clip(d_cmd, -dmax, dmax))
        n_cmd = float(np.clip(n_cmd, -m["astern_shaft_rps"], m["max_shaft_rps"]))
        x = np.array(x, dtype=float)
        for _ in range(nsub):
            d0, n0 = x[6], x[7]
            d1 = _ramp(d0, d_cmd, math.radians(m["rudder_rate_deg_s"]), h)
            n1 = _ramp(n0, n_cmd, m["shaft_rate_rps_s"], h)
            if self.sd.wind is not None:
                tau_w = blendermann(self.sd.wind, *relative_wind(x[2], x[3], x[4], env))
            else:
                tau_w = np.zeros(3)

            def f(y, dl, nn, tau_w=tau_w):
                psi, u, v, r = y[2], y[3], y[4], y[5]
                acc = self.accel(u, v, r, dl, nn, tau_w)
                return np.array(
                    [
                        u * math.cos(psi) - v * math.sin(psi) + env[0],
                        u * math.sin(psi) + v * math.cos(psi) + env[1],
                        r,
                        *acc,
                    ]
                )

            y = x[:6]
            k1 = f(y, d0, n0)
            k2 = f(y + h / 2 * k1, (d0 + d1) / 2, (n0 + n1) / 2)
            k3 = f(y + h / 2 * k2, (d0 + d1) / 2, (n0 + n1) / 2)
            k4 = f(y + h * k3, d1, n1)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            y[2] %= 2 * math.pi
            x = np.concatenate([y, [d1, n1]])
        return x


class Nomoto1:
    """First-order Nomoto with first-order speed, state [N, E, psi, u, r, delta]."""

    def __init__(self, sd: ShipDef) -> None:
        self.sd = sd
        self.m = sd.model
        self.L = sd.length_m
        self.umin = 0.02 * math.sqrt(9.81 * self.L)

    def step_open(self, x, d_cmd, u_cmd, dt, env):
        m, L = self.m, self.L
        umax = m["max_speed_kn"] * KNOT
        T_at_umax = m["T_prime"] * L / max(umax, self.umin)
        nsub = max(1, math.ceil(dt / (0.25 * min(T_at_umax, m["speed_time_constant_s"])) - 1e-9))
        h = dt / nsub
        dmax = math.radians(m["rudder_max_deg"])
        d_cmd = float(np.clip(d_cmd, -dmax, dmax))
        u_cmd = float(np.clip(u_cmd, -0.5 * umax, umax))
        x = np.array(x, dtype=float)

        def f(y, dl):
            psi, u, r = y[2], y[3], y[4]
            uu = max(abs(u), self.umin)
            K, T = m["K_prime"] * uu / L, m["T_prime"] * L / uu
            return np.array(
                [
                    u * math.cos(psi) + env[0],
                    u * math.sin(psi) + env[1],
                    r,
                    (u_cmd - u) / m["speed_time_constant_s"],
                    (K * dl - r) / T,
                ]
            )

        for _ in range(nsub):
            d0 = x[5]
            d1 = _ramp(d0, d_cmd, math.radians(m["rudder_rate_deg_s"]), h)
            y = x[:5]
            k1 = f(y, d0)
            k2 = f(y + h / 2 * k1, (d0 + d1) / 2)
            k3 = f(y + h / 2 * k2, (d0 + d1) / 2)
            k4 = f(y + h * k3, d1)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            y[2] %= 2 * math.pi
            x = np.concatenate([y, [d1]])
        return x


class Nomoto2:
    """Second-order Nomoto, state [N, E, psi, u, x1, x2, delta]; r = K (x1 + T3 x2)."""

    def __init__(self, sd: ShipDef) -> None:
        self.m = sd.model
        self.L = sd.length_m
        self.umin = 0.02 * math.sqrt(9.81 * self.L)

    def coeffs(self, u):
        m, L = self.m, self.L
        uu = max(abs(u), self.umin)
        s = L / uu
        return m["K_prime"] / s, m["T1_prime"] * s, m["T2_prime"] * s, m["T3_prime"] * s

    def r_of(self, x):
        K, _, _, T3 = self.coeffs(x[3])
        return K * (x[4] + T3 * x[5])

    def step_open(self, x, d_cmd, u_cmd, dt, env):
        m, L = self.m, self.L
        umax = m["max_speed_kn"] * KNOT
        Tmin = min(m["T1_prime"], m["T2_prime"]) * L / max(umax, self.umin)
        nsub = max(1, math.ceil(dt / (0.5 * min(Tmin, m["speed_time_constant_s"])) - 1e-9))
        h = dt / nsub
        dmax = math.radians(m["rudder_max_deg"])
        d_cmd = float(np.clip(d_cmd, -dmax, dmax))
        u_cmd = float(np.clip(u_cmd, -0.5 * umax, umax))
        x = np.array(x, dtype=float)

        def f(y, dl):
            K, T1, T2, T3 = self.coeffs(y[3])
            # State-space form of K (1 + T3 s) / ((1 + T1 s)(1 + T2 s)).
            A = np.array([[0.0, 1.0], [-1.0 / (T1 * T2), -(T1 + T2) / (T1 * T2)]])
            xd = A @ y[4:6] + np.array([0.0, dl / (T1 * T2)])
            psi, u = y[2], y[3]
            r = K * (y[4] + T3 * y[5])
            return np.array(
                [
                    u * math.cos(psi) + env[0],
                    u * math.sin(psi) + env[1],
                    r,
                    (u_cmd - u) / m["speed_time_constant_s"],
                    *xd,
                ]
            )

        for _ in range(nsub):
            d0 = x[6]
            d1 = _ramp(d0, d_cmd, math.radians(m["rudder_rate_deg_s"]), h)
            y = x[:6]
            k1 = f(y, d0)
            k2 = f(y + h / 2 * k1, (d0 + d1) / 2)
            k3 = f(y + h / 2 * k2, (d0 + d1) / 2)
            k4 = f(y + h * k3, d1)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            y[2] %= 2 * math.pi
            x = np.concatenate([y, [d1]])
        return x


class Fossen3:
    """Fossen 3-DOF in matrix form, state [N, E, psi, u, v, r, delta, n]."""

    def __init__(self, sd: ShipDef) -> None:
        from autoship.dynamics.fossen3 import OPTIONAL, clarke83, hoerner_cd

        self.sd = sd
        m = sd.model
        self.o = {k: m.get(k, v[2]) for k, v in OPTIONAL.items()}
        self.m = m
        L, B, T = sd.length_m, sd.beam_m, sd.draught_m
        self.L = L
        rho = self.o["rho_kg_m3"]
        self.rho = rho
        mass = rho * m["block_coefficient"] * L * B * T
        self.mass = mass
        xg = m["x_G_m"]
        Iz = mass * (self.o["yaw_gyration_ratio"] * L) ** 2 + mass * xg**2
        c = clarke83(L, B, T, m["block_coefficient"])
        MRB = np.array([[mass, 0, 0], [0, mass, mass * xg], [0, mass * xg, Iz]])
        Tinv = np.diag([1.0, 1.0, L])
        MA_prime = -np.array(
            [
                [-self.o["surge_added_mass_ratio"] * mass / (0.5 * rho * L**3), 0, 0],
                [0, c["Yvdot"], c["Yrdot"]],
                [0, c["Nvdot"], c["Nrdot"]],
            ]
        )
        self.M = MRB + 0.5 * rho * L**3 * Tinv @ MA_prime @ Tinv
        self.DL_prime = -np.array([[0, 0, 0], [0, c["Yv"], c["Yr"]], [0, c["Nv"], c["Nr"]]])
        self.Tinv = Tinv
        self.cd = self.o["cross_flow_scale"] * hoerner_cd(B, T)
        self.T = T
        lam = self.o["rudder_aspect_ratio"]
        self.fa = 6.13 * lam / (lam + 2.25)
        self.xR = self.o["x_R_m"] if self.o["x_R_m"] < 0 else -0.5 * L
        us = m["service_speed_kn"] * KNOT
        self.us = us
        h = self.o["max_step_s"]
        self.hmax = h if h > 0 else 0.05 * L / us
        self.umin = 0.01 * math.sqrt(9.81 * L)
        # Surge resistance from the service point, as documented in fossen3.
        ns = m["service_shaft_rps"]
        D = m["propeller_diameter_m"]
        J = us * (1 - self.o["w_P"]) / (ns * D)
        thrust = (1 - self.o["t_P"]) * rho * ns**2 * D**4 * (m["k_0"] + m["k_1"] * J)
        w = sd.wind
        air = 0.5 * RHO_AIR * w.CDl_bow * w.frontal_area_m2 * us**2 if w is not None else 0.0
        frac = self.o["linear_surge_fraction"]
        self.Xu = -frac * (thrust - air) / us
        self.Xuu = -(1 - frac) * (thrust - air) / us**2

    def thrust(self, u, n):
        m, o = self.m, self.o
        D = m["propeller_diameter_m"]
        ua = u * (1 - o["w_P"])
        if n > 1e-9:
            KT = m["k_0"] + m["k_1"] * ua / (n * D)
            T = self.rho * n**2 * D**4 * KT
            uR = ua + o["kappa"] * (math.sqrt(ua**2 + 8 * max(KT, 0) * n**2 * D**2 / math.pi) - ua)
        else:
            # Astern: |K_T| = astern_kt + astern_kt_slope J with J = ua / (|n| D).
            T = min(
                -self.rho
                * D**3
                * abs(n)
                * (o["astern_kt"] * D * abs(n) + o["astern_kt_slope"] * ua),
                0.0,
            )
            uR = ua
        return T, uR

    def n_limit(self, u):
        """Torque-limited ahead shaft speed: rho D^5 (kq0 n^2 + kq1 n ua / D) = P / (2 pi n_max)."""
        m, o = self.m, self.o
        nmax = m["max_shaft_rps"]
        if o["max_power_kW"] <= 0:
            return nmax
        D = m["propeller_diameter_m"]
        Q = o["max_power_kW"] * 1e3 / (2 * math.pi * nmax)
        a = o["kq_0"] * self.rho * D**5
        b = o["kq_1"] * self.rho * D**4 * max(u * (1 - o["w_P"]), 0.0)
        return min((-b + math.sqrt(b * b + 4 * a * Q)) / (2 * a), nmax)

    def tau(self, u, v, r, delta, n):
        o = self.o
        T, uR = self.thrust(u, n)
        F = 0.0
        if o["rudder_area_m2"] > 0:
            alpha = delta + math.atan2(o["gamma_R"] * (v + self.xR * r), max(uR, 1e-6))
            F = 0.5 * self.rho * o["rudder_area_m2"] * uR**2 * self.fa * math.sin(alpha)
        if o["vectored_thrust"] > 0.5:
            X = (1 - o["t_P"]) * T * math.cos(delta)
            Y = -T * math.sin(delta) - F * math.cos(delta)
        else:
            X = (1 - o["t_P"]) * T - 0.3 * F * math.sin(delta)
            Y = -(1 + o["a_H"]) * F * math.cos(delta)
        return np.array([X, Y, self.xR * Y])

    def accel(self, nu, delta, n, tau_w):
        u, v, r = nu
        mass, xg = self.mass, self.m["x_G_m"]
        U = max(math.hypot(u, v), self.umin)
        CRB = np.array(
            [[0, 0, -mass * (xg * r + v)], [0, 0, mass * u], [mass * (xg * r + v), -mass * u, 0]]
        )
        DL = 0.5 * self.rho * self.L**2 * U * self.Tinv @ self.DL_prime @ self.Tinv
        xs = -self.L / 2 + (np.arange(10) + 0.5) * self.L / 10
        w = v + xs * r
        dx = self.L / 10
        k = 0.5 * self.rho * self.T * self.cd
        tau_cf = np.array(
            [0.0, -k * np.sum(np.abs(w) * w) * dx, -k * np.sum(xs * np.abs(w) * w) * dx]
        )
        tau_surge = np.array([self.Xu * u + self.Xuu * abs(u) * u, 0, 0])
        rhs = self.tau(u, v, r, delta, n) + tau_w + tau_cf + tau_surge - CRB @ nu - DL @ nu
        return np.linalg.solve(self.M, rhs)

    def step_open(self, x, d_cmd, n_cmd, dt, env):
        m = self.m
        nsub = max(1, math.ceil(dt / self.hmax - 1e-9))
        h = dt / nsub
        dmax = math.radians(m["rudder_max_deg"])
        d_cmd = float(np.clip(d_cmd, -dmax, dmax))
        n_cmd = float(np.clip(n_cmd, -m["astern_shaft_rps"], m["max_shaft_rps"]))
        x = np.array(x, dtype=float)
        for _ in range(nsub):
            d0, n0 = x[6], x[7]
            d1 = _ramp(d0, d_cmd, math.radians(m["rudder_rate_deg_s"]), h)
            n_tgt = min(n_cmd, self.n_limit(x[3])) if n_cmd > 0 else n_cmd
            n1 = _ramp(n0, n_tgt, m["shaft_rate_rps_s"], h)
            if self.sd.wind is not None:
                tau_w = blendermann(self.sd.wind, *relative_wind(x[2], x[3], x[4], env))
            else:
                tau_w = np.zeros(3)

            def f(y, dl, nn, tau_w=tau_w):
                psi, u, v = y[2], y[3], y[4]
                acc = self.accel(y[3:6], dl, nn, tau_w)
                return np.array(
                    [
                        u * math.cos(psi) - v * math.sin(psi) + env[0],
                        u * math.sin(psi) + v * math.cos(psi) + env[1],
                        y[5],
                        *acc,
                    ]
                )

            y = x[:6]
            k1 = f(y, d0, n0)
            k2 = f(y + h / 2 * k1, (d0 + d1) / 2, (n0 + n1) / 2)
            k3 = f(y + h / 2 * k2, (d0 + d1) / 2, (n0 + n1) / 2)
            k4 = f(y + h * k3, d1, n1)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            y[2] %= 2 * math.pi
            x = np.concatenate([y, [d1, n1]])
        return x


def autopilot(psi, r, u, course, integ, L, Kp, Tp, wn_p, zeta, dmax, dt):
    """PID heading autopilot (pole placement on Nomoto 1st order), gated integral."""
    uu = max(abs(u), 0.02 * math.sqrt(9.81 * L))
    K, T, wn = Kp * uu / L, Tp * L / uu, wn_p * uu / L
    kp = T * wn**2 / K
    kd = max((2 * zeta * wn * T - 1) / K, 0.0)
    ki = wn * kp / 10
    e = (course - psi + math.pi) % (2 * math.pi) - math.pi
    raw = kp * e - kd * r + ki * integ
    d = min(max(raw, -dmax), dmax)
    steady = abs(r) * L < 0.002 * uu  # a standing error off the 5 deg band is integrated too
    if (abs(e) < math.radians(5) or steady) and (d == raw or e * raw < 0):
        integ += e * dt
    lim = 0.5 * dmax / ki
    return d, min(max(integ, -lim), lim)


def speed_pi(u, u_cmd, integ, n_per_u, n_min, n_max, Ti, dt):
    e = u_cmd - u
    kp = 2 * n_per_u
    ki = kp / Ti
    raw = n_per_u * u_cmd + kp * e + ki * integ
    n = min(max(raw, n_min), n_max)
    if n == raw or e * (raw - n) < 0:
        integ += e * dt
    lim = 0.25 * n_max / ki
    return n, min(max(integ, -lim), lim)
