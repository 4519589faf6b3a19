"""The shop's option "assign to the replier on first reply", through the agents' API: off by
default (a reply assigns no one); on, the first reply makes its agent the assignee, moving the
views' counts, and a colleague's later reply never takes the thread from them."""

from __future__ import annotations

from typing import Any

import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin import contacts

LIA = {"sub": "sub-lia", "email": "lia@shop.example", "cognito:groups": "[agent]", "name": "Lia Nowak"}


@pytest.fixture(autouse=True)
def seeded(aws: Any) -> None:
    contacts.all_contacts()


def assignment() -> dict[str, Any]:
    return call("GET", "/v1/dashboard")[1]["assignment"]


def reply(number: int, claims: dict[str, Any], text: str) -> dict[str, Any]:
    status, body = call("POST", f"/v1/threads/{number}/replies", claims=claims, body={"text": text, "after_send": "open"})
    assert status == 201
    return body["thread"]


def test_by_default_a_reply_assigns_no_one(aws: Any) -> None:
    number = customer_writes().thread.number
    assert reply(number, AGENT, "Checking")["assignee"] is None
    assert assignment() == {"everyone": 1, "unassigned": 1, "agents": []}


def test_the_first_replier_owns_the_thread_and_a_colleagues_later_reply_does_not_take_it(aws: Any) -> None:
    assert call("PATCH", "/v1/settings", claims=ADMIN, body={"assign_on_first_reply": True})[1]["assign_on_first_reply"] is True
    number = customer_writes().thread.number
    assert reply(number, LIA, "Lia here, checking")["assignee"] == {"sub": "sub-lia", "name": "Lia Nowak"}
    assert reply(number, AGENT, "Adding a detail")["assignee"]["sub"] == "sub-lia"
    assert assignment() == {"everyone": 1, "unassigned": 0, "agents": [{"sub": "sub-lia", "name": "Lia Nowak", "active": 1}]}
    listed = call("GET", "/v1/threads", query="agent=sub-lia")[1]["threads"]
    assert [(t["number"], t["assignee"]["name"]) for t in listed] == [(number, "Lia Nowak")]
