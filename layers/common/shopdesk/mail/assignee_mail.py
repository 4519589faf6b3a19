"""Mail to a thread's assignee (the shop's option `notify_assignee`), in the shop's language:

- the hand-over: a colleague (or an admin) handed them the thread;
- the customer's answer: the customer wrote again in a thread they own (a storefront or contact
  form message, or an imported e-mail), once per stored message, never to an assignee who is
  the sender.

Both are marked `X-Shopdesk: notification` (mail sync never imports them). What the customer
wrote goes in as text: the HTML part escapes it. A mail that fails is logged and never undoes
what was stored."""

from __future__ import annotations

import html

from shopdesk.core.config import config
from shopdesk.core.observability import logger
from shopdesk.mail.send import MailNotSent, OutgoingMail, send
from shopdesk.store.assignment import AgentRef
from shopdesk.store.models import Message, Thread

TEXTS: dict[str, dict[str, str]] = {
    "handover_subject": {
        "en": "[{shop}] Thread #{number} is now yours",
        "es": "[{shop}] La conversación #{number} ahora es suya",
        "pl": "[{shop}] Wątek #{number} jest teraz Twój",
    },
    "handover_body": {
        "en": "{by} handed you thread #{number} ({customer}).",
        "es": "{by} le ha pasado la conversación #{number} ({customer}).",
        "pl": "{by} przekazał(a) Ci wątek #{number} ({customer}).",
    },
    "answer_subject": {
        "en": "[{shop}] {customer} answered in thread #{number}",
        "es": "[{shop}] {customer} ha respondido en la conversación #{number}",
        "pl": "[{shop}] {customer} odpowiedział(a) w wątku #{number}",
    },
    "answer_body": {
        "en": "{customer} wrote again in thread #{number}, which is yours:",
        "es": "{customer} ha vuelto a escribir en la conversación #{number}, de la que usted es responsable:",
        "pl": "{customer} napisał(a) ponownie w wątku #{number}, który należy do Ciebie:",
    },
}


def text(key: str, lang: str, **params: object) -> str:
    texts = TEXTS[key]
    return (texts.get(lang) or texts["en"]).format(**params)


def _customer(thread: Thread) -> str:
    return str(thread.customer_name or thread.email or "")


def _mail(to: str, thread: Thread, subject: str, intro: str, quoted: str | None = None) -> None:
    lang = config().default_language
    number = int(thread.number)
    plain = "\n".join([intro, "", quoted, "", "-- ", config().shop_name] if quoted is not None else [intro, "", "-- ", config().shop_name])
    quote = f'<blockquote style="white-space:pre-wrap">{html.escape(quoted)}</blockquote>' if quoted is not None else ""
    markup = (
        f'<!doctype html><html lang="{html.escape(lang)}"><meta charset="utf-8"><body>'
        f"<p>{html.escape(intro)}</p>{quote}<p>— {html.escape(config().shop_name)}</p></body></html>"
    )
    try:
        send(
            OutgoingMail(
                to=[to],
                subject=subject,
                text=plain,
                html=markup,
                headers={"X-Shopdesk": "notification", "X-Shopdesk-Thread": str(number)},
                kind="notification",
            )
        )
    except MailNotSent as error:
        logger.warning("assignee notification not sent", extra={"thread_number": number, "reason": error.reason})


def handed_over(thread: Thread, to: AgentRef, by: AgentRef) -> None:
    """The hand-over mail to the new assignee (the caller checked the shop's option)."""
    if not to.email or to.sub == by.sub:
        return
    lang = config().default_language
    words = {"shop": config().shop_name, "number": int(thread.number), "by": by.name, "customer": _customer(thread)}
    _mail(to.email, thread, text("handover_subject", lang, **words), text("handover_body", lang, **words))


def customer_answered(notify_assignee: bool, thread: Thread, message: Message) -> bool:
    """After a customer's message is stored in `thread` (as the store returned it, with its
    assignee): mails the assignee when the shop asks for it. Called once per stored message, so
    one mail per message. Returns whether a mail was attempted."""
    if not notify_assignee or message.author != "customer":
        return False
    to = str(thread.assignee_email or "")
    if not thread.assignee or not to or to.lower() == str(thread.email or "").lower():
        return False  # no one owns it, or the assignee wrote it themselves
    lang = config().default_language
    words = {"shop": config().shop_name, "number": int(thread.number), "customer": _customer(thread)}
    try:
        _mail(to, thread, text("answer_subject", lang, **words), text("answer_body", lang, **words), str(message.new_text or message.text or ""))
    except Exception as error:  # the message is stored: nothing after that may turn the answer into an error
        logger.exception("assignee notification failed", extra={"thread_number": int(thread.number), "error_type": type(error).__name__})
    return True
