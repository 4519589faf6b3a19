"""Saved replies in the reply box: the admins' library, each reply in the thread's
language (or, when it has none, the shop's default language's, said so) with its variables filled
from the thread's customer and order. What could not be filled is listed, for the page to
highlight; a reply still holding a variable is refused (`unfilled_variables`).

Requests: the thread (GetItem: it keeps a copy of its customer's card and orders) and the library
(one Query), side by side."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from shopdesk.core.config import config
from shopdesk.core.i18n import register
from shopdesk.core.reply_variables import Filled, fill, placeholders
from shopdesk.core.validation import Checker
from shopdesk.store import saved_replies as library_store
from shopdesk.store.customers import CustomerCard, OrderCard, kept_card, read_card
from shopdesk.store.models import Thread
from shopdesk.store.threads import get_thread

register(
    {
        "unfilled_variables": {
            "en": "Fill in or remove {names} before sending.",
            "es": "Complete o quite {names} antes de enviar.",
            "pl": "Uzupełnij lub usuń {names} przed wysłaniem.",
        },
    }
)


@dataclass(frozen=True)
class FilledReply:
    reply_id: str
    title: str
    language: str  # the language of the text given
    fallback: bool  # True: the thread's language has no text, this is the shop's default language's
    filled: Filled


def thread_order(thread: Thread, card: CustomerCard | None) -> OrderCard | None:
    """The thread's order when it names one, else the customer's most recent order."""
    orders = list(card.orders) if card else []
    if thread.order_ref:
        for order in orders:
            if order.reference == thread.order_ref:
                return order
        return None
    dated = [o for o in orders if o.placed_at]
    return max(dated, key=lambda o: o.placed_at or "") if dated else None


def variable_values(thread: Thread, card: CustomerCard | None, agent_name: str) -> dict[str, str | None]:
    """What each variable means for this thread (None: no value here)."""
    name = (card.name if card and card.name else None) or thread.customer_name
    order = thread_order(thread, card)
    latest_status = order.history[-1].status if order and order.history else None
    return {
        "customer.first_name": name.split()[0] if name and name.split() else None,
        "customer.name": name,
        "order.reference": order.reference if order else thread.order_ref,
        "order.status": latest_status,
        "order.total": f"{order.total} {order.currency}".strip() if order and order.total else None,
        "order.placed_at": order.placed_at[:10] if order and order.placed_at else None,
        "thread.number": str(int(thread.number)),
        "agent.name": agent_name,
        "shop.name": config().shop_name,
    }


def text_for(texts: dict[str, str], language: str) -> tuple[str, str, bool] | None:
    """(text, its language, whether it is a fallback): the thread's language, else the shop's
    default language, never silently another."""
    if texts.get(language):
        return texts[language], language, False
    default = config().default_language
    if texts.get(default):
        return texts[default], default, True
    return None


def saved_replies_for(number: int, agent_name: str) -> list[FilledReply]:
    """GET /v1/threads/{n}/saved-replies."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        thread_future = pool.submit(get_thread, number)
        library_future = pool.submit(library_store.library)
    thread = thread_future.result()
    kept, card = kept_card(thread)
    if not kept:
        card = read_card(thread.email)
    values = variable_values(thread, card, agent_name)
    filled: list[FilledReply] = []
    for reply in library_future.result():
        texts = reply.texts.as_dict() if hasattr(reply.texts, "as_dict") else dict(reply.texts or {})
        chosen = text_for(texts, thread.language)
        if chosen is None:
            continue
        text, language, fallback = chosen
        filled.append(FilledReply(reply.reply_id, reply.title, language, fallback, fill(text, values)))
    return filled


def refuse_unfilled(check: Checker, field: str, text: str) -> None:
    """A reply never leaves with a raw `{variable}` in it."""
    names = placeholders(text)
    if names:
        check.fail(field, "unfilled_variables", names=", ".join("{" + n + "}" for n in names))
