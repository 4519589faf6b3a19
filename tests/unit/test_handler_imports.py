"""What each handler imports on a cold start, pinned without a clock (bench/cold_start.py measures
the time): pydantic only where there are typed requests, the rare admin-only modules on first use,
nothing from Powertools that serves a browser."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = {"threads_api_app": "functions/threads_api", "contact_form_app": "functions/contact_form", "imap_sync_app": "functions/imap_sync"}


def imported_by(module: str) -> set[str]:
    """The modules a fresh interpreter holds after importing the handler module (as Lambda does)."""
    path = os.pathsep.join([str(ROOT / "layers/common"), str(ROOT / HANDLERS[module])])
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": path, "AWS_DEFAULT_REGION": "eu-west-1"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=120)
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.fixture(scope="module")
def modules() -> dict[str, set[str]]:
    return {module: imported_by(module) for module in HANDLERS}


def test_the_mail_sync_does_not_pay_for_pydantic_or_the_http_resolver(modules: dict[str, set[str]]) -> None:
    sync = modules["imap_sync_app"]
    assert not {m for m in sync if m.split(".")[0] in ("pydantic", "pydantic_core")}
    assert not {m for m in sync if m.startswith("aws_lambda_powertools.event_handler")}
    assert "shopdesk.admin.requests" not in sync


def test_the_apis_validate_with_pydantic(modules: dict[str, set[str]]) -> None:
    for api in ("threads_api_app", "contact_form_app"):
        assert "pydantic" in modules[api] and "aws_lambda_powertools.event_handler.middlewares.openapi_validation" in modules[api]


def test_rare_admin_work_is_imported_on_first_use(modules: dict[str, set[str]]) -> None:
    for api in ("threads_api_app", "contact_form_app"):
        assert "shopdesk.admin.privacy" not in modules[api]


def test_no_handler_imports_what_serves_a_browser_or_builds_documents(modules: dict[str, set[str]]) -> None:
    for imported in modules.values():
        assert not {m for m in imported if "swagger_ui" in m}
        assert "local.openapi" not in imported
