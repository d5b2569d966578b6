# Two commands on a fresh machine: `make demo` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo.db
SEEDS ?= ../shared/data/seeds

.PHONY: install demo test lint install-check bench serve clean browser

$(BIN)/storyline: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/storyline

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/storyline --db $(DEMO_DB) ingest $(SEEDS)
	$(BIN)/storyline --db $(DEMO_DB) stories
	for id in $$($(BIN)/storyline --db $(DEMO_DB) stories --format json | $(BIN)/python -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)))'); do \
		$(BIN)/storyline --db $(DEMO_DB) show $$id; done

# The browser tests drive Debian's chromium through Playwright (never `playwright install`);
# without its recommends (systemd, avahi, samba libraries: ~100 packages a headless browser never uses).
browser:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y --no-install-recommends chromium)

# `make test SLOW=1` also runs the tests marked slow (the Dask equality test); CI sets it.
test: install browser
	$(BIN)/python -m pytest $(if $(SLOW),,-m "not slow")

lint: install
	$(BIN)/ruff check storyline
	$(BIN)/mypy
	$(BIN)/lint-imports

# What a user of `pip install storyline` gets: no extras, a fresh venv, the seeds demo through it.
install-check:
	PYTHON=$(PYTHON) .ci/install-check $(SEEDS)

serve: install
	$(BIN)/storyline --db $(DEMO_DB) serve

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache
