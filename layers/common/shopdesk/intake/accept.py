"""A checked post becomes a stored thread message (or, for a forward-only contact, a mail).

The order matters: field rules, then anti-spam (a signed call is the shop itself, not a bot), then
the duplicate check (the same text just sent gets the first answer), then the rate limits, then
the write. A new thread costs the number allocation and one transaction, a continued one one
transaction; a transaction that collides with a simultaneous one is tried again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shopdesk.core.errors import Conflict, FieldError, ValidationFailed
from shopdesk.core.i18n import message as localized_message
from shopdesk.core.i18n import pick_language, register
from shopdesk.intake import antispam
from shopdesk.intake.body import Form
from shopdesk.intake.requests import IntakeRequest, SignedIdentity
from shopdesk.intake.rules import Checked, check
from shopdesk.mail import assignee_mail, notifications
from shopdesk.mail.send import OutgoingAttachment
from shopdesk.store import attachments, intake_data, threads
from shopdesk.store.models import Thread
from shopdesk.store.settings import abuse_limits

register(
    {
        "message_sent": {
            "en": "Your message has been sent. Thank you, we will answer you soon.",
            "es": "Su mensaje se ha enviado. Gracias, le responderemos pronto.",
            "pl": "Twoja wiadomość została wysłana. Dziękujemy, odpowiemy wkrótce.",
        },
    }
)

DUPLICATE_WINDOW = timedelta(minutes=10)
CAPTCHA_FIELDS = ("captcha", "cf-turnstile-response", "h-captcha-response")


def success(lang: str, status: str, number: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "message": localized_message("message_sent", lang)}
    if number is not None:
        body["thread"] = {"number": number}
    return body


def _attachment_for_thread(form: Form) -> list[dict[str, Any]]:
    if form.file is not None:
        return [attachments.store_checked(form.file.data, attachments.display_name(form.file.filename)).to_dict()]
    if form.get("upload_key"):
        try:
            stored = attachments.accept_upload(form.get("upload_key"), form.get("filename"))
        except attachments.AttachmentRefused as refused:
            raise ValidationFailed([FieldError("attachment", refused.code, refused.params)]) from None
        return [stored.to_dict()]
    return []


def _attachment_for_mail(form: Form) -> OutgoingAttachment | None:
    if form.file is not None:
        name = attachments.display_name(form.file.filename)
        return OutgoingAttachment(name, attachments.check_file(name, form.file.data, len(form.file.data)), form.file.data)
    if form.get("upload_key"):
        [stored] = _attachment_for_thread(form)
        data = attachments.read_file(stored["key"])
        attachments.delete_files([stored["key"]])  # forward-only: nothing of the visitor's is kept
        return OutgoingAttachment(stored["filename"], stored["content_type"], data)
    return None


def _anti_spam(form: Form, request: IntakeRequest, checked: Checked) -> antispam.FormToken:
    antispam.check_honeypot(form.get("website"))
    token = antispam.check_form_token(form.get("form_token"))
    if checked.blocked:
        raise antispam.SpamSuspected("blocked_sender")
    antispam.check_captcha(next((form.fields[n] for n in CAPTCHA_FIELDS if form.fields.get(n)), None), request.ip)
    return token


def _spend(token: antispam.FormToken, checked: Checked) -> int | None:
    """Spends the single-use token on this post. Another post with it is a replay (the bot's
    422); this same post sent again gets the first one's thread, or is told to wait."""
    spent_by = intake_data.spend_form_token(token.signature, checked.digest, token.expires_at)
    if spent_by is None:
        return None
    if spent_by != checked.digest:
        raise antispam.SpamSuspected("form_token_reused")
    earlier = intake_data.recent_thread_of(checked.digest, DUPLICATE_WINDOW)
    if earlier is None:
        raise Conflict("request_in_progress")
    return earlier


def _visit(form: Form, checked: Checked) -> notifications.Visit:
    has_file = form.file is not None or bool(form.get("upload_key"))
    return notifications.Visit(
        email=checked.email,
        message=checked.text,
        language=checked.language,
        order_ref=checked.order_ref,
        product=checked.product,
        attachment_name=attachments.display_name(form.file.filename if form.file else form.get("filename")) if has_file else None,
    )


def _known_thread(checked: Checked) -> Thread | None:
    """The thread the post continues, as far as the batched read knows it without reading it."""
    if checked.linked is not None:
        return checked.linked
    claim = checked.claim
    if claim is None or not claim.token:
        return None
    # The claim names the thread and carries its token: enough to continue it and to mark the
    # confirmation, without reading the thread (its other fields are not needed here).
    return Thread(
        *Thread.key(int(claim.number)),
        number=int(claim.number),
        status=claim.status,
        token=claim.token,
        contact_id=checked.contact.contact_id,
        email=checked.email,
        language=checked.language,
        last_message_at="",
    )


def accept(form: Form, request: IntakeRequest, identity: SignedIdentity | None = None) -> dict[str, Any]:
    """Checks, anti-spam, then save or forward. Raises ShopdeskError subclasses for every refusal."""
    lang = pick_language(form.get("lang") or request.language_hint)
    checked = check(form, lang, identity)
    token = _anti_spam(form, request, checked) if identity is None else None
    earlier = intake_data.recent_thread(checked.recent, DUPLICATE_WINDOW)
    if earlier is not None:
        return success(lang, "stored", earlier)  # the same text, by the same address, just sent
    if token is None:
        return _save_or_forward(form, request, checked, identity)
    antispam.check_rate_limits(request.ip, checked.email, abuse_limits(checked.settings))
    earlier = _spend(token, checked)
    if earlier is not None:
        return success(lang, "stored", earlier)
    try:
        return _save_or_forward(form, request, checked, identity)
    except Exception:
        intake_data.release_form_token(token.signature, checked.digest)
        raise


def _save_or_forward(form: Form, request: IntakeRequest, checked: Checked, identity: SignedIdentity | None) -> dict[str, Any]:
    """The checked post stored in its thread, or mailed to a forward-only contact."""
    lang = checked.language
    visit = _visit(form, checked)
    contact = checked.contact
    if not contact.save_messages:
        notifications.forward_to_contact(contact, visit, _attachment_for_mail(form))
        return success(lang, "mailed", None)

    incoming = threads.CustomerMessage(
        email=checked.email,
        text=checked.text,
        source="form",
        language=lang,
        customer_name=identity.name if identity else None,
        customer_id=identity.customer_id if identity else None,
        order_ref=checked.order_ref,
        product=checked.product,
        ip=(request.ip or None) if identity is None else None,
        user_agent=(request.user_agent or "")[:512] or None,
        attachments=_attachment_for_thread(form),
    )
    remember = intake_data.remember_post(checked.digest, DUPLICATE_WINDOW, lambda: incoming.thread_number)
    try:
        stored = intake_data.retry_conflicts(
            lambda: threads.store_customer_message(
                contact, incoming, thread=_known_thread(checked), extra_writes=remember, claim=checked.claim, box=checked.box
            )
        )
    except threads.ThreadChanged:
        earlier = intake_data.recent_thread_of(checked.digest, DUPLICATE_WINDOW)
        if earlier is None:
            raise
        return success(lang, "stored", earlier)  # an identical post won the race: its answer
    notifications.after_stored(checked.settings, contact, stored.thread, stored.message, visit)
    if checked.settings.notify_assignee:
        # A thread continued from the address's claim was not read: its owner is read only when
        # the shop wants the owner mailed.
        owned = stored.thread if checked.linked is not None else threads.get_thread(int(stored.thread.number))
        assignee_mail.customer_answered(True, owned, stored.message)
    return success(lang, "stored", int(stored.thread.number))
