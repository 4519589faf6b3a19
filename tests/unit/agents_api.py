"""Helpers for the agents' API tests: API Gateway v2 events through the real handler, and a seed."""

from __future__ import annotations

import json
from typing import Any

import threads_api_app
from shopdesk.admin import contacts
from shopdesk.store import threads

from local.gateway import LambdaContext, build_event

ADMIN = {"sub": "sub-admin", "email": "admin@shop.example", "cognito:groups": "[admin agent]"}
AGENT = {"sub": "sub-agent", "email": "agent@shop.example", "cognito:groups": "[agent]"}


def call(method: str, path: str, claims: dict[str, Any] | None = AGENT, body: Any = None, query: str = "") -> tuple[int, Any]:
    """The agents' handler, invoked as API Gateway would after its JWT authorizer."""
    raw = json.dumps(body).encode() if body is not None else b""
    headers = {"content-type": "application/json", "host": "api.local"}
    event = build_event(method, path, query, headers, raw, "203.0.113.9", claims)
    result = threads_api_app.handler(event, LambdaContext())
    text = result.get("body") or ""
    return int(result["statusCode"]), (json.loads(text) if text else None)


def customer_writes(text: str = "Where is my order?", email: str = "ann@example.com", contact_id: str = "customer-service", **extra: Any) -> threads.Stored:
    contact = contacts.get_contact(contact_id)
    fields = {"source": "form", "language": "en", "customer_name": "Ann Smith", **extra}
    return threads.store_customer_message(contact, threads.CustomerMessage(email=email, text=text, **fields))
