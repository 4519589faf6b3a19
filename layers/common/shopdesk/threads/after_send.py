"""What a reply does to its thread once sent: "Send and close" (the default,
as before), "Send and keep open", or "Send and snooze" (pending 1 until a date and time)."""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.core.i18n import register
from shopdesk.core.validation import Checker
from shopdesk.threads.requests import ReplyRequest
from shopdesk.threads.snooze import wake_time

register(
    {
        "invalid_after_send": {
            "en": "After sending, the thread is closed, kept open or snoozed: use close, open or snooze.",
            "es": "Tras enviar, la conversación se cierra, se mantiene abierta o se pospone: use close, open o snooze.",
            "pl": "Po wysłaniu wątek jest zamykany, pozostaje otwarty lub zostaje uśpiony: użyj close, open lub snooze.",
        },
    }
)

STATUS_AFTER = {"close": "closed", "open": "open", "snooze": "pending1"}


@dataclass(frozen=True)
class AfterSend:
    status: str = "closed"
    snooze_until: str | None = None


def after_send(check: Checker, request: ReplyRequest) -> AfterSend | None:
    """The agent's choice for this send, or None when they made none (the shop's default applies)."""
    choice = request.after_send
    if choice is None:
        return None
    if not isinstance(choice, str) or choice not in STATUS_AFTER:
        check.fail("after_send", "invalid_after_send")
        return AfterSend()
    if choice == "snooze":
        return AfterSend("pending1", wake_time(check, "snooze_until", request.snooze_until))
    return AfterSend(STATUS_AFTER[choice])


def shop_default(choice: str | None) -> AfterSend:
    """The shop's "after sending" option (settings.after_send_default): close unless set."""
    return AfterSend(STATUS_AFTER.get(choice or "close", "closed"))
