"""Run every benchmark module (python -m benchmarks [NAME...]); each prints its own table."""

import importlib
import pkgutil
import sys
from pathlib import Path

here = Path(__file__).parent
names = sys.argv[1:] or sorted(
    m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")
)
for name in names:
    mod = importlib.import_module(f"benchmarks.{name}")
    print(f"== {name} ==", flush=True)
    mod.main([])
