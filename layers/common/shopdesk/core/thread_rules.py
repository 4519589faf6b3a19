"""The rules of a thread that need no storage: its statuses and their transitions, the preview of a
message, the thread's secret token and the table's timestamps.

They live below `store` because the thread transactions apply them while they write; the
`threads` room and the views use the same functions, so a status or a preview means one thing."""

from __future__ import annotations

import hmac
import secrets
from datetime import UTC, datetime

from shopdesk.core import vocabulary

# open: waits for the team; closed: handled; pending1/2: waiting on something outside the desk.
STATUSES = vocabulary.STATUSES
PREVIEW_LENGTH = 160


def is_status(value: object) -> bool:
    return isinstance(value, str) and value in STATUSES


def leaves_open(old: str | None, new: str | None) -> bool:
    """A change that takes a thread out of its box's open threads (closed, pending or deleted)."""
    return old == "open" and new != "open"


def now_iso(moment: datetime | None = None) -> str:
    """Sortable UTC timestamps: every date in the table is one of these."""
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def new_token() -> str:
    """96 random bits, URL-safe: the thread's secret shared only with its customer."""
    return secrets.token_urlsafe(12)


def same_token(expected: str, given: str | None) -> bool:
    """Compared in constant time, so a guess learns nothing from how long the answer took."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


def preview_of(text: str) -> str:
    """One line of at most PREVIEW_LENGTH characters: what the list and the history show."""
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1] + "…"
