# The two commands of the README. Both create .venv and install the project into it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install browser

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

# Debian's Chromium for the web page's browser test (Playwright never downloads a browser).
# Installed with apt when missing, as root or through sudo; else tests/web/test_browser.py fails
# saying how to install it.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq chromium; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && \
	    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium missing and no root: apt-get install -y chromium" >&2; fi; }

# The whole test suite (starts what it needs: PostgreSQL if none runs, SeaweedFS S3, pgAdmin,
# Chromium for the browser test).
test: install browser
	$(BIN)/python -m pytest
