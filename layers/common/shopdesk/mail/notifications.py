"""The mails a stored form message triggers (SPEC §3), and the mail of a forward-only contact.

- the contact notification (setting `notify_contact`): to the contact's address, Reply-To the
  visitor, marked `X-Shopdesk: notification` so mail sync never imports it;
- the visitor's confirmation (setting `confirm_visitor`): in the visitor's language, the thread's
  markers `#ct<n> #tc<token>` in the subject, so an answer to it lands in the thread; a short
  notice with the continue link and nothing the visitor typed (no relay), within daily limits
  per recipient and per shop.

Both are text + HTML; everything the visitor wrote is escaped in the HTML part. A mail that fails
never loses the stored message: the failure is recorded on it (`Message.notification`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime

from shopdesk.core.config import config
from shopdesk.core.i18n import localized
from shopdesk.core.observability import count, logger
from shopdesk.core.validation import mailbox_of
from shopdesk.mail.links import continue_link
from shopdesk.mail.send import MailNotSent, OutgoingAttachment, OutgoingMail, send, subject_markers
from shopdesk.store import confirmation_limits
from shopdesk.store.models import Contact, Delivery, MailId, Message, ShopSettings, Thread
from shopdesk.store.settings import AbuseLimits, abuse_limits

TEXTS: dict[str, dict[str, str]] = {
    "notification_subject": {
        "en": "New message #{number} for {contact}",
        "es": "Nuevo mensaje #{number} para {contact}",
        "pl": "Nowa wiadomość #{number} do: {contact}",
    },
    "notification_intro": {
        "en": "{email} wrote to {contact} through the contact form:",
        "es": "{email} ha escrito a {contact} mediante el formulario de contacto:",
        "pl": "{email} napisał(a) do: {contact} przez formularz kontaktowy:",
    },
    "forward_subject": {
        "en": "Message from {email} for {contact}",
        "es": "Mensaje de {email} para {contact}",
        "pl": "Wiadomość od {email} do: {contact}",
    },
    "confirmation_subject": {
        "en": "We received your message",
        "es": "Hemos recibido su mensaje",
        "pl": "Otrzymaliśmy Twoją wiadomość",
    },
    "confirmation_intro": {
        "en": "Thank you for your message. We will answer you as soon as possible. To add anything, simply reply to this e-mail.",
        "es": "Gracias por su mensaje. Le responderemos lo antes posible. Para añadir algo, responda simplemente a este correo.",
        "pl": "Dziękujemy za wiadomość. Odpowiemy najszybciej, jak to możliwe. Aby coś dodać, po prostu odpowiedz na tego e-maila.",
    },
    "continue": {
        "en": "To add anything, you can also continue the conversation on our contact form:",
        "es": "Para añadir algo, también puede continuar la conversación en nuestro formulario de contacto:",
        "pl": "Aby coś dodać, możesz też kontynuować rozmowę w naszym formularzu kontaktowym:",
    },
    "order": {"en": "Order", "es": "Pedido", "pl": "Zamówienie"},
    "product": {"en": "Product", "es": "Producto", "pl": "Produkt"},
    "attachment": {"en": "Attachment", "es": "Archivo adjunto", "pl": "Załącznik"},
}


def text(key: str, lang: str, **params: object) -> str:
    texts = TEXTS[key]
    return (texts.get(lang) or texts["en"]).format(**params)


@dataclass
class Visit:
    """What the visitor sent, as the mails show it."""

    email: str
    message: str
    language: str
    order_ref: str | None = None
    product: str | None = None
    attachment_name: str | None = None


def _details(visit: Visit, lang: str) -> list[tuple[str, str]]:
    rows = []
    if visit.order_ref:
        rows.append((text("order", lang), visit.order_ref))
    if visit.product:
        rows.append((text("product", lang), visit.product))
    if visit.attachment_name:
        rows.append((text("attachment", lang), visit.attachment_name))
    return rows


def _bodies(intro: str, visit: Visit, lang: str) -> tuple[str, str]:
    """The text part and the HTML part (every value escaped, line breaks kept)."""
    details = _details(visit, lang)
    plain = [intro, ""]
    plain += [f"{label}: {value}" for label, value in details]
    plain += ["", visit.message, "", "-- ", config().shop_name]
    rows = "".join(f"<tr><th align=left>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>" for label, value in details)
    body = html.escape(visit.message).replace("\n", "<br>\n")
    markup = (
        f"<!doctype html><html lang=\"{html.escape(lang)}\"><meta charset=\"utf-8\"><body>"
        f"<p>{html.escape(intro)}</p>"
        + (f"<table>{rows}</table>" if rows else "")
        + f"<blockquote style=\"white-space:pre-wrap\">{body}</blockquote>"
        f"<p>— {html.escape(config().shop_name)}</p></body></html>"
    )
    return "\n".join(plain), markup


def contact_name(contact: Contact, lang: str) -> str:
    return localized(contact.names.as_dict(), lang)


def forward_to_contact(contact: Contact, visit: Visit, attachment: OutgoingAttachment | None) -> None:
    """A forward-only contact: the visitor's message goes to its address and nowhere else.

    Raises MailNotSent (502 `mail_not_sent`), so the visitor is told to retry instead of losing it.
    """
    lang = config().default_language
    name = contact_name(contact, lang)
    plain, markup = _bodies(text("notification_intro", lang, email=visit.email, contact=name), visit, lang)
    send(
        OutgoingMail(
            to=[str(contact.email)],
            reply_to=[visit.email],
            subject=text("forward_subject", lang, email=visit.email, contact=name),
            text=plain,
            html=markup,
            attachments=[attachment] if attachment else [],
            kind="contact-form",
        )
    )


def after_stored(settings: ShopSettings, contact: Contact, thread: Thread, message: Message, visit: Visit) -> None:
    """Sends the mails the settings ask for; records a failure on the message instead of raising."""
    try:
        _send_after_stored(settings, contact, thread, message, visit)
    except Exception as error:  # the message is stored: nothing after that may turn the answer into an error
        logger.exception("form mails failed", extra={"thread_number": int(thread.number), "error_type": type(error).__name__})
        try:  # ...but the agents learn that its mails may not have gone out
            record_failure(message, f"error: {type(error).__name__}")
        except Exception:
            logger.exception("form mail failure not recorded", extra={"thread_number": int(thread.number)})


def _send_after_stored(settings: ShopSettings, contact: Contact, thread: Thread, message: Message, visit: Visit) -> None:
    failures: list[str] = []
    if settings.notify_contact and contact.email:
        lang = config().default_language
        name = contact_name(contact, lang)
        plain, markup = _bodies(text("notification_intro", lang, email=visit.email, contact=name), visit, lang)
        try:
            send(
                OutgoingMail(
                    to=[str(contact.email)],
                    reply_to=[visit.email],
                    subject=text("notification_subject", lang, number=thread.number, contact=name),
                    text=plain,
                    html=markup,
                    kind="notification",
                )
            )
        except MailNotSent as error:
            failures.append(f"notification: {error.reason}")
    if settings.confirm_visitor and _confirmation_allowed(visit, thread, abuse_limits(settings)):
        try:
            sent = send(_confirmation(thread, visit))
        except MailNotSent as error:
            failures.append(f"confirmation: {error.reason}")
        else:
            with MailId.batch_write() as batch:  # an answer's In-Reply-To finds the thread (access pattern 24)
                for mail_id in sent.message_ids:
                    batch.save(MailId(*MailId.key(mail_id), thread_number=int(thread.number), message_sk=message.sk))
    if failures:
        record_failure(message, "; ".join(failures))


def _confirmation(thread: Thread, visit: Visit) -> OutgoingMail:
    """The visitor's confirmation: a short notice in the thread's language with the thread's
    markers and the continue link, and nothing the visitor typed. It goes to an address nobody has
    verified, so it must not carry anyone's text there (no relay)."""
    lang = visit.language
    subject = f"[{config().shop_name}] {subject_markers(int(thread.number), thread.token)} {text('confirmation_subject', lang)}"
    intro = text("confirmation_intro", lang)
    plain = [intro]
    markup = [f"<p>{html.escape(intro)}</p>"]
    link = continue_link(int(thread.number), thread.token)
    if link:
        plain += ["", text("continue", lang), link]
        markup.append(f"<p>{html.escape(text('continue', lang))}<br><a href=\"{html.escape(link)}\">{html.escape(link)}</a></p>")
    plain += ["", "-- ", config().shop_name]
    markup.append(f"<p>— {html.escape(config().shop_name)}</p>")
    page = f"<!doctype html><html lang=\"{html.escape(lang)}\"><meta charset=\"utf-8\"><body>{''.join(markup)}</body></html>"
    return OutgoingMail(to=[visit.email], subject=subject, text="\n".join(plain), html=page, kind="confirmation")


def _confirmation_allowed(visit: Visit, thread: Thread, limits: AbuseLimits) -> bool:
    """The day's limits per recipient mailbox and per shop (the shop's settings, else the
    defaults), one conditional UpdateItem each; past either the message stays stored and only
    its confirmation is skipped (logged and counted)."""
    if not confirmation_limits.take(confirmation_limits.recipient_subject(mailbox_of(visit.email)), limits.confirmation_limit_per_recipient):
        reason = "recipient"
    elif not confirmation_limits.take(confirmation_limits.SHOP, limits.confirmation_limit_per_shop):
        reason = "shop"
    else:
        return True
    logger.warning("visitor confirmation skipped: daily limit", extra={"thread_number": int(thread.number), "limit": reason})
    count(f"ConfirmationSkipped{reason.capitalize()}")
    return False


def record_failure(message: Message, reason: str) -> None:
    """Kept on the message, where the agents see it; the message itself is never in doubt."""
    logger.warning("form notification not sent", extra={"thread_number": int(message.thread_number), "message_id": message.message_id})
    delivery = Delivery(state="not_sent", error=reason[:500], at=datetime.now(UTC).isoformat())
    message.update(actions=[Message.notification.set(delivery)])
