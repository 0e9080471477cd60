"""The "write your own planner" example (examples/my_planner) as an installed plugin: its
planner runs in ``autoship run``, ``autoship sweep --jobs 2`` and on a local Dask cluster, and
``scenario check`` judges it like a built-in; broken plugins are one-line errors.

"Installed" without pip or the network, and without touching this venv: a temporary folder
holds the ``.dist-info`` that ``pip install examples/my_planner`` would write (its
``entry_points.txt`` generated from the example's own pyproject.toml) and goes on PYTHONPATH
beside the example's source, which is all ``importlib.metadata`` looks at.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from autoship.cli.main import main
from autoship.errors import AutoshipError
from autoship.planner import base, make_planner, planner_names
from autoship.sweep.generators import load_sweep
from autoship.sweep.store import Store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "my_planner"
# The installed `autoship` command, run by this interpreter.
CLI = [sys.executable, "-c", "from autoship.cli.main import entry; entry()"]

SCENARIO = """
[scenario]
id = "plugin-crossing"
title = "slow-down plugin, a target crossing ahead"
source = "unit test"
seed = 1
duration_s = 240.0
dt_s = 1.0
planner_period_s = 5.0
visibility = "good"

[frame]
origin_lat_deg = 45.0
origin_lon_deg = -30.0

[[ship]]
id = "os"
role = "own"
model = "container"
start = {{ north_m = -1500.0, east_m = 0.0 }}
course_deg = 0.0
speed_kn = 12.0
goal = {{ north_m = 1500.0, east_m = 0.0 }}
planner = "{planner}"
planner_params = {params}

[[ship]]
id = "ts1"
role = "target"
model = "container"
start = {{ north_m = 1500.0, east_m = 300.0 }}
course_deg = 180.0
speed_kn = 12.0
planner = "keep-course"
"""

SWEEP = """
[sweep]
id = "plugin"
seed = 11
planner = "slow-down"
replicates = 1
time_limit_s = 120

[scenario]
dt_s = 2.0
planner_period_s = 10.0

[own]
speed_kn = 10.0
planner_params = { near_m = 1500.0 }

[generator]
kind = "grid"
bearing_deg = [45.0, 90.0]
speed_ratio = [1.0]
tcpa_min = [4.0]
offset_m = [600.0]
"""

# Its own process, with only the environment (PYTHONPATH) to find the plugin by, like a Dask
# worker's: the runs execute in worker processes each Dask worker thread starts (fresh
# interpreters that discover the plugin themselves), so in-process Dask workers test the same
# path at a fraction of the start-up cost. A small sweep, then falsify on the same cluster.
DASK_SCRIPT = """
import sys

from distributed import LocalCluster

from autoship.cli.main import main

if __name__ == "__main__":
    sweep, out = sys.argv[1], sys.argv[2]
    with LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        address = cluster.scheduler_address
        rc = main(["sweep", sweep, "--out", out + "/sweep", "--cluster", address])
        print("sweep rc", rc, flush=True)
        args = ["--budget", "2", "--batch", "2", "--worst", "1", "--cluster", address]
        rc = main(["falsify", sweep, "--out", out + "/falsify", *args])
        print("falsify rc", rc, flush=True)
"""


def scenario(tmp: Path, planner: str = "slow-down", params: str = "{ near_m = 2500.0 }") -> Path:
    p = tmp / f"{planner}.toml"
    p.write_text(SCENARIO.format(planner=planner, params=params))
    return p


def write_dist_info(site: Path, name: str, version: str, entry_points: dict[str, str]) -> None:
    """The metadata ``pip install`` would leave: what entry point discovery reads."""
    d = site / f"{name.replace('-', '_')}-{version}.dist-info"
    d.mkdir(parents=True)
    (d / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = [f"{k} = {v}" for k, v in entry_points.items()]
    (d / "entry_points.txt").write_text("[autoship.planners]\n" + "\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> list[str]:
    """sys.path entries under which the example package counts as installed."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())["project"]
    eps = project["entry-points"]["autoship.planners"]
    assert eps == {"slow-down": "my_planner.planner:SlowDown"}
    site = tmp_path_factory.mktemp("site")
    write_dist_info(site, project["name"], project["version"], eps)
    return [str(site), str(EXAMPLE / "src")]


def env_with(paths: list[str]) -> dict[str, str]:
    env = dict(os.environ)
    # No empty entries: one would put the working folder on the path.
    parts = [*paths, str(ROOT), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in parts if p)
    env.setdefault("NUMBA_NUM_THREADS", "1")
    return env


def cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture
def plugins_on_path(installed, monkeypatch, tmp_path):
    """This process sees the example plugin, and whatever the test installs into the folder
    returned (its own, so that other tests never see it)."""
    extra = tmp_path / "extra-site"
    extra.mkdir()
    for p in reversed([str(extra), *installed]):
        monkeypatch.syspath_prepend(p)
    base._forget_plugins()
    yield extra
    base._forget_plugins()


def test_run_uses_the_plugin_planner(installed, tmp_path):
    scen = scenario(tmp_path)
    done = cli(["run", str(scen), "--out", str(tmp_path / "out")], env_with(installed), tmp_path)
    assert done.returncode in (0, 1), done.stderr  # 1: a gate failed, which is the planner's
    assert "planner=slow-down" in done.stdout
    track = np.load(tmp_path / "out" / "plugin-crossing" / "track.npz")
    own_speed_orders = track["cmd_speed"][:, 0]
    cruise = 12.0 * 1852 / 3600
    # The ships start 3 km apart (beyond near_m) and close: cruise first, then half speed.
    assert own_speed_orders[0] == pytest.approx(cruise)
    assert own_speed_orders.min() == pytest.approx(0.5 * cruise)


def test_sweep_with_two_worker_processes_runs_the_plugin(installed, tmp_path):
    (tmp_path / "s.toml").write_text(SWEEP)
    out = tmp_path / "out"
    done = cli(["sweep", "s.toml", "--out", str(out), "--jobs", "2"], env_with(installed), tmp_path)
    assert done.returncode in (0, 1), done.stderr
    with Store(out, write=False) as s:
        runs = s.runs()
    assert len(runs) == 2
    assert {(r["planner"], r["status"], r["error"]) for r in runs} == {("slow-down", "ok", None)}


def test_sweep_and_falsify_on_a_local_dask_cluster_run_the_plugin(installed, tmp_path):
    pytest.importorskip("distributed")
    (tmp_path / "s.toml").write_text(SWEEP)
    (tmp_path / "dask_sweep.py").write_text(DASK_SCRIPT)
    args = ["dask_sweep.py", "s.toml", str(tmp_path)]
    done = subprocess.run(
        [sys.executable, *args],
        env=env_with(installed),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "sweep rc 0" in done.stdout or "sweep rc 1" in done.stdout, done.stderr
    assert "falsify rc 0" in done.stdout or "falsify rc 1" in done.stdout, done.stderr
    for kind, n in (("sweep", 2), ("falsify", 2)):
        with Store(tmp_path / kind, write=False) as s:
            runs = s.runs()
        assert len(runs) == n
        assert {(r["planner"], r["status"], r["error"]) for r in runs} == {
            ("slow-down", "ok", None)
        }


def test_without_the_plugin_installed_the_name_is_unknown(tmp_path, capsys):
    base._forget_plugins()
    assert main(["scenario", "check", str(scenario(tmp_path))]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "ship.os.planner: unknown planner 'slow-down'" in err
    assert "autoship.planners" in err  # where plugins come from


def test_scenario_check_validates_plugin_names_and_params(plugins_on_path, tmp_path, capsys):
    assert "slow-down" in planner_names()
    assert main(["scenario", "check", str(scenario(tmp_path))]) == 0
    bad = {
        "{ slow_factor = 2.0 }": "ship.os.planner_params.slow_factor: must be within [0, 1]",
        "{ speed = 1.0 }": "ship.os.planner_params: unknown parameter 'speed'",
    }
    for params, message in bad.items():
        capsys.readouterr()
        assert main(["scenario", "check", str(scenario(tmp_path, params=params))]) == 2
        assert message in capsys.readouterr().err
    capsys.readouterr()
    assert main(["scenario", "check", str(scenario(tmp_path, planner="slow-dwn"))]) == 2
    err = capsys.readouterr().err
    assert "ship.os.planner: unknown planner 'slow-dwn'; known:" in err and "slow-down" in err


def test_broken_plugins_are_one_line_errors_naming_the_entry_point(plugins_on_path, tmp_path):
    site = plugins_on_path
    (site / "plugin_junk.py").write_text(
        "class NoPlan:\n    def __init__(self, params): pass\n    def reset(self, ctx): pass\n"
        "def factory(params):\n    return object()\n"
        "class Fussy:\n    def __init__(self, params): raise ValueError('bad gain')\n"
        "    def reset(self, ctx): pass\n    def plan(self, obs): pass\n"
    )
    write_dist_info(
        site,
        "broken-planners",
        "0.2",
        {
            "missing": "no_such_module.planner:Nope",
            "no-plan": "plugin_junk:NoPlan",
            "not-callable": "plugin_junk:__doc__",
            "bad-factory": "plugin_junk:factory",
            "fussy": "plugin_junk:Fussy",
        },
    )
    base._forget_plugins()
    expected = {
        "missing": "failed to load: ModuleNotFoundError: No module named 'no_such_module'",
        "no-plan": "is not a planner",
        "not-callable": "is not a planner",
        "bad-factory": "is not a planner: it built a object",
        "fussy": "ValueError: bad gain",
    }
    for name, message in expected.items():
        with pytest.raises(AutoshipError) as info:
            make_planner(name)
        text = info.value.one_line()
        assert message in text
        assert f"entry point {name} = " in text and "from broken-planners 0.2" in text
        assert info.value.field == ("planner_params" if name == "fussy" else "planner")
    # A broken plugin harms only scenarios naming it: the example plugin and built-ins work.
    assert make_planner("slow-down", {}).__class__.__name__ == "SlowDown"
    assert "missing" in planner_names()

    scen = scenario(tmp_path, planner="missing", params="{}")
    with pytest.raises(AutoshipError) as info:
        main_check(scen)
    assert "ship.os.planner: planner plugin entry point missing = no_such_module" in str(info.value)
    sweep = tmp_path / "s.toml"
    sweep.write_text(SWEEP.replace('"slow-down"', '"missing"').replace("{ near_m = 1500.0 }", "{}"))
    with pytest.raises(AutoshipError) as info:
        load_sweep(sweep)
    assert "s.toml: sweep.planner: planner plugin entry point missing = " in str(info.value)


def main_check(path: Path) -> None:
    from autoship.scenario import load_scenario
    from autoship.sweep.generators import check_planners

    check_planners(load_scenario(path))


def test_a_plugin_cannot_take_a_built_in_name(plugins_on_path):
    write_dist_info(plugins_on_path, "impostor", "1.0", {"waypoint": "my_planner.planner:SlowDown"})
    base._forget_plugins()
    with pytest.warns(base.PlannerPluginWarning, match="entry point waypoint = .* from impostor"):
        names = planner_names()
    assert names.count("waypoint") == 1
    assert type(make_planner("waypoint")).__module__ == "autoship.planner.simple"
    with pytest.raises(AutoshipError, match="already registered"):
        base.register("waypoint")(type("Impostor", (), {}))


def test_two_plugins_declaring_one_name_are_refused(plugins_on_path):
    write_dist_info(plugins_on_path, "copycat", "1.0", {"slow-down": "my_planner.planner:SlowDown"})
    base._forget_plugins()
    with pytest.raises(AutoshipError, match="more than one plugin.*copycat 1.0"):
        make_planner("slow-down")


def test_built_in_names_never_scan_the_plugins(monkeypatch):
    base._forget_plugins()
    monkeypatch.setattr(base, "_plugins", lambda: pytest.fail("entry points were read"))
    make_planner("keep-course")
    make_planner("waypoint", {"lookahead_L": 4.0})


def test_the_docs_planner_snippet_is_a_planner():
    text = (ROOT / "docs" / "plugins.md").read_text()
    (code,) = re.findall(r"```python\n(.*?)```", text, re.S)
    ns: dict = {}
    exec(compile(code, "docs/plugins.md", "exec"), ns)
    with pytest.raises(AutoshipError) as info:
        ns["SlowDown"]({"near_m": -1.0})
    assert info.value.field == "planner_params.near_m"
    # The entry point the page shows is the example package's.
    assert 'slow-down = "my_planner.planner:SlowDown"' in text
    assert 'slow-down = "my_planner.planner:SlowDown"' in (EXAMPLE / "pyproject.toml").read_text()
