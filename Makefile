# Quick start: `make run` (set up and run the bundled scenarios), `make test` (set up and test).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT ?= runs/quickstart-$(shell date +%Y%m%d-%H%M%S)

.PHONY: setup run test lint typecheck sweep bench clean-venv

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; run 'make PYTHON=python3 ...'"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/autoship warm-up || echo "warning: autoship warm-up failed; kernels compile on first use instead"
	@touch $(STAMP)

# The main job: every bundled scenario, headless, into a new run folder with reports, then a
# one-screen summary (what passed, what failed and why, where the reports are). The exit
# status is the run's own: 1 when any gate failed (some bundled sets fail by design).
# OUT is read once into $$out: it holds $(shell date), which may tick between expansions.
run: $(STAMP)
	@out=$(OUT); rc=0; \
	echo "autoship run scenarios --jobs 2 --out $$out"; \
	$(BIN)/autoship run scenarios --jobs 2 --out $$out --json $$out/report.json \
		--junit $$out/junit.xml --markdown $$out/report.md || rc=$$?; \
	if [ -f $$out/report.json ]; then echo; $(BIN)/autoship report $$out --fail-on never; fi; \
	exit $$rc

test: $(STAMP)
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# The public API of docs/api.md: the simulation, scenarios, planner plugins, the environments.
API_MODULES := autoship/__init__.py autoship/api.py autoship/geometry.py \
	autoship/sim/__init__.py autoship/sim/simulation.py \
	autoship/sim/result.py autoship/record/__init__.py autoship/record/run.py \
	autoship/record/records.py autoship/record/schema.py \
	autoship/scenario/__init__.py autoship/planner/__init__.py \
	autoship/planner/base.py autoship/gym/__init__.py autoship/gym/encounter.py \
	autoship/gym/parallel.py
typecheck: $(STAMP)
	$(BIN)/python -m mypy $(API_MODULES)

# A 100-encounter sweep of the bundled planner with its report (the CI recipe, locally).
sweep: $(STAMP)
	$(BIN)/autoship sweep sweeps/ci.toml --out $(OUT)-sweep --jobs 2; \
	$(BIN)/autoship report $(OUT)-sweep --markdown $(OUT)-sweep/report.md --plots $(OUT)-sweep/png

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean-venv:
	rm -rf $(VENV)
