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

.PHONY: help venv system-packages run test test-pure test-unit test-integration bench lint clean sam checkov deploy publish-page destroy

help:
	@echo "Running Shopdesk on this machine (no AWS account):"
	@echo "  make run           start Shopdesk locally (moto as AWS, a local IMAP server, the agents' page)"
	@echo "  make demo          the same, filled with a believable shop in three languages"
	@echo "Testing (the tiers: README, Tests):"
	@echo "  make test          install what is needed and run every test (all tiers; what CI runs)"
	@echo "  make test-pure     the pure tier alone: tests/unit/pure, no AWS at all (seconds)"
	@echo "  make test-unit     the unit tests: the pure tier and the in-process moto tests"
	@echo "  make test-integration  the local stack, Chromium and Dovecot tests (tests/integration)"
	@echo "  make bench         run the benchmarks (counts and ratios, bench/)"
	@echo "  make lint          ruff, cfn-lint and checkov"
	@echo "Generated files (a test fails when they are stale):"
	@echo "  make openapi       docs/openapi/*.json from the APIs' routes"
	@echo "  make vocabulary    web/vocabulary.js from shopdesk.core.vocabulary (languages, statuses)"
	@echo "Deploying (docs/deploy.md):"
	@echo "  make deploy        build and deploy to AWS with the SAM CLI, then publish the agents' page"
	@echo "  make publish-page  only the agents' page: config.json, upload, CloudFront invalidation"
	@echo "  make destroy       delete the stack (keeps the table, the attachments bucket and the user pool)"
	@echo "Set-up:"
	@echo "  make venv          .venv with Python 3.13 and the pinned dependencies (run, demo and test do it)"
	@echo "  make system-packages  Debian's chromium and dovecot-imapd, which the integration tests drive"
	@echo "  make sam / make checkov  the SAM CLI's and checkov's own venvs (.venv-sam, .venv-checkov)"
	@echo "  make clean         remove .venv, .local and pytest's cache"

$(VENV)/.installed: requirements-dev.txt constraints.txt layers/common/requirements.txt
	@if [ -z "$(PYTHON313)" ]; then \
	  echo "Python 3.13 (the Lambda runtime) was not found: install it (e.g. 'pyenv install 3.13') or set PYTHON313=/path/to/python3.13."; \
	  exit 1; fi
	@test -x $(PY) || $(PYTHON313) -m venv $(VENV) || { echo "$(PYTHON313) could not create a virtual environment: on Debian or Ubuntu, apt-get install python3.13-venv"; exit 1; }
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

test: venv system-packages sam checkov
	$(PY) -m pytest

# The pure tier: no AWS, no moto (tests/unit/pure fails a test that creates an AWS client).
test-pure: venv
	$(PY) -m pytest tests/unit/pure

test-unit: venv
	$(PY) -m pytest tests/unit

# The local stack (marker stack), Chromium (browser), Dovecot and pymap.
test-integration: venv system-packages
	$(PY) -m pytest tests/integration

bench: venv sam
	$(PY) -m bench

lint: venv checkov
	$(VENV)/bin/ruff check .
	$(VENV)/bin/cfn-lint template.yaml
	BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov --file template.yaml --framework cloudformation --skip-download --quiet --compact

clean:
	rm -rf $(VENV) .local .pytest_cache

# --- Deploying (docs/deploy.md) -------------------------------------------------------
# The SAM CLI and checkov each get their own venv: their pins clash with requirements-dev.txt.
SAM_VENV := .venv-sam
CHECKOV_VENV := .venv-checkov
SAM := $(SAM_VENV)/bin/sam
# sam build's Python builder needs python3.13 on PATH (the Lambda runtime's version).
SAM_PATH := $(if $(PYTHON313),$(dir $(PYTHON313)):)$(PATH)

$(SAM_VENV)/.installed: ops/requirements-sam.txt
	@test -n "$(PYTHON313)" || { echo "Python 3.13 was not found (see make venv)"; exit 1; }
	@test -x $(SAM_VENV)/bin/python || $(PYTHON313) -m venv $(SAM_VENV) || { echo "$(PYTHON313) could not create a virtual environment: on Debian or Ubuntu, apt-get install python3.13-venv"; exit 1; }
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r ops/requirements-sam.txt
	@touch $@

$(CHECKOV_VENV)/.installed: ops/requirements-checkov.txt
	@test -n "$(PYTHON313)" || { echo "Python 3.13 was not found (see make venv)"; exit 1; }
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON313) -m venv $(CHECKOV_VENV) || { echo "$(PYTHON313) could not create a virtual environment: on Debian or Ubuntu, apt-get install python3.13-venv"; exit 1; }
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r ops/requirements-checkov.txt
	@touch $@

sam: $(SAM_VENV)/.installed

checkov: $(CHECKOV_VENV)/.installed

# sam build + sam deploy (guided the first time), then web/config.json from the stack's Outputs,
# the page uploaded to its bucket and CloudFront invalidated. SAM_DEPLOY_ARGS go to sam deploy.
deploy: sam
	PATH="$(SAM_PATH)" PYTHON313="$(PYTHON313)" $(SAM_VENV)/bin/python ops/deploy.py deploy $(SAM_DEPLOY_ARGS)

# Only the page: rewrite config.json, upload web/, invalidate CloudFront (no sam deploy).
publish-page: sam
	$(SAM_VENV)/bin/python ops/deploy.py publish-page

destroy: sam
	PATH="$(SAM_PATH)" $(SAM_VENV)/bin/python ops/deploy.py destroy

# --- Agents' API ------------------------------------------------------------------------
.PHONY: openapi vocabulary demo

# docs/openapi/{agents,public}.json generated from the apps' routes and request models (tests/test_openapi.py checks they are current).
openapi: venv
	$(PY) -m local.openapi

# web/vocabulary.js from layers/common/shopdesk/core/vocabulary.py (tests/unit/pure/test_vocabulary.py checks it).
vocabulary: venv
	$(PY) -m local.vocabulary

# The local stack filled with a believable shop (local/demo.py): `make demo` instead of `make run`.
demo: venv
	SHOPDESK_DEMO=1 $(PY) -m local.stack
