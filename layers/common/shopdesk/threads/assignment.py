"""Who owns a thread, and who is on it.

Rules: an agent takes a thread no one owns, releases their own, and hands their own (or one no
one owns) to a colleague with a note; admins do all of it to any thread. Taking is two DynamoDB
requests: the thread (GetItem) and the transaction that writes the assignee, GSI6's key and the
assignees' counters (store/assignment.py). A lost race (two agents taking at once) re-reads and
decides again, so the second agent hears "already taken", never overwrites the first.

Presence: the page beats every ~20 s (one PutItem of a short-lived item in the thread's
partition); the thread view's own Query reads the beats back (thread_view.py)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from shopdesk.core.config import config
from shopdesk.core.errors import Conflict, Forbidden
from shopdesk.core.i18n import register
from shopdesk.core.observability import logger
from shopdesk.mail import send as mail
from shopdesk.store.assignment import AgentRef, Handover, assign_thread, beat
from shopdesk.store.conditions import ATTEMPTS
from shopdesk.store.models import Message, Thread
from shopdesk.store.settings import load_settings
from shopdesk.store.threads import ThreadChanged, get_thread

register(
    {
        "thread_taken": {
            "en": "A colleague already owns this thread. Ask them (or an admin) to hand it over.",
            "es": "Un compañero ya es responsable de esta conversación. Pídale (o a un administrador) que se la pase.",
            "pl": "Ten wątek ma już innego właściciela. Poproś go (lub administratora) o przekazanie.",
        },
        "not_your_thread": {
            "en": "Only the agent who owns this thread, or an admin, can release it or hand it over.",
            "es": "Solo el agente responsable de esta conversación, o un administrador, puede liberarla o pasarla.",
            "pl": "Tylko właściciel wątku lub administrator może go zwolnić lub przekazać.",
        },
    }
)

NOTE_LIMIT = 5000

HANDOVER_MAIL: dict[str, str] = {
    "subject": "[{shop}] Thread #{number} is now yours",
    "body": "{by} handed you thread #{number} ({customer}).",
}


@dataclass(frozen=True)
class Actor:
    """The caller: who they are and whether they are an admin."""

    ref: AgentRef
    is_admin: bool


@dataclass
class Assigned:
    thread: Thread
    entry: Message | None  # the hand-over's private entry, if one was written


def _check(thread: Thread, actor: Actor, to: AgentRef | None) -> None:
    if actor.is_admin:
        return
    owner = thread.assignee
    me = actor.ref.sub
    if to is not None and to.sub == me:  # taking
        if owner and owner != me:
            raise Conflict("thread_taken")
        return
    if owner and owner != me:  # releasing or handing over someone else's thread
        raise Forbidden("not_your_thread")


def assign(actor: Actor, number: int, to: AgentRef | None, note: str = "") -> Assigned:
    """PUT /v1/threads/{n}/assignee: take (`to` is the caller), hand over (a colleague, found in
    the team by the route: store.team.agent_ref; an optional note is kept as a private entry)
    or release (None)."""
    note = (note or "").strip()[:NOTE_LIMIT]
    for _ in range(ATTEMPTS):
        thread = get_thread(number)
        if (thread.assignee or None) == (to.sub if to else None) and not note:
            return Assigned(thread, None)  # already so: nothing to write
        _check(thread, actor, to)
        handing = to is not None and to.sub != actor.ref.sub
        entry = Handover(actor.ref, note) if handing or (note and to is None) else None
        try:
            thread, message = assign_thread(thread, to, entry)
        except ThreadChanged:
            continue
        if handing and to is not None:
            _tell_assignee(thread, to, actor.ref)
        return Assigned(thread, message)
    raise ThreadChanged()


def _tell_assignee(thread: Thread, to: AgentRef, by: AgentRef) -> None:
    """The shop's option "notify an assignee by mail": a short mail to the new assignee. A mail
    that fails never undoes the hand-over (it is logged)."""
    if not load_settings().notify_assignee or not to.email:
        return
    words = {"shop": config().shop_name, "number": int(thread.number), "by": by.name, "customer": thread.customer_name or thread.email}
    text = HANDOVER_MAIL["body"].format(**words)
    try:
        mail.send(
            mail.OutgoingMail(
                to=[to.email],
                subject=HANDOVER_MAIL["subject"].format(**words),
                text=text,
                html=f"<!doctype html><html><body><p>{html.escape(text)}</p></body></html>",
                headers={"X-Shopdesk": "notification", "X-Shopdesk-Thread": str(int(thread.number))},
                kind="notification",
            )
        )
    except mail.MailNotSent as error:
        logger.warning("assignee notification not sent", extra={"thread_number": int(thread.number), "reason": error.reason})


def heartbeat(agent: AgentRef, number: int, state: str) -> None:
    """PUT /v1/threads/{n}/presence: the caller is on the thread (viewing or writing). One write."""
    beat(number, agent, state)
