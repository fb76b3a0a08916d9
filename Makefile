# Bridgeway: `make demo` runs the demo program; `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
DEMO_SEED ?= 1
export DJANGO_SETTINGS_MODULE ?= bridgeway.settings.dev

.PHONY: demo serve test lint typecheck security security-deps test-sqlite test-postgres test-browser check-services bench clean

$(BIN)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

demo: $(BIN)/.installed
	@mkdir -p var
	$(BIN)/bridgeway migrate --noinput -v 0
	$(BIN)/bridgeway demo-data --seed $(DEMO_SEED) --if-empty
	$(BIN)/bridgeway demo-logins
	$(BIN)/bridgeway runserver 127.0.0.1:8000

serve: $(BIN)/.installed
	$(BIN)/bridgeway runserver 127.0.0.1:8000

lint: $(BIN)/.installed
	$(BIN)/ruff check .

typecheck: $(BIN)/.installed
	$(BIN)/mypy

# bandit over bridgeway/: 0 findings, every `# nosec B### — why` explained (scripts/security.py).
security: $(BIN)/.installed
	$(BIN)/python scripts/security.py bandit

# Pinned dependencies against the vendored OSV advisories (security/advisories.json, PyPA
# advisory database, dated by its commit); fails on a known vulnerability, on any pin it cannot
# evaluate, and on data older than 30 days — never a silent "no known vulnerabilities".
# STALE DATA ACKNOWLEDGED: the only data reachable from this network is the PyPA database of
# 2024-10-10, so the age limit is waived until the date below (at most 92 days ahead; the check
# refuses more). Every run prints the age. When it expires, `make test` fails: refresh the data
# (docs/operations.md, "Supply-chain checks") or renew this date in a reviewed commit. See
# docs/decisions/0021-osv-dependency-check-and-staleness.md.
ADVISORIES_STALE_ACCEPTED_UNTIL = 2027-02-28
security-deps: $(BIN)/.installed
	$(BIN)/python scripts/security.py deps --accept-stale-until $(ADVISORIES_STALE_ACCEPTED_UNTIL)

check-services: $(BIN)/.installed
	$(BIN)/python scripts/check_services.py "$(TEST_DATABASE_URL)"

# Unit and page tests on SQLite (in memory), in two processes.
test-sqlite: $(BIN)/.installed
	DJANGO_SETTINGS_MODULE=bridgeway.settings.test $(BIN)/pytest -q -n 2 -m "not browser and not postgres"

# The same suite plus the PostgreSQL-only tests (row locks, concurrency) on PostgreSQL.
# The consent properties run their 500 examples per surface in test-sqlite; here they run the
# shorter `dev` profile (60), enough to show the same rules hold on PostgreSQL, and the tests
# that never touch the database (static checks, pure statistics) are not run a second time
# (tests/conftest.py); CI stays under 20 minutes.
test-postgres: $(BIN)/.installed
	HYPOTHESIS_PROFILE=dev BRIDGEWAY_TESTS_DATABASE_ONLY=1 DJANGO_SETTINGS_MODULE=bridgeway.settings.test DATABASE_URL="$(TEST_DATABASE_URL)" \
		$(BIN)/pytest -q -n 2 -m "not browser" --create-db

# Playwright driving Debian's Chromium against a live server. Two processes: in one, the
# server (Python) and the browser (axe, layout) mostly wait for each other, so a second one
# fills the idle core; each has its own database, live server and browser.
test-browser: $(BIN)/.installed
	DJANGO_SETTINGS_MODULE=bridgeway.settings.test DJANGO_ALLOW_ASYNC_UNSAFE=1 \
		$(BIN)/pytest -q -m browser -n 2

test: check-services lint typecheck security security-deps test-sqlite test-postgres test-browser

bench: $(BIN)/.installed
	@echo "See bench/README.md: each benchmark is run on its own, e.g. $(BIN)/python bench/matching.py"

clean:
	rm -rf $(VENV) var

# French catalogue (docs/translation.md): collect new strings into bridgeway/locale/fr (needs GNU
# gettext), translate them, then compile. Commit both django.po and django.mo.
.PHONY: messages
messages: $(BIN)/.installed
	cd bridgeway && ../$(BIN)/python -m django makemessages -l fr --no-obsolete --add-location=file \
		--ignore='*/migrations/*' --ignore=static
	cd bridgeway && ../$(BIN)/python -m django compilemessages -l fr
