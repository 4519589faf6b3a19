"""Customer messages, by the form or by e-mail: continue the address's open thread or start one,
in one transaction with the thread's list keys, its open-thread claim and the counters.

Two first messages of one address at the same instant give one thread (the claim is written with
a condition); a caller that read the claim, the thread or the box already hands them in, so
intake and mail sync read each item once per batch (docs/data-model.md, patterns 1-8)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from shopdesk.core.thread_rules import new_token, now_iso, preview_of
from shopdesk.store import keys
from shopdesk.store.assignment import assignee_is
from shopdesk.store.conditions import ATTEMPTS, condition_failed
from shopdesk.store.counters import CounterDeltas, settle_oldest_open
from shopdesk.store.keys import list_sort_key
from shopdesk.store.models import Attachment, Contact, Counter, Message, OpenThreadClaim, Stats, Thread, transaction
from shopdesk.store.search_index import file_rest, file_terms, message_terms, thread_terms
from shopdesk.store.thread_items import apply_index_keys
from shopdesk.store.thread_reads import ThreadChanged, follow_merges, get_claim, get_thread

# Extra writes a caller adds to a thread's transaction (an inbound-mail record, say).
ExtraWrites = Callable[[TransactWrite], None]


def allocate_thread_number() -> int:
    """The next thread number: one atomic ADD on the counter item (a failed start skips a number)."""
    counter = Counter(*Counter.thread_number_key())
    counter.update(actions=[Counter.value.add(1), Counter.kind.set(Counter)])
    return int(counter.value)


def reserve_thread_numbers(count: int) -> list[int]:
    """`count` thread numbers with one atomic ADD (a batch of imported mail starts threads with them)."""
    if count <= 0:
        return []
    counter = Counter(*Counter.thread_number_key())
    counter.update(actions=[Counter.value.add(count), Counter.kind.set(Counter)])
    last = int(counter.value)
    return list(range(last - count + 1, last + 1))


# --- customer messages ---------------------------------------------------------------------------


@dataclass
class CustomerMessage:
    """A message from the customer, by the form or by e-mail, before it is stored."""

    email: str
    text: str
    source: str  # form | email
    language: str
    customer_name: str | None = None
    customer_id: str | None = None
    order_ref: str | None = None
    product: str | None = None
    new_text: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    match_rule: str | None = None
    mail_message_id: str | None = None
    mail_message_id_written: str | None = None  # as the sender wrote it (brackets, case)
    mail_references: list[str] | None = None  # its References as written (bounded by the mail room)
    # An imported mail's raw .eml, and its whole text when the item keeps only the start of it.
    original: dict[str, Any] | None = None
    full_text: dict[str, Any] | None = None
    created_at: datetime | None = None
    subject: str | None = None  # a mail's subject: kept on the message and searched
    # Set by store_customer_message before `extra_writes` runs, so they can name the thread.
    thread_number: int | None = None


@dataclass
class Stored:
    thread: Thread
    message: Message
    created: bool  # a new thread was started


def _message_item(number: int, incoming: CustomerMessage, created_at: str) -> Message:
    return Message.new(
        number,
        created_at,
        author="customer",
        source=incoming.source,
        text=incoming.text,
        new_text=incoming.new_text,
        ip=incoming.ip,
        user_agent=incoming.user_agent,
        product=incoming.product,
        attachments=[Attachment(**a) for a in incoming.attachments],
        match_rule=incoming.match_rule,
        mail_message_id=incoming.mail_message_id,
        mail_message_id_written=incoming.mail_message_id_written,
        mail_references=incoming.mail_references or None,
        original=Attachment(**incoming.original) if incoming.original else None,
        full_text=Attachment(**incoming.full_text) if incoming.full_text else None,
        subject=incoming.subject or None,
    )


_UNREAD: Any = object()


def store_customer_message(
    contact: Contact,
    incoming: CustomerMessage,
    thread: Thread | None = None,
    extra_writes: ExtraWrites | None = None,
    claim: OpenThreadClaim | None = _UNREAD,
    thread_number: int | None = None,
    box: Stats | None = None,
) -> Stored:
    """Stores a customer's message: continues `thread` when given, else the address's open thread
    for this contact and order, else starts one. The thread becomes open.

    Two first messages of one address at the same instant give one thread: the open-thread claim
    is written with a condition, and the loser continues the winner's thread. `thread_number`, a
    number reserved beforehand (`reserve_thread_numbers`), saves the counter write when one starts;
    `claim`, the address's claim as the caller read it (None: there is none), saves that read;
    `box`, the contact's STATS item as the caller read it, saves settle_oldest_open's read.
    """
    for _ in range(ATTEMPTS):
        try:
            if thread is not None and thread.merged_into is not None:
                thread = follow_merges(thread)  # a merged thread's link or mail lands in the thread it joined
            if thread is not None:
                return _append(thread.number, thread.status, thread.contact_id, incoming, extra_writes, known=thread, box=box)
            if claim is _UNREAD:  # a caller that read the claim already (intake and mail sync batch it) saves a read
                claim = get_claim(incoming.email, contact.contact_id, incoming.order_ref)
            if claim is not None:
                if incoming.match_rule == "new_thread":  # an unmatched mail continues the sender's open thread
                    incoming.match_rule = "open_thread"
                return _append(int(claim.number), claim.status, contact.contact_id, incoming, extra_writes, box=box)
            number, thread_number = thread_number, None
            return _start(contact, incoming, extra_writes, number)
        except TransactWriteError as error:
            if not condition_failed(error):
                raise
            claim = _UNREAD
            if thread is not None:
                thread = get_thread(int(thread.number), include_merged=True)
    raise ThreadChanged()




def _start(contact: Contact, incoming: CustomerMessage, extra_writes: ExtraWrites | None, number: int | None = None) -> Stored:
    number = number or allocate_thread_number()
    moment = incoming.created_at or datetime.now(UTC)
    created_at = now_iso(moment)
    thread = Thread(
        *Thread.key(number),
        number=number,
        token=new_token(),
        contact_id=contact.contact_id,
        contact_names=contact.names.as_dict(),
        contact_email=contact.email,
        email=incoming.email.lower(),
        customer_name=incoming.customer_name,
        customer_id=incoming.customer_id,
        order_ref=incoming.order_ref,
        product=incoming.product,
        language=incoming.language,
        status="open",
        created_at=created_at,
        last_message_at=created_at,
        last_customer_message_at=created_at,
        customer_messages=1,
        agent_messages=0,
        preview=preview_of(incoming.new_text or incoming.text),
    )
    apply_index_keys(thread)
    message = _message_item(number, incoming, created_at)
    claim = OpenThreadClaim(
        *OpenThreadClaim.key(incoming.email, contact.contact_id, incoming.order_ref), number=number, status="open", token=thread.token
    )
    deltas = CounterDeltas()
    deltas.add(deltas.global_, "threads_total", 1)
    deltas.add(deltas.global_, "customer_messages", 1)
    deltas.status_change(contact.contact_id, None, "open", assignee=None)
    deltas.opened_newest(contact.contact_id, number, thread.gsi4sk)
    with transaction() as writes:
        writes.save(thread, condition=Thread.pk.does_not_exist())
        writes.save(message, condition=Message.pk.does_not_exist())
        writes.save(claim, condition=OpenThreadClaim.pk.does_not_exist())
        deltas.write(writes, moment)
        rest = file_terms(writes, number, thread_terms(thread) | message_terms(message), new_thread=True)
        if extra_writes:
            incoming.thread_number = number
            extra_writes(writes)
    file_rest(number, rest)
    return Stored(thread, message, created=True)


def _append(
    number: int,
    status: str,
    contact_id: str,
    incoming: CustomerMessage,
    extra_writes: ExtraWrites | None,
    known: Thread | None = None,
    box: Stats | None = None,
) -> Stored:
    moment = incoming.created_at or datetime.now(UTC)
    created_at = now_iso(moment)
    message = _message_item(number, incoming, created_at)
    sort = list_sort_key(created_at, number)
    thread_ref = Thread(*Thread.key(number))
    actions: list[Action] = [
        Thread.status.set("open"),
        Thread.last_message_at.set(created_at),
        Thread.last_customer_message_at.set(created_at),
        Thread.preview.set(preview_of(incoming.new_text or incoming.text)),
        Thread.customer_messages.add(1),
        Thread.gsi2pk.set(keys.status_list("open")),
        Thread.gsi4pk.set(keys.contact_status_list(contact_id, "open")),
    ]
    actions += [getattr(Thread, f"gsi{n}sk").set(sort) for n in keys.INDEXED_BY_DATE]
    deltas = CounterDeltas()
    deltas.add(deltas.global_, "customer_messages", 1)
    # Without the thread (continued from its claim) the thread is not closed (a closed thread has
    # no claim): its assignee's count of threads not closed does not move, whoever it is.
    assignee = known.assignee if known is not None else None
    deltas.status_change(contact_id, status, "open", assignee=assignee)
    if status == "open":
        deltas.open_moved(contact_id)  # an open thread moves to the newest end of its box
    else:
        deltas.opened_newest(contact_id, number, sort)
    with transaction() as writes:
        writes.save(message, condition=Message.pk.does_not_exist())
        condition = Thread.pk.exists() & (Thread.status == status)
        if known is not None and status == "closed":
            # Only a re-opened thread moves its assignee's count: then the count must be the
            # assignee's the caller read. A thread that stays not closed needs no such check (and
            # a caller continuing from the address's claim does not know the assignee).
            condition &= assignee_is(assignee)
        writes.update(thread_ref, actions=actions, condition=condition)
        # The thread continues this address again (a re-opened thread takes the claim over).
        claim_actions: list[Action] = [OpenThreadClaim.number.set(number), OpenThreadClaim.status.set("open"), OpenThreadClaim.kind.set(OpenThreadClaim)]
        if known is not None:
            claim_actions.append(OpenThreadClaim.token.set(known.token))
        # An update, not a put: a claim that already names this thread keeps the token it carries.
        writes.update(OpenThreadClaim(*OpenThreadClaim.key(incoming.email, contact_id, incoming.order_ref)), actions=claim_actions)
        deltas.write(writes, moment)
        rest = file_terms(writes, number, message_terms(message))
        if extra_writes:
            incoming.thread_number = number
            extra_writes(writes)
    file_rest(number, rest)
    if status == "open":
        # The box as the caller read it, moved on by this transaction's own deltas: read as it was,
        # its `open_changes` no longer matches and settling the link would be refused and re-read.
        box = deltas.applied_to(box) if box is not None and box.sk == Stats.contact_key(contact_id)[1] else None
        settle_oldest_open(contact_id, number, sort, box)
    if known is None:
        return Stored(get_thread(number), message, created=False)
    # The caller read the thread just before: apply what the transaction did instead of reading it again.
    known.status = "open"
    known.last_message_at = created_at
    known.last_customer_message_at = created_at
    known.preview = preview_of(incoming.new_text or incoming.text)
    known.customer_messages = int(known.customer_messages or 0) + 1
    return Stored(apply_index_keys(known), message, created=False)
