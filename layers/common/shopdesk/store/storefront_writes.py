"""What the shop's signed back-end calls write: customers, their id aliases, orders and order
references (PK=CUSTOMER#<e-mail>, CUSTOMERID#<id>, ORDERREF#<reference>). Reads for the thread
view live with the customer card; these are the writes and the lookups the signed routes need."""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.store.models import Customer, CustomerIdAlias, Order, OrderRef, OrderStatusChange, transaction


@dataclass
class OrderUpdate:
    """An order as the shop sends it; `history` replaces the list, `append` adds one change."""

    reference: str
    email: str
    total: str
    currency: str
    validated: bool
    customer_id: str | None = None
    placed_at: str | None = None
    history: list[tuple[str, str]] | None = None
    append: tuple[str, str] | None = None


def save_customer(customer_id: str, email: str, name: str | None, since: str | None) -> None:
    """The profile and the id alias, one transaction."""
    with transaction() as writes:
        writes.save(Customer(*Customer.key(email), email=email, customer_id=customer_id, name=name, since=since))
        writes.save(CustomerIdAlias(*CustomerIdAlias.key(customer_id), email=email))


def email_of_customer(customer_id: str) -> str | None:
    try:
        return str(CustomerIdAlias.get(*CustomerIdAlias.key(customer_id)).email)
    except CustomerIdAlias.DoesNotExist:
        return None


def owner_of_order(reference: str) -> str | None:
    """The e-mail an order reference belongs to."""
    try:
        return str(OrderRef.get(*OrderRef.key(reference)).email)
    except OrderRef.DoesNotExist:
        return None


def customer_name(email: str) -> str | None:
    try:
        return Customer.get(*Customer.key(email)).name
    except Customer.DoesNotExist:
        return None


def save_order(update: OrderUpdate) -> Order:
    """The order (an update, so its other attributes stay) and its reference, one transaction; the
    saved order is read back."""
    order = Order(*Order.key(update.email, update.reference))
    actions = [
        Order.kind.set(Order),
        Order.reference.set(update.reference),
        Order.email.set(update.email),
        Order.total.set(update.total),
        Order.currency.set(update.currency),
        Order.validated.set(update.validated),
    ]
    if update.customer_id:
        actions.append(Order.customer_id.set(update.customer_id))
    if update.placed_at:
        actions.append(Order.placed_at.set(update.placed_at))
    if update.history is not None:
        changes = [OrderStatusChange(status=status, at=at) for status, at in update.history]
        if update.append:
            changes.append(OrderStatusChange(status=update.append[0], at=update.append[1]))
        actions.append(Order.history.set(changes))
    elif update.append:
        actions.append(Order.history.set((Order.history | []).append([OrderStatusChange(status=update.append[0], at=update.append[1])])))
    with transaction() as writes:
        writes.update(order, actions=actions)
        writes.save(OrderRef(*OrderRef.key(update.reference), email=update.email, customer_id=update.customer_id))
    return Order.get(*Order.key(update.email, update.reference))
