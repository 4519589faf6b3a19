"""The customer's whole story: the thread screen lists the customer's other
threads and orders; the customer page gathers an address's threads and orders, found by e-mail or
by the storefront's customer id, a page at a time, never by Scan."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from agents_api import AGENT, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.store import threads
from shopdesk.store.models import Customer, CustomerIdAlias, Order, OrderStatusChange

from tests.in_process_aws import count_dynamodb_requests

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def ann(aws: Any) -> dict[str, Any]:
    """Ann: a customer with id 42, two orders and three threads (one closed); Bob: one thread."""
    contacts.all_contacts()
    numbers = [
        customer_writes(f"Question {i}", order_ref=f"ORDER{i}", created_at=START + timedelta(days=i)).thread.number for i in range(3)
    ]
    threads.change_status(numbers[0], "closed")
    bob = customer_writes("Bob here", email="bob@example.com").thread.number
    Customer(*Customer.key("ann@example.com"), email="ann@example.com", customer_id="42", name="Ann Smith", since="2025-03-01T10:00:00+00:00").save()
    CustomerIdAlias(*CustomerIdAlias.key("42"), email="ann@example.com").save()
    for reference, placed, status in (("ORDER1", START - timedelta(days=3), "shipped"), ("ORDER2", START - timedelta(days=1), None)):
        Order(
            *Order.key("ann@example.com", reference),
            reference=reference,
            email="ann@example.com",
            customer_id="42",
            total="10.00",
            currency="EUR",
            validated=True,
            placed_at=placed.isoformat(),
            history=[OrderStatusChange(status=status, at=placed.isoformat())] if status else [],
        ).save()
    return {"threads": numbers, "bob": bob}


def test_the_thread_screen_lists_the_customers_other_threads_newest_first_and_her_orders(ann: dict[str, Any]) -> None:
    first, second, third = ann["threads"]
    body = call("GET", f"/v1/threads/{second}")[1]
    assert [(t["number"], t["status"], t["preview"]) for t in body["other_threads"]] == [(third, "open", "Question 2"), (first, "closed", "Question 0")]
    assert body["other_threads"][0]["last_message_at"].startswith("2026-11-03")
    assert [(o["reference"], o["status"]) for o in body["orders"]] == [("ORDER2", None), ("ORDER1", "shipped")]
    assert call("GET", f"/v1/threads/{ann['bob']}")[1]["other_threads"] == []


def test_the_customer_page_gathers_threads_and_orders_by_address_or_customer_id(ann: dict[str, Any]) -> None:
    status, by_email = call("GET", f"/v1/customers/{quote('ANN@example.com')}")
    assert status == 200, by_email
    assert by_email["email"] == "ann@example.com" and by_email["customer"]["name"] == "Ann Smith"
    assert [t["number"] for t in by_email["threads"]] == list(reversed(ann["threads"]))
    assert [t["order_ref"] for t in by_email["threads"]] == ["ORDER2", "ORDER1", "ORDER0"]
    assert [o["reference"] for o in by_email["orders"]] == ["ORDER2", "ORDER1"] and by_email["next_cursor"] is None
    status, by_id = call("GET", "/v1/customers/42")
    assert status == 200 and by_id == by_email


def test_an_unknown_customer_is_not_found_and_a_guest_has_threads_without_a_card(ann: dict[str, Any]) -> None:
    status, body = call("GET", "/v1/customers/999")
    assert status == 404 and body["error"]["code"] == "customer_unknown"
    assert call("GET", "/v1/customers/not-an-address@")[0] == 404
    guest = call("GET", "/v1/customers/bob@example.com")[1]
    assert guest["customer"] is None and [t["number"] for t in guest["threads"]] == [ann["bob"]]
    assert call("GET", "/v1/customers/nobody@example.com")[1]["threads"] == []


def test_the_customer_page_reads_a_page_at_a_time_and_refuses_another_lists_cursor(ann: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(55):
        customer_writes(f"More {i}", order_ref=f"MORE{i}")
    requests_made = count_dynamodb_requests(monkeypatch)
    first = call("GET", "/v1/customers/42")[1]
    assert Counter(requests_made) == {"GetItem": 1, "Query": 2}  # the id's alias; the card and the page side by side
    assert len(first["threads"]) == 50 and first["next_cursor"]
    rest = call("GET", "/v1/customers/ann@example.com", query=f"cursor={first['next_cursor']}")[1]
    assert len(rest["threads"]) == 8 and rest["next_cursor"] is None
    status, body = call("GET", "/v1/customers/bob@example.com", query=f"cursor={first['next_cursor']}")
    assert status == 400 and body["error"]["code"] == "invalid_cursor"


def test_any_agent_sees_the_customer_page_but_only_a_signed_in_one(ann: dict[str, Any]) -> None:
    assert call("GET", "/v1/customers/42", claims=AGENT)[0] == 200
    assert call("GET", "/v1/customers/42", claims=None)[0] == 401
