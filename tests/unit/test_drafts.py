"""Drafts: an agent's unsent reply or note is kept server-side as they type, restored
when they come back, shown to colleagues as "X has a draft", and gone once sent."""

from __future__ import annotations

from typing import Any

import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin import contacts

from tests.in_process_aws import count_dynamodb_requests


@pytest.fixture
def number(aws: Any) -> int:
    contacts.all_contacts()
    return int(customer_writes(email="ann@example.com").thread.number)


def drafts_seen(number: int, who: dict[str, Any]) -> list[dict[str, Any]]:
    status, body = call("GET", f"/v1/threads/{number}", claims=who)
    assert status == 200
    return body["drafts"]


def test_a_draft_is_restored_to_its_writer_exactly_as_typed(number: int) -> None:
    typed = "Dear Ann,\n\nYour parcel left today "
    status, body = call("PUT", f"/v1/threads/{number}/drafts/reply", body={"text": typed})
    assert status == 200 and body["saved"] is True
    assert drafts_seen(number, AGENT) == [{"kind": "reply", "agent": "agent@shop.example", "mine": True, "updated_at": body["updated_at"], "text": typed}]


def test_colleagues_see_who_has_a_draft_but_not_what_it_says(number: int) -> None:
    call("PUT", f"/v1/threads/{number}/drafts/note", body={"text": "Ask the warehouse"})
    [draft] = drafts_seen(number, ADMIN)
    assert draft["agent"] == "agent@shop.example" and draft["mine"] is False and draft["text"] is None and draft["kind"] == "note"


def test_each_agent_keeps_their_own_draft_of_each_kind(number: int) -> None:
    call("PUT", f"/v1/threads/{number}/drafts/reply", body={"text": "mine v1"})
    call("PUT", f"/v1/threads/{number}/drafts/reply", body={"text": "mine v2"})
    call("PUT", f"/v1/threads/{number}/drafts/note", body={"text": "my note"})
    call("PUT", f"/v1/threads/{number}/drafts/reply", claims=ADMIN, body={"text": "the admin's"})
    mine = {(d["kind"], d["text"]) for d in drafts_seen(number, AGENT) if d["mine"]}
    assert mine == {("reply", "mine v2"), ("note", "my note")}
    assert [d["agent"] for d in drafts_seen(number, AGENT) if not d["mine"]] == ["admin@shop.example"]


def test_sending_the_reply_deletes_its_draft_in_the_same_transaction(number: int) -> None:
    call("PUT", f"/v1/threads/{number}/drafts/reply", body={"text": "It ships today."})
    call("PUT", f"/v1/threads/{number}/drafts/note", body={"text": "still thinking"})
    assert call("POST", f"/v1/threads/{number}/replies", body={"text": "It ships today."})[0] == 201
    assert [d["kind"] for d in drafts_seen(number, AGENT)] == ["note"]
    assert call("POST", f"/v1/threads/{number}/notes", body={"text": "done"})[0] == 201
    assert drafts_seen(number, AGENT) == []


def test_blank_text_or_delete_discards_the_draft(number: int) -> None:
    call("PUT", f"/v1/threads/{number}/drafts/reply", body={"text": "x"})
    assert call("PUT", f"/v1/threads/{number}/drafts/reply", body={"text": "  \n"})[1]["saved"] is False
    assert drafts_seen(number, AGENT) == []
    call("PUT", f"/v1/threads/{number}/drafts/note", body={"text": "x"})
    assert call("DELETE", f"/v1/threads/{number}/drafts/note")[0] == 204
    assert drafts_seen(number, AGENT) == []


def test_an_unknown_kind_or_a_text_too_long_is_refused(number: int) -> None:
    status, body = call("PUT", f"/v1/threads/{number}/drafts/forward", body={"text": "x"})
    assert status == 422 and body["error"]["fields"][0]["field"] == "kind"
    status, body = call("PUT", f"/v1/threads/{number}/drafts/reply", body={"text": "x" * 20001})
    assert status == 422 and body["error"]["fields"][0]["code"] == "too_long"


def test_deleting_the_thread_deletes_its_drafts(number: int) -> None:
    from shopdesk.store.models import Draft

    call("PUT", f"/v1/threads/{number}/drafts/reply", body={"text": "x"})
    assert call("DELETE", f"/v1/threads/{number}", claims=ADMIN)[0] in (200, 204)
    assert list(Draft.scan()) == []


def test_saving_a_draft_is_one_write_and_the_thread_view_reads_no_more_for_drafts(number: int, monkeypatch: pytest.MonkeyPatch) -> None:
    call("GET", f"/v1/threads/{number}")  # read once: the next views write nothing
    requests = count_dynamodb_requests(monkeypatch)
    call("GET", f"/v1/threads/{number}")
    without_drafts = sorted(requests)
    requests.clear()
    assert call("PUT", f"/v1/threads/{number}/drafts/reply", body={"text": "Dear Ann"})[0] == 200
    assert requests == ["PutItem"]
    call("PUT", f"/v1/threads/{number}/drafts/note", claims=ADMIN, body={"text": "a colleague's"})
    requests.clear()
    assert len(drafts_seen(number, AGENT)) == 2
    assert sorted(requests) == without_drafts == ["BatchGetItem", "Query", "Query", "Query", "Query"]
    requests.clear()
    call("POST", f"/v1/threads/{number}/replies", body={"text": "Dear Ann"})
    # The draft goes in the reply's own transaction: no DeleteItem (the last two keep its box's link).
    assert requests == ["Query", "BatchGetItem", "TransactWriteItems", "TransactWriteItems", "Query", "UpdateItem"]
