# The README's two commands: `make run` and `make test`. Both create .venv and install on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test db lint format venv setup demo clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# Zero-setup portal: PostgreSQL, in-process tasks, demo data; see README. Without DATABASE_URL the
# development server in .pgdata/ (utilities/devdb.py) is started for these commands and stopped after them
# (Ctrl-C); a second `make run` meanwhile says so and exits.
run: export DJANGO_DEBUG ?= true
run: $(STAMP)
	$(BIN)/python -m utilities.devdb run --exclusive -- \
		$(BIN)/python manage.py migrate --noinput ';;' \
		$(BIN)/python manage.py setup_demo --url http://$(HOST):$(PORT)/ ';;' \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Without DATABASE_URL the suite starts the development server itself (tests/conftest.py).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Start the development server, run CMD against it (DATABASE_URL set), stop: make db CMD="manage.py shell"
db: export DJANGO_DEBUG ?= true
db: $(STAMP)
	$(BIN)/python -m utilities.devdb run -- $(BIN)/python $(CMD)

# Then the apps' layers (pyproject.toml [tool.importlinter]); --no-cache leaves no cache folder behind.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles
	@echo "The development database stays in .pgdata/ (remove it yourself to start over)."
