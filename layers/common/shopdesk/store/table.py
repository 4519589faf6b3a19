"""The single DynamoDB table: the base item every entity extends, the nine generic, overloaded
GSIs and the transaction helper (docs/data-model.md explains every key and index).

Kept apart from the items so each domain's items live with their own reasons, and so nothing
outside `store/` needs pynamodb to name the table."""

from __future__ import annotations

from functools import cache
from typing import Any

from pynamodb.attributes import DiscriminatorAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from shopdesk.core.config import config

INDEX_COUNT = 10


def _index(number: int) -> type[GlobalSecondaryIndex]:
    """GSI1..GSI10 are generic, overloaded, sparse indexes: an item writes only the keys it needs.

    Thread summaries use them as the thread list's filters (docs/data-model.md, "Indexes").
    """

    class Meta:
        index_name = f"GSI{number}"
        projection = AllProjection()

    attrs = {
        "Meta": Meta,
        "pk": UnicodeAttribute(hash_key=True, attr_name=f"GSI{number}PK"),
        "sk": UnicodeAttribute(range_key=True, attr_name=f"GSI{number}SK"),
    }
    return type(f"GSI{number}", (GlobalSecondaryIndex,), attrs)


INDEXES = {number: _index(number) for number in range(1, INDEX_COUNT + 1)}


def _base_attributes() -> dict[str, object]:
    attrs: dict[str, object] = {
        "pk": UnicodeAttribute(hash_key=True, attr_name="PK"),
        "sk": UnicodeAttribute(range_key=True, attr_name="SK"),
        "kind": DiscriminatorAttribute(attr_name="kind"),
        "expires_at": NumberAttribute(null=True, attr_name="expires_at"),
    }
    for number, index in INDEXES.items():
        attrs[f"gsi{number}"] = index()
        attrs[f"gsi{number}pk"] = UnicodeAttribute(null=True, attr_name=f"GSI{number}PK")
        attrs[f"gsi{number}sk"] = UnicodeAttribute(null=True, attr_name=f"GSI{number}SK")
    return attrs


class _Meta:
    # pynamodb reads the table's name when the model class is made: configuration, not an AWS call.
    table_name = config().table_name
    region = config().region


# Base of every item: one table, overloaded keys, a discriminator (`kind`) naming the entity.
# Built with type() so the nine index attributes are declared once.
ShopdeskItem: type[Model] = type("ShopdeskItem", (Model,), {"Meta": _Meta, "__module__": __name__, **_base_attributes()})


@cache
def _connection() -> Connection:
    return Connection(region=ShopdeskItem.Meta.region)


AttributeMap = dict[str, dict[str, Any]]


class Transaction(TransactWrite):
    """pynamodb's write transaction, which also takes items as DynamoDB attribute maps: the search
    index adds tens of small items to a message's transaction, and making a model for each cost
    more CPU than the rest of the message's storage (bench/imap_sync)."""

    def put_attributes(self, item: AttributeMap) -> None:
        """An unconditional Put of `item` (its keys included)."""
        self._put_items.append({"TableName": ShopdeskItem.Meta.table_name, "Item": item})

    def update_attributes(self, key: AttributeMap, expression: str, names: dict[str, str], values: AttributeMap) -> None:
        """An unconditional UpdateItem of `key`."""
        self._update_items.append(
            {
                "TableName": ShopdeskItem.Meta.table_name,
                "Key": key,
                "UpdateExpression": expression,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        )


def transaction() -> Transaction:
    """A write transaction on the table (pynamodb wants the connection handed in)."""
    return Transaction(connection=_connection())


def kind_of(model: type[Model]) -> str:
    """The discriminator value (`kind`) an entity's items carry."""
    return ShopdeskItem.kind.get_discriminator(model)  # type: ignore[attr-defined]
