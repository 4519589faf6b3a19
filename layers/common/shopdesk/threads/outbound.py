"""What agents send (SPEC §5, §6 outbound): replies to the customer, forwards of a discussion,
and private notes, which never leave Shopdesk.

A reply is stored first ("not sent"), then sent through SES (or from the shop's connected account
when its mailbox sends replies: mail/smtp_send.py), then marked sent with the
Message-IDs an answer may quote, and the thread closes. If SES refuses or cannot be reached the
reply stays stored as "not sent" with the reason, the agent is told (502 `reply_not_sent`), and
the retry route sends that same stored reply. So a reply is never lost and never shown as sent
when it was not.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from shopdesk.core.aws import client
from shopdesk.core.config import LANGUAGES, config
from shopdesk.core.errors import Conflict, NotFound, UpstreamFailed
from shopdesk.core.i18n import register
from shopdesk.core.thread_rules import now_iso
from shopdesk.core.validation import Checker, is_valid_email
from shopdesk.mail import header_encoding, links, smtp_send
from shopdesk.mail import send as mail
from shopdesk.store import attachments
from shopdesk.store.agent_writes import ThreadMovedOn
from shopdesk.store.assignment import AgentRef
from shopdesk.store.models import Message, ShopSettings, Thread
from shopdesk.store.threads import (
    AgentMessage,
    ChangeContext,
    get_thread,
    read_change_context,
    reply_delivered,
    reply_not_delivered,
    settle_moved,
    store_agent_message,
    thread_partition,
)
from shopdesk.threads.after_send import AfterSend, after_send, shop_default
from shopdesk.threads.requests import MAX_REPLY_ATTACHMENTS, NoteRequest, ReplyRequest, Upload
from shopdesk.threads.saved_replies import refuse_unfilled

register(
    {
        "reply_not_sent": {
            "en": "The reply could not be sent by e-mail. It is kept as not sent: try sending it again.",
            "es": "No se pudo enviar la respuesta por correo. Se conserva como no enviada: vuelva a intentarlo.",
            "pl": "Nie udało się wysłać odpowiedzi e-mailem. Zachowano ją jako niewysłaną: spróbuj wysłać ponownie.",
        },
        "text_required": {
            "en": "Please write a message.",
            "es": "Escriba un mensaje.",
            "pl": "Napisz wiadomość.",
        },
        "unknown_agent": {
            "en": "This agent is not part of the team.",
            "es": "Este agente no forma parte del equipo.",
            "pl": "Ten agent nie należy do zespołu.",
        },
        "reply_outdated": {
            "en": "Someone wrote in this thread since you opened it. Read the new message(s), then send anyway or revise your reply.",
            "es": "Alguien escribió en esta conversación desde que la abrió. Lea los mensajes nuevos y luego envíe igualmente o revise su respuesta.",
            "pl": "Ktoś napisał w tym wątku, odkąd go otworzyłeś. Przeczytaj nowe wiadomości, a potem wyślij mimo to lub popraw odpowiedź.",
        },
        "not_a_reply": {
            "en": "Only a reply to the customer can be sent again.",
            "es": "Solo se puede volver a enviar una respuesta al cliente.",
            "pl": "Ponownie można wysłać tylko odpowiedź do klienta.",
        },
    }
)

TEXT_LIMIT = 20000
COMMENT_LIMIT = 5000

# The customer-facing words of a reply, in the thread's language (SPEC §8).
REPLY_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Answer to your message",
        "continue": "To answer, reply to this e-mail or continue the conversation on our contact form:",
        "thread": "Your conversation #{number}",
    },
    "es": {
        "subject": "Respuesta a su mensaje",
        "continue": "Para contestar, responda a este correo o continúe la conversación en nuestro formulario de contacto:",
        "thread": "Su conversación n.º {number}",
    },
    "pl": {
        "subject": "Odpowiedź na Twoją wiadomość",
        "continue": "Aby odpowiedzieć, odpisz na tę wiadomość lub kontynuuj rozmowę w naszym formularzu kontaktowym:",
        "thread": "Twoja rozmowa nr {number}",
    },
}



@dataclass
class Posted:
    """What an agent's reply, note or forward left: the thread as it is now and the message written."""

    thread: Thread
    message: Message


# The thread's status once a reply went out, by the agent's choice (ReplyRequest.after_send).


class ReplyOutdated(Conflict):
    """409: the customer or a colleague wrote after the last message the agent saw. The body
    carries the new messages (views.threads.answered shapes them into `payload`)."""

    code = "reply_outdated"

    def __init__(self, thread: Thread, new_messages: list[Message]) -> None:
        super().__init__()
        self.thread = thread
        self.new_messages = new_messages
        self.payload: dict[str, Any] = {}

    def body(self, lang: str | None) -> dict[str, Any]:
        return {**super().body(lang), **self.payload}


def written_since(messages: list[Message], last_seen: str, me: str) -> list[Message]:
    """What the customer or a colleague wrote after `last_seen` (the agent's own messages and
    private entries do not count). An id not in the thread counts as having seen nothing new."""
    ids = [m.message_id for m in messages]
    if last_seen not in ids:
        return []
    later = messages[ids.index(last_seen) + 1 :]
    return [m for m in later if m.author == "customer" or (m.author == "agent" and not m.private and (m.agent or "") != me)]


class ReplyNotSent(UpstreamFailed):
    """502 with the stored reply in the body, so the page shows it as "not sent" with a retry.
    The domain gives the reply; the views shape it into `payload` (views.threads.answered)."""

    code = "reply_not_sent"

    def __init__(self, posted: Posted) -> None:
        super().__init__()
        self.posted = posted
        self.payload: dict[str, Any] = {}

    def body(self, lang: str | None) -> dict[str, Any]:
        return {**super().body(lang), **self.payload}


def _language(thread: Thread) -> str:
    return thread.language if thread.language in LANGUAGES else config().default_language


def continue_link(thread: Thread) -> str | None:
    """The shop's contact page with the thread's id and token: the form continues this thread."""
    return links.continue_link(int(thread.number), thread.token)


def reply_mailbox(settings: ShopSettings) -> str:
    """The mailbox mail sync reads: answers must land there."""
    user = settings.imap.user if settings.imap else ""
    return user if is_valid_email(user) else config().sender_email


def reply_mail(
    thread: Thread, text: str, files: list[mail.OutgoingAttachment], settings: ShopSettings, in_reply_to: str | Answering | None = None,
    account: str | None = None,
) -> mail.OutgoingMail:
    """The reply as the customer receives it: text and HTML, the thread's language, the markers."""
    words = REPLY_WORDS[_language(thread)]
    number = int(thread.number)
    subject = f"[{config().shop_name}] {words['subject']} {mail.subject_markers(number, thread.token)}"
    link = continue_link(thread)
    footer = f"{words['thread'].format(number=number)}"
    text_body = text.rstrip() + "\n\n-- \n" + footer
    html_body = "<div style=\"white-space:pre-wrap\">" + html.escape(text.rstrip()) + "</div><hr><p>" + html.escape(footer) + "</p>"
    if link:
        text_body += "\n" + words["continue"] + "\n" + link
        html_body += f"<p>{html.escape(words['continue'])}<br><a href=\"{html.escape(link)}\">{html.escape(link)}</a></p>"
    mailbox = account or reply_mailbox(settings)  # sent from a connected account: answers land in it
    reply_to = mail.plus_address(mailbox, number, thread.token) if config().plus_addressing else mailbox
    headers: dict[str, str] = {"X-Shopdesk-Thread": str(number)}
    answering = Answering(in_reply_to) if isinstance(in_reply_to, str) else in_reply_to
    if answering is not None and answering.message_id:
        try:
            headers["References"] = header_encoding.reference_chain(answering.references, answering.message_id)
            headers["In-Reply-To"] = header_encoding.message_id(answering.message_id)
        except header_encoding.NotAHeaderValue:
            headers.pop("References", None)  # an id that cannot be written: the reply goes without threading headers
    return mail.OutgoingMail(
        to=[thread.email],
        subject=subject,
        text=text_body,
        html=f"<!doctype html><html lang=\"{_language(thread)}\"><body>{html_body}</body></html>",
        reply_to=[reply_to],
        headers=headers,
        attachments=files,
        kind="reply",
    )


def _file_bytes(files: list[Any]) -> list[mail.OutgoingAttachment]:
    s3 = client("s3")
    return [
        mail.OutgoingAttachment(f.filename, f.content_type, s3.get_object(Bucket=config().attachments_bucket, Key=f.key)["Body"].read())
        for f in files
    ]


def _checked_text(value: Any, field: str, limit: int, required: bool = True) -> tuple[Checker, str]:
    check = Checker()
    text = check.text(field, value, limit)
    if required and not text and not any(e.field == field for e in check.errors):
        check.fail(field, "text_required")
    return check, text


@dataclass(frozen=True)
class Answering:
    """The customer's mail a reply answers: its Message-ID as written (In-Reply-To) and the
    References it carried, which our References repeats before that id."""

    message_id: str
    references: tuple[str, ...] = ()


def _answered_mail(messages: list[Message]) -> Answering | None:
    for message in reversed(messages):
        if message.author == "customer" and message.mail_message_id:
            written = message.mail_message_id_written or message.mail_message_id  # older items: lower case
            return Answering(written, tuple(message.mail_references or ()))
    return None


def _send_stored_reply(
    thread: Thread,
    message: Message,
    in_reply_to: Answering | None,
    context: ChangeContext,
    moved_from: str | None = None,
    after: AfterSend | None = None,
) -> Posted:
    """Mails a stored reply, then marks it sent and closes the thread (one transaction); if SES
    refuses, the reply stays stored as not sent with the reason."""
    sender = smtp_send.sender_for(context.settings.reply_senders, thread.contact_id)
    try:
        files = _file_bytes(list(message.attachments or []))
        outgoing = reply_mail(thread, message.text, files, context.settings, in_reply_to, account=sender.user if sender else None)
        sent = smtp_send.send_from(sender, outgoing) if sender else mail.send(outgoing)
    except mail.MailNotSent as error:
        reply_not_delivered(message, error.reason)
        if moved_from == "open":
            settle_moved(thread, context)
        raise ReplyNotSent(Posted(thread, message)) from None
    delivery = {"state": "sent", "message_id": sent.ses_message_id, "error": None, "at": now_iso(), "via": sent.via, "sent_from": sent.sent_from}
    after = after or AfterSend()
    closed = reply_delivered(
        int(thread.number), message, delivery, sent.message_ids, known=thread, context=context, moved_from=moved_from,
        after=after.status, snooze_until=after.snooze_until,
    )
    return Posted(closed, message)


def _uploads(check: Checker, uploads: list[Upload]) -> list[tuple[str, str]]:
    if len(uploads) > MAX_REPLY_ATTACHMENTS:
        check.fail("attachments", "validation_failed")
        return []
    return [(u.upload_key, u.filename) for u in uploads]


def reply(agent_email: str, number: int, request: ReplyRequest, agent_sub: str | None = None, me: AgentRef | None = None) -> Posted:
    """POST /v1/threads/{n}/replies: stores the reply, mails it, and closes the thread or keeps it
    open (the agent's `after_send`, else the shop's default). The agent's own reply does not make
    the thread unread for them (their read mark rides on the store).

    With `last_seen` (the last message the agent saw) and without `force`, a message the customer
    or a colleague wrote since refuses the send (ReplyOutdated, 409), checked on the partition the
    reply reads anyway: no extra request. A message landing between that read and the write makes
    the write's condition fail, and the refusal is made then (ThreadMovedOn).

    Requests: the thread's partition (Query: the thread and the Message-ID the reply answers), its
    claim, box and the settings (one BatchGetItem), the reply stored (TransactWriteItems), then,
    once SES took it, marked sent with the thread closed (TransactWriteItems); two more only when
    the thread was its box's link (the next oldest open thread is found and written)."""
    check, text = _checked_text(request.text, "text", TEXT_LIMIT)
    refuse_unfilled(check, "text", text)  # a saved reply's variable never goes out as a raw brace
    chosen = after_send(check, request)  # None: the shop's default, known once the settings are read
    uploads = _uploads(check, request.attachments)
    check.done()
    me_email = agent_email.lower()  # the last-agent filter compares lower case
    thread, messages = thread_partition(number)
    guarded = bool(request.last_seen) and not request.force
    if guarded:
        newer = written_since(messages, str(request.last_seen), me_email)
        if newer:
            raise ReplyOutdated(thread, newer)
    context = read_change_context(thread)
    after = chosen or shop_default(context.settings.after_send_default)
    files = [attachments.accept_upload(key, filename) for key, filename in uploads]
    status_before = thread.status
    outgoing = AgentMessage(
        agent=me_email,
        text=text,
        source="agent",
        attachments=[f.to_dict() for f in files],
        delivery={"state": "not_sent", "error": "sending", "at": now_iso()},
        assign_to=me if me is not None and context.settings.assign_on_first_reply else None,
        sends_draft="reply",
    )
    try:
        thread, message = store_agent_message(number, outgoing, known=thread, context=context, reader=agent_sub, settle=False, stop_if_moved=guarded)
    except ThreadMovedOn:
        thread, messages = thread_partition(number)
        raise ReplyOutdated(thread, written_since(messages, str(request.last_seen), me_email)) from None
    return _send_stored_reply(thread, message, _answered_mail(messages), context, moved_from=status_before, after=after)


def retry_reply(number: int, message_id: str) -> Posted:
    """POST /v1/threads/{n}/replies/{id}/retry: sends a reply that was kept as not sent."""
    thread, messages = thread_partition(number)
    message = next((m for m in messages if m.message_id == message_id), None)
    if message is None:
        raise NotFound("message_not_found")
    if message.source != "agent" or message.private or message.delivery is None:
        raise Conflict("not_a_reply")
    if message.delivery.state == "sent":
        raise Conflict("reply_already_sent")
    return _send_stored_reply(thread, message, _answered_mail(messages), read_change_context(thread))


def add_note(agent_email: str, number: int, request: NoteRequest, agent_sub: str | None = None) -> Posted:
    """POST /v1/threads/{n}/notes: a private note, never sent to anyone. Two requests: the thread
    (GetItem) and the note with the agent's read mark (TransactWriteItems)."""
    check, text = _checked_text(request.text, "text", TEXT_LIMIT)
    check.done()
    note = AgentMessage(agent=agent_email.lower(), text=text, source="note", private=True, sends_draft="note")
    thread, message = store_agent_message(number, note, known=get_thread(number), reader=agent_sub)
    return Posted(thread, message)
