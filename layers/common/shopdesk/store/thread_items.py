"""Threads, their messages, open-thread claims, the thread counter, the dashboard's STATS items
and the Message-IDs we sent (docs/data-model.md, "Threads and messages")."""

from __future__ import annotations

import secrets
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.expressions.update import Action

from shopdesk.core.thread_rules import STATUSES
from shopdesk.store import keys
from shopdesk.store.keys import THREAD_SK
from shopdesk.store.table import ShopdeskItem

__all__ = ["STATUSES", "THREAD_SK"]



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
    # Who owns the thread: an agent's Cognito sub (None: no one), with their display name and
    # e-mail when it was assigned, so the list and the notifications need no directory lookup.
    assignee = UnicodeAttribute(null=True)
    assignee_name = UnicodeAttribute(null=True)
    assignee_email = UnicodeAttribute(null=True)
    preview = UnicodeAttribute(default="")
    has_private_note = BooleanAttribute(default=False)
    spam = BooleanAttribute(default=False)
    # When each agent last opened the thread: {<agent sub>: <read at>}. On the thread, so a list
    # page's Query carries every agent's unread flag (indexes project all attributes).
    read_by = MapAttribute(default=dict)
    # The customer's card (profile and orders) as JSON, copied from PK=CUSTOMER#<e-mail> by the writes
    # that change it (store/customers.py), so the thread view reads the thread's partition only; and
    # when that source was read, so an older copy never replaces a newer one.
    customer_card = UnicodeAttribute(null=True)
    customer_card_at = UnicodeAttribute(null=True)
    # The contact's e-mail when the thread started (its names are in contact_names).
    contact_email = UnicodeAttribute(null=True)
    # The thread's tags, normalised (threads/tags.py); each also a TAG#<tag> item and a search word.
    tags = UnicodeSetAttribute(null=True)
    # Snoozed: pending until this time (ISO-8601 UTC), then open again (store/snooze.py, GSI10).
    snooze_until = UnicodeAttribute(null=True)
    # Merging (store/thread_merge.py): the thread merged into another stays as a tombstone with
    # status "merged", no list keys and `merged_into` (its number forwards: the view, the
    # continue link and answers to its mails reach the target); the target lists every number
    # merged into it, so erasing the customer finds the tombstones without an index.
    merged_into = NumberAttribute(null=True)
    merged_from = ListAttribute(of=NumberAttribute, null=True)

    @staticmethod
    def key(number: int) -> tuple[str, str]:
        return keys.thread_key(number)


class Attachment(MapAttribute):
    key = UnicodeAttribute()  # the object's key in the private attachments bucket
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()


class Delivery(MapAttribute):
    """What happened to a mail we sent: sent (with SES's Message-ID), not_sent, delayed (a delay
    report: still being retried), bounced. A bounce
    keeps SES's id and when it was sent, and adds the report's status code, diagnostic, recipient
    and when it came."""

    state = UnicodeAttribute()
    message_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    at = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    diagnostic = UnicodeAttribute(null=True)
    recipient = UnicodeAttribute(null=True)
    via = UnicodeAttribute(null=True)  # sent: "ses", or "smtp" from a connected account (None: SES, before this was recorded)
    sent_from = UnicodeAttribute(null=True)  # smtp: the account's address
    bounced_at = UnicodeAttribute(null=True)
    delayed_at = UnicodeAttribute(null=True)  # a delay report came (state "delayed": still being retried)


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
    # Inbound: that Message-ID as the sender wrote it, brackets and case kept; our answer's
    # In-Reply-To repeats it byte for byte (mail programs thread on the exact id).
    mail_message_id_written = UnicodeAttribute(null=True)
    # Inbound: the mail's References as written (each id once, the first and the last 20, none
    # over 250 characters); our answer's References repeats them and adds the mail's own id.
    mail_references = ListAttribute(of=UnicodeAttribute, null=True)
    original = Attachment(null=True)  # inbound: the raw .eml in the private bucket ("download original")
    full_text = Attachment(null=True)  # inbound: the whole text when `text` was cut to fit the item
    subject = UnicodeAttribute(null=True)  # inbound: the mail's subject (searched with the text)
    assignee_name = UnicodeAttribute(null=True)  # a hand-over (source "handover"): to whom (None: released)

    @staticmethod
    def sort_key(created_at: str, message_id: str) -> str:
        return keys.message_sk(created_at, message_id)

    @classmethod
    def new(cls, number: int, created_at: str, **fields: Any) -> Message:
        """A new entry of thread `number`: its own random id, filed in time order in the thread's
        partition (every writer of messages makes them here, so the keys have one shape)."""
        message_id = secrets.token_hex(8)
        return cls(keys.thread_pk(number), cls.sort_key(created_at, message_id), message_id=message_id, thread_number=number, created_at=created_at, **fields)


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
        return keys.open_claim_key(email, contact_id, order_ref)


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
        return keys.stats_global_key()

    @staticmethod
    def contact_key(contact_id: str) -> tuple[str, str]:
        return keys.stats_contact_key(contact_id)

    @staticmethod
    def day_key(day: str) -> tuple[str, str]:
        return keys.stats_day_key(day)


class AgentStats(Stats, discriminator="agent_stats"):
    """STATS/AGENT#<sub>: the threads assigned to one agent that are not closed (`active`), kept by
    every transaction that changes a thread's assignee or whether it is closed; with the agent's
    display name, so the dashboard's one Query of PK=STATS shows each agent's count by name."""

    active = NumberAttribute(default=0)
    name = UnicodeAttribute(null=True)

    @staticmethod
    def key(agent_sub: str) -> tuple[str, str]:
        return keys.stats_agent_key(agent_sub)


class Presence(ShopdeskItem, discriminator="presence"):
    """An agent on a thread screen: PK=THREAD#<n>, SK=PRESENCE#<sub>, rewritten by the page's
    heartbeat (one PutItem), gone by TTL (`expires_at`) once the heartbeats stop. In the thread's
    partition, so the thread view's Query reads it with the messages."""

    agent_sub = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    state = UnicodeAttribute(default="viewing")  # viewing | writing
    at = UnicodeAttribute()

    @staticmethod
    def key(number: int, agent_sub: str) -> tuple[str, str]:
        return keys.presence_key(number, agent_sub)


class MailId(ShopdeskItem, discriminator="mail_id"):
    """A Message-ID we sent (reply, forward, confirmation): PK=MAILID#<id>, SK=MAILID."""

    thread_number = NumberAttribute()
    message_sk = UnicodeAttribute()

    @staticmethod
    def key(message_id: str) -> tuple[str, str]:
        return f"MAILID#{message_id.strip().strip('<>').lower()}", "MAILID"


def apply_index_keys(thread: Thread) -> Thread:
    """Sets the list-index keys a thread writes from its own fields (before a put)."""
    for name, value in keys.index_keys(thread).items():
        setattr(thread, name, value)
    return thread


def index_actions(thread: Thread) -> list[Action]:
    """SET/REMOVE actions that bring a stored thread's index keys in line with `thread`."""
    actions: list[Action] = []
    for name, value in keys.index_keys(thread).items():
        attribute = getattr(Thread, name)
        actions.append(attribute.set(value) if value is not None else attribute.remove())
    return actions
