"""Calls the two API handlers with API Gateway HTTP API (v2) events, as the gateway and AWS send them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import contact_form_app
import threads_api_app

from local.gateway import LambdaContext, build_event

# The claims API Gateway's JWT authorizer passes on for a Cognito ID token (lists arrive as "[a b]").
ADMIN = {"sub": "admin-sub", "email": "admin@shop.example", "cognito:groups": "[admin]", "token_use": "id"}
AGENT = {"sub": "agent-sub", "email": "agent@shop.example", "cognito:groups": "[agent]", "token_use": "id"}
NO_GROUP = {"sub": "stranger-sub", "email": "someone@shop.example", "token_use": "id"}


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def error_code(self) -> str:
        return self.body["error"]["code"]

    @property
    def field_errors(self) -> dict[str, str]:
        """{field: code} of a validation answer."""
        return {e["field"]: e["code"] for e in self.body["error"].get("fields", [])}


def _call(handler: Any, method: str, path: str, query: str, body: Any, claims: dict[str, Any] | None, headers: dict[str, str] | None) -> Answer:
    raw = b"" if body is None else body.encode() if isinstance(body, str) else json.dumps(body).encode()
    all_headers = {"host": "api.test", "user-agent": "pytest", **({"content-type": "application/json"} if raw else {}), **(headers or {})}
    event = build_event(method, path, query, all_headers, raw, "203.0.113.9", claims)
    result = handler(event, LambdaContext())
    text = result.get("body") or ""
    return Answer(int(result["statusCode"]), result.get("headers") or {}, json.loads(text) if text else None)


def agents_api(
    method: str, path: str, body: Any = None, claims: dict[str, Any] | None = None, query: str = "", headers: dict[str, str] | None = None
) -> Answer:
    """The agents' API, as its Lambda sees a request the JWT authorizer let through with `claims`."""
    return _call(threads_api_app.handler, method, path, query, body, claims, headers)


def public_api(method: str, path: str, body: Any = None, query: str = "", headers: dict[str, str] | None = None) -> Answer:
    """The storefront API (no authorizer)."""
    return _call(contact_form_app.handler, method, path, query, body, None, headers)
