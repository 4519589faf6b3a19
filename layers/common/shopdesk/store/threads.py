"""Threads and their messages: the one place where thread state, list indexes and counters change.

Every write that touches a thread goes through here, so the dashboard counters (STATS items),
the open-thread claims and the thread-list index keys stay consistent: each change is one
DynamoDB transaction (docs/data-model.md).
"""

from __future__ import annotations

import hmac
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from shopdesk.core.errors import Conflict, NotFound, ShopdeskError
from shopdesk.core.i18n import register
from shopdesk.store.models import (
    STATUSES,
    Attachment,
    Contact,
    Counter,
    Delivery,
    MailId,
    Message,
    OpenThreadClaim,
    Stats,
    Thread,
    transaction,
)

register(
    {
        "thread_not_found": {
            "en": "This thread does not exist (it may have been deleted).",
            "es": "Esta conversación no existe (puede que se haya eliminado).",
            "pl": "Ten wątek nie istnieje (mógł zostać usunięty).",
        },
        "thread_busy": {
            "en": "This thread changed while we were saving. Please try again.",
            "es": "Esta conversación cambió mientras se guardaba. Inténtelo de nuevo.",
            "pl": "Ten wątek zmienił się podczas zapisywania. Spróbuj ponownie.",
        },
        "invalid_status": {
            "en": "Unknown status: use open, closed, pending1 or pending2.",
            "es": "Estado desconocido: use open, closed, pending1 o pending2.",
            "pl": "Nieznany status: użyj open, closed, pending1 lub pending2.",
        },
    }
)

PREVIEW_LENGTH = 160
DAY_AGGREGATE_TTL = timedelta(days=40)
# A write whose condition lost a race is retried this many times before the caller hears of it.
ATTEMPTS = 4

# Extra writes a caller adds to a thread's transaction (an inbound-mail record, say).
ExtraWrites = Callable[[TransactWrite], None]


def now_iso(moment: datetime | None = None) -> str:
    """Sortable UTC timestamps: every date in the table is one of these."""
    return (moment or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def new_token() -> str:
    """96 random bits, URL-safe: the thread's secret shared only with its customer."""
    return secrets.token_urlsafe(12)


def token_matches(thread: Thread, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(thread.token.encode(), str(token).encode())


def normalized_name(name: str | None) -> str:
    """Lower case, accents removed: what name search compares."""
    decomposed = unicodedata.normalize("NFKD", (name or "").strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def preview_of(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_LENGTH else flat[: PREVIEW_LENGTH - 1] + "…"


# --- thread-list index keys (docs/data-model.md, "Indexes") ------------------------------------


def list_sort_key(last_message_at: str, number: int) -> str:
    return f"{last_message_at}#{number:010d}"


def index_keys(thread: Thread) -> dict[str, str | None]:
    """The GSI keys a thread summary writes, from its own fields."""
    sort = list_sort_key(thread.last_message_at, int(thread.number))
    name = normalized_name(thread.customer_name)
    keys: dict[str, str | None] = {
        "gsi1pk": "TL#ALL",
        "gsi2pk": f"TL#S#{thread.status}",
        "gsi3pk": f"TL#C#{thread.contact_id}",
        "gsi4pk": f"TL#CS#{thread.contact_id}#{thread.status}",
        "gsi5pk": f"TL#L#{thread.language}",
        "gsi6pk": f"TL#A#{thread.last_agent}" if thread.last_agent else None,
        "gsi7pk": f"TL#E#{thread.email.lower()}",
        "gsi8pk": f"TL#N#{name[:1]}" if name else None,
        "gsi9pk": "TL#P" if thread.has_private_note else None,
        "gsi8sk": f"{name}#{int(thread.number):010d}" if name else None,
    }
    for number in (1, 2, 3, 4, 5, 6, 7, 9):
        keys[f"gsi{number}sk"] = sort
    return keys


def apply_index_keys(thread: Thread) -> Thread:
    for name, value in index_keys(thread).items():
        setattr(thread, name, value)
    return thread


def _index_actions(thread: Thread) -> list[Action]:
    """SET/REMOVE actions that bring a stored thread's index keys in line with `thread`."""
    actions: list[Action] = []
    for name, value in index_keys(thread).items():
        attribute = getattr(Thread, name)
        actions.append(attribute.set(value) if value is not None else attribute.remove())
    return actions


# --- counters -----------------------------------------------------------------------------------


@dataclass
class CounterDeltas:
    """What one change adds to the dashboard's items; applied in the change's own transaction."""

    global_: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, dict[str, int]] = field(default_factory=dict)
    day: dict[str, int] = field(default_factory=dict)
    # A thread that became open at the newest end of its box: the box's link if it has none.
    newest_open: dict[str, tuple[int, str]] = field(default_factory=dict)

    def add(self, target: dict[str, int], name: str, amount: int) -> None:
        if amount:
            target[name] = target.get(name, 0) + amount

    def status_change(self, contact_id: str, old: str | None, new: str | None) -> None:
        if old == new:
            return
        if old:
            self.add(self.global_, f"threads_{old}", -1)
            if old == "open":
                self.add(self.contacts.setdefault(contact_id, {}), "open", -1)
        if new:
            self.add(self.global_, f"threads_{new}", 1)
            if new == "open":
                self.add(self.contacts.setdefault(contact_id, {}), "open", 1)
        if "open" in (old, new):
            self.open_moved(contact_id)

    def open_moved(self, contact_id: str) -> None:
        """The box's open threads or their order changed (see settle_oldest_open)."""
        self.add(self.contacts.setdefault(contact_id, {}), "open_changes", 1)

    def opened_newest(self, contact_id: str, number: int, sort_key: str) -> None:
        """The thread became open with the newest sort key of its box: it is the box's link
        only if the box has none (SET if_not_exists, in the same transaction)."""
        self.newest_open[contact_id] = (number, sort_key)

    def write(self, writes: TransactWrite, moment: datetime) -> None:
        items: list[tuple[Stats, dict[str, int], int | None]] = [(Stats(*Stats.global_key()), self.global_, None)]
        items += [(Stats(*Stats.contact_key(cid)), deltas, None) for cid, deltas in self.contacts.items()]
        day = moment.astimezone(UTC).date().isoformat()
        expires = int((moment + DAY_AGGREGATE_TTL).timestamp())
        items.append((Stats(*Stats.day_key(day)), self.day, expires))
        for item, deltas, expires_at in items:
            deltas = {k: v for k, v in deltas.items() if v}
            if not deltas:
                continue
            actions: list[Action] = [Stats.kind.set(Stats)]
            actions += [getattr(Stats, name).add(amount) for name, amount in sorted(deltas.items())]
            if item.sk.startswith("CONTACT#") and item.sk.removeprefix("CONTACT#") in self.newest_open:
                number, sort_key = self.newest_open[item.sk.removeprefix("CONTACT#")]
                actions += [Stats.oldest_open.set(Stats.oldest_open | number), Stats.oldest_open_key.set(Stats.oldest_open_key | sort_key)]
            if expires_at is not None:
                actions.append(Stats.expires_at.set(expires_at))
            writes.update(item, actions=actions)


def settle_oldest_open(contact_id: str, number: int, sort_key: str | None, box: Stats | None = None) -> None:
    """Keeps a box's link (its oldest open thread, on STATS/CONTACT#id) right after a committed
    change of thread `number`, now open at `sort_key` (its GSI4 sort key) or no longer open (None).

    Nothing to do unless the thread was the link (it closed, was deleted or moved to the newest
    end) or should now be it (re-opened with an older place than the link's). Then one forward
    `Limit 2` Query on GSI4 finds the oldest open thread, written only if no other transaction
    changed the box's open threads since the box was read (`open_changes`): a lost race re-reads.
    A new thread, or one re-opened by a customer message, is set in its own transaction instead
    (CounterDeltas.opened_newest): the dashboard itself reads only the STATS items.

    `box`, the box as the caller read it before its change, saves the read when the thread is not
    the link; if it is, the condition on `open_changes` (which the change bumped) sends us to re-read.
    """
    for _ in range(ATTEMPTS):
        if box is None:
            try:
                box = Stats.get(*Stats.contact_key(contact_id), consistent_read=True)
            except Stats.DoesNotExist:
                return
        link = int(box.oldest_open) if box.oldest_open is not None else None
        should_be = sort_key is not None and (link is None or sort_key < (box.oldest_open_key or ""))
        if link != number and not should_be:
            return
        oldest: Thread | None = None
        for candidate in Thread.gsi4.query(f"TL#CS#{contact_id}#open", scan_index_forward=True, limit=2):
            # The index may lag behind our own commit: this thread counts only where it is now.
            if int(candidate.number) == number and (sort_key is None or candidate.gsi4sk != sort_key):
                continue
            oldest = candidate
            break
        if oldest is not None:
            actions: list[Action] = [Stats.oldest_open.set(int(oldest.number)), Stats.oldest_open_key.set(str(oldest.gsi4sk))]
        else:
            actions = [Stats.oldest_open.remove(), Stats.oldest_open_key.remove()]
        unchanged = Stats.open_changes == box.open_changes if box.open_changes is not None else Stats.open_changes.does_not_exist()
        try:
            Stats(*Stats.contact_key(contact_id)).update(actions=actions, condition=unchanged)
            return
        except UpdateError as error:
            if "ConditionalCheckFailed" not in str(error):
                raise
            box = None


# --- reading ---------------------------------------------------------------------------------


def get_thread(number: int) -> Thread:
    try:
        return Thread.get(*Thread.key(number), consistent_read=True)
    except Thread.DoesNotExist:
        raise NotFound("thread_not_found") from None


def keep_contact_names(contact_id: str, names: dict[str, str]) -> int:
    """Writes a contact's current names onto each of its threads before the contact goes, so the
    threads keep showing its last name (SPEC §2). One Query on GSI3 (the contact's thread list);
    a thread deleted meanwhile is skipped. Returns how many threads were updated."""
    updated = 0
    for summary in Thread.gsi3.query(f"TL#C#{contact_id}"):
        if not isinstance(summary, Thread):
            continue
        try:
            Thread(*Thread.key(int(summary.number))).update(
                actions=[Thread.contact_names.set(dict(names))], condition=Thread.pk.exists()
            )
        except UpdateError as error:
            if "ConditionalCheckFailed" not in str(error):
                raise
            continue
        updated += 1
    return updated


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
    # An imported mail's raw .eml, and its whole text when the item keeps only the start of it.
    original: dict[str, Any] | None = None
    full_text: dict[str, Any] | None = None
    created_at: datetime | None = None
    # Set by store_customer_message before `extra_writes` runs, so they can name the thread.
    thread_number: int | None = None


@dataclass
class Stored:
    thread: Thread
    message: Message
    created: bool  # a new thread was started


class ThreadChanged(Conflict):
    """A condition on the thread failed: another request changed it first (callers retry)."""

    code = "thread_busy"


def _message_item(number: int, incoming: CustomerMessage, created_at: str) -> Message:
    message_id = secrets.token_hex(8)
    return Message(
        f"THREAD#{number}",
        Message.sort_key(created_at, message_id),
        message_id=message_id,
        thread_number=number,
        author="customer",
        source=incoming.source,
        text=incoming.text,
        new_text=incoming.new_text,
        created_at=created_at,
        ip=incoming.ip,
        user_agent=incoming.user_agent,
        product=incoming.product,
        attachments=[Attachment(**a) for a in incoming.attachments],
        match_rule=incoming.match_rule,
        mail_message_id=incoming.mail_message_id,
        original=Attachment(**incoming.original) if incoming.original else None,
        full_text=Attachment(**incoming.full_text) if incoming.full_text else None,
    )


def _is_condition_failure(error: TransactWriteError) -> bool:
    reasons = getattr(error, "cancellation_reasons", None) or []
    return any(reason is not None and getattr(reason, "code", "") == "ConditionalCheckFailed" for reason in reasons) or (
        "ConditionalCheckFailed" in str(error)
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
            if thread is not None:
                return _append(thread.number, thread.status, thread.contact_id, incoming, extra_writes, known=thread, box=box)
            if claim is _UNREAD:  # a caller that read the claim already (intake and mail sync batch it) saves a read
                claim = _get_claim(incoming.email, contact.contact_id, incoming.order_ref)
            if claim is not None:
                if incoming.match_rule == "new_thread":  # an unmatched mail continues the sender's open thread
                    incoming.match_rule = "open_thread"
                return _append(int(claim.number), claim.status, contact.contact_id, incoming, extra_writes, box=box)
            number, thread_number = thread_number, None
            return _start(contact, incoming, extra_writes, number)
        except TransactWriteError as error:
            if not _is_condition_failure(error):
                raise
            claim = _UNREAD
            if thread is not None:
                thread = get_thread(int(thread.number))
    raise ThreadChanged()


def _get_claim(email: str, contact_id: str, order_ref: str | None) -> OpenThreadClaim | None:
    try:
        return OpenThreadClaim.get(*OpenThreadClaim.key(email, contact_id, order_ref), consistent_read=True)
    except OpenThreadClaim.DoesNotExist:
        return None


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
    deltas.status_change(contact.contact_id, None, "open")
    deltas.opened_newest(contact.contact_id, number, thread.gsi4sk)
    with transaction() as writes:
        writes.save(thread, condition=Thread.pk.does_not_exist())
        writes.save(message, condition=Message.pk.does_not_exist())
        writes.save(claim, condition=OpenThreadClaim.pk.does_not_exist())
        deltas.write(writes, moment)
        if extra_writes:
            incoming.thread_number = number
            extra_writes(writes)
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
        Thread.gsi2pk.set("TL#S#open"),
        Thread.gsi4pk.set(f"TL#CS#{contact_id}#open"),
    ]
    actions += [getattr(Thread, f"gsi{n}sk").set(sort) for n in (1, 2, 3, 4, 5, 6, 7, 9)]
    deltas = CounterDeltas()
    deltas.add(deltas.global_, "customer_messages", 1)
    deltas.status_change(contact_id, status, "open")
    if status == "open":
        deltas.open_moved(contact_id)  # an open thread moves to the newest end of its box
    else:
        deltas.opened_newest(contact_id, number, sort)
    with transaction() as writes:
        writes.save(message, condition=Message.pk.does_not_exist())
        writes.update(thread_ref, actions=actions, condition=Thread.pk.exists() & (Thread.status == status))
        # The thread continues this address again (a re-opened thread takes the claim over).
        claim_actions: list[Action] = [OpenThreadClaim.number.set(number), OpenThreadClaim.status.set("open"), OpenThreadClaim.kind.set(OpenThreadClaim)]
        if known is not None:
            claim_actions.append(OpenThreadClaim.token.set(known.token))
        # An update, not a put: a claim that already names this thread keeps the token it carries.
        writes.update(OpenThreadClaim(*OpenThreadClaim.key(incoming.email, contact_id, incoming.order_ref)), actions=claim_actions)
        deltas.write(writes, moment)
        if extra_writes:
            incoming.thread_number = number
            extra_writes(writes)
    if status == "open":
        settle_oldest_open(contact_id, number, sort, box if box is not None and box.sk == Stats.contact_key(contact_id)[1] else None)
    if known is None:
        return Stored(get_thread(number), message, created=False)
    # The caller read the thread just before: apply what the transaction did instead of reading it again.
    known.status = "open"
    known.last_message_at = created_at
    known.last_customer_message_at = created_at
    known.preview = preview_of(incoming.new_text or incoming.text)
    known.customer_messages = int(known.customer_messages or 0) + 1
    return Stored(apply_index_keys(known), message, created=False)


# --- agents' changes -------------------------------------------------------------------------------


def _claim_writes(writes: TransactWrite, thread: Thread, new_status: str) -> None:
    """Keeps the address's open-thread claim in step: removed on close, mirrored otherwise."""
    claim = _get_claim(thread.email, thread.contact_id, thread.order_ref)
    if new_status == "closed":
        if claim is not None and int(claim.number) == int(thread.number):
            writes.delete(claim)
        return
    writes.save(
        OpenThreadClaim(
            *OpenThreadClaim.key(thread.email, thread.contact_id, thread.order_ref), number=int(thread.number), status=new_status, token=thread.token
        )
    )


def _closing_aggregates(deltas: CounterDeltas, thread: Thread, extra_messages: int = 0) -> None:
    deltas.add(deltas.day, "closed_threads", 1)
    deltas.add(deltas.day, "closed_thread_messages", int(thread.customer_messages) + int(thread.agent_messages) + extra_messages)


def change_status(number: int, new_status: str, also: list[Action] | None = None) -> Thread:
    """Mark as handled (closed), re-open (open), pending 1/2, or disable pending (back to open).

    `also`: more changes of the thread item made in the same write (the spam flag)."""
    if new_status not in STATUSES:
        raise ShopdeskError("invalid_status")
    for _ in range(ATTEMPTS):
        thread = get_thread(number)
        if thread.status == new_status:
            if also:
                Thread(*Thread.key(number)).update(actions=also, condition=Thread.pk.exists())
            return thread
        old = thread.status
        thread.status = new_status
        deltas = CounterDeltas()
        deltas.status_change(thread.contact_id, old, new_status)
        if new_status == "closed":
            _closing_aggregates(deltas, thread)
        try:
            with transaction() as writes:
                writes.update(
                    Thread(*Thread.key(number)),
                    actions=[Thread.status.set(new_status), *_index_actions(thread), *(also or [])],
                    condition=Thread.pk.exists() & (Thread.status == old),
                )
                _claim_writes(writes, thread, new_status)
                deltas.write(writes, datetime.now(UTC))
        except TransactWriteError as error:
            if not _is_condition_failure(error):
                raise
            continue
        if "open" in (old, new_status):
            # Re-opened, it keeps its place (maybe older than the box's link); closed, it may be the link.
            settle_oldest_open(thread.contact_id, number, list_sort_key(thread.last_message_at, number) if new_status == "open" else None)
        return thread
    raise ThreadChanged()


@dataclass
class AgentMessage:
    """A reply, a private note or a forward record written by an agent."""

    agent: str
    text: str
    source: str  # agent | note | forward
    private: bool = False
    attachments: list[dict[str, Any]] = field(default_factory=list)
    delivery: dict[str, Any] | None = None
    # The Message-IDs of the mail we sent (ours and SES's), so an answer's In-Reply-To finds the thread.
    outbound_message_ids: list[str] = field(default_factory=list)
    close: bool = False  # a reply that was sent closes the thread


def store_agent_message(number: int, outgoing: AgentMessage) -> tuple[Thread, Message]:
    """Stores what an agent wrote, with the thread's counters, first response time and claim."""
    for _ in range(ATTEMPTS):
        thread = get_thread(number)
        moment = datetime.now(UTC)
        created_at = now_iso(moment)
        message_id = secrets.token_hex(8)
        message = Message(
            f"THREAD#{number}",
            Message.sort_key(created_at, message_id),
            message_id=message_id,
            thread_number=number,
            author="agent",
            agent=outgoing.agent,
            source=outgoing.source,
            text=outgoing.text,
            private=outgoing.private,
            created_at=created_at,
            attachments=[Attachment(**a) for a in outgoing.attachments],
            delivery=Delivery(**outgoing.delivery) if outgoing.delivery else None,
        )
        old_status = thread.status
        previous_last_message_at = thread.last_message_at
        deltas = CounterDeltas()
        is_reply = not outgoing.private
        if is_reply:
            thread.agent_messages = int(thread.agent_messages) + 1
            thread.last_agent = outgoing.agent
            thread.last_message_at = created_at
            thread.preview = preview_of(outgoing.text)
            deltas.add(deltas.global_, "agent_messages", 1)
            if not thread.first_response_at and outgoing.close:
                thread.first_response_at = created_at
                started = datetime.fromisoformat(thread.created_at)
                deltas.add(deltas.day, "first_response_count", 1)
                deltas.add(deltas.day, "first_response_seconds", int((moment - started).total_seconds()))
        else:
            thread.has_private_note = True
        if outgoing.close and old_status != "closed":
            thread.status = "closed"
            deltas.status_change(thread.contact_id, old_status, "closed")
            _closing_aggregates(deltas, thread)
        # An open thread that stays open but has a new last message moves to the newest end of its box.
        moved = old_status == thread.status == "open" and thread.last_message_at != previous_last_message_at
        if moved:
            deltas.open_moved(thread.contact_id)
        actions: list[Action] = [
            Thread.status.set(thread.status),
            Thread.agent_messages.set(int(thread.agent_messages)),
            Thread.last_message_at.set(thread.last_message_at),
            Thread.preview.set(thread.preview),
            Thread.has_private_note.set(bool(thread.has_private_note)),
            *_index_actions(thread),
        ]
        if thread.last_agent:
            actions.append(Thread.last_agent.set(thread.last_agent))
        if thread.first_response_at:
            actions.append(Thread.first_response_at.set(thread.first_response_at))
        try:
            with transaction() as writes:
                writes.save(message, condition=Message.pk.does_not_exist())
                writes.update(
                    Thread(*Thread.key(number)),
                    actions=actions,
                    condition=Thread.pk.exists()
                    & (Thread.status == old_status)
                    & (Thread.last_message_at == previous_last_message_at),
                )
                if thread.status != old_status:
                    _claim_writes(writes, thread, thread.status)
                for outbound_id in outgoing.outbound_message_ids:
                    writes.save(MailId(*MailId.key(outbound_id), thread_number=number, message_sk=message.sk))
                deltas.write(writes, moment)
        except TransactWriteError as error:
            if not _is_condition_failure(error):
                raise
            continue
        if moved or (old_status == "open" and thread.status != "open"):
            settle_oldest_open(thread.contact_id, number, list_sort_key(thread.last_message_at, number) if moved else None)
        return thread, message
    raise ThreadChanged()


def iter_thread_items(number: int) -> Iterable[Thread | Message]:
    """The thread and its messages, oldest first: one Query on the thread's partition."""
    return Thread.query(f"THREAD#{number}", consistent_read=True)


# --- agents' API: delivery of replies, deletion, bulk changes (issue 4) ---------------------------

register(
    {
        "reply_already_sent": {
            "en": "This reply has already been sent.",
            "es": "Esta respuesta ya se ha enviado.",
            "pl": "Ta odpowiedź została już wysłana.",
        },
        "message_not_found": {
            "en": "This message does not exist in the thread.",
            "es": "Este mensaje no existe en la conversación.",
            "pl": "Ta wiadomość nie istnieje w wątku.",
        },
    }
)


def thread_partition(number: int) -> tuple[Thread, list[Message]]:
    """The thread and its messages, oldest first: one Query on PK=THREAD#<n> (the thread view)."""
    from shopdesk.store.models import ShopdeskItem

    thread: Thread | None = None
    messages: list[Message] = []
    for item in ShopdeskItem.query(f"THREAD#{number}", consistent_read=True):
        if isinstance(item, Thread):
            thread = item
        elif isinstance(item, Message):
            messages.append(item)
    if thread is None:
        raise NotFound("thread_not_found")
    return thread, messages


def find_message(number: int, message_id: str) -> Message:
    """One message of a thread by its id: a Query on the thread's partition filtered by id."""
    for message in Message.query(f"THREAD#{number}", Message.sk.startswith("MSG#"), filter_condition=Message.message_id == message_id):
        return message
    raise NotFound("message_not_found")


def reply_delivered(number: int, message: Message, delivery: dict[str, Any], outbound_message_ids: list[str]) -> Thread:
    """A stored reply went out: its delivery becomes "sent", its Message-IDs are recorded for
    answer matching, the first response is counted, and the thread closes (unless the customer
    wrote again after the reply was written, so their new message is not hidden)."""
    for _ in range(ATTEMPTS):
        thread = get_thread(number)
        moment = datetime.now(UTC)
        old_status = thread.status
        deltas = CounterDeltas()
        actions: list[Action] = []
        customer_wrote_since = (thread.last_customer_message_at or "") > message.created_at
        if not customer_wrote_since and old_status != "closed":
            thread.status = "closed"
            deltas.status_change(thread.contact_id, old_status, "closed")
            _closing_aggregates(deltas, thread)
        if not thread.first_response_at:
            thread.first_response_at = delivery.get("at") or now_iso(moment)
            started = datetime.fromisoformat(thread.created_at)
            deltas.add(deltas.day, "first_response_count", 1)
            deltas.add(deltas.day, "first_response_seconds", max(0, int((datetime.fromisoformat(thread.first_response_at) - started).total_seconds())))
            actions.append(Thread.first_response_at.set(thread.first_response_at))
        actions += [Thread.status.set(thread.status), *_index_actions(thread)]
        try:
            with transaction() as writes:
                writes.update(
                    Message(message.pk, message.sk),
                    actions=[Message.delivery.set(Delivery(**delivery))],
                    condition=Message.pk.exists() & (Message.delivery.state != "sent"),
                )
                writes.update(Thread(*Thread.key(number)), actions=actions, condition=Thread.pk.exists() & (Thread.status == old_status))
                if thread.status != old_status:
                    _claim_writes(writes, thread, thread.status)
                for outbound_id in outbound_message_ids:
                    writes.save(MailId(*MailId.key(outbound_id), thread_number=number, message_sk=message.sk))
                deltas.write(writes, moment)
        except TransactWriteError as error:
            if not _is_condition_failure(error):
                raise
            if find_message(number, message.message_id).delivery.state == "sent":
                raise Conflict("reply_already_sent") from None
            continue
        if old_status == "open" and thread.status != "open":
            settle_oldest_open(thread.contact_id, number, None)
        message.delivery = Delivery(**delivery)
        return thread
    raise ThreadChanged()


def reply_not_delivered(message: Message, error: str) -> None:
    """Keeps why SES refused a reply on the message, which stays "not sent" (never shown as sent)."""
    delivery = Delivery(state="not_sent", error=error[:500], at=now_iso())
    message.update(actions=[Message.delivery.set(delivery)], condition=Message.pk.exists())


def delete_thread(number: int) -> None:
    """Deletes a thread, its messages and their files, and takes it out of every counter.

    The files go first (a failure leaves the thread in place, to be deleted again), then one
    transaction removes the thread item with its counters and claim, then the messages go by
    BatchWriteItem. The 30-day aggregates are history (what was answered and closed) and stay.
    """
    from shopdesk.store.attachments import delete_files

    thread, messages = thread_partition(number)
    delete_files([a.key for m in messages for a in (m.attachments or [])])
    deltas = CounterDeltas()
    deltas.add(deltas.global_, "threads_total", -1)
    deltas.add(deltas.global_, "customer_messages", -int(thread.customer_messages))
    deltas.add(deltas.global_, "agent_messages", -int(thread.agent_messages))
    deltas.status_change(thread.contact_id, thread.status, None)
    claim = _get_claim(thread.email, thread.contact_id, thread.order_ref)
    try:
        with transaction() as writes:
            writes.delete(
                Thread(*Thread.key(number)),
                condition=Thread.pk.exists() & (Thread.status == thread.status) & (Thread.last_message_at == thread.last_message_at),
            )
            if claim is not None and int(claim.number) == number:
                writes.delete(claim)
            deltas.write(writes, datetime.now(UTC))
    except TransactWriteError as error:
        if not _is_condition_failure(error):
            raise
        raise ThreadChanged() from None
    if thread.status == "open":
        settle_oldest_open(thread.contact_id, number, None)
    with Message.batch_write() as batch:
        for message in messages:
            batch.delete(message)


def mark_read(agent_sub: str, number: int) -> str:
    """The agent opened the thread: unread is per agent, kept on the thread as `read_by.<sub>`.

    One UpdateItem that sets only that path, so it never overwrites what a concurrent thread
    transaction writes. A thread stored before `read_by` existed gets the map first (conditional
    on its absence, so two agents opening it at once both keep their time). A thread deleted
    meanwhile needs no mark.
    """
    read_at = now_iso()
    thread = Thread(*Thread.key(number))
    attempts = [
        ([Thread.read_by[agent_sub].set(read_at)], Thread.pk.exists() & Thread.read_by.exists()),
        ([Thread.read_by.set({agent_sub: read_at})], Thread.pk.exists() & Thread.read_by.does_not_exist()),
    ]
    for actions, condition in (*attempts, attempts[0]):
        try:
            thread.update(actions=actions, condition=condition)
            return read_at
        except UpdateError as error:
            if "ConditionalCheckFailed" not in str(error):
                raise
    return read_at


BULK_LIMIT = 100


def bulk_change(action: Any, status: Any, numbers: Any) -> dict[str, Any]:
    """Bulk delete or status change of the list's ticked threads: each thread is its own change
    (its own transaction), so one that fails is reported and the others still happen."""
    from shopdesk.core.validation import Checker

    check = Checker()
    if action not in ("delete", "status"):
        check.fail("action", "validation_failed")
    if action == "status" and status not in STATUSES:
        check.fail("status", "invalid_status")
    valid_numbers = isinstance(numbers, list) and 0 < len(numbers) <= BULK_LIMIT
    if not valid_numbers or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in numbers):
        check.fail("numbers", "validation_failed")
    check.done()
    done: list[int] = []
    failed: list[dict[str, Any]] = []
    for number in dict.fromkeys(numbers):
        try:
            if action == "delete":
                delete_thread(number)
            else:
                change_status(number, status)
        except ShopdeskError as error:
            failed.append({"number": number, "code": error.code})
            continue
        done.append(number)
    return {"done": done, "failed": failed}


# --- spam (SPEC §3): an agent marks a thread as spam ------------------------------------------------


def set_spam(number: int, spam: bool) -> Thread:
    """Marking closes the thread and flags it in one write (change_status, counters and claim with
    it); unmarking only clears the flag: the thread stays closed."""
    if spam:
        thread = change_status(number, "closed", also=[Thread.spam.set(True)])
    else:
        thread = get_thread(number)
        if thread.spam:
            Thread(*Thread.key(number)).update(actions=[Thread.spam.set(False)], condition=Thread.pk.exists())
    thread.spam = spam
    return thread
