"""Who owns a thread (docs/data-model.md, "Ownership and presence"): the assignee written with
GSI6's key (`TL#A#<sub>`, `TL#A#-` for no one) and the assignees' counters (STATS/AGENT#sub) in
one transaction; and the presence items of the agents on a thread screen.

The transaction holds only while the thread's assignee and status are what the caller read, so
two agents taking a thread at once, or a take racing a close, never leave a counter wrong: the
loser re-reads and decides again (threads/assignment.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from shopdesk.core.thread_rules import now_iso
from shopdesk.store.conditions import condition_failed
from shopdesk.store.counters import CounterDeltas
from shopdesk.store.models import Message, Presence, Thread, transaction
from shopdesk.store.thread_items import index_actions
from shopdesk.store.thread_reads import ThreadChanged

# A presence item outlives its last heartbeat by this much (the page beats every ~20 s).
PRESENCE_SECONDS = 60


@dataclass(frozen=True)
class AgentRef:
    """A member of the team as a thread names them: the Cognito sub, display name and e-mail."""

    sub: str
    name: str
    email: str


def assignee_is(assignee: str | None) -> Condition:
    """The condition that the stored thread has this assignee (None: no one)."""
    return Thread.assignee == assignee if assignee else Thread.assignee.does_not_exist()


@dataclass(frozen=True)
class Handover:
    """The private entry a hand-over leaves in the thread: who handed it, to whom, and the note."""

    by: AgentRef
    note: str


def assign_thread(thread: Thread, to: AgentRef | None, handover: Handover | None = None) -> tuple[Thread, Message | None]:
    """Sets (or clears) the assignee of `thread`, as the caller read it: one TransactWriteItems with
    the thread (its GSI6 key), the old and new assignee's counters and, for a hand-over, the
    private entry. Raises ThreadChanged when the assignee or status changed since the read."""
    number = int(thread.number)
    old = thread.assignee
    deltas = CounterDeltas()
    deltas.assignment_change(old, to.sub if to else None, thread.status, thread.status, name=to.name if to else None)
    thread.assignee = to.sub if to else None
    thread.assignee_name = to.name if to else None
    thread.assignee_email = to.email if to else None
    message: Message | None = None
    if handover is not None:
        created_at = now_iso()
        message = Message.new(
            number,
            created_at,
            author="agent",
            agent=handover.by.email,
            source="handover",
            text=handover.note,
            private=True,
            assignee_name=to.name if to else None,
        )
        thread.has_private_note = True
    actions: list[Action] = [*index_actions(thread), Thread.has_private_note.set(bool(thread.has_private_note))]
    if to is not None:
        actions += [Thread.assignee.set(to.sub), Thread.assignee_name.set(to.name), Thread.assignee_email.set(to.email)]
    else:
        actions += [Thread.assignee.remove(), Thread.assignee_name.remove(), Thread.assignee_email.remove()]
    try:
        with transaction() as writes:
            writes.update(
                Thread(*Thread.key(number)),
                actions=actions,
                condition=Thread.pk.exists() & assignee_is(old) & (Thread.status == thread.status),
            )
            if message is not None:
                writes.save(message, condition=Message.pk.does_not_exist())
            deltas.write(writes, datetime.now(UTC))
    except TransactWriteError as error:
        if not condition_failed(error):
            raise
        raise ThreadChanged() from None
    return thread, message


def beat(number: int, agent: AgentRef, state: str) -> Presence:
    """The page's heartbeat: one PutItem of PK=THREAD#n, SK=PRESENCE#<sub>, expiring by TTL."""
    moment = datetime.now(UTC)
    presence = Presence(
        *Presence.key(number, agent.sub),
        agent_sub=agent.sub,
        name=agent.name,
        email=agent.email,
        state=state,
        at=now_iso(moment),
        expires_at=int((moment + timedelta(seconds=PRESENCE_SECONDS)).timestamp()),
    )
    presence.save()
    return presence


def present(items: list[Presence], moment: datetime | None = None) -> list[Presence]:
    """The presence items still alive (TTL deletes expired items late, so the time is checked)."""
    now = int((moment or datetime.now(UTC)).timestamp())
    return [p for p in items if int(p.expires_at or 0) > now]
