"""A bad spec is one line, ``autoship: error: FILE: KEY: message``, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from autoship.cli.main import main
from tests.dataset.conftest import tiny_text

CASES = [
    ("[dataset]\n", "[dataset]\ncolour = 1\n", "dataset.colour: unknown key"),
    ('expert = "vo"', 'expert = "autopilot9"', "dataset.expert: unknown planner 'autopilot9'"),
    ("samples = 3", "samples = 0", "source.samples:"),
    ('kind = "random"', 'kind = "lottery"', "source.kind: 'lottery' is not one of"),
    ('"ferry"]', '"no-such-ship"]', "randomise.target_models:"),
    ("wind_speed_kn = [0.0, 15.0]", "wind_speed_kn = [15.0, 0.0]", "randomise.wind_speed_kn:"),
    ("[randomise]", "[weather]", "weather: unknown section"),
    ("seed = 3", "seed = -3", "dataset.seed:"),
]


@pytest.mark.parametrize("old,new,expected", CASES)
def test_bad_spec_is_one_line(tmp_path: Path, capsys, old: str, new: str, expected: str):
    text = tiny_text()
    assert old in text
    spec = tmp_path / "bad.toml"
    spec.write_text(text.replace(old, new, 1))
    out = tmp_path / "out"
    rc = main(["dataset", str(spec), "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"autoship: error: {spec}: "), err
    assert expected in lines[0], err
    assert not out.exists()


def test_invalid_toml_and_missing_file(tmp_path: Path, capsys):
    bad = tmp_path / "broken.toml"
    bad.write_text("[dataset\n")
    assert main(["dataset", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "invalid TOML" in capsys.readouterr().err
    assert main(["dataset", str(tmp_path / "none.toml"), "--out", str(tmp_path / "o")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_folder_source(tmp_path: Path):
    """kind = "folder": every scenario file of a folder, in name order."""
    from autoship.dataset import load_spec
    from autoship.dataset.episodes import plan_episodes

    root = Path(__file__).resolve().parents[2]
    spec = tmp_path / "folder.toml"
    spec.write_text(
        '[dataset]\nid = "imazu"\nseed = 1\nexpert = "vo"\nmax_episodes = 2\n'
        f'[source]\nkind = "folder"\nfolder = "{(root / "scenarios" / "imazu").as_posix()}"\n'
    )
    eps, _ = plan_episodes(load_spec(spec))
    assert [e.scenario_id for e in eps] == ["imazu-01", "imazu-02"]
    spec.write_text(spec.read_text().replace('imazu"\n', 'nowhere"\n'))
    with pytest.raises(Exception, match="source.folder: no such folder"):
        load_spec(spec)


def test_dry_run_counts_and_writes_nothing(tmp_path: Path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text(tiny_text())
    out = tmp_path / "out"
    assert main(["dataset", str(spec), "--out", str(out), "--dry-run"]) == 0
    assert "dataset tiny: 3 episodes in 3 shards" in capsys.readouterr().out
    assert not out.exists()
    assert main(["dataset", str(spec), "--out", str(out), "--jobs", "0"]) == 2
    assert "--jobs: must be >= 1" in capsys.readouterr().err
