"""Nothing stops, whatever arrives: mails of arbitrary bytes in real mail's shapes
(tests/mail_strategies.py) ahead of an ordinary customer mail, synced over in-process moto. The
run ends as it should, each mail gets exactly one outcome, and the ordinary mail after them is
imported in the same run."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shopdesk.admin.contacts import all_contacts
from shopdesk.mail import sync as mail_sync_run

from tests.mail_strategies import mails
from tests.unit.test_mail_sync_isolation import MemoryMailbox, customer_mail, mailbox, stored  # noqa: F401 (mailbox: the fixture)

_folders = itertools.count(100)


class FreshFolder(MemoryMailbox):
    """Each example is a folder the sync has not seen (a new UIDVALIDITY), so it starts over."""

    uidvalidity_now = 100

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.uidvalidity = FreshFolder.uidvalidity_now


def sync_fresh() -> mail_sync_run.RunResult:
    return mail_sync_run.run(lambda: 600_000, mailbox_factory=FreshFolder, contacts=all_contacts)


@settings(max_examples=20, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(raws=st.lists(mails(), min_size=1, max_size=4))
def test_no_mail_stops_the_run_and_the_ordinary_mail_after_them_is_imported(mailbox: Any, raws: list[bytes]) -> None:  # noqa: F811
    FreshFolder.uidvalidity_now = next(_folders)
    ordinary_id = f"ordinary-{FreshFolder.uidvalidity_now}@example.com"
    MemoryMailbox.mails = [*raws, customer_mail(f"<{ordinary_id}>", f"Where is order {FreshFolder.uidvalidity_now}?")]

    result = sync_fresh()
    again = sync_fresh()

    assert result.state == "ok", result.errors
    assert stored(ordinary_id), "the mail after the odd ones was not imported"
    outcomes = result.imported + result.skipped + result.failed + result.bounced + result.unknown_reports + result.duplicates
    assert outcomes == len(MemoryMailbox.mails), result
    assert (again.state, again.imported, again.failed) == ("ok", 0, 0)  # the cursor is past them all
