"""`autoship view` CLI module, driven through its own argparse parser."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from autoship.cli import view
from autoship.errors import AutoshipError


def parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="autoship")
    view.add_parser(ap.add_subparsers(dest="cmd"))
    return ap.parse_args(["view", *argv])


def test_png_and_gif_headless(run_dir: Path, tmp_path: Path, capsys) -> None:
    png, gif = tmp_path / "f.png", tmp_path / "v.gif"
    args = parse(
        [
            str(run_dir),
            "--png",
            str(png),
            "--at",
            "600",
            "--video",
            str(gif),
            "--fps",
            "2",
            "--speed",
            "300",
            "--size",
            "640x400",
        ]
    )
    assert view.run(args) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "(13 frames)" in out  # 1800 s / 300x * 2 fps + 1
    assert png.stat().st_size > 0 and gif.stat().st_size > 0


def test_missing_pygame_prints_install_hint(run_dir: Path, monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "pygame", None)
    assert view.run(parse([str(run_dir), "--png", "x.png"])) == 2
    err = capsys.readouterr().err.strip()
    assert err == "autoship view needs pygame: pip install 'autoship[viewer]'"


def test_bad_run_folder_is_an_autoship_error(tmp_path: Path) -> None:
    with pytest.raises(AutoshipError, match="not a run folder"):
        view.run(parse([str(tmp_path / "nope"), "--png", str(tmp_path / "f.png")]))


def test_at_without_png_is_rejected(run_dir: Path) -> None:
    with pytest.raises(AutoshipError, match="--at"):
        view.run(parse([str(run_dir), "--video", "v.gif", "--at", "3"]))


def test_bad_size_is_a_usage_error() -> None:
    with pytest.raises(SystemExit):
        parse(["r", "--size", "big"])
