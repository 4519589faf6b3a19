"""The storefront's customers as the agents' thread screen shows them: the customer's card (profile
and orders) read from PK=CUSTOMER#<e-mail>, and the copy of it each of the customer's threads
keeps (`Thread.customer_card`), so opening a thread reads its own partition only.

The copy is kept by the writes that change it: the storefront's customer and order writes call
`project_card`, which rewrites it on the address's threads (one Query of GSI7, the address's
thread list, then one UpdateItem per thread). A thread started before the storefront told us of
its customer has no copy yet: its first view reads the customer's partition and writes the copy
with its read mark. Each copy carries when its source was read (`customer_card_at`); an older
copy never overwrites a newer one."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from pynamodb.exceptions import UpdateError

from shopdesk.core.thread_rules import now_iso
from shopdesk.store import keys
from shopdesk.store.conditions import condition_failed
from shopdesk.store.models import Customer, Order, ShopdeskItem, Thread


@dataclass(frozen=True)
class OrderStatus:
    status: str
    at: str


@dataclass(frozen=True)
class OrderCard:
    reference: str
    total: str  # a decimal string: money is never a float
    currency: str
    validated: bool
    placed_at: str | None
    customer_id: str | None
    history: tuple[OrderStatus, ...] = ()


@dataclass(frozen=True)
class CustomerCard:
    """What the storefront told us of an address: its profile (if any) and its orders."""

    email: str
    name: str | None
    customer_id: str | None
    since: str | None
    orders: tuple[OrderCard, ...] = ()


def customer_and_orders(email: str, consistent_read: bool = False) -> tuple[Customer | None, list[Order]]:
    """The storefront's profile and orders of an address: one Query on PK=CUSTOMER#<e-mail>."""
    profile: Customer | None = None
    orders: list[Order] = []
    for item in ShopdeskItem.query(Customer.key(email)[0], consistent_read=consistent_read):
        if isinstance(item, Customer):
            profile = item
        elif isinstance(item, Order):
            orders.append(item)
    return profile, orders


def read_card(email: str, consistent_read: bool = False) -> CustomerCard | None:
    """The address's card, None when the storefront never told us about it (a guest)."""
    profile, orders = customer_and_orders(email, consistent_read)
    if profile is None and not orders:
        return None
    return CustomerCard(
        email=email.lower(),
        name=profile.name if profile else None,
        customer_id=profile.customer_id if profile else None,
        since=profile.since if profile else None,
        orders=tuple(
            OrderCard(
                reference=o.reference,
                total=o.total,
                currency=o.currency,
                validated=bool(o.validated),
                placed_at=o.placed_at,
                customer_id=o.customer_id,
                history=tuple(OrderStatus(h.status, h.at) for h in (o.history or [])),
            )
            for o in orders
        ),
    )


def card_text(card: CustomerCard | None) -> str:
    """The card as kept on a thread: JSON text ("null" for a guest, so "no customer" is known too)."""
    return json.dumps(asdict(card) if card is not None else None, separators=(",", ":"))


def card_from_text(text: str) -> CustomerCard | None:
    data: Any = json.loads(text)
    if not isinstance(data, dict):
        return None
    orders = tuple(
        OrderCard(**{**o, "history": tuple(OrderStatus(**h) for h in o.get("history") or [])}) for o in data.get("orders") or []
    )
    return CustomerCard(**{**data, "orders": orders})


def kept_card(thread: Thread) -> tuple[bool, CustomerCard | None]:
    """(whether the thread keeps a copy, the copy): a thread without one needs a read of the source."""
    if thread.customer_card is None:
        return False, None
    return True, card_from_text(thread.customer_card)


def fresh_card(email: str) -> tuple[CustomerCard | None, str]:
    """The card read now, with the moment it was read (what a copy of it is stamped with)."""
    card = read_card(email, consistent_read=True)
    return card, now_iso()


def project_card(email: str) -> int:
    """After a storefront write: the address's threads keep the new card. Returns how many did
    (a thread deleted meanwhile, or holding a copy read later than ours, is left as it is)."""
    card, read_at = fresh_card(email)
    text = card_text(card)
    updated = 0
    for summary in Thread.gsi7.query(keys.email_list(email)):
        fresher = Thread.customer_card_at.does_not_exist() | (Thread.customer_card_at < read_at)
        try:
            Thread(*Thread.key(int(summary.number))).update(
                actions=[Thread.customer_card.set(text), Thread.customer_card_at.set(read_at)], condition=Thread.pk.exists() & fresher
            )
        except UpdateError as error:
            if not condition_failed(error):
                raise
            continue
        updated += 1
    return updated
