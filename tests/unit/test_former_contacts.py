"""A deleted contact stays selectable in the list's contact filter while threads carry it: the
dashboard names such contacts, from the STATS item the contact leaves behind and
one `Limit 1` Query of its thread list each."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from agents_api import ADMIN, call, customer_writes
from shopdesk.admin import contacts

from tests.in_process_aws import count_dynamodb_requests


@pytest.fixture
def shop(aws: Any) -> int:
    contacts.all_contacts()
    return int(customer_writes("The site is down", contact_id="webmaster").thread.number)


def test_a_deleted_contact_with_threads_stays_a_filter_until_its_last_thread_goes(shop: int, monkeypatch: pytest.MonkeyPatch) -> None:
    assert call("GET", "/v1/dashboard")[1]["former_contacts"] == []
    status, _ = call("DELETE", "/v1/contacts/webmaster", claims=ADMIN)
    assert status in (200, 204)
    requests_made = count_dynamodb_requests(monkeypatch)
    [former] = call("GET", "/v1/dashboard")[1]["former_contacts"]
    assert former["contact_id"] == "webmaster" and former["names"]["en"]
    assert Counter(requests_made) == {"Query": 2}  # the STATS items, then the deleted contact's thread list
    assert [t["number"] for t in call("GET", "/v1/threads", query="contact=webmaster")[1]["threads"]] == [shop]
    assert call("DELETE", f"/v1/threads/{shop}")[0] == 204
    assert call("GET", "/v1/dashboard")[1]["former_contacts"] == []
