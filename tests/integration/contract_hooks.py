"""Schemathesis hooks of the contract run (test_api_contract.py), loaded through SCHEMATHESIS_HOOKS.

Tests only ever reach loopback: the local stack's timer syncs the configured mailbox every minute
and "Test connection" connects to it, so a generated PATCH /v1/settings may choose any IMAP
settings but the host, which is always this machine (the same for a mailbox added or changed). A host that is not text, or too long to be
one, is left as generated: the API refuses it, which is what such a case checks."""

from __future__ import annotations

from typing import Any

import schemathesis

LOOPBACK = "127.0.0.1"
IMAP_TEXT_LIMIT = 255


def _pin_host(fields: Any) -> None:
    if isinstance(fields, dict) and isinstance(fields.get("host"), str) and len(fields["host"]) <= IMAP_TEXT_LIMIT:
        fields["host"] = LOOPBACK


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    body = case.body
    if not isinstance(body, dict):
        return
    method = case.method.upper()
    if method == "PATCH" and case.path == "/v1/settings":
        _pin_host(body.get("imap"))
    # A mailbox, too: with its "private network" option a generated private address would be
    # allowed, and the sync and "Test" would connect to it.
    elif (method == "POST" and case.path == "/v1/mailboxes") or (method == "PATCH" and case.path == "/v1/mailboxes/{mailbox_id}"):
        _pin_host(body)
