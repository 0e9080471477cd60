#!/usr/bin/env bash
# Rebuild the viewer screenshots in this folder (headless). Run from the project root with the
# project's venv active: bash docs/img/make_screenshots.sh
set -euo pipefail
export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
D=docs/img
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
autoship run scenarios/imazu/imazu-13.toml --planner sbmpc --out "$W/sb" --report "$W/sb.json" >/dev/null || true
autoship run scenarios/imazu/imazu-02.toml --planner keep-course --out "$W/wp" --report "$W/wp.json" >/dev/null || true
autoship run scenarios/solent-chart/crossing-off-cowes.toml scenarios/chesapeake/shoal-draught.toml \
    --out "$W/ch" --report "$W/ch.json" >/dev/null || true
python benchmarks/bench_viewer.py --frames 1 --keep "$W/bench" >/dev/null
autoship run scenarios/solent/ais-solentais-20160112-130211-02.toml --out "$W/air" \
    --report "$W/air.json" >/dev/null || true
autoship view "$W/sb/imazu-13" --score "$W/sb.json" --png $D/viewer-imazu-13.png --at 1500 --range-nm 2.5
autoship view "$W/wp/imazu-02" --score "$W/wp.json" --png $D/viewer-imazu-02-collision.png
autoship view "$W/ch/solent-chart-crossing" --score "$W/ch.json" --png $D/viewer-solent-crossing.png --at 780
autoship view "$W/ch/chesapeake-shoal-draught" --score "$W/ch.json" --png $D/viewer-chesapeake-grounding.png
autoship view "$W/bench/solent" --png $D/viewer-solent-ais.png --at 1800
autoship view "$W/air/ais-solentais-20160112-130211-02" --score "$W/air.json" \
    --png $D/viewer-solent-ais-encounter.png --at 150
autoship view "$W/bench/chesapeake" --png $D/viewer-chesapeake-100.png --at 1800
python - "$W/sb/imazu-13" "$W/sb.json" <<'PY'
import sys
from viewer._pg import pygame
from viewer.app import App
from viewer.scene import load_scene
app = App(load_scene(sys.argv[1], sys.argv[2]), pygame.Surface((1280, 800)))
app.seek(900)
app.state.show_help = True
app.tick(0)
pygame.image.save(app.surface, "docs/img/viewer-help.png")
print("wrote docs/img/viewer-help.png")
PY
