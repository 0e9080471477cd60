"""The versioned JSON Schemas: valid schemas, every bundled file valid, bad files rejected, and
the scenario schema in step with the loader."""

from __future__ import annotations

import ast
import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from autoship.cli.main import main
from autoship.dynamics.library import library_names
from autoship.errors import RunFolderError, ScenarioError
from autoship.record.schema import SCHEMA_NAMES, load_schema, schema_errors, validate
from autoship.scenario import loader
from autoship.scenario.dump import dumps_document
from autoship.scenario.loader import parse_scenario
from autoship.scenario.schema import CATEGORIES, ROLES, VISIBILITY

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(
    [*(ROOT / "scenarios").rglob("*.toml"), *(ROOT / "tests" / "data").rglob("*.toml")]
)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schemas_are_valid_versioned_draft_2020_12(name):
    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://autoship.dev/schema/{name}/1"


def test_schemas_are_package_data():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = cfg["tool"]["setuptools"]["package-data"]["autoship"]
    shipped = {p for g in globs for p in (ROOT / "autoship").glob(g)}
    assert {ROOT / "autoship/record/schemas" / f"{n}.json" for n in SCHEMA_NAMES} <= shipped
    assert any(d.startswith("jsonschema") for d in cfg["project"]["dependencies"])


def test_bundled_scenarios_are_found():
    # 45 under scenarios/ and the golden AIS-sensing one (more may be added, never fewer).
    assert len(SCENARIOS) >= 46


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_scenario_validates(path):
    doc = tomllib.loads(path.read_text())
    assert schema_errors("scenario", doc) == []
    validate("scenario", doc, file=str(path))


def _imazu() -> str:
    return (ROOT / "scenarios/imazu/imazu-01.toml").read_text()


def _doc(text: str) -> dict:
    return tomllib.loads(text)


@pytest.mark.parametrize(
    "edit,key,loader_field",
    [
        # wrong type: the loader refuses it too, naming the same key
        (lambda d: d["ship"][0].update(speed_kn="fast"), "ship[0].speed_kn", "speed_kn"),
        (lambda d: d["scenario"].update(seed=1.5), "scenario.seed", "scenario.seed"),
        # unknown keys: the loader rejects them, so the schema does
        (lambda d: d["ship"][0].update(colour="red"), "ship[0]", "colour"),
        (lambda d: d.update(weather={}), "(top level)", "weather"),
        (lambda d: d["frame"].update(origin_alt_m=0.0), "frame", "frame.origin_alt_m"),
        # enums, ranges and required keys
        (lambda d: d["ship"][1].update(role="escort"), "ship[1].role", "role"),
        (lambda d: d["ship"][0].update(model="titanic"), "ship[0].model", "model"),
        (lambda d: d["scenario"].update(visibility="fog"), "scenario.visibility", "visibility"),
        (lambda d: d["ship"][0].update(course_deg=400.0), "ship[0].course_deg", "course_deg"),
        (lambda d: d["ship"][0].pop("speed_kn"), "ship[0]", "speed_kn"),
        (lambda d: d["ship"][0]["start"].pop("east_m"), "ship[0].start", "start"),
    ],
)
def test_bad_scenarios_are_rejected_like_the_loader_does(edit, key, loader_field):
    doc = _doc(_imazu())
    edit(doc)
    errors = schema_errors("scenario", doc)
    assert errors and errors[0].startswith(f"{key}: "), errors
    with pytest.raises(ScenarioError) as exc:
        validate("scenario", doc, file="bad.toml")
    assert str(exc.value).startswith("bad.toml: ") and "\n" not in str(exc.value)
    # The loader refuses the same document (written as TOML by the one scenario writer).
    with pytest.raises(ScenarioError) as lexc:
        parse_scenario(dumps_document(doc), ROOT / "scenarios/imazu/imazu-01.toml")
    assert loader_field in (lexc.value.field or "") + lexc.value.message


def test_enums_match_the_loaders_tables():
    s = load_schema("scenario")
    ship = s["$defs"]["ship"]["properties"]
    assert tuple(ship["role"]["enum"]) == ROLES
    assert tuple(ship["category"]["enum"]) == CATEGORIES
    assert tuple(s["properties"]["scenario"]["properties"]["visibility"]["enum"]) == VISIBILITY
    assert tuple(s["properties"]["scoring"]["properties"]["expect"]["items"]["enum"]) == (
        loader.EXPECTABLE
    )
    assert ship["model"]["anyOf"][0]["enum"] == library_names()
    assert set(s["properties"]) == set(loader._SECTIONS)
    assert set(s["required"]) == set(loader._REQUIRED_SECTIONS)


# Which table each StrictTable variable of loader.py reads, per function.
_TABLES = {
    ("parse_scenario", "s"): "scenario",
    ("parse_scenario", "f"): "frame",
    ("parse_scenario", "c"): "chart",
    ("parse_scenario", "en"): "environment",
    ("parse_scenario", "se"): "sensors",
    ("parse_scenario", "sc"): "scoring",
    ("_ship", "t"): "ship",
    ("_route", "t"): "ship",
    ("_position", "t"): "position",
}
_METHODS = {"string", "number", "integer", "boolean", "path", "table", "raw", "has"}


def _loader_keys() -> dict[str, set[str]]:
    """Every key loader.py reads, per table: string literals given to a StrictTable method,
    and the literals of a tuple a loop feeds to one (the provenance keys)."""
    tree = ast.parse(Path(loader.__file__).read_text())
    found: dict[str, set[str]] = {}
    unknown = []
    for fn in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
        loops = {}
        for node in ast.walk(fn):
            if (
                isinstance(node, ast.For)
                and isinstance(node.target, ast.Name)
                and isinstance(node.iter, ast.Tuple)
            ):
                loops[node.target.id] = [
                    e.value for e in node.iter.elts if isinstance(e, ast.Constant)
                ]
        for node in ast.walk(fn):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _METHODS
                and isinstance(node.func.value, ast.Name)
                and node.args
            ):
                continue
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                keys = [arg.value]
            elif isinstance(arg, ast.Name) and arg.id in loops:
                keys = loops[arg.id]
            else:
                continue
            table = _TABLES.get((fn.name, node.func.value.id))
            if table is None:
                unknown.append(f"{fn.name}: {node.func.value.id}.{node.func.attr}({keys})")
                continue
            found.setdefault(table, set()).update(keys)
    assert not unknown, f"loader reads tables this test does not map: {unknown}"
    return found


def test_scenario_schema_has_every_key_the_loader_accepts():
    """Fails when the loader learns a key the schema lacks (or the schema keeps one the
    loader dropped): add it to autoship/record/schemas/scenario.json with its type and unit."""
    s = load_schema("scenario")
    props = {
        sec: set(s["properties"][sec]["properties"])
        for sec in ("scenario", "frame", "chart", "environment", "sensors", "scoring")
    }
    props["ship"] = set(s["$defs"]["ship"]["properties"])
    pos = s["$defs"]["ship"]["properties"]["start"]["oneOf"]
    props["position"] = {k for alt in pos for k in alt["properties"]}
    loader_keys = _loader_keys()
    assert set(loader_keys) == set(props)
    for table, keys in loader_keys.items():
        assert keys == props[table], (
            f"[{table}]: loader only {sorted(keys - props[table])}, "
            f"schema only {sorted(props[table] - keys)}"
        )


def test_run_folders_and_reports_validate(bundled_runs):
    for folder in bundled_runs.values():
        meta = json.loads((folder / "meta.json").read_text())
        assert schema_errors("run-meta", meta) == []
        assert all(schema_errors("event", ev) == [] for ev in meta["events"])
        assert all("under_test" in s for s in meta["ships"])
        assert schema_errors("score", json.loads((folder / "score.json").read_text())) == []
    report = json.loads((next(iter(bundled_runs.values())).parent / "report.json").read_text())
    assert len(report["runs"]) == len(bundled_runs)
    assert schema_errors("report", report) == []


def test_run_schemas_reject_bad_records(bundled_runs):
    meta = json.loads((bundled_runs["imazu-03"] / "meta.json").read_text())
    meta["ships"][0]["under_test"] = "yes"
    meta["events"].append({"t_s": "late", "kind": "collision"})
    errors = schema_errors("run-meta", meta)
    assert any(e.startswith("ships[0].under_test: ") for e in errors), errors
    assert any(e.startswith(f"events[{len(meta['events']) - 1}].t_s: ") for e in errors)
    with pytest.raises(RunFolderError, match=r"^m\.json: (ships|events)"):
        validate("run-meta", meta, file="m.json")
    report = json.loads((bundled_runs["imazu-03"].parent / "report.json").read_text())
    report["runs"][0]["passed"] = "no"
    assert schema_errors("report", report)[0].startswith("runs[0].passed: ")


@pytest.mark.parametrize("argv", [["schema", "scenario"], ["scenario", "schema"]])
def test_cli_prints_the_scenario_schema(argv, capsys):
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == load_schema("scenario")


def test_cli_prints_every_schema(capsys):
    for name in SCHEMA_NAMES:
        assert main(["schema", name]) == 0
        assert json.loads(capsys.readouterr().out)["$id"].endswith(f"/{name}/1")
