# make demo — set everything up and run the product on its embedded defaults
# make test — set everything up and run every test (ruff, then pytest on SQLite, then the web tests on PostgreSQL)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
ASSETS := src/clearsight/web/assets
ASSETS_STAMP := $(ASSETS)/.built
# The PostgreSQL server the web tests also run against (trust auth on loopback).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/clearsight

.PHONY: demo test lint bench clean chromium assets

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Front-end packages from the npm registry (GOV.UK Frontend, Sass, axe-core), never committed.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

# GOV.UK Frontend built with the council's look (no crown, no GDS Transport font).
$(ASSETS_STAMP): $(NODE_STAMP) src/clearsight/web/styles/clearsight.scss
	rm -rf $(ASSETS) && mkdir -p $(ASSETS)/govuk
	node_modules/.bin/sass --load-path=node_modules/govuk-frontend/dist --style=compressed --no-source-map \
		--quiet src/clearsight/web/styles/clearsight.scss $(ASSETS)/clearsight.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(ASSETS)/govuk/
	touch $(ASSETS_STAMP)

assets: $(ASSETS_STAMP)

# Debian's Chromium for the browser tests, installed when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null; }; }

demo: $(STAMP) $(ASSETS_STAMP)
	$(BIN)/clearsight demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

test: lint $(ASSETS_STAMP) chromium
	$(BIN)/pytest
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -q tests/web -m "not browser" -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python benchmarks/synth_publish.py

clean:
	rm -rf $(VENV) clearsight-data .pytest_cache node_modules $(ASSETS)
