"""The single DynamoDB table and its entities (docs/data-model.md explains every key and index)."""

from __future__ import annotations

import os
from functools import cache

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite


def _index(number: int) -> type[GlobalSecondaryIndex]:
    """GSI1..GSI4 are generic, overloaded indexes: each entity writes the keys it needs."""

    class Meta:
        index_name = f"GSI{number}"
        projection = AllProjection()

    attrs = {
        "Meta": Meta,
        "pk": UnicodeAttribute(hash_key=True, attr_name=f"GSI{number}PK"),
        "sk": UnicodeAttribute(range_key=True, attr_name=f"GSI{number}SK"),
    }
    return type(f"GSI{number}", (GlobalSecondaryIndex,), attrs)


GSI1 = _index(1)
GSI2 = _index(2)
GSI3 = _index(3)
GSI4 = _index(4)


class ShopdeskItem(Model):
    """Base of every item: one table, overloaded keys, a discriminator naming the entity."""

    class Meta:
        table_name = os.environ.get("TABLE_NAME", "shopdesk")
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    kind = DiscriminatorAttribute(attr_name="kind")
    gsi1 = GSI1()
    gsi2 = GSI2()
    gsi3 = GSI3()
    gsi4 = GSI4()
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(null=True, attr_name="GSI3SK")
    gsi4pk = UnicodeAttribute(null=True, attr_name="GSI4PK")
    gsi4sk = UnicodeAttribute(null=True, attr_name="GSI4SK")
    expires_at = NumberAttribute(null=True, attr_name="expires_at")


CONTACTS_PK = "CONTACTS"
SETTINGS_PK = "SETTINGS"


class Contact(ShopdeskItem, discriminator="contact"):
    """A destination the visitor picks in the form. PK=CONTACTS, SK=CONTACT#<id>."""

    contact_id = UnicodeAttribute()
    names = MapAttribute()
    descriptions = MapAttribute()
    email = UnicodeAttribute(null=True)
    save_messages = BooleanAttribute(default=True)
    position = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(contact_id: str) -> tuple[str, str]:
        return CONTACTS_PK, f"CONTACT#{contact_id}"


class ImapSettings(MapAttribute):
    host = UnicodeAttribute(default="")
    port = NumberAttribute(default=993)
    user = UnicodeAttribute(default="")
    security = UnicodeAttribute(default="tls")
    verify_certificate = BooleanAttribute(default=True)
    folder = UnicodeAttribute(default="INBOX")
    delete_after_sync = BooleanAttribute(default=False)
    create_new_threads = BooleanAttribute(default=True)


class ShopSettings(ShopdeskItem, discriminator="settings"):
    """The shop's options, one item: PK=SETTINGS, SK=SHOP. The IMAP password is never here."""

    allow_uploads = BooleanAttribute(default=True)
    default_messages = MapAttribute(default=dict)
    notify_contact = BooleanAttribute(default=False)
    confirm_visitor = BooleanAttribute(default=True)
    imap = ImapSettings(default=ImapSettings)
    contacts_seeded = BooleanAttribute(default=False)
    updated_at = UTCDateTimeAttribute(null=True)

    @staticmethod
    def key() -> tuple[str, str]:
        return SETTINGS_PK, "SHOP"


@cache
def _connection() -> Connection:
    return Connection(region=ShopdeskItem.Meta.region)


def transaction() -> TransactWrite:
    """A write transaction on the table (pynamodb wants the connection handed in)."""
    return TransactWrite(connection=_connection())
