"""The customer's whole story: an address's threads, newest first, from GSI7
`TL#E#<e-mail>` (the list of an address's threads every thread writes), and the address behind a
storefront customer id (`CUSTOMERID#<id>`). Reads only; docs/data-model.md, "The customer's story"."""

from __future__ import annotations

from typing import Any

from shopdesk.core.errors import ShopdeskError
from shopdesk.store import keys
from shopdesk.store.models import CustomerIdAlias, Thread
from shopdesk.store.thread_lists import ListQuery, cursor_keys, list_page


def address_threads(email: str, limit: int, cursor: dict[str, Any] | None = None) -> tuple[list[Thread], dict[str, Any] | None]:
    """One page of the address's threads, newest first, and the key of the next: one Query on GSI7
    (merged threads' tombstones have no list keys: they are not in it)."""
    partition = keys.email_list(email)
    if cursor is not None and (set(cursor) != cursor_keys(7) or cursor["GSI7PK"].get("S") != partition):
        raise ShopdeskError("invalid_cursor")  # another list's cursor
    return list_page(ListQuery(index=7, partition=partition, limit=limit, cursor=cursor))


def email_of_customer_id(customer_id: str) -> str | None:
    """The address the storefront's customer id belongs to: one GetItem (None: unknown id)."""
    try:
        return str(CustomerIdAlias.get(*CustomerIdAlias.key(customer_id.strip())).email).lower()
    except CustomerIdAlias.DoesNotExist:
        return None
