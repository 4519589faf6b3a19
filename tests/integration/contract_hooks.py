"""Schemathesis hooks of the contract run (test_api_contract.py), loaded through SCHEMATHESIS_HOOKS.

Tests only ever reach loopback: the local stack's timer syncs the configured mailbox every minute
and "Test connection" connects to it, so a generated PATCH /v1/settings may choose any IMAP
settings but the host, which is always this machine. A host that is not text, or too long to be
one, is left as generated: the API refuses it, which is what such a case checks."""

from __future__ import annotations

from typing import Any

import schemathesis

LOOPBACK = "127.0.0.1"
IMAP_TEXT_LIMIT = 255


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    body = case.body
    if case.method.upper() != "PATCH" or case.path != "/v1/settings" or not isinstance(body, dict):
        return
    imap = body.get("imap")
    if isinstance(imap, dict) and isinstance(imap.get("host"), str) and len(imap["host"]) <= IMAP_TEXT_LIMIT:
        imap["host"] = LOOPBACK
