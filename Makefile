# Shopdesk: `make run` brings the product up locally, `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# The Lambda runtime's Python: python3.13 on PATH, else the newest 3.13 that pyenv holds.
PYTHON313 ?= $(shell for p in $$(command -v python3.13 2>/dev/null) $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13 2>/dev/null | sort -V -r); do \
  "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 13)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
# Debian packages the tests drive for real: Chromium for the agents' page, Dovecot for mail sync.
SYSTEM_PACKAGES := chromium dovecot-imapd
SYSTEM_BINARIES := /usr/bin/chromium /usr/sbin/dovecot

.PHONY: help venv system-packages run test test-unit bench lint clean

help:
	@echo "make run     start Shopdesk locally (moto as AWS, a local IMAP server, the agents' page)"
	@echo "make test    install what is needed and run every test"
	@echo "make bench   run the benchmarks"
	@echo "make lint    ruff and cfn-lint"

$(VENV)/.installed: requirements-dev.txt constraints.txt layers/common/requirements.txt
	@if [ -z "$(PYTHON313)" ]; then \
	  echo "Python 3.13 (the Lambda runtime) was not found: install it (e.g. 'pyenv install 3.13') or set PYTHON313=/path/to/python3.13."; \
	  exit 1; fi
	@test -x $(PY) || $(PYTHON313) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch $@

venv: $(VENV)/.installed

system-packages:
	@missing=""; for b in $(SYSTEM_BINARIES); do [ -x $$b ] || missing=1; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing $(SYSTEM_PACKAGES) from Debian's packages…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	  else \
	    echo "The tests need Debian's $(SYSTEM_PACKAGES): run 'sudo apt-get install $(SYSTEM_PACKAGES)' and try again."; \
	    exit 1; \
	  fi; \
	fi

run: venv
	$(PY) -m local.stack

test: venv system-packages
	$(PY) -m pytest

test-unit: venv
	$(PY) -m pytest tests/unit

bench: venv
	$(PY) -m bench

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/cfn-lint template.yaml

clean:
	rm -rf $(VENV) .local .pytest_cache
