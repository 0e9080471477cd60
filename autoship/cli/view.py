"""`autoship view RUN_DIR`: replay a run in a window, or export a PNG / GIF / MP4 headless.

The viewer (and pygame) is imported only when this subcommand runs, so the rest of the CLI works
without the ``viewer`` extra.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

from autoship.errors import AutoshipError

INSTALL_HINT = "autoship view needs pygame: pip install 'autoship[viewer]'"


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}") from None
    return w, h


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "view",
        help="replay a run folder in a window, or export a PNG/GIF/MP4",
        description=(
            "Replay a run folder. Without --png/--video a window opens (keys: H). "
            "With them, nothing is shown and the files are written headless."
        ),
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="run folder written by autoship run")
    p.add_argument("--png", metavar="FILE", help="write one frame as PNG and exit")
    p.add_argument(
        "--at",
        metavar="SECONDS",
        type=float,
        help="time of the --png frame (default: the own ship's first collision or grounding, "
        "else its closest approach, framed close on the ships involved)",
    )
    p.add_argument("--video", metavar="FILE", help="write the whole run as .gif or .mp4 and exit")
    p.add_argument("--fps", type=float, default=10.0, help="video frames per second (10)")
    p.add_argument(
        "--speed",
        type=float,
        default=None,
        help="time-lapse: run seconds per second of video (default: the run fits in about 20 s)",
    )
    p.add_argument(
        "--size",
        type=_size,
        default=None,
        metavar="WxH",
        help="picture size (window and PNG 1280x800, video 960x600)",
    )
    p.add_argument("--follow", metavar="SHIP", help="keep this ship (id) in the centre")
    p.add_argument(
        "--range-nm",
        type=float,
        metavar="NM",
        help="zoom: NM from the centre to the nearer edge (follows the own ship unless --follow)",
    )
    p.add_argument(
        "--score",
        metavar="FILE",
        help="score to show: a run entry or an autoship score --json FILE report "
        "(default: RUN_DIR/score.json if present)",
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("pygame") is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    headless = bool(args.png or args.video)
    if headless:
        # No window is opened for exports; the dummy driver keeps SDL off any display.
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    if args.at is not None and not args.png:
        raise AutoshipError("--at only applies to --png", field="--at")
    try:
        from viewer import export
        from viewer.scene import load_scene
    except ModuleNotFoundError as exc:
        if exc.name == "pygame":
            print(INSTALL_HINT, file=sys.stderr)
            return 2
        raise
    scene = load_scene(args.run_dir, args.score)
    if args.png:
        out = export.write_png(
            scene,
            args.png,
            at_s=args.at,
            size=args.size or (1280, 800),
            follow=args.follow,
            range_nm=args.range_nm,
        )
        print(f"wrote {out}")
    if args.video:
        n = export.write_video(
            scene,
            args.video,
            fps=args.fps,
            speed=args.speed,
            size=args.size or export.DEFAULT_VIDEO_SIZE,
            follow=args.follow,
            range_nm=args.range_nm,
        )
        print(f"wrote {args.video} ({n} frames)")
    if not headless:
        from viewer.app import open_window

        open_window(
            scene, size=args.size or (1280, 800), follow=args.follow, range_nm=args.range_nm
        )
    return 0
