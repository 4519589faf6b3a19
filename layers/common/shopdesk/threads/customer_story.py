"""The customer's whole story: the thread screen's "other threads of this
customer", and the customer page that gathers an address's threads and orders (found by e-mail,
or by the storefront's customer id).

Requests: the thread screen adds one `Limit 11` Query on GSI7, made side by side with its other
reads (docs/data-model.md, "The customer's story"). The customer page: one GetItem when asked by
customer id, one Query of `CUSTOMER#<e-mail>` (profile and orders) and one Query of GSI7 (a page
of threads), the two Queries side by side."""

from __future__ import annotations

import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from shopdesk.core.errors import NotFound
from shopdesk.core.i18n import register
from shopdesk.core.validation import is_valid_email
from shopdesk.store.customer_story import address_threads, email_of_customer_id
from shopdesk.store.customers import CustomerCard, read_card
from shopdesk.store.models import Thread
from shopdesk.threads.thread_list import decode_cursor, encode_cursor, is_unread

register(
    {
        "customer_unknown": {
            "en": "No customer has this address or storefront customer id.",
            "es": "Ningún cliente tiene esta dirección o este identificador de cliente de la tienda.",
            "pl": "Żaden klient nie ma tego adresu ani identyfikatora klienta sklepu.",
        },
    }
)

OTHER_THREADS = 10  # the thread screen shows the newest ten; the customer page has them all
CUSTOMER_PAGE = 50


def other_threads(thread: Thread) -> list[Thread]:
    """The newest other threads of the thread's address (one Query on GSI7, Limit 11)."""
    page, _ = address_threads(thread.email, OTHER_THREADS + 1)
    return [t for t in page if int(t.number) != int(thread.number)][:OTHER_THREADS]


@dataclass
class CustomerStory:
    email: str
    card: CustomerCard | None
    threads: list[tuple[Thread, bool]]  # each with whether it is unread for the caller
    next_cursor: str | None


def resolve(raw: str) -> str:
    """An e-mail address, or the storefront's customer id of one (one GetItem)."""
    value = urllib.parse.unquote(raw or "").strip()
    if "@" in value:
        if not is_valid_email(value):
            raise NotFound("customer_unknown")
        return value.lower()
    if not value or len(value) > 64:
        raise NotFound("customer_unknown")
    email = email_of_customer_id(value)
    if email is None:
        raise NotFound("customer_unknown")
    return email


def customer_story(agent_sub: str, raw: str, params: dict[str, Any] | None = None) -> CustomerStory:
    """GET /v1/customers/{email or customer id}: the profile, the orders and a page of threads."""
    email = resolve(raw)
    cursor = decode_cursor((params or {}).get("cursor"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        card_future = pool.submit(read_card, email)
        page_future = pool.submit(address_threads, email, CUSTOMER_PAGE, cursor)
    page, next_key = page_future.result()
    return CustomerStory(email, card_future.result(), [(t, is_unread(t, agent_sub)) for t in page], encode_cursor(next_key))
