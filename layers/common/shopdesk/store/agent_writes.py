"""What agents change on a thread: their replies, notes and forward records, a reply's delivery,
the status, the spam flag, the read mark, deletion. Each change is one transaction with the
thread's list keys, its open-thread claim and the counters (docs/data-model.md, patterns 22, 42).

A caller that already read the thread (and its ChangeContext) hands them in, and the read mark of
the agent who acts rides in the same write: an agent's reply reads the thread once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition, size
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from shopdesk.core.errors import Conflict, ShopdeskError
from shopdesk.core.thread_rules import is_status, leaves_open, now_iso, preview_of
from shopdesk.store import keys
from shopdesk.store.assignment import AgentRef, assignee_is
from shopdesk.store.conditions import ATTEMPTS, condition_failed
from shopdesk.store.counters import CounterDeltas, settle_oldest_open
from shopdesk.store.keys import list_sort_key
from shopdesk.store.models import Attachment, Delivery, Draft, MailId, Message, OpenThreadClaim, Thread, transaction
from shopdesk.store.search_index import file_rest, file_terms, message_terms
from shopdesk.store.thread_items import index_actions
from shopdesk.store.thread_reads import ChangeContext, ThreadChanged, find_message, get_claim, get_thread, read_change_context


class ThreadMovedOn(Conflict):
    """Someone wrote in the thread after the message the replying agent last saw."""

    code = "reply_outdated"


def claim_writes(writes: TransactWrite, thread: Thread, new_status: str, context: ChangeContext | None = None) -> None:
    """Keeps the address's open-thread claim in step: removed on close, mirrored otherwise."""
    claim = context.claim if context is not None else get_claim(thread.email, thread.contact_id, thread.order_ref)
    if new_status == "closed":
        if claim is not None and int(claim.number) == int(thread.number):
            writes.delete(claim)
        return
    writes.save(
        OpenThreadClaim(
            *OpenThreadClaim.key(thread.email, thread.contact_id, thread.order_ref), number=int(thread.number), status=new_status, token=thread.token
        )
    )


def read_mark(thread: Thread, reader: str | None, at: str) -> tuple[list[Action], Condition | None]:
    """The agent's read mark (`read_by.<sub>`) as part of another write of the thread: a path SET
    when the map is there, else the whole map, only while it is still empty (another agent's mark
    written meanwhile makes the write retry, never lost)."""
    if not reader:
        return [], None
    if thread.read_by and len(thread.read_by.as_dict() if hasattr(thread.read_by, "as_dict") else thread.read_by):
        return [Thread.read_by[reader].set(at)], Thread.read_by.exists()
    return [Thread.read_by.set({reader: at})], Thread.read_by.does_not_exist() | (size(Thread.read_by) == 0)


def _remember_read(thread: Thread, reader: str | None, at: str) -> None:
    if reader:
        current = thread.read_by.as_dict() if hasattr(thread.read_by, "as_dict") else dict(thread.read_by or {})
        thread.read_by = {**current, reader: at}


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
    assign_to: AgentRef | None = None  # becomes the assignee if the thread has none (first reply)
    # The kind of the writer's draft (reply | note) this message sends: deleted in the same
    # transaction (needs `reader`, the agent's sub), so sending costs no extra request.
    sends_draft: str | None = None


def store_agent_message(
    number: int,
    outgoing: AgentMessage,
    known: Thread | None = None,
    context: ChangeContext | None = None,
    reader: str | None = None,
    settle: bool = True,
    stop_if_moved: bool = False,
) -> tuple[Thread, Message]:
    """Stores what an agent wrote, with the thread's counters, first response time and claim.

    `known` and `context`: the thread and its ChangeContext as the caller just read them (saves
    those reads; a lost race re-reads). `reader`: the acting agent's sub, marked read in the same
    write. `settle=False`: the caller changes the thread again at once (a reply being sent) and
    keeps the box link after that change (`context.box` then reflects this one).
    `stop_if_moved`: a lost race to a new message raises ThreadMovedOn instead of writing after it
    (a reply checked against the last message its agent saw)."""
    for attempt in range(ATTEMPTS):
        if attempt or known is None:
            known, context = get_thread(number), None
        thread = known
        moment = datetime.now(UTC)
        created_at = now_iso(moment)
        message = Message.new(
            number,
            created_at,
            author="agent",
            agent=outgoing.agent,
            source=outgoing.source,
            text=outgoing.text,
            private=outgoing.private,
            attachments=[Attachment(**a) for a in outgoing.attachments],
            delivery=Delivery(**outgoing.delivery) if outgoing.delivery else None,
        )
        old_status = thread.status
        old_assignee = thread.assignee
        previous_last_message_at = thread.last_message_at
        was = (int(thread.agent_messages), thread.last_agent, thread.preview, thread.first_response_at, bool(thread.has_private_note))
        deltas = CounterDeltas()
        if not outgoing.private:
            thread.agent_messages = int(thread.agent_messages) + 1
            thread.last_agent = outgoing.agent
            thread.last_message_at = created_at
            thread.preview = preview_of(outgoing.text)
            deltas.add(deltas.global_, "agent_messages", 1)
            if not thread.first_response_at and outgoing.close:
                thread.first_response_at = created_at
                deltas.first_response(int((moment - datetime.fromisoformat(thread.created_at)).total_seconds()))
        else:
            thread.has_private_note = True
        if outgoing.close and old_status != "closed":
            thread.status = "closed"
            deltas.status_change(thread.contact_id, old_status, "closed", assignee=old_assignee)
            deltas.closing(thread)
        if outgoing.assign_to is not None and not old_assignee:  # "assign to the replier on first reply"
            to = outgoing.assign_to
            deltas.assignment_change(None, to.sub, thread.status, thread.status, name=to.name)
            thread.assignee, thread.assignee_name, thread.assignee_email = to.sub, to.name, to.email
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
            *index_actions(thread),
        ]
        if thread.last_agent:
            actions.append(Thread.last_agent.set(thread.last_agent))
        if thread.first_response_at:
            actions.append(Thread.first_response_at.set(thread.first_response_at))
        if thread.assignee != old_assignee and thread.assignee:
            actions += [Thread.assignee.set(thread.assignee), Thread.assignee_name.set(thread.assignee_name), Thread.assignee_email.set(thread.assignee_email)]
        mark, mark_condition = read_mark(thread, reader, created_at)
        condition = (
            Thread.pk.exists() & (Thread.status == old_status) & (Thread.last_message_at == previous_last_message_at) & assignee_is(old_assignee)
        )
        try:
            with transaction() as writes:
                writes.save(message, condition=Message.pk.does_not_exist())
                writes.update(Thread(*Thread.key(number)), actions=actions + mark, condition=condition & mark_condition if mark_condition is not None else condition)
                if thread.status != old_status:
                    claim_writes(writes, thread, thread.status, context)
                for outbound_id in outgoing.outbound_message_ids:
                    writes.save(MailId(*MailId.key(outbound_id), thread_number=number, message_sk=message.sk))
                if outgoing.sends_draft and reader:
                    writes.delete(Draft(*Draft.key(number, reader, outgoing.sends_draft)))
                deltas.write(writes, moment)
                rest = file_terms(writes, number, message_terms(message))
        except TransactWriteError as error:
            if not condition_failed(error):
                raise
            (thread.agent_messages, thread.last_agent, thread.preview, thread.first_response_at, thread.has_private_note) = was
            thread.status, thread.last_message_at = old_status, previous_last_message_at
            if thread.assignee != old_assignee:
                thread.assignee = thread.assignee_name = thread.assignee_email = None
            if stop_if_moved and get_thread(number).last_message_at != previous_last_message_at:
                raise ThreadMovedOn() from None
            continue
        file_rest(number, rest)
        _remember_read(thread, reader, created_at)
        box = deltas.applied_to(context.box if context is not None else None)
        if context is not None:
            context.box = box
        if settle and (moved or leaves_open(old_status, thread.status)):
            settle_oldest_open(thread.contact_id, number, list_sort_key(thread.last_message_at, number) if moved else None, box)
        return thread, message
    raise ThreadChanged()


def reply_delivered(
    number: int,
    message: Message,
    delivery: dict[str, Any],
    outbound_message_ids: list[str],
    known: Thread | None = None,
    context: ChangeContext | None = None,
    moved_from: str | None = None,
    after: str = "closed",
    snooze_until: str | None = None,
) -> Thread:
    """A stored reply went out: its delivery becomes "sent", its Message-IDs are recorded for
    answer matching, the first response is counted, and the thread takes `after` (the agent's
    "Send and close": closed; "Send and keep open": open; "Send and snooze": pending1 until
    `snooze_until`), or open if the customer wrote again after the reply was written, so their
    new message is not hidden.

    `known`/`context`: as the caller left them after storing the reply. `moved_from`: the thread's
    status before that store when it deferred keeping the box link (store_agent_message
    `settle=False`): the link is kept here, once, for both changes."""
    for attempt in range(ATTEMPTS):
        if attempt or known is None:
            known, context = get_thread(number), None
        thread = known
        moment = datetime.now(UTC)
        old_status = thread.status
        deltas = CounterDeltas()
        actions: list[Action] = []
        customer_wrote_since = (thread.last_customer_message_at or "") > message.created_at
        # `after`: the status the agent chose for this send (closed, open, or pending1 with
        # `snooze_until`: "Send and snooze"); a customer who wrote meanwhile keeps the thread open,
        # so their new message is not hidden.
        target = "open" if customer_wrote_since else after
        target_snooze = snooze_until if target in keys.PENDING else None
        if old_status != target or (target_snooze or None) != thread.snooze_until:
            thread.status = target
            thread.snooze_until = target_snooze
            actions.append(Thread.snooze_until.set(thread.snooze_until) if thread.snooze_until else Thread.snooze_until.remove())
            deltas.status_change(thread.contact_id, old_status, target, assignee=thread.assignee)
            if target == "closed" and old_status != "closed":
                deltas.closing(thread)
        first_response = None
        if not thread.first_response_at:
            first_response = delivery.get("at") or now_iso(moment)
            started = datetime.fromisoformat(thread.created_at)
            deltas.first_response(int((datetime.fromisoformat(first_response) - started).total_seconds()))
            actions.append(Thread.first_response_at.set(first_response))
        actions += [Thread.status.set(thread.status), *index_actions(thread)]
        try:
            with transaction() as writes:
                writes.update(
                    Message(message.pk, message.sk),
                    actions=[Message.delivery.set(Delivery(**delivery))],
                    condition=Message.pk.exists() & (Message.delivery.state != "sent"),
                )
                writes.update(
                    Thread(*Thread.key(number)), actions=actions, condition=Thread.pk.exists() & (Thread.status == old_status) & assignee_is(thread.assignee)
                )
                if thread.status != old_status:
                    claim_writes(writes, thread, thread.status, context)
                for outbound_id in outbound_message_ids:
                    writes.save(MailId(*MailId.key(outbound_id), thread_number=number, message_sk=message.sk))
                deltas.write(writes, moment)
        except TransactWriteError as error:
            if not condition_failed(error):
                raise
            thread.status = old_status
            if find_message(number, message.message_id).delivery.state == "sent":
                raise Conflict("reply_already_sent") from None
            continue
        thread.first_response_at = thread.first_response_at or first_response
        box = deltas.applied_to(context.box if context is not None else None)
        before = moved_from or old_status
        if leaves_open(before, thread.status):
            settle_oldest_open(thread.contact_id, number, None, box)
        elif thread.status == "open" and (moved_from == "open" or old_status != "open"):  # moved, or re-opened: kept open
            settle_oldest_open(thread.contact_id, number, list_sort_key(thread.last_message_at, number), box)
        message.delivery = Delivery(**delivery)
        return thread
    raise ThreadChanged()


def reply_not_delivered(message: Message, error: str) -> None:
    """Keeps why SES refused a reply on the message, which stays "not sent" (never shown as sent)."""
    delivery = Delivery(state="not_sent", error=error[:500], at=now_iso())
    Message(message.pk, message.sk).update(actions=[Message.delivery.set(delivery)], condition=Message.pk.exists())
    message.delivery = delivery


def change_status(
    number: int,
    new_status: str,
    also: list[Action] | None = None,
    known: Thread | None = None,
    reader: str | None = None,
    snooze_until: str | None = None,
    spam: bool | None = None,
) -> Thread:
    """Mark as handled (closed), re-open (open), pending 1/2, or disable pending (back to open).

    `also`: more changes of the thread item made in the same write. `known`: the thread as the
    caller read it; `reader`: the acting agent, marked read in the same write. `spam`: the spam
    flag set in the same write, with the list keys it moves (a spam thread is in the spam list,
    not the main one)."""
    if not is_status(new_status):
        raise ShopdeskError("invalid_status")
    for attempt in range(ATTEMPTS):
        thread = known if known is not None and not attempt else get_thread(number)
        moment = now_iso()
        mark, mark_condition = read_mark(thread, reader, moment)
        more = list(also or [])
        if spam is not None:
            thread.spam = spam
            more.append(Thread.spam.set(spam))
        if thread.status == new_status:
            if more or mark:
                condition = Thread.pk.exists() & mark_condition if mark_condition is not None else Thread.pk.exists()
                keys_moved = index_actions(thread) if spam is not None else []
                try:
                    Thread(*Thread.key(number)).update(actions=[*more, *keys_moved, *mark], condition=condition)
                except UpdateError as error:
                    if not condition_failed(error):
                        raise
                    continue
                _remember_read(thread, reader, moment)
            return thread
        context = read_change_context(thread)
        old = thread.status
        thread.status = new_status
        # A status change starts without a snooze unless it is one (a pending status with a time).
        thread.snooze_until = snooze_until if new_status in keys.PENDING else None
        snooze_action = Thread.snooze_until.set(thread.snooze_until) if thread.snooze_until else Thread.snooze_until.remove()
        deltas = CounterDeltas()
        deltas.status_change(thread.contact_id, old, new_status, assignee=thread.assignee)
        if new_status == "closed":
            deltas.closing(thread)
        condition = Thread.pk.exists() & (Thread.status == old) & assignee_is(thread.assignee)
        try:
            with transaction() as writes:
                writes.update(
                    Thread(*Thread.key(number)),
                    actions=[Thread.status.set(new_status), snooze_action, *index_actions(thread), *more, *mark],
                    condition=condition & mark_condition if mark_condition is not None else condition,
                )
                claim_writes(writes, thread, new_status, context)
                deltas.write(writes, datetime.now(UTC))
        except TransactWriteError as error:
            if not condition_failed(error):
                raise
            thread.status = old
            continue
        _remember_read(thread, reader, moment)
        if "open" in (old, new_status):
            # Re-opened, it keeps its place (maybe older than the box's link); closed, it may be the link.
            sort = list_sort_key(thread.last_message_at, number) if new_status == "open" else None
            settle_oldest_open(thread.contact_id, number, sort, deltas.applied_to(context.box))
        return thread
    raise ThreadChanged()



def settle_moved(thread: Thread, context: ChangeContext | None) -> None:
    """Keeps the box link after a change that moved an open thread to the newest end and deferred
    it (store_agent_message `settle=False`) when no second change followed (a reply SES refused)."""
    if thread.status == "open":
        number = int(thread.number)
        settle_oldest_open(thread.contact_id, number, list_sort_key(thread.last_message_at, number), context.box if context else None)
