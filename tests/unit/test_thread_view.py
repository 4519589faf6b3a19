"""The thread screen (SPEC §5): messages oldest first, the customer block, the merged history
newest first, the neighbours, the default reply in the thread's language, read per agent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.intake import storefront
from shopdesk.store import threads
from shopdesk.store.models import DEFAULT_REPLY_MESSAGES, Customer, Order, OrderStatusChange, ShopSettings

from tests.in_process_aws import count_dynamodb_requests

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop(aws: Any) -> dict[str, int]:
    contacts.all_contacts()
    first = customer_writes(email="ann@example.com", language="es", order_ref="XKBKNABJK", created_at=START).thread.number
    customer_writes(email="ann@example.com", language="es", order_ref="XKBKNABJK", text="¿Alguna novedad?", created_at=START + timedelta(days=2))
    older = customer_writes(email="bob@example.com", created_at=START - timedelta(days=1)).thread.number
    newer = customer_writes(email="cid@example.com", created_at=START + timedelta(days=3)).thread.number
    Customer(*Customer.key("ann@example.com"), email="ann@example.com", customer_id="42", name="Ann Smith", since="2025-03-01T10:00:00+00:00").save()
    for reference, total, validated, placed, changes in (
        ("XKBKNABJK", "59.90", True, START - timedelta(days=5), [("payment accepted", START - timedelta(days=5)), ("shipped", START + timedelta(days=1))]),
        ("OHSATSERP", "20.00", True, START - timedelta(days=40), []),
        ("QWERTYUIO", "13.00", False, START + timedelta(days=1, hours=3), [("cancelled", START + timedelta(days=1, hours=4))]),
    ):
        Order(
            *Order.key("ann@example.com", reference),
            reference=reference,
            email="ann@example.com",
            customer_id="42",
            total=total,
            currency="EUR",
            validated=validated,
            placed_at=placed.isoformat(),
            history=[OrderStatusChange(status=s, at=at.isoformat()) for s, at in changes],
        ).save()
    settings = ShopSettings(*ShopSettings.key(), default_messages={"en": "Hello,", "es": "Hola:", "pl": "Dzień dobry,"})
    settings.save()
    return {"thread": first, "older": older, "newer": newer}


def view(number: int, claims: dict[str, Any] = AGENT) -> dict[str, Any]:
    status, body = call("GET", f"/v1/threads/{number}", claims=claims)
    assert status == 200, body
    return body


def test_the_messages_come_oldest_first_with_notes_marked(shop: dict[str, int]) -> None:
    number = shop["thread"]
    call("POST", f"/v1/threads/{number}/notes", body={"text": "Ask the warehouse"})
    body = view(number)
    assert [m["text"] for m in body["messages"]] == ["Where is my order?", "¿Alguna novedad?", "Ask the warehouse"]
    assert [m["private"] for m in body["messages"]] == [False, False, True]
    assert body["messages"][2]["source"] == "note" and body["messages"][2]["agent"] == "agent@shop.example"
    assert body["thread"]["order_ref"] == "XKBKNABJK" and body["thread"]["customer_messages"] == 2


def test_the_customer_block_counts_validated_orders_and_their_total(shop: dict[str, int]) -> None:
    assert view(shop["thread"])["customer"] == {
        "email": "ann@example.com",
        "name": "Ann Smith",
        "customer_id": "42",
        "since": "2025-03-01T10:00:00+00:00",
        "validated_orders": 2,
        "validated_total": "79.90",
        "currency": "EUR",
    }
    assert view(shop["older"])["customer"] is None  # a guest the storefront never told us about


def test_the_history_merges_messages_orders_and_status_changes_newest_first(shop: dict[str, int]) -> None:
    history = view(shop["thread"])["history"]
    assert [(e["type"], e.get("reference") or e.get("preview")) for e in history] == [
        ("message", "¿Alguna novedad?"),
        ("order_status", "QWERTYUIO"),
        ("order", "QWERTYUIO"),
        ("order_status", "XKBKNABJK"),
        ("message", "Where is my order?"),
        ("order_status", "XKBKNABJK"),
        ("order", "XKBKNABJK"),
        ("order", "OHSATSERP"),
    ]
    assert [e["at"] for e in history] == sorted((e["at"] for e in history), reverse=True)
    assert history[1]["status"] == "cancelled"


def test_the_neighbours_are_the_open_threads_either_side(shop: dict[str, int]) -> None:
    assert view(shop["thread"])["neighbours"] == {"previous": shop["newer"], "next": shop["older"]}
    threads.change_status(shop["newer"], "closed")
    assert view(shop["thread"])["neighbours"] == {"previous": None, "next": shop["older"]}


def test_the_default_reply_is_in_the_threads_language_and_the_contact_is_given(shop: dict[str, int]) -> None:
    body = view(shop["thread"])
    assert body["default_reply"] == "Hola:"
    assert view(shop["older"])["default_reply"] == "Hello,"
    assert body["contact"] == {
        "contact_id": "customer-service",
        "names": {"en": "Customer service", "es": "Servicio al cliente", "pl": "Obsługa klienta"},
        "email": "support@shop.example",
    }


def test_a_deleted_contact_still_shows_its_last_name(shop: dict[str, int]) -> None:
    contacts.delete_contact("customer-service")
    assert view(shop["thread"])["contact"]["names"]["en"] == "Customer service"


def test_opening_a_thread_marks_it_read_for_that_agent_only(shop: dict[str, int]) -> None:
    def unread(claims: dict[str, Any]) -> bool:
        threads_ = call("GET", "/v1/threads", claims=claims)[1]["threads"]
        return next(t["unread"] for t in threads_ if t["number"] == shop["thread"])

    assert unread(AGENT) and unread(ADMIN)
    view(shop["thread"])
    assert not unread(AGENT) and unread(ADMIN)


def test_the_thread_view_never_shows_the_token(shop: dict[str, int]) -> None:
    token = threads.get_thread(shop["thread"]).token
    assert token not in str(view(shop["thread"]))


def test_an_unknown_thread_is_a_404_with_a_code(shop: dict[str, int]) -> None:
    for path in ("/v1/threads/99999", "/v1/threads/abc"):
        status, body = call("GET", path)
        assert status == 404 and body["error"]["code"] == "thread_not_found"


def test_a_shop_that_never_wrote_a_default_message_gets_the_built_in_one_in_the_threads_language(aws: Any) -> None:
    contacts.all_contacts()
    stored = threads.store_customer_message(
        contacts.get_contact("customer-service"),
        threads.CustomerMessage(email="pawel@example.com", text="Gdzie jest paczka?", source="form", language="pl"),
    )
    assert view(int(stored.thread.number))["default_reply"] == DEFAULT_REPLY_MESSAGES["pl"]


def test_an_order_the_storefront_sends_after_the_thread_was_opened_shows_on_the_next_view(shop: dict[str, int]) -> None:
    assert view(shop["thread"])["customer"]["validated_orders"] == 2  # the first view keeps the card on the thread
    order = {"email": "ann@example.com", "total": "10.10", "currency": "EUR", "validated": True, "placed_at": "2026-11-05T10:00:00Z"}
    storefront.upsert_order("NEWORDER1", json.dumps(order).encode())
    storefront.upsert_customer("42", json.dumps({"email": "ann@example.com", "name": "Ann Smith-Jones"}).encode())
    body = view(shop["thread"])
    assert body["customer"]["validated_orders"] == 3 and body["customer"]["validated_total"] == "90.00"
    assert body["customer"]["name"] == "Ann Smith-Jones"
    assert ("order", "NEWORDER1") in [(e["type"], e.get("reference")) for e in body["history"]]


def test_a_thread_keeps_its_customers_card_so_a_second_view_reads_only_its_partition_the_contact_the_neighbours_and_the_other_threads(
    shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = view(shop["thread"])
    requests_made = count_dynamodb_requests(monkeypatch)
    assert view(shop["thread"]) == first
    assert sorted(requests_made) == ["BatchGetItem", "Query", "Query", "Query", "Query"]
