"""The local stack as `make run` starts it, in a subprocess on free ports, shared by a test session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

# One Chromium for the whole session, shared by every page test module (two session fixtures of
# the same name, one per module, would start Playwright twice in one process).
from tests.integration.browser import chromium_fixture, open_page_fixture  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test here says what it starts: `integration`, plus `stack` when it uses the local stack,
    `browser` when it drives Chromium, `mail_server` when it talks to Dovecot or pymap directly."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.integration)
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & {"stack", "demo"}:
            item.add_marker(pytest.mark.stack)
        if fixtures & {"chromium", "open_page"}:
            item.add_marker(pytest.mark.browser)
        if fixtures & {"dovecot", "pymap", "shop"} and "mail_servers" in vars(getattr(item, "module", None) or object()):
            item.add_marker(pytest.mark.mail_server)


@contextmanager
def running_stack(state_dir: Path, ready: Callable[[Path], bool], seconds: float, **environment: str) -> Iterator[dict[str, Any]]:
    """`python -m local.stack` (what `make run` runs) on free ports, until `ready(state_dir)`; its stack.json."""
    env = dict(os.environ, SHOPDESK_STATE_DIR=str(state_dir), SHOPDESK_PORT="0", SHOPDESK_MOTO_PORT="0", SHOPDESK_IMAP_PORT="0", SHOPDESK_SMTP_PORT="0", SHOPDESK_SUBMISSION_PORT="0", SHOPDESK_OAUTH2_PORT="0", **environment)
    log = (state_dir / "stack.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "local.stack"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + seconds
        while not ready(state_dir):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the local stack did not start:\n" + (state_dir / "stack.log").read_text())
            time.sleep(0.2)
        state = json.loads((state_dir / "stack.json").read_text())
        state["state_dir"] = str(state_dir)
        yield state
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The local stack as `make run` starts it, shared by the test session."""
    with running_stack(tmp_path_factory.mktemp("stack"), lambda state_dir: (state_dir / "stack.json").exists(), 60) as state:
        yield state


def sign_in(stack: dict[str, Any], role: str) -> str:
    """An ID token for a demo login, obtained from Cognito (moto) as the page does."""
    login = stack["logins"][role]
    resources = stack["resources"]
    answer = requests.post(
        resources["endpoint"] + "/",
        headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth", "Content-Type": "application/x-amz-json-1.1"},
        data=json.dumps(
            {
                "AuthFlow": "USER_PASSWORD_AUTH",
                "ClientId": resources["user_pool_client_id"],
                "AuthParameters": {"USERNAME": login["username"], "PASSWORD": login["password"]},
            }
        ),
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["AuthenticationResult"]["IdToken"]


@pytest.fixture(scope="session")
def admin_token(stack: dict[str, Any]) -> str:
    return sign_in(stack, "admin")


@pytest.fixture(scope="session")
def agent_token(stack: dict[str, Any]) -> str:
    return sign_in(stack, "agent")
