"""Reads what moto's SES has sent (the stack runs moto in-process), for the sent-mail page."""

from __future__ import annotations

import email
from email import policy
from typing import Any


def sent_messages(account_id: str = "123456789012") -> list[dict[str, Any]]:
    from moto.ses.models import ses_backends

    found: list[dict[str, Any]] = []
    for region_backends in [ses_backends[account_id]]:
        for backend in region_backends.values():
            for item in backend.sent_messages:
                found.append(_describe(item))
    return found


def _describe(item: Any) -> dict[str, Any]:
    raw = getattr(item, "raw_data", None)
    if raw is not None:
        parsed = email.message_from_string(raw, policy=policy.default)
        part = parsed.get_body(preferencelist=("plain", "html"))
        return {
            "id": item.id,
            "source": item.source,
            "to": list(item.destinations),
            "subject": str(parsed.get("Subject", "")),
            "body": part.get_content() if part is not None else "",
            "raw": raw,
        }
    destinations = getattr(item, "destinations", {}) or {}
    to = destinations.get("ToAddresses", []) if isinstance(destinations, dict) else list(destinations)
    return {
        "id": getattr(item, "id", ""),
        "source": item.source,
        "to": to,
        "subject": getattr(item, "subject", ""),
        "body": getattr(item, "body", ""),
        "raw": None,
    }
