"""Versioned JSON Schemas (draft 2020-12) of autoship's files, shipped as package data.

``scenario``: a scenario TOML file parsed to a table (what editors validate and complete);
``run-meta``: a run folder's meta.json; ``event``: one of its events; ``score``: a run's
score.json and each run of a report; ``report``: the report JSON. Each ``$id`` ends in the
schema's version (``https://autoship.dev/schema/run-meta/1``): a change that makes an old file
invalid gets a new version. ``autoship schema NAME`` prints one (docs/api.md).

Validation needs the ``jsonschema`` package, imported on first use so that reading run folders
(the viewer) does not.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from autoship.errors import AutoshipError, RunFolderError, ScenarioError

SCHEMA_NAMES = ("scenario", "run-meta", "event", "score", "report")


def _check_name(name: str) -> None:
    if name not in SCHEMA_NAMES:
        raise AutoshipError(
            f"unknown schema {name!r} (known: {', '.join(SCHEMA_NAMES)})", field="schema"
        )


@cache
def _text(name: str) -> str:
    return resources.files("autoship.record").joinpath("schemas", f"{name}.json").read_text()


def schema_text(name: str) -> str:
    """The schema file's text, as shipped."""
    _check_name(name)
    return _text(name)


def load_schema(name: str) -> dict[str, Any]:
    """The schema as a dict (a fresh copy)."""
    return json.loads(schema_text(name))


def schema_id(name: str) -> str:
    return str(load_schema(name)["$id"])


@cache
def _validator(name: str) -> Any:
    import jsonschema
    from referencing import Registry, Resource

    registry: Registry = Registry().with_resources(
        (schema_id(n), Resource.from_contents(load_schema(n))) for n in SCHEMA_NAMES
    )
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)


def _dotted(path: Any) -> str:
    """A JSON path as the loader's dotted key: ship[2].start.north_m."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def schema_errors(name: str, doc: Any) -> list[str]:
    """Every place ``doc`` breaks schema ``name``, as ``dotted.key: message``, in document
    order (empty when it is valid)."""
    _check_name(name)
    errors = sorted(_validator(name).iter_errors(doc), key=lambda e: list(map(str, e.path)))
    return [f"{_dotted(e.absolute_path) or '(top level)'}: {e.message}" for e in errors]


def validate(name: str, doc: Any, file: str | None = None) -> None:
    """Raise one error naming ``file`` and the dotted key of the first problem, if any
    (``ScenarioError`` for scenarios, ``RunFolderError`` for the others)."""
    import jsonschema

    _check_name(name)
    err = jsonschema.exceptions.best_match(_validator(name).iter_errors(doc))
    if err is None:
        return
    kind = ScenarioError if name == "scenario" else RunFolderError
    msg = f"does not match schema {schema_id(name)}: {err.message}"
    raise kind(msg, file=file, field=_dotted(err.absolute_path) or None)
