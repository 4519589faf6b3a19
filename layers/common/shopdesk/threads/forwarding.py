"""Forwarding a discussion (SPEC §5): the whole discussion, under the agent's
comment, to a member of the team, to any address, or to both (never one dropped silently); the
customer's and the team's files go with it as attachments while the mail stays within SES's size
limit, and beyond it as download links that expire. A private note records who received it.

Requests: the thread's partition (Query), each attached file read from S3, the mail (SES), the
note (TransactWriteItems)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from shopdesk.core.aws import client
from shopdesk.core.config import config
from shopdesk.core.i18n import pick_language, register
from shopdesk.core.thread_rules import now_iso
from shopdesk.core.validation import Checker, is_valid_email
from shopdesk.mail import send as mail
from shopdesk.store.attachments import download_url
from shopdesk.store.models import Attachment, Message, Thread
from shopdesk.store.team import team_addresses
from shopdesk.store.threads import AgentMessage, store_agent_message, thread_partition
from shopdesk.threads.outbound import COMMENT_LIMIT, Posted, _checked_text
from shopdesk.threads.requests import ForwardRequest

register(
    {
        "forward_target_required": {
            "en": "Choose an employee, give an e-mail address, or both.",
            "es": "Elija un empleado, indique una dirección de correo, o ambos.",
            "pl": "Wybierz pracownika, podaj adres e-mail lub jedno i drugie.",
        },
    }
)

# SES refuses a raw message over 10 MB, counted after base64 (4/3 of the bytes): files attached
# add up to at most this many bytes; the others go as links.
ATTACH_BUDGET = 7 * 1024 * 1024
LINK_SECONDS = 24 * 3600

FORWARD_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Forwarded discussion #{number}",
        "by": "{agent} forwards you this discussion",
        "note": "Forwarded to {to}",
        "files": "Files",
        "links": "Files too large to attach (download links valid for 24 hours):",
    },
    "es": {
        "subject": "Conversación reenviada n.º {number}",
        "by": "{agent} le reenvía esta conversación",
        "note": "Reenviado a {to}",
        "files": "Archivos",
        "links": "Archivos demasiado grandes para adjuntar (enlaces de descarga válidos 24 horas):",
    },
    "pl": {
        "subject": "Przekazana rozmowa nr {number}",
        "by": "{agent} przekazuje Ci tę rozmowę",
        "note": "Przekazano do {to}",
        "files": "Pliki",
        "links": "Pliki zbyt duże, by je dołączyć (linki do pobrania ważne 24 godziny):",
    },
}


def forward_targets(check: Checker, request: ForwardRequest) -> list[str]:
    """Every address the agent filled in: the employee, the address, or both (one each)."""
    to_agent = request.to_agent.strip().lower() if isinstance(request.to_agent, str) else request.to_agent
    to_email = request.to_email.strip() if isinstance(request.to_email, str) else request.to_email
    if not to_agent and not to_email:
        check.fail("to_agent", "forward_target_required")
        return []
    targets: list[str] = []
    if to_agent:
        if not isinstance(to_agent, str) or to_agent not in team_addresses():
            check.fail("to_agent", "unknown_agent")
        else:
            targets.append(to_agent)
    if to_email:
        if not is_valid_email(to_email):
            check.fail("to_email", "invalid_email")
        elif str(to_email).lower() not in targets:
            targets.append(str(to_email))
    return targets


@dataclass
class ForwardFiles:
    attached: list[mail.OutgoingAttachment]
    linked: list[tuple[str, str]]  # (filename, expiring link)


def forward_files(messages: list[Message], budget: int | None = None) -> ForwardFiles:
    """The discussion's files, oldest first: attached while they fit the budget, linked after."""
    budget = ATTACH_BUDGET if budget is None else budget
    files: list[Attachment] = [a for m in messages if not m.private for a in (m.attachments or [])]
    attached: list[mail.OutgoingAttachment] = []
    linked: list[tuple[str, str]] = []
    used = 0
    s3 = client("s3")
    for file in files:
        size = int(file.size or 0)
        if used + size <= budget:
            data = s3.get_object(Bucket=config().attachments_bucket, Key=file.key)["Body"].read()
            attached.append(mail.OutgoingAttachment(file.filename, file.content_type, data))
            used += size
        else:
            linked.append((file.filename, download_url(file.key, file.filename, expires_in=LINK_SECONDS, content_type=file.content_type)))
    return ForwardFiles(attached, linked)


def forward_mail(thread: Thread, messages: list[Message], agent_email: str, comment: str, to: list[str], lang: str, files: ForwardFiles) -> mail.OutgoingMail:
    """The whole discussion (every message the customer and the team exchanged, oldest first),
    under the agent's comment. Private notes stay inside Shopdesk; the token is never included."""
    words = FORWARD_WORDS[lang]
    number = int(thread.number)
    parts = [words["by"].format(agent=agent_email), "", comment, ""]
    for message in messages:
        if message.private:
            continue
        who = thread.customer_name or thread.email if message.author == "customer" else (message.agent or message.author)
        parts.append(f"----- {message.created_at[:16].replace('T', ' ')} UTC, {who} ({message.source})")
        parts.append(message.text or "")
        if message.attachments:
            parts.append(f"[{words['files']}: " + ", ".join(a.filename for a in message.attachments) + "]")
        parts.append("")
    if files.linked:
        parts += [words["links"], *(f"{name}: {link}" for name, link in files.linked), ""]
    text = "\n".join(parts)
    html_body = "<div style=\"white-space:pre-wrap\">" + html.escape(text) + "</div>"
    return mail.OutgoingMail(
        to=list(to),
        subject=f"[{config().shop_name}] {words['subject'].format(number=number)}",
        text=text,
        html=f"<!doctype html><html lang=\"{lang}\"><body>{html_body}</body></html>",
        reply_to=[agent_email] if is_valid_email(agent_email) else [],
        headers={"X-Shopdesk-Thread": str(number)},
        attachments=files.attached,
        kind="forward",
    )


def forward(agent_email: str, number: int, request: ForwardRequest, lang: str | None) -> Posted:
    """POST /v1/threads/{n}/forward: mails the discussion with its files to every target, then
    records a private note naming them (nothing is recorded if SES refused)."""
    check, comment = _checked_text(request.comment, "comment", COMMENT_LIMIT, required=False)
    targets = forward_targets(check, request)
    check.done()
    language = pick_language(lang)
    thread, messages = thread_partition(number)
    outgoing = forward_mail(thread, messages, agent_email, comment, targets, language, forward_files(messages))
    sent = mail.send(outgoing)
    note = FORWARD_WORDS[language]["note"].format(to=", ".join(targets)) + (f": {comment}" if comment else "")
    record = AgentMessage(
        agent=agent_email.lower(),
        text=note,
        source="forward",
        private=True,
        delivery={"state": "sent", "message_id": sent.ses_message_id, "error": None, "at": now_iso()},
    )
    stored_thread, message = store_agent_message(number, record, known=thread)
    return Posted(stored_thread, message)
