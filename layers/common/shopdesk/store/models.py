"""The single DynamoDB table and its entities (docs/data-model.md explains every key and index)."""

from __future__ import annotations

import os
from functools import cache

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.connection import Connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from shopdesk.core import vocabulary

INDEX_COUNT = 9


def _index(number: int) -> type[GlobalSecondaryIndex]:
    """GSI1..GSI9 are generic, overloaded, sparse indexes: an item writes only the keys it needs.

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
    table_name = os.environ.get("TABLE_NAME", "shopdesk")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"


# Base of every item: one table, overloaded keys, a discriminator (`kind`) naming the entity.
# Built with type() so the nine index attributes are declared once.
ShopdeskItem: type[Model] = type("ShopdeskItem", (Model,), {"Meta": _Meta, "__module__": __name__, **_base_attributes()})


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
    # Whether an admin has written the password to Secrets Manager (the password itself never is here).
    password_set = BooleanAttribute(default=False)


# The reply form's starting text until an admin writes the shop's own (PrestaShop ships one too).
DEFAULT_REPLY_MESSAGES = {
    "en": "Dear customer,\n\n\n\nKind regards,\nCustomer service",
    "es": "Estimado/a cliente:\n\n\n\nUn cordial saludo,\nAtención al cliente",
    "pl": "Szanowni Państwo,\n\n\n\nZ poważaniem,\nObsługa klienta",
}


class ShopSettings(ShopdeskItem, discriminator="settings"):
    """The shop's options, one item: PK=SETTINGS, SK=SHOP. The IMAP password is never here."""

    allow_uploads = BooleanAttribute(default=True)
    default_messages = MapAttribute(default=lambda: dict(DEFAULT_REPLY_MESSAGES))
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


# --- Threads and messages (docs/data-model.md) -------------------------------------------------

STATUSES = vocabulary.STATUSES  # one list: core/vocabulary.py
THREAD_SK = "#THREAD"


class Thread(ShopdeskItem, discriminator="thread"):
    """A conversation with one customer. PK=THREAD#<number>, SK=#THREAD; its messages share the PK."""

    number = NumberAttribute()
    token = UnicodeAttribute()
    contact_id = UnicodeAttribute()
    contact_names = MapAttribute(default=dict)  # the contact's names when last written: survives its deletion
    email = UnicodeAttribute()
    customer_name = UnicodeAttribute(null=True)
    customer_id = UnicodeAttribute(null=True)
    order_ref = UnicodeAttribute(null=True)
    product = UnicodeAttribute(null=True)
    language = UnicodeAttribute()
    status = UnicodeAttribute(default="open")
    created_at = UnicodeAttribute()
    last_message_at = UnicodeAttribute()
    last_customer_message_at = UnicodeAttribute(null=True)
    first_response_at = UnicodeAttribute(null=True)
    customer_messages = NumberAttribute(default=0)
    agent_messages = NumberAttribute(default=0)
    last_agent = UnicodeAttribute(null=True)
    preview = UnicodeAttribute(default="")
    has_private_note = BooleanAttribute(default=False)
    spam = BooleanAttribute(default=False)
    # When each agent last opened the thread: {<agent sub>: <read at>}. On the thread, so a list
    # page's Query carries every agent's unread flag (indexes project all attributes).
    read_by = MapAttribute(default=dict)

    @staticmethod
    def key(number: int) -> tuple[str, str]:
        return f"THREAD#{number}", THREAD_SK


class Attachment(MapAttribute):
    key = UnicodeAttribute()  # the object's key in the private attachments bucket
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()


class Delivery(MapAttribute):
    """What happened to a mail we sent: sent (with SES's Message-ID), not_sent, bounced."""

    state = UnicodeAttribute()
    message_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    at = UnicodeAttribute(null=True)


class Message(ShopdeskItem, discriminator="message"):
    """One entry of a thread: PK=THREAD#<number>, SK=MSG#<created at>#<message id>."""

    message_id = UnicodeAttribute()
    thread_number = NumberAttribute()
    author = UnicodeAttribute()  # customer | agent | system
    agent = UnicodeAttribute(null=True)  # the agent's e-mail for agent messages and notes
    source = UnicodeAttribute()  # form | email | agent | note | forward
    text = UnicodeAttribute(default="")  # the full text, as written (plain text, never HTML)
    new_text = UnicodeAttribute(null=True)  # for mail: the text above the quoted history
    private = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    product = UnicodeAttribute(null=True)
    attachments = ListAttribute(of=Attachment, default=list)
    delivery = Delivery(null=True)
    notification = Delivery(null=True)  # the contact notification of a saved form message
    match_rule = UnicodeAttribute(null=True)  # how an inbound mail found its thread
    mail_message_id = UnicodeAttribute(null=True)  # inbound: the mail's own Message-ID

    @staticmethod
    def sort_key(created_at: str, message_id: str) -> str:
        return f"MSG#{created_at}#{message_id}"


class OpenThreadClaim(ShopdeskItem, discriminator="open_claim"):
    """The thread that continues an address, contact and order while it is not closed.

    PK=OPEN#<e-mail>, SK=<contact id>#<order ref or ->; mirrors the thread's status so a continued
    message needs this one read before its transaction.
    """

    number = NumberAttribute()
    status = UnicodeAttribute()
    # The thread's token, so a continued form message needs no read of the thread for its markers.
    token = UnicodeAttribute(null=True)

    @staticmethod
    def key(email: str, contact_id: str, order_ref: str | None) -> tuple[str, str]:
        return f"OPEN#{email.lower()}", f"{contact_id}#{order_ref or '-'}"


class Counter(ShopdeskItem, discriminator="counter"):
    value = NumberAttribute(default=0)

    @staticmethod
    def thread_number_key() -> tuple[str, str]:
        return "COUNTER", "THREAD_NUMBER"


class Stats(ShopdeskItem, discriminator="stats"):
    """Counters behind the dashboard: STATS/GLOBAL, STATS/CONTACT#id, STATS/DAY#date."""

    threads_total = NumberAttribute(default=0)
    threads_open = NumberAttribute(default=0)
    threads_closed = NumberAttribute(default=0)
    threads_pending1 = NumberAttribute(default=0)
    threads_pending2 = NumberAttribute(default=0)
    customer_messages = NumberAttribute(default=0)
    agent_messages = NumberAttribute(default=0)
    open = NumberAttribute(default=0)
    first_response_count = NumberAttribute(default=0)
    first_response_seconds = NumberAttribute(default=0)
    closed_threads = NumberAttribute(default=0)
    closed_thread_messages = NumberAttribute(default=0)
    # STATS/CONTACT#id also mirrors what the contact's box shows (written with the contact by
    # contacts.py), so the dashboard reads boxes, statistics and indicators in one Query.
    names = MapAttribute(null=True)
    save_messages = BooleanAttribute(null=True)
    position = NumberAttribute(null=True)
    contact_exists = BooleanAttribute(null=True)
    # STATS/CONTACT#id also keeps the box's link: its oldest open thread (the first of GSI4
    # `TL#CS#<id>#open` read forwards) and that thread's GSI4 sort key, kept by threads.py;
    # `open_changes` counts the transactions that changed the box's open threads or their order,
    # so a recomputed link is written only if none happened meanwhile.
    oldest_open = NumberAttribute(null=True)
    oldest_open_key = UnicodeAttribute(null=True)
    open_changes = NumberAttribute(null=True)

    @staticmethod
    def global_key() -> tuple[str, str]:
        return "STATS", "GLOBAL"

    @staticmethod
    def contact_key(contact_id: str) -> tuple[str, str]:
        return "STATS", f"CONTACT#{contact_id}"

    @staticmethod
    def day_key(day: str) -> tuple[str, str]:
        return "STATS", f"DAY#{day}"


class MailId(ShopdeskItem, discriminator="mail_id"):
    """A Message-ID we sent (reply, forward, confirmation): PK=MAILID#<id>, SK=MAILID."""

    thread_number = NumberAttribute()
    message_sk = UnicodeAttribute()

    @staticmethod
    def key(message_id: str) -> tuple[str, str]:
        return f"MAILID#{message_id.strip().strip('<>').lower()}", "MAILID"


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


# --- Storefront intake (issue 3): anti-spam, duplicate suppression, signed routes ---------------------


class BlockedSender(ShopdeskItem, discriminator="blocked_sender"):
    """A sender whose form posts and mails are refused: PK=BLOCKED, SK=<e-mail or @domain>."""

    value = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)

    @staticmethod
    def key(value: str) -> tuple[str, str]:
        return "BLOCKED", value.strip().lower()


class RateWindow(ShopdeskItem, discriminator="rate_window"):
    """Posts counted for one IP or address in one window: PK=RATE#<ip or e-mail>, SK=<window start>; TTL."""

    count = NumberAttribute(default=0)

    @staticmethod
    def key(subject: str, window_start: int) -> tuple[str, str]:
        return f"RATE#{subject.lower()}", str(window_start)


class RecentPost(ShopdeskItem, discriminator="recent_post"):
    """A form message just stored, by digest of who wrote what where: PK=RECENT#<digest>, SK=RECENT; TTL minutes.

    A second identical post finds it and gets the first one's answer instead of a second message.
    """

    thread_number = NumberAttribute()
    at = UnicodeAttribute()

    @staticmethod
    def key(digest: str) -> tuple[str, str]:
        return f"RECENT#{digest}", "RECENT"


class SignedRequest(ShopdeskItem, discriminator="signed_request"):
    """A signed storefront call already accepted (replay protection): PK=SIGNED#<signature>, SK=SIGNED; TTL."""

    at = UnicodeAttribute()

    @staticmethod
    def key(signature: str) -> tuple[str, str]:
        return f"SIGNED#{signature.lower()}", "SIGNED"


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
# --- Mail sync (docs/data-model.md: INBOUND and IMAPSYNC items) ----------------------------------

SYNC_PK = "IMAPSYNC"


class InboundRecord(ShopdeskItem, discriminator="inbound"):
    """PK=INBOUND#<Message-ID or sha256 of the raw bytes>, SK=INBOUND: this mail was handled once."""

    outcome = UnicodeAttribute()  # imported | skipped | bounced | failed
    reason = UnicodeAttribute(null=True)
    thread_number = NumberAttribute(null=True)
    at = UnicodeAttribute()

    @staticmethod
    def key(record_id: str) -> tuple[str, str]:
        return f"INBOUND#{record_id}", "INBOUND"


class SyncCursor(ShopdeskItem, discriminator="sync_cursor"):
    """PK=IMAPSYNC, SK=CURSOR#<host>#<user>#<folder>: UIDVALIDITY and the last UID stored."""

    uidvalidity = NumberAttribute()
    last_uid = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)

    @staticmethod
    def key(host: str, user: str, folder: str) -> tuple[str, str]:
        return SYNC_PK, f"CURSOR#{host.lower()}#{user.lower()}#{folder}"


class SyncLease(ShopdeskItem, discriminator="sync_lease"):
    """PK=IMAPSYNC, SK=LEASE: who runs the sync and until when (`expires_at`, epoch seconds)."""

    owner = UnicodeAttribute()

    @staticmethod
    def key() -> tuple[str, str]:
        return SYNC_PK, "LEASE"


class SyncError(MapAttribute):
    at = UnicodeAttribute()
    code = UnicodeAttribute()
    message = UnicodeAttribute()


class SyncStatusItem(ShopdeskItem, discriminator="sync_status"):
    """PK=IMAPSYNC, SK=STATUS: the last run's result, what the settings page shows."""

    state = UnicodeAttribute(default="never")  # never | ok | failed | running
    last_run_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    imported = NumberAttribute(default=0)
    matched = NumberAttribute(default=0)
    new_threads = NumberAttribute(default=0)
    skipped = NumberAttribute(default=0)
    bounced = NumberAttribute(default=0)
    failed = NumberAttribute(default=0)
    errors = ListAttribute(of=SyncError, default=list)

    @staticmethod
    def key() -> tuple[str, str]:
        return SYNC_PK, "STATUS"


class SyncFailure(ShopdeskItem, discriminator="sync_failure"):
    """PK=IMAPSYNC, SK=FAILED#<uidvalidity>#<uid>: a mail that could not be imported, kept raw in S3."""

    uid = NumberAttribute()
    uidvalidity = NumberAttribute()
    record_id = UnicodeAttribute(null=True)
    raw_key = UnicodeAttribute(null=True)
    error = UnicodeAttribute()
    at = UnicodeAttribute()

    @staticmethod
    def key(uidvalidity: int, uid: int) -> tuple[str, str]:
        return SYNC_PK, f"FAILED#{uidvalidity}#{uid:010d}"
