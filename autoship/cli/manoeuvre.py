"""``autoship manoeuvre SHIP --test turning|zigzag|stopping|initial`` and ``--imo``.

Standard manoeuvring trials of a library ship (or a ship file) and the IMO MSC.137(76) criteria.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np

from autoship.errors import AutoshipError

TESTS = ("turning", "zigzag", "stopping", "initial", "top-speed", "bollard")
DEFAULT_RUDDER_DEG = {"turning": 35.0, "zigzag": 10.0, "initial": 10.0}


def add_parser(sub) -> None:
    p = sub.add_parser(
        "manoeuvre",
        help="manoeuvring trials (turning, zig-zag, stopping, initial turning) and IMO criteria",
        description="Simulate a standard manoeuvring trial of SHIP (a library name such as "
        "kvlcc2, or a ship .toml file) or check every IMO MSC.137(76) criterion.",
    )
    p.add_argument("ship", metavar="SHIP", help="library ship name or path to a ship .toml")
    p.add_argument("--test", choices=TESTS, help="which trial to run")
    p.add_argument("--imo", action="store_true", help="check every MSC.137(76) criterion")
    p.add_argument(
        "--rudder-deg",
        type=float,
        help="rudder angle in degrees (default 35 turning, 10 zigzag and initial, or the "
        "ship's maximum if smaller)",
    )
    p.add_argument("--side", choices=("starboard", "port"), default="starboard")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--plot", type=Path, metavar="FILE.png", help="save a plot of the trial")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autoship.dynamics import load_ship, trials

    if args.imo == (args.test is not None):
        raise AutoshipError("give exactly one of --test or --imo", field="manoeuvre")
    if args.rudder_deg is not None and not math.isfinite(args.rudder_deg):
        raise AutoshipError("must be a finite number of degrees", field="--rudder-deg")
    if args.plot is not None and args.plot.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise AutoshipError("plot file must end in .png, .svg or .pdf", field="--plot")
    ship = load_ship(args.ship, Path.cwd())
    if args.imo:
        crit = trials.imo_criteria(ship)
        applicable, why = trials.imo_applicable(ship)
        verdict = trials.imo_verdict(crit)
        doc = {
            "ship": ship.name,
            "L_over_V_s": round(trials.full_scale_L_over_V(ship), 3),
            # MSC.137(76) applies to ships of 100 m and over (and all chemical/gas carriers);
            # below that the verdict is "not applicable" and ``passed`` is null, never true.
            "applicable": applicable,
            "applicability": why,
            "verdict": verdict,
            "passed": None if verdict in ("not applicable", "not evaluated") else verdict == "pass",
            "criteria": crit,
        }
        if args.json:
            print(json.dumps(doc, indent=2))
        else:
            print(f"{ship.name}: IMO MSC.137(76), full-scale L/V {doc['L_over_V_s']:.1f} s")
            print(f"  verdict: {verdict} ({why})")
            for c in crit:
                side = f" ({c['side']})" if c["side"] else ""
                mark = {"pass": "pass", "FAIL": "FAIL"}.get(c["verdict"], "n/a ")
                value = "-" if c["value"] is None else f"{c['value']:.2f} {c['unit']}"
                note = "" if mark != "n/a " else f", {c['verdict']}"
                limit = "-" if c["limit"] != c["limit"] else f"{c['limit']:.2f} {c['unit']}"
                print(f"  {mark}  {c['criterion']}{side}: {value} (limit {limit}){note}")
        # Exit 1 only on a failed criterion that applies; "not applicable" is not a failure.
        return 1 if verdict == "FAIL" else 0
    rudder = args.rudder_deg
    if rudder is None and args.test in DEFAULT_RUDDER_DEG:
        # "35 deg or the maximum permissible" (MSC.137(76)), likewise for the smaller defaults.
        rudder = min(DEFAULT_RUDDER_DEG[args.test], float(ship.model.get("rudder_max_deg", 35.0)))
    if args.test == "turning":
        res, tr = trials.turning(ship, rudder, args.side)
    elif args.test == "zigzag":
        res, tr = trials.zigzag(ship, rudder, args.side)
    elif args.test == "initial":
        res, tr = trials.initial_turning(ship, rudder, args.side)
    elif args.test == "top-speed":
        res, tr = trials.top_speed(ship), None
    elif args.test == "bollard":
        res, tr = trials.bollard_pull(ship), None
    else:
        res, tr = trials.stopping(ship)
    if args.plot is not None:
        if tr is None:
            raise AutoshipError(
                f"--plot has nothing to draw for --test {args.test}", field="--plot"
            )
        _plot(args.plot, args.test, res, tr, ship.length_m)
        res["plot"] = str(args.plot)
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        _print_text(res)
    return 0


def _print_text(res: dict) -> None:
    head = f"{res['ship']}: {res['test']}"
    if "rudder_deg" in res:
        head += f" {res['rudder_deg']:g} deg {res['side']}"
    if "approach_speed_m_s" in res:
        head += f", approach {res['approach_speed_m_s']:.3f} m/s, dt {res['dt_s']:g} s"
    print(head)
    for key, val in res.items():
        if key in ("ship", "test", "rudder_deg", "side", "approach_speed_m_s", "dt_s"):
            continue
        if isinstance(val, (float, np.floating)):
            print(f"  {key}: {val:.3f}")
        elif isinstance(val, list):
            print(f"  {key}: {', '.join(f'{v:.2f}' for v in val)}")
        else:
            print(f"  {key}: {val}")


def _plot(path: Path, test: str, res: dict, tr, L: float) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise AutoshipError(
            "matplotlib is needed for --plot (pip install 'autoship[plot]')", field="--plot"
        ) from None
    fig, ax = plt.subplots(figsize=(7, 5))
    title = f"{res['ship']}: {test}"
    if "rudder_deg" in res:
        title += f" {res['rudder_deg']:g} deg {res['side']}"
    if test in ("turning", "stopping"):
        ax.plot(tr.east / L, tr.north / L, lw=1.5)
        ax.set_xlabel("transfer (east) / L  [-]")
        ax.set_ylabel("advance (north) / L  [-]")
        ax.set_aspect("equal", adjustable="datalim")
        if test == "turning":
            title += (
                f"\nadvance {res['advance_L']:.2f} L, tactical diameter "
                f"{res['tactical_diameter_L']:.2f} L"
            )
        else:
            title += f"\ntrack reach {res['track_reach_L']:.2f} L"
    else:
        ax.plot(tr.t, [math.degrees(h) for h in tr.heading_change], label="heading change [deg]")
        ax.plot(tr.t, [math.degrees(d) for d in tr.rudder], label="rudder angle [deg]")
        ax.set_xlabel("time [s]")
        ax.set_ylabel("angle [deg]")
        ax.axhline(0.0, color="0.7", lw=0.8)
        ax.legend()
        if test == "zigzag":
            title += f"\novershoots {res['overshoot1_deg']:.1f} / {res['overshoot2_deg']:.1f} deg"
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    except OSError as exc:
        raise AutoshipError(f"cannot write plot: {exc.strerror}", file=str(path)) from None
    finally:
        plt.close(fig)
