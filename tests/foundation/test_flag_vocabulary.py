"""One vocabulary of flags: --json FILE for the JSON report in every command, --out always a
folder, --plots DIR for a folder of pictures; the old spellings still work and say so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from autoship.cli.main import main

IMAZU = Path(__file__).resolve().parents[2] / "scenarios" / "imazu"


def test_json_flag_everywhere_and_old_spellings_warn(tmp_path, capsys):
    scen = tmp_path / "scen"
    scen.mkdir()
    shutil.copy(IMAZU / "imazu-02.toml", scen)
    out = tmp_path / "out"
    main(
        [
            "run",
            str(scen),
            "--out",
            str(out),
            "--planner",
            "waypoint",
            "--json",
            str(tmp_path / "a.json"),
        ]
    )
    assert json.loads((tmp_path / "a.json").read_text())["runs"][0]["scenario_id"] == "imazu-02"
    assert "deprecated" not in capsys.readouterr().err
    # the old spelling still writes the report, and says what to use
    main(["run", str(scen), "--out", str(out), "--planner", "waypoint", "--force",
          "--report", str(tmp_path / "b.json")])  # fmt: skip
    err = capsys.readouterr().err
    assert (tmp_path / "b.json").is_file() and "--report is deprecated; use --json" in err
    # score: --json FILE writes the file, bare --json prints it, --out is the old spelling
    main(["score", str(out), "--json", str(tmp_path / "c.json")])
    assert json.loads((tmp_path / "c.json").read_text())["runs"]
    capsys.readouterr()
    main(["score", str(out), "--json"])
    assert json.loads(capsys.readouterr().out)["runs"]
    main(["score", str(out), "--out", str(tmp_path / "d.json")])
    assert (tmp_path / "d.json").is_file()
    assert "--out is deprecated; use --json FILE" in capsys.readouterr().err


def test_an_error_during_a_run_has_the_one_line_form_naming_the_scenario(
    tmp_path, capsys, monkeypatch
):
    import autoship.sweep.batch as batch
    from autoship.errors import AutoshipError

    def boom(job):
        raise AutoshipError("planner blew up", field="ship.os.planner")

    monkeypatch.setattr(batch, "run_job", boom)
    scen = tmp_path / "scen"
    scen.mkdir()
    shutil.copy(IMAZU / "imazu-02.toml", scen)
    rc = main(["run", str(scen), "--out", str(tmp_path / "out")])
    assert rc == 2
    captured = capsys.readouterr()
    line = f"autoship: error: {scen / 'imazu-02.toml'}: ship.os.planner: planner blew up"
    assert line in captured.err.splitlines()
    assert "ERROR" not in captured.out
