"""The runner from the command line: exit codes, one-line errors, report files, no overwrite,
and the live AIS stream."""

import json
import os
import shutil
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autoship.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
IMAZU = ROOT / "scenarios" / "imazu"


def _copy(tmp: Path, *cases: str) -> Path:
    d = tmp / "scen"
    d.mkdir()
    for c in cases:
        shutil.copy(IMAZU / f"imazu-{c}.toml", d)
    return d


def _run_with_reports(scen: Path, tmp: Path) -> int:
    """Run a folder with keep-course, writing JSON, JUnit and Markdown reports into tmp."""
    return main(
        [
            "run",
            str(scen),
            "--planner",
            "keep-course",
            "--out",
            str(tmp / "out"),
            "--report",
            str(tmp / "r.json"),
            "--junit",
            str(tmp / "j.xml"),
            "--markdown",
            str(tmp / "r.md"),
        ]
    )


def test_keep_course_batch_fails_gates_with_exit_1_and_writes_reports(tmp_path, capsys):
    d = _copy(tmp_path, "01", "02")
    rc = _run_with_reports(d, tmp_path)
    assert rc == 1
    rep = json.loads((tmp_path / "r.json").read_text())
    assert [r["scenario_id"] for r in rep["runs"]] == ["imazu-01", "imazu-02"]
    assert all(r["collision"] and not r["passed"] for r in rep["runs"])
    assert rep["summary"] == {**rep["summary"], "runs": 2, "passed": 0, "collisions": 2}
    assert len(list(ET.parse(tmp_path / "j.xml").getroot().iter("testcase"))) == 2
    assert "imazu-01" in (tmp_path / "r.md").read_text()
    assert "0/2 passed" in capsys.readouterr().out


def test_existing_run_folder_is_never_overwritten_without_force(tmp_path, capsys):
    d = _copy(tmp_path, "03")
    out = tmp_path / "out"
    assert main(["run", str(d), "--out", str(out), "--planner", "keep-course"]) == 1
    meta = (out / "imazu-03" / "meta.json").read_text()
    capsys.readouterr()
    assert main(["run", str(d), "--out", str(out), "--planner", "keep-course"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "already exists" in err and "imazu-03" in err
    assert (out / "imazu-03" / "meta.json").read_text() == meta
    assert main(["run", str(d), "--out", str(out), "--planner", "waypoint", "--force"]) == 1
    assert (
        json.loads((out / "imazu-03" / "meta.json").read_text())["ships"][0]["planner"]
        == "waypoint"
    )


@pytest.mark.parametrize(
    "argv,words",
    [
        (["run", "nowhere.toml", "--out", "x"], "no such file"),
        (
            ["run", str(IMAZU / "imazu-01.toml"), "--out", "x", "--planner", "teleport"],
            "unknown planner",
        ),
        (["run", str(IMAZU / "imazu-01.toml"), "--out", "x", "--jobs", "0"], "--jobs"),
        (["run", str(IMAZU / "imazu-01.toml"), "--out", "x", "--ais-udp", "nohost"], "HOST:PORT"),
        (["scenario", "check", "nowhere"], "no such file"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, words, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("autoship: error: ") and "\n" not in err and words in err
    assert "Traceback" not in err


def test_score_rescoring_a_run_folder(tmp_path, capsys):
    d = _copy(tmp_path, "04")
    main(["run", str(d), "--out", str(tmp_path / "out"), "--planner", "waypoint"])
    capsys.readouterr()
    rc = main(["score", str(tmp_path / "out" / "imazu-04"), "--json"])
    assert rc == 1
    rep = json.loads(capsys.readouterr().out)
    enc = rep["runs"][0]["encounters"]
    assert (enc[0]["type"], enc[0]["own_role"]) == ("crossing", "stand-on")


def test_run_streams_live_ais_over_udp(tmp_path):
    import pyais

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    port = sock.getsockname()[1]
    d = _copy(tmp_path, "02")
    rc = main(
        [
            "run",
            str(d),
            "--out",
            str(tmp_path / "out"),
            "--planner",
            "keep-course",
            "--ais-udp",
            f"127.0.0.1:{port}",
        ]
    )
    assert rc == 1
    lines = []
    try:
        while True:
            lines += sock.recv(65535).decode().splitlines()
    except TimeoutError:
        pass
    finally:
        sock.close()
    own = [line for line in lines if line.startswith("!AIVDO")]
    others = [line for line in lines if line.startswith("!AIVDM")]
    assert own and others
    single = [x for x in own if x.split(",")[1] == "1"]  # type 5 comes in two fragments
    pos = [m for m in (pyais.decode(x).asdict() for x in single) if m["msg_type"] == 1]
    # The own ship starts 6 NM south of the origin (45 N, 30 W) heading north at 12 kn.
    assert pos[0]["lat"] == pytest.approx(45.0 - 0.1, abs=0.002)
    assert pos[0]["lon"] == pytest.approx(-30.0, abs=0.001)
    assert pos[0]["speed"] == pytest.approx(12.0, abs=0.11)


def test_failing_runs_get_a_replay_video_and_every_run_a_score_file(tmp_path, capsys):
    pytest.importorskip("pygame")
    pytest.importorskip("PIL")
    from PIL import Image

    d = _copy(tmp_path, "02")
    out = tmp_path / "out"
    rc = main(
        [
            "run",
            str(d),
            "--out",
            str(out),
            "--planner",
            "keep-course",
            "--video-on-fail",
            str(tmp_path / "vid"),
        ]
    )
    assert rc == 1
    gif = tmp_path / "vid" / "imazu-02.gif"
    with Image.open(gif) as im:
        assert im.n_frames > 10
    score = json.loads((out / "imazu-02" / "score.json").read_text())
    assert score["collision"] is True and score["scenario_id"] == "imazu-02"
    umask = os.umask(0)
    os.umask(umask)
    # The user's usual folder mode, not the private 0700 of the temporary folder it was built in.
    assert (out / "imazu-02").stat().st_mode & 0o777 == 0o777 & ~umask


def test_a_batch_mixing_profiles_reports_each_under_its_own(tmp_path):
    d = _copy(tmp_path, "01", "02")
    p = d / "imazu-02.toml"
    p.write_text(p.read_text().replace('profile = "large-ship"', 'profile = "ntnu-small-asv"'))
    rc = _run_with_reports(d, tmp_path)
    assert rc == 1
    rep = json.loads((tmp_path / "r.json").read_text())
    assert rep["profile"] == "mixed"
    assert {p["name"] for p in rep["profiles"]} == {"large-ship", "ntnu-small-asv"}
    assert [r["profile"] for r in rep["runs"]] == ["large-ship", "ntnu-small-asv"]
    assert rep["summary"]["runs"] == 2 and rep["summary"]["collisions"] == 2
    assert set(rep["readiness"]["by_profile"]) == {"large-ship", "ntnu-small-asv"}
    assert rep["readiness"]["ready"] is False
    assert len(list(ET.parse(tmp_path / "j.xml").getroot().iter("testcase"))) == 2


def test_ais_emit_clock_starts_at_the_scenarios_start_utc(tmp_path, capsys):
    d = _copy(tmp_path, "02")
    p = d / "imazu-02.toml"
    p.write_text(
        p.read_text().replace(
            'visibility = "good"', 'visibility = "good"\nstart_utc = "2016-01-12T13:55:01Z"'
        )
    )
    main(["run", str(d), "--out", str(tmp_path / "out"), "--planner", "keep-course"])
    nmea = tmp_path / "o.nmea"
    assert main(["ais", "emit", str(tmp_path / "out" / "imazu-02"), "--nmea", str(nmea)]) == 0
    first = nmea.read_text().splitlines()[0]
    # The tag block (\c:) carries the UNIX time of the first report: t = 0 of the run.
    assert first.startswith("\\c:1452606901")


def test_ais_class_from_the_scenario_chooses_class_b_messages(tmp_path):
    import pyais

    d = _copy(tmp_path, "02")
    p = d / "imazu-02.toml"
    p.write_text(p.read_text().replace('id = "ts1"', 'id = "ts1"\nais_class = "B"'))
    main(["run", str(d), "--out", str(tmp_path / "out"), "--planner", "keep-course"])
    nmea = tmp_path / "o.nmea"
    assert main(["ais", "emit", str(tmp_path / "out" / "imazu-02"), "--nmea", str(nmea)]) == 0
    types = {}
    for line in nmea.read_text().splitlines():
        body = line.split("\\")[-1]
        if body.split(",")[1] != "1":
            continue  # multi-fragment static data
        m = pyais.decode(body).asdict()
        types.setdefault(m["mmsi"], set()).add(m["msg_type"])
    own, target = sorted(types.values(), key=lambda s: min(s))
    assert own <= {1, 2, 3, 5} and 1 in own  # the own ship stays class A
    assert 18 in target and not target & {1, 2, 3}  # class B position reports only
