"""Blocked senders (PK=BLOCKED, SK=<e-mail or @domain>): refused by the form and by mail sync."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import DeleteError

from shopdesk.store.conditions import condition_failed
from shopdesk.store.models import BlockedSender, ShopdeskItem


def blocked_keys(email: str) -> list[tuple[str, str]]:
    """The two items that would block this address: itself and its domain."""
    domain = email.rpartition("@")[2].lower()
    return [BlockedSender.key(email), BlockedSender.key(f"@{domain}")]


def any_blocked(found: list[ShopdeskItem]) -> bool:
    """Whether a batched read (that asked for `blocked_keys`) found one of them."""
    return any(isinstance(item, BlockedSender) for item in found)


def is_blocked(email: str) -> bool:
    """For callers that have not batched the read: one BatchGetItem of address and domain."""
    return any_blocked(list(BlockedSender.batch_get(blocked_keys(email))))


def list_blocked() -> list[BlockedSender]:
    """One Query on PK=BLOCKED."""
    return list(BlockedSender.query("BLOCKED"))


def add_blocked(value: str, by: str | None) -> BlockedSender:
    item = BlockedSender(*BlockedSender.key(value), value=value, created_at=datetime.now(UTC).isoformat(), created_by=by)
    item.save()
    return item


def remove_blocked(value: str) -> bool:
    """Deletes the entry; False when there was none."""
    try:
        BlockedSender(*BlockedSender.key(value)).delete(condition=BlockedSender.pk.exists())
    except DeleteError as error:
        if condition_failed(error):
            return False
        raise
    return True
