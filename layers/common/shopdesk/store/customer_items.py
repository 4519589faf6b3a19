"""The storefront's customers and orders, and the two aliases that find them (an order reference,
the storefront's customer id)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, UnicodeAttribute

from shopdesk.store.table import ShopdeskItem


class Customer(ShopdeskItem, discriminator="customer"):
    """A storefront customer: PK=CUSTOMER#<e-mail>, SK=#PROFILE."""

    email = UnicodeAttribute()
    customer_id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    since = UnicodeAttribute(null=True)

    @staticmethod
    def key(email: str) -> tuple[str, str]:
        return f"CUSTOMER#{email.lower()}", "#PROFILE"


class OrderStatusChange(MapAttribute):
    status = UnicodeAttribute()
    at = UnicodeAttribute()


class Order(ShopdeskItem, discriminator="order"):
    """A customer's order: PK=CUSTOMER#<e-mail>, SK=ORDER#<reference>."""

    reference = UnicodeAttribute()
    email = UnicodeAttribute()
    customer_id = UnicodeAttribute(null=True)
    total = UnicodeAttribute()  # a decimal string: money is never a float
    currency = UnicodeAttribute()
    validated = BooleanAttribute(default=False)
    placed_at = UnicodeAttribute(null=True)
    history = ListAttribute(of=OrderStatusChange, default=list)

    @staticmethod
    def key(email: str, reference: str) -> tuple[str, str]:
        return f"CUSTOMER#{email.lower()}", f"ORDER#{reference}"


class OrderRef(ShopdeskItem, discriminator="order_ref"):
    """Whose order a reference is: PK=ORDERREF#<reference>, SK=ORDERREF."""

    email = UnicodeAttribute()
    customer_id = UnicodeAttribute(null=True)

    @staticmethod
    def key(reference: str) -> tuple[str, str]:
        return f"ORDERREF#{reference}", "ORDERREF"


class CustomerIdAlias(ShopdeskItem, discriminator="customer_id_alias"):
    """The storefront's customer id → the customer's e-mail: PK=CUSTOMERID#<id>, SK=CUSTOMERID."""

    email = UnicodeAttribute()

    @staticmethod
    def key(customer_id: str) -> tuple[str, str]:
        return f"CUSTOMERID#{customer_id}", "CUSTOMERID"
