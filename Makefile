# The two commands a newcomer needs: `make run` and `make test`. Each sets up what it needs.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-postgres lint lock format bench chromium messages clean

# The runtime libraries at the versions of constraints.txt (`make lock` updates them).
$(BIN)/patron: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(VENV)/.test-installed: $(BIN)/patron
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

# Re-resolve the runtime libraries in a new virtualenv and pin them in constraints.txt.
lock:
	@set -e; scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	$(PYTHON) -m venv "$$scratch/venv"; \
	"$$scratch/venv/bin/pip" install -q -e .; \
	{ sed -n '/^#/p' constraints.txt; "$$scratch/venv/bin/pip" freeze --exclude-editable; } \
		> "$$scratch/constraints.txt"; \
	mv "$$scratch/constraints.txt" constraints.txt
	@echo "constraints.txt is updated: look at what changed, run make test, then commit it."

run: $(BIN)/patron
	$(BIN)/patron serve

# Debian's Chromium drives the browser tests; Playwright never downloads a browser.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests…"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

test: $(VENV)/.test-installed chromium
	$(BIN)/pytest

# Needs a PostgreSQL server; .ci/run starts Debian's and sets DATABASE_URL.
test-postgres: $(VENV)/.test-installed chromium
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL to a PostgreSQL database (see .ci/run)."; exit 2; }
	$(BIN)/pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# Every model change has its migration (checked on a throwaway SQLite database).
	@d=$$(mktemp -d); PATRON_DATA_DIR=$$d DATABASE_URL= $(BIN)/patron makemigrations --check --dry-run; \
		rc=$$?; rm -rf $$d; exit $$rc

format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Recompile the French catalogue after editing patron/locale/fr/LC_MESSAGES/django.po.
messages: $(BIN)/patron
	cd patron && PATRON_DATA_DIR=$$(mktemp -d) ../$(BIN)/patron makemessages -l fr --no-obsolete --add-location file
	cd patron && PATRON_DATA_DIR=$$(mktemp -d) ../$(BIN)/patron compilemessages -l fr

clean:
	rm -rf $(VENV) test-artifacts
