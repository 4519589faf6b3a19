"""What each screen costs in DynamoDB requests (docs/data-model.md, "The agents' API, request by
request"), counted on every request moto receives. Counts, never times."""

from __future__ import annotations

from typing import Any

import pytest
from agents_api import call, customer_writes
from shopdesk.admin import contacts
from shopdesk.store import threads

from tests.in_process_aws import count_dynamodb_requests


@pytest.fixture
def requests_made(aws: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The DynamoDB operations sent from now on, from every client and thread of the process."""
    return count_dynamodb_requests(monkeypatch)


@pytest.fixture
def shop(aws: Any) -> list[int]:
    contacts.all_contacts()
    numbers = [customer_writes(email=f"c{i}@example.com").thread.number for i in range(30)]
    for number in numbers[:-1]:
        threads.change_status(number, "closed")
    return numbers


def test_a_dashboard_whose_boxes_are_empty_is_one_query(shop: list[int], requests_made: list[str]) -> None:
    threads.change_status(shop[-1], "closed")
    requests_made.clear()
    assert call("GET", "/v1/dashboard")[0] == 200
    assert requests_made == ["Query"]


def test_a_dashboard_with_open_threads_in_its_boxes_is_one_query_too(shop: list[int], requests_made: list[str]) -> None:
    customer_writes(email="web@example.com", contact_id="webmaster")
    requests_made.clear()
    body = call("GET", "/v1/dashboard")[1]
    assert sorted((b["open"], b["oldest_open_thread"]) for b in body["boxes"]) == [(1, shop[-1]), (1, shop[-1] + 1)]
    assert requests_made == ["Query"]


def test_a_list_page_is_one_query_of_its_size(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    body = call("GET", "/v1/threads", query="limit=10")[1]
    assert len(body["threads"]) == 10 and body["next_cursor"]
    assert requests_made == ["Query"]
    requests_made.clear()
    call("GET", "/v1/threads", query=f"limit=10&cursor={body['next_cursor']}")
    assert requests_made == ["Query"]


def test_unread_flags_and_the_unread_filter_come_with_the_list_query(shop: list[int], requests_made: list[str]) -> None:
    call("GET", f"/v1/threads/{shop[0]}")
    requests_made.clear()
    body = call("GET", "/v1/threads", query="limit=10")[1]
    assert [t["unread"] for t in body["threads"]].count(False) == 0  # shop[0] is the oldest: not on page 1
    body = call("GET", "/v1/threads", query="unread=true&limit=100")[1]
    assert shop[0] not in [t["number"] for t in body["threads"]] and len(body["threads"]) == 29
    assert requests_made == ["Query", "Query"]


def test_marking_read_is_one_update_of_the_thread(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    threads.mark_read("agent-sub", shop[2])
    assert requests_made == ["UpdateItem"]


def test_the_first_view_of_a_thread_reads_its_customer_once_and_keeps_the_card_with_the_read_mark(
    shop: list[int], requests_made: list[str]
) -> None:
    requests_made.clear()
    assert call("GET", f"/v1/threads/{shop[3]}")[0] == 200
    assert requests_made[0] == "Query"  # the thread and its messages
    # Side by side: the contact and settings, the two neighbours, the customer's other threads (GSI7),
    # the customer's partition; then the mark with the card.
    assert sorted(requests_made[1:-1]) == ["BatchGetItem", "Query", "Query", "Query", "Query"] and requests_made[-1] == "UpdateItem"


def test_viewing_a_thread_already_read_is_five_reads_and_writes_nothing(shop: list[int], requests_made: list[str]) -> None:
    assert call("GET", f"/v1/threads/{shop[3]}")[0] == 200
    requests_made.clear()
    assert call("GET", f"/v1/threads/{shop[3]}")[0] == 200
    # The partition, then side by side: contact and settings, the two neighbours, the customer's other threads.
    assert requests_made[0] == "Query" and sorted(requests_made[1:]) == ["BatchGetItem", "Query", "Query", "Query"]
    contact = contacts.get_contact("customer-service")
    again = threads.CustomerMessage(email="c3@example.com", text="And?", source="form", language="en")
    threads.store_customer_message(contact, again, thread=threads.get_thread(shop[3]))  # the next view marks it read again
    requests_made.clear()
    assert call("GET", f"/v1/threads/{shop[3]}")[0] == 200
    assert requests_made[0] == "Query" and sorted(requests_made[1:]) == ["BatchGetItem", "Query", "Query", "Query", "UpdateItem"]


def test_an_agents_reply_reads_the_thread_once_and_is_four_requests(shop: list[int], requests_made: list[str]) -> None:
    number = customer_writes(email="late@example.com").thread.number  # open, and not its box's link (shop[-1] is older)
    requests_made.clear()
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": "It ships today."})
    assert status == 201 and body["thread"]["status"] == "closed" and body["message"]["delivery"]["state"] == "sent"
    # The partition (thread + messages), claim + box + settings, the reply stored, then sent and the thread closed.
    assert requests_made == ["Query", "BatchGetItem", "TransactWriteItems", "TransactWriteItems"]
    unread = call("GET", "/v1/threads", query="unread=true&limit=100")[1]["threads"]
    assert number not in [t["number"] for t in unread]  # the agent's read mark rode on the reply


def test_a_reply_that_closes_its_boxs_link_finds_the_next_one_in_two_more(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    assert call("POST", f"/v1/threads/{shop[-1]}/replies", body={"text": "Done."})[0] == 201
    assert requests_made == ["Query", "BatchGetItem", "TransactWriteItems", "TransactWriteItems", "Query", "UpdateItem"]
    assert call("GET", "/v1/dashboard")[1]["boxes"][0]["oldest_open_thread"] is None


def test_a_note_is_a_read_and_a_write(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    assert call("POST", f"/v1/threads/{shop[2]}/notes", body={"text": "Ask the warehouse"})[0] == 201
    assert requests_made == ["GetItem", "TransactWriteItems"]


def test_a_status_change_reads_the_thread_and_its_claim_box_and_settings_once(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    assert call("PUT", f"/v1/threads/{shop[2]}/status", body={"status": "pending1"})[0] == 200
    assert requests_made == ["GetItem", "BatchGetItem", "TransactWriteItems"]


def test_taking_a_thread_is_a_read_and_one_transaction(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    assert call("PUT", f"/v1/threads/{shop[-1]}/assignee", body={"assignee": "sub-agent"})[0] == 200
    # The thread, then its assignee, GSI6 key and the agent's counter in one transaction.
    assert requests_made == ["GetItem", "TransactWriteItems"]


def test_a_presence_heartbeat_is_one_write_and_its_read_rides_on_the_thread_views_query(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    assert call("PUT", f"/v1/threads/{shop[3]}/presence", body={"state": "writing"})[0] == 204
    assert requests_made == ["PutItem"]
    call("GET", f"/v1/threads/{shop[3]}", claims={"sub": "sub-lia", "email": "lia@shop.example", "cognito:groups": "[agent]"})
    requests_made.clear()
    view = call("GET", f"/v1/threads/{shop[3]}", claims={"sub": "sub-lia", "email": "lia@shop.example", "cognito:groups": "[agent]"})[1]
    assert [p["state"] for p in view["presence"]] == ["writing"]
    assert requests_made[0] == "Query" and sorted(requests_made[1:]) == ["BatchGetItem", "Query", "Query", "Query"]


def test_a_reply_checked_against_the_last_message_seen_keeps_the_replys_four_requests(shop: list[int], requests_made: list[str]) -> None:
    stored = customer_writes(email="late@example.com")
    requests_made.clear()
    body = {"text": "It ships today.", "last_seen": stored.message.message_id}
    assert call("POST", f"/v1/threads/{stored.thread.number}/replies", body=body)[0] == 201
    assert requests_made == ["Query", "BatchGetItem", "TransactWriteItems", "TransactWriteItems"]
    newer = customer_writes(email="late2@example.com")
    threads.store_customer_message(
        contacts.get_contact("customer-service"),
        threads.CustomerMessage(email="late2@example.com", text="And?", source="form", language="en"),
        thread=newer.thread,
    )
    requests_made.clear()
    body = {"text": "It ships today.", "last_seen": newer.message.message_id}
    assert call("POST", f"/v1/threads/{newer.thread.number}/replies", body=body)[0] == 409
    assert requests_made == ["Query"]  # refused on the partition the reply reads anyway
