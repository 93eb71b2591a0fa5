# The README's two commands: `make run` and `make test`. Both set up a
# project-local virtual environment on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# `make run` opens the demo book (demo.db beside the default database, made
# on first use), never the user's own book
DEMO_CLIENTS ?= 300
# built on the first `make bench` (100,000 clients, ~300 MB), reused after
BENCH_DB ?= /tmp/desktop-crm-bench.db
# the loyalty KPIs' own book (100,000 clients, 1,000,000 orders, ~370 MB), built
# on the first `make bench` with Core inserts, reused after
KPI_BENCH_DB ?= /tmp/desktop-crm-kpi-bench.db
# the same on PostgreSQL, beside SQLite in each benchmark: a cluster of Debian's
# postgresql package kept in BENCH_PG (~600 MB), started and stopped by each
# benchmark; or a server of your own: make bench BENCH_PG_URL=postgresql+psycopg://...
BENCH_PG ?= /tmp/desktop-crm-bench-pg
BENCH_PG_URL ?=
BENCH_PG_ARGS = $(if $(BENCH_PG_URL),--pg-url '$(BENCH_PG_URL)',--pg-dir $(BENCH_PG))
# the suite runs on every core (pytest-xdist); a file's tests stay in one worker.
# PYTEST_JOBS= (empty) runs it in one process.
# A worker that crashes fails the run at once, naming its test: xdist's
# replacement worker hangs under --dist loadfile (pytest-xdist #784).
PYTEST_JOBS ?= -n auto --dist loadfile --max-worker-restart=0

.PHONY: run test test-fast bench bundle clean-venv install-desktop uninstall-desktop

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	@bash tools/system-deps.sh run
	$(BIN)/desktop-crm demo --clients $(DEMO_CLIENTS) --seed 1 --if-missing
	$(BIN)/desktop-crm --demo

test: $(STAMP)
	@bash tools/system-deps.sh test
	$(BIN)/ruff check desktop_crm tests benchmarks tools
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_JOBS)

# While working: the same checks without the tests marked slow (large
# databases, killed child processes, huge inputs); `make test` runs them all.
test-fast: $(STAMP)
	@bash tools/system-deps.sh test
	$(BIN)/ruff check desktop_crm tests benchmarks tools
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_JOBS) -m "not slow"

# every figure is appended here as a JSON line; benchmarks/summary.py prints
# them all as one table at the end (the README's "Speed" table)
BENCH_RESULTS ?= /tmp/desktop-crm-bench-results.jsonl

bench: export BENCH_RESULTS := $(BENCH_RESULTS)
bench: $(STAMP)
	@bash tools/system-deps.sh bench
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	rm -f $(BENCH_RESULTS)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/search.py --db $(BENCH_DB) $(BENCH_PG_ARGS)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/window.py --db $(BENCH_DB)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/card_open.py --db $(BENCH_DB) $(BENCH_PG_ARGS)
	$(BIN)/python benchmarks/agenda.py --db $(BENCH_DB) $(BENCH_PG_ARGS)
	$(BIN)/python benchmarks/kpi.py --db $(KPI_BENCH_DB) $(BENCH_PG_ARGS)
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/card_scan.py
	$(BIN)/python benchmarks/excel.py --db $(BENCH_DB) $(BENCH_PG_ARGS)
	$(BIN)/python benchmarks/summary.py $(BENCH_RESULTS)

# The one-folder bundle (build.spec): dist/desktop-crm/ with the windowed
# `desktop-crm` and the console `desktop-crm-cli`; work files in build/.
bundle: $(STAMP)
	$(BIN)/pyinstaller --noconfirm build.spec

# Linux: Desktop CRM in the application menu (a .desktop entry and the icon
# under ~/.local/share, or $XDG_DATA_HOME), starting this checkout's app.
install-desktop: $(STAMP)
	$(BIN)/python tools/desktop_menu.py install --exec $(abspath $(BIN))/desktop-crm

uninstall-desktop:
	$(PYTHON) tools/desktop_menu.py uninstall

clean-venv:
	rm -rf $(VENV)
