# The two commands of the README. Both create .venv and install the project into it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install

$(BIN)/catalog-sync: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(BIN)/catalog-sync

# Generate the sample lake, ingest it into the embedded catalog, show what it holds.
demo: install
	$(BIN)/catalog-sync sample lake sample-lake
	$(BIN)/catalog-sync ingest recipes/lake.yml
	$(BIN)/catalog-sync assets

# The whole test suite (starts what it needs: PostgreSQL if none runs, SeaweedFS S3, pgAdmin).
test: install
	$(BIN)/python -m pytest
