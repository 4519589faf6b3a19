"""What an export or an erasure reads and deletes besides the threads (docs/data-model.md,
patterns 45–50): every read is a Query or a BatchGetItem on a key of the address, never a Scan."""

from __future__ import annotations

from collections.abc import Iterable

from shopdesk.store.keys import email_list
from shopdesk.store.models import (
    BlockedSender,
    Customer,
    CustomerIdAlias,
    OpenThreadClaim,
    Order,
    OrderRef,
    RateWindow,
    ShopdeskItem,
    Thread,
)


def threads_of(email: str) -> list[Thread]:
    """The address's thread summaries: one Query on GSI7, every page. The index is eventually
    consistent, so a thread deleted a moment ago may still be listed: callers skip the ones whose
    partition is gone."""
    found: dict[int, Thread] = {}
    for summary in Thread.gsi7.query(email_list(email), scan_index_forward=False):
        if isinstance(summary, Thread) and summary.email.lower() == email:
            found.setdefault(int(summary.number), summary)
    return list(found.values())


def blocked_entry(email: str) -> BlockedSender | None:
    try:
        return BlockedSender.get(*BlockedSender.key(email))
    except BlockedSender.DoesNotExist:
        return None


def aliases_of(email: str, profile: Customer | None, orders: list[Order], threads: list[Thread]) -> list[ShopdeskItem]:
    """The ORDERREF#/CUSTOMERID# items that point to this address: every id and reference the
    profile, orders and threads name, read in one BatchGetItem, kept when they name this address."""
    references = {o.reference for o in orders} | {t.order_ref for t in threads if t.order_ref}
    ids = {o.customer_id for o in orders if o.customer_id} | {t.customer_id for t in threads if t.customer_id}
    if profile is not None and profile.customer_id:
        ids.add(profile.customer_id)
    keys = [OrderRef.key(r) for r in sorted(references)] + [CustomerIdAlias.key(i) for i in sorted(ids)]
    if not keys:
        return []
    return [item for item in ShopdeskItem.batch_get(keys) if isinstance(item, OrderRef | CustomerIdAlias) and item.email.lower() == email]


def open_claims_of(email: str) -> list[OpenThreadClaim]:
    return list(OpenThreadClaim.query(OpenThreadClaim.key(email, "", None)[0], consistent_read=True))


def rate_windows_of(*subjects: str) -> list[RateWindow]:
    """The rate-limit windows counted for these subjects (the form counts a mailbox as `email:<mailbox>`)."""
    return [window for subject in subjects for window in RateWindow.query(RateWindow.key(subject, 0)[0])]


def delete_items(items: Iterable[ShopdeskItem]) -> None:
    """BatchWriteItem deletes, 25 a request."""
    with ShopdeskItem.batch_write() as batch:
        for item in items:
            batch.delete(item)
