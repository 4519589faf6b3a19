"""The local sent-mail page: what moto's SES has sent (the stack runs moto in-process), as people
would read it. Subjects and names decoded from their MIME encoded-words, bodies in their own
charset, each recipient once (moto records SES's Destinations and the To/Cc headers both), and
the Reply-To a customer's mail program would answer to.
"""

from __future__ import annotations

import email
import html
import threading
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import getaddresses
from typing import Any

# What the local submission server (local/smtp_submission.py) accepted from connected accounts.
submitted: list[dict[str, Any]] = []
_submitted_lock = threading.Lock()


def sent_messages(account_id: str = "123456789012") -> list[dict[str, Any]]:
    from moto.ses.models import ses_backends

    found: list[dict[str, Any]] = []
    for backend in ses_backends[account_id].values():
        for item in backend.sent_messages:
            found.append(describe(item))
    with _submitted_lock:
        return found + list(submitted)


def record_submission(raw: bytes, account: str, recipients: list[str]) -> dict[str, Any]:
    """A mail a connected account sent by SMTP (authenticated as `account` by XOAUTH2)."""
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    with _submitted_lock:
        entry = {**_fields(parsed, f"smtp-{len(submitted) + 1}", account, recipients, raw.decode("utf-8", "surrogateescape")), "via": "smtp", "account": account}
        submitted.append(entry)
    return entry


def describe(item: Any) -> dict[str, Any]:
    """One sent mail as the page and `/_local/sent-mail.json` show it."""
    raw = getattr(item, "raw_data", None)
    if raw is None:  # SendEmail (not raw): moto keeps its fields as given
        destinations = getattr(item, "destinations", {}) or {}
        to = destinations.get("ToAddresses", []) if isinstance(destinations, dict) else list(destinations)
        return {
            "id": getattr(item, "id", ""), "source": item.source, "from": item.source, "to": unique_recipients(to), "reply_to": [],
            "subject": getattr(item, "subject", ""), "body": getattr(item, "body", ""), "attachments": [], "raw": None,
        }
    # moto stored the bytes SES received decoded as UTF-8: back to those bytes, so each part is
    # decoded from its own charset and transfer encoding rather than guessed from a str.
    parsed = email.message_from_bytes(raw.encode("utf-8", "surrogateescape"), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return {**_fields(parsed, item.id, item.source, list(item.destinations), raw), "via": "ses"}


def _fields(parsed: EmailMessage, message_id: str, source: str, destinations: list[str], raw: str) -> dict[str, Any]:
    part = parsed.get_body(preferencelist=("plain", "html"))
    return {
        "id": message_id,
        "source": source,
        "from": str(parsed.get("From", "") or source),
        "to": unique_recipients([*destinations, *(str(value) for value in parsed.get_all("To", []) + parsed.get_all("Cc", []))]),
        "reply_to": unique_recipients(str(value) for value in parsed.get_all("Reply-To", [])),
        "subject": str(parsed.get("Subject", "")),
        "body": _text(part),
        "attachments": [attachment.get_filename() or "(unnamed)" for attachment in parsed.iter_attachments()],
        "raw": raw,
    }


def unique_recipients(values: Any) -> list[str]:
    """Each address once, in first-seen order, with the display name it first came with."""
    seen: dict[str, str] = {}
    for name, address in getaddresses([str(value) for value in values]):
        if address and address.lower() not in seen:
            seen[address.lower()] = f"{_decoded(name)} <{address}>" if name else address
    return list(seen.values())


def _decoded(name: str) -> str:
    """A display name as written, from its MIME encoded-words (=?utf-8?q?…?=) if it has any."""
    try:
        return str(make_header(decode_header(name)))
    except (LookupError, UnicodeDecodeError, HeaderParseError):
        return name


def _text(part: Any) -> str:
    if part is None:
        return ""
    try:
        return str(part.get_content())
    except (LookupError, UnicodeDecodeError):  # an unknown charset: show what can be read
        return part.get_payload(decode=True).decode("utf-8", "replace")


def page(messages: list[dict[str, Any]]) -> bytes:
    """The HTML page, newest first; every value is escaped text."""
    def row(message: dict[str, Any]) -> str:
        fields = [("From", message.get("from") or message.get("source", "")), ("To", ", ".join(message.get("to", [])))]
        if message.get("via") == "smtp":
            fields.append(("Sent by", f"SMTP, XOAUTH2 as {message.get('account', '')}"))
        if message.get("reply_to"):
            fields.append(("Reply-To", ", ".join(message["reply_to"])))
        if message.get("attachments"):
            fields.append(("Attachments", ", ".join(message["attachments"])))
        details = "".join(f"<dt>{name}</dt><dd>{html.escape(value)}</dd>" for name, value in fields)
        return (
            f"<article><h2>{html.escape(message.get('subject') or '(no subject)')}</h2>"
            f"<dl>{details}</dl><pre>{html.escape(message.get('body', ''))}</pre></article>"
        )

    rows = "".join(row(message) for message in reversed(messages))
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Sent mail - Shopdesk local</title>"
        "<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem;max-width:60rem}article{border-top:1px solid #ccc;padding:.5rem 0}"
        "dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:0}dt{font-weight:600}dd{margin:0}"
        "pre{white-space:pre-wrap;background:#f6f6f6;padding:.75rem}</style>"
        f"<h1>Mail sent through SES and connected accounts ({len(messages)})</h1>{rows or '<p>No mail sent yet.</p>'}"
    ).encode()
