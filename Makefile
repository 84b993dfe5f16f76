# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export INTERVENE_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/intervene.db
# Without Notify or SMTP configured, reminder emails are written here (`make run` prints it).
export INTERVENE_OUTBOX_DIR ?= $(CURDIR)/instance/outbox

.PHONY: run test install assets lint bench clean demo

$(BIN)/intervene: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/intervene

install: $(BIN)/intervene

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

web/static/dist/.built: node_modules/.package-lock.json web/assets/build.mjs $(wildcard web/assets/*.js web/assets/*.scss)
	node web/assets/build.mjs
	touch web/static/dist/.built

assets: web/static/dist/.built

run: install assets
	mkdir -p instance
	$(BIN)/intervene db upgrade
	$(BIN)/intervene demo load
	$(BIN)/intervene serve --host 127.0.0.1 --port 5000

test: install assets
	$(BIN)/ruff check engine workflows web tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy engine workflows
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) node_modules web/static/dist instance
