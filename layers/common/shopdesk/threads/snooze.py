"""Snooze: "pending until a date and time". The thread leaves the open lists (it is
pending) and comes back open at that time (the scheduled run wakes it: store/snooze.py) or at
once when the customer writes. Snooze is an option of the pending statuses, never a fifth one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from shopdesk.core.i18n import register
from shopdesk.core.observability import count
from shopdesk.core.thread_rules import now_iso
from shopdesk.core.validation import Checker
from shopdesk.store import snooze as store
from shopdesk.store.models import Thread

if TYPE_CHECKING:  # the mail sync wakes threads without paying for pydantic
    from shopdesk.threads.requests import StatusRequest

register(
    {
        "snooze_needs_pending": {
            "en": "Snooze is an option of the pending statuses: choose pending1 or pending2.",
            "es": "Posponer es una opción de los estados pendientes: elija pending1 o pending2.",
            "pl": "Uśpienie to opcja statusów oczekujących: wybierz pending1 lub pending2.",
        },
        "snooze_time_invalid": {
            "en": "Choose a date and time in the future (within a year), with its time zone.",
            "es": "Elija una fecha y hora futuras (dentro de un año), con su zona horaria.",
            "pl": "Wybierz przyszłą datę i godzinę (w ciągu roku) wraz ze strefą czasową.",
        },
    }
)

LONGEST = timedelta(days=366)


def wake_time(check: Checker, field: str, raw: object, now: datetime | None = None) -> str | None:
    """The wake-up time as the table keeps it (UTC ISO-8601), or a field error."""
    moment = now or datetime.now(UTC)
    try:
        when = datetime.fromisoformat(str(raw)) if isinstance(raw, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None or not (moment < when <= moment + LONGEST):
        check.fail(field, "snooze_time_invalid")
        return None
    return now_iso(when)


def snooze(number: int, request: StatusRequest, agent_sub: str | None = None) -> Thread:
    """PUT /v1/threads/{n}/status with `snooze_until`."""
    check = Checker()
    if request.status not in ("pending1", "pending2"):
        check.fail("status", "snooze_needs_pending")
    until = wake_time(check, "snooze_until", request.snooze_until)
    check.done()
    assert until is not None
    return store.snooze(number, str(request.status), until, reader=agent_sub)


def wake_due_threads() -> int:
    """The scheduled run: every snoozed thread whose time has come is open again."""
    woken = store.wake_due()
    if woken:
        count("ThreadsWoken", woken)
    return woken
