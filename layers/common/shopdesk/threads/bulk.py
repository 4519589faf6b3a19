"""Bulk actions on the thread list's ticked threads (SPEC §5): delete them, or change their status.

Each thread is its own change (its own transaction), so one that fails is reported with its error
code and the others still happen: nothing stops for one bad thread."""

from __future__ import annotations

from dataclasses import dataclass, field

from shopdesk.core.errors import ShopdeskError
from shopdesk.core.thread_rules import is_status
from shopdesk.core.validation import Checker
from shopdesk.store import threads
from shopdesk.threads.requests import BulkRequest

BULK_LIMIT = 100


@dataclass
class BulkOutcome:
    done: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (number, error code)


def bulk_change(request: BulkRequest) -> BulkOutcome:
    """Checks the whole request first (every error at once), then changes each thread."""
    check = Checker()
    if request.action is None:
        check.fail("action", "validation_failed")
    if request.action == "status" and not is_status(request.status):
        check.fail("status", "invalid_status")
    if not 0 < len(request.numbers) <= BULK_LIMIT or not all(n > 0 for n in request.numbers):
        check.fail("numbers", "validation_failed")
    check.done()
    outcome = BulkOutcome()
    for number in dict.fromkeys(request.numbers):
        try:
            if request.action == "delete":
                threads.delete_thread(number)
            else:
                threads.change_status(number, str(request.status))
        except ShopdeskError as error:
            outcome.failed.append((number, error.code))
            continue
        outcome.done.append(number)
    return outcome
