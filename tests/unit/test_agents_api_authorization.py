"""Every route of the agents' API needs a signed-in team member; admin routes need the admin
group. Each route declares it once (`@agent_only` / `@admin_only`); driven through the handler with
API Gateway v2 events, for every route the app has."""

from __future__ import annotations

import re
from typing import Any

import pytest
import threads_api_app
from agents_api import ADMIN, AGENT, call
from shopdesk.api.auth import access_of

TABLE = threads_api_app.app._static_routes + threads_api_app.app._dynamic_routes
# What each route declared: the guard checks it, the OpenAPI document tags it.
ACCESS = {(r.method, re.sub(r"<(\w+)>", r"{\1}", r.path)): access_of(r.func) for r in TABLE}
ADMIN_ONLY = {route for route, access in ACCESS.items() if access == "admin"}
# The one route without a caller: the OAuth2 provider sends the admin's browser back to it, and it
# accepts only a state this stack signed (tests/unit/test_mailbox_oauth.py).
SIGNED_STATE = {route for route, access in ACCESS.items() if access == "signed_state"}


def routes() -> list[tuple[str, str]]:
    return sorted(set(ACCESS) - SIGNED_STATE)


def test_every_route_declares_who_may_call_it() -> None:
    assert {route for route, access in ACCESS.items() if access not in ("agent", "admin", "signed_state")} == set()
    assert SIGNED_STATE == {("GET", "/v1/mailboxes/oauth2/callback")}
    assert ("PATCH", "/v1/settings") in ADMIN_ONLY and ("GET", "/v1/threads") not in ADMIN_ONLY


def test_a_route_that_declares_nothing_lets_no_one_in() -> None:
    from aws_lambda_powertools.event_handler.api_gateway import Router
    from shopdesk.api.http import make_resolver

    from local.gateway import LambdaContext, build_event

    app = make_resolver(guarded=True)
    router = Router()

    @router.get("/v1/forgotten")
    def forgotten() -> dict[str, bool]:
        return {"reached": True}

    app.include_router(router)
    event = build_event("GET", "/v1/forgotten", "", {"host": "api.local"}, b"", "203.0.113.9", ADMIN)
    assert app.resolve(event, LambdaContext())["statusCode"] == 403


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


@pytest.mark.parametrize("claims", [None, AGENT, ADMIN])
def test_the_oauth2_callback_lets_no_one_in_without_its_own_state(aws: Any, claims: Any) -> None:
    status, body = call("GET", "/v1/mailboxes/oauth2/callback", claims=claims, query="code=x&state=forged.1.sig")
    assert status == 403 and body["error"]["code"] == "oauth2_state_refused"
