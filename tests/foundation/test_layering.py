"""Imports point downwards (docs/architecture.md); the viewer path compiles nothing."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RANK = {
    "units": 0,
    "errors": 0,
    "_jit": 0,
    "_strict": 0,
    "geometry": 0,
    "geo": 1,
    "dynamics": 1,
    "colregs": 1,
    "charts": 2,
    "ais": 2,
    "record": 2,
    "metrics": 2,
    "scenario": 3,
    "planner": 4,
    "sim": 5,
    "sweep": 6,
    "gym": 6,
    "api": 7,
    "cli": 7,
}
# Beyond rank: what a layer must never import even if the rank would allow it.
FORBIDDEN = {
    "metrics": {"sim", "planner", "scenario", "sweep", "cli"},
    "record": set(RANK) - {"errors", "units", "record"},
    # The shared geometry is the bottom layer: math, numpy and the jit flags only.
    "geometry": set(RANK) - {"errors", "_jit", "geometry"},
    "colregs": {"charts", "ais", "record", "metrics"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def _layer(mod: str) -> str | None:
    parts = mod.split(".")
    if parts[0] != "autoship" or len(parts) < 2:
        return None
    return parts[1]


def test_imports_point_downwards():
    bad = []
    for path in sorted((ROOT / "autoship").rglob("*.py")):
        rel = path.relative_to(ROOT / "autoship")
        own = rel.parts[0].removesuffix(".py")
        if own not in RANK:
            continue
        for mod in _imports(path):
            if mod.split(".")[0] in {"pygame", "viewer"} and own != "cli":
                bad.append(f"{rel} imports {mod}")
            layer = _layer(mod)
            if layer is None or layer == own or layer not in RANK:
                continue
            if RANK[layer] > RANK[own] or layer in FORBIDDEN.get(own, set()):
                bad.append(f"{rel} ({own}) imports {mod} ({layer})")
    assert not bad, "\n".join(bad)


def test_nothing_in_the_library_imports_pygame_at_module_level():
    for path in sorted((ROOT / "autoship").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:  # module level only; cli/view imports the viewer lazily
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] in {"pygame", "viewer"} for n in names), path


def test_record_reader_imports_no_kernels_or_geometry():
    code = (
        "import sys, autoship.record, autoship.units\n"
        "heavy = [m for m in ('numba', 'shapely', 'pyproj', 'pygame') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
