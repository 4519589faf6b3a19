"""Every route of the agents' API needs a signed-in team member; admin routes need the admin
group. Driven through the handler with API Gateway v2 events, for every route the app has."""

from __future__ import annotations

import re
from typing import Any

import pytest
import threads_api_app
from agents_api import ADMIN, AGENT, call
from threads_api_openapi import ROUTE_DOCS

# The admin flags of the routes' OpenAPI descriptions: the document and the code must agree.
ADMIN_ONLY = {tuple(key.split(" ", 1)) for key, doc in ROUTE_DOCS.items() if doc.get("admin")}


def routes() -> list[tuple[str, str]]:
    table = threads_api_app.app._static_routes + threads_api_app.app._dynamic_routes
    return sorted({(r.method, re.sub(r"<(\w+)>", r"{\1}", r.path)) for r in table})


def concrete(path: str) -> str:
    return path.replace("{number}", "1").replace("{message_id}", "abc").replace("{index}", "0").replace("{contact_id}", "webmaster").replace(
        "{value}", "x@example.com"
    )


@pytest.mark.parametrize(("method", "path"), routes())
def test_no_token_is_401(aws: Any, method: str, path: str) -> None:
    status, body = call(method, concrete(path), claims=None, body={})
    assert status == 401 and body["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(("method", "path"), routes())
def test_a_token_outside_the_team_is_403(aws: Any, method: str, path: str) -> None:
    stranger = {"sub": "sub-x", "email": "x@example.com", "cognito:groups": "[]"}
    status, body = call(method, concrete(path), claims=stranger, body={})
    assert status == 403 and body["error"]["code"] == "not_an_agent"


@pytest.mark.parametrize(("method", "path"), sorted(r for r in routes() if r in ADMIN_ONLY))
def test_an_agent_on_an_admin_route_is_403(aws: Any, method: str, path: str) -> None:
    status, body = call(method, concrete(path), claims=AGENT, body={})
    assert status == 403 and body["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("method", "path"), sorted(r for r in routes() if r in ADMIN_ONLY))
def test_an_admin_passes_the_admin_check(aws: Any, method: str, path: str) -> None:
    status, _ = call(method, concrete(path), claims=ADMIN, body={})
    assert status not in (401, 403)


@pytest.mark.parametrize(("method", "path"), sorted(r for r in routes() if r not in ADMIN_ONLY))
def test_an_agent_passes_on_team_routes(aws: Any, method: str, path: str) -> None:
    status, _ = call(method, concrete(path), claims=AGENT, body={})
    assert status not in (401, 403)
