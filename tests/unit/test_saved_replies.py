"""Saved replies through the agents' API: admins keep the library per language;
agents get it filled for a thread from its customer and order; a reply still holding a variable
is refused; a thread in a language with no text gets the shop's default language's, said so."""

from __future__ import annotations

from typing import Any

import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.store.models import Customer, Order, OrderStatusChange

TEXTS = {
    "en": "Hello {customer.first_name}, order {order.reference} ({order.total}) is {order.status}. {agent.name}, {shop.name}",
    "es": "Hola {customer.first_name}, el pedido {order.reference} está {order.status}.",
}


@pytest.fixture
def library(aws: Any) -> str:
    contacts.all_contacts()
    Customer(*Customer.key("ann@example.com"), email="ann@example.com", name="Ann Smith").save()
    Order(
        *Order.key("ann@example.com", "XKBKNABJK"), reference="XKBKNABJK", email="ann@example.com", total="49.90", currency="EUR",
        validated=True, placed_at="2026-11-03T10:00:00+00:00", history=[OrderStatusChange(status="Shipped", at="2026-11-04T09:00:00+00:00")],
    ).save()
    status, body = call("POST", "/v1/saved-replies", claims=ADMIN, body={"title": "Where is my order", "texts": TEXTS})
    assert status == 201, body
    return body["id"]


def test_only_admins_change_the_library_and_every_agent_reads_it(library: str) -> None:
    assert call("POST", "/v1/saved-replies", claims=AGENT, body={"title": "x", "texts": {"en": "x"}})[0] == 403
    status, body = call("GET", "/v1/saved-replies")
    assert status == 200 and [r["title"] for r in body["saved_replies"]] == ["Where is my order"]
    assert "order.reference" in body["variables"]
    assert call("PUT", f"/v1/saved-replies/{library}", claims=ADMIN, body={"title": "Order status", "texts": {"en": "x"}})[0] == 200
    assert call("DELETE", f"/v1/saved-replies/{library}", claims=ADMIN)[0] == 204
    assert call("DELETE", f"/v1/saved-replies/{library}", claims=ADMIN)[0] == 404


def test_an_unknown_variable_or_a_reply_without_text_is_refused_when_saved(library: str) -> None:
    status, body = call("POST", "/v1/saved-replies", claims=ADMIN, body={"title": "Typo", "texts": {"pl": "Zamówienie {order.refrence}"}})
    assert status == 422 and body["error"]["fields"][0]["field"] == "texts.pl" and "{order.refrence}" in body["error"]["fields"][0]["message"]
    status, body = call("POST", "/v1/saved-replies", claims=ADMIN, body={"title": "Empty", "texts": {}})
    assert status == 422 and body["error"]["fields"][0]["code"] == "saved_reply_text_required"


def test_a_thread_gets_its_replies_filled_from_its_customer_and_order(library: str) -> None:
    number = customer_writes(email="ann@example.com", order_ref="XKBKNABJK").thread.number
    status, body = call("GET", f"/v1/threads/{number}/saved-replies")
    assert status == 200
    [reply] = body["saved_replies"]
    assert reply["text"] == "Hello Ann, order XKBKNABJK (49.90 EUR) is Shipped. agent@shop.example, Ann's shop"
    assert reply["language"] == "en" and reply["fallback"] is False and reply["unknown"] == reply["empty"] == []


def test_a_spanish_thread_gets_the_spanish_text(library: str) -> None:
    number = customer_writes(email="ann@example.com", language="es", order_ref="XKBKNABJK").thread.number
    [reply] = call("GET", f"/v1/threads/{number}/saved-replies")[1]["saved_replies"]
    assert reply["text"] == "Hola Ann, el pedido XKBKNABJK está Shipped." and reply["language"] == "es"


def test_a_thread_in_a_language_without_text_gets_the_shops_default_languages_said_so(library: str) -> None:
    number = customer_writes(email="ann@example.com", language="pl").thread.number
    [reply] = call("GET", f"/v1/threads/{number}/saved-replies")[1]["saved_replies"]
    assert reply["language"] == "en" and reply["fallback"] is True


def test_a_guest_without_orders_sees_the_empty_variables_and_cannot_send_them(library: str) -> None:
    number = customer_writes(email="guest@example.com", customer_name=None).thread.number
    [reply] = call("GET", f"/v1/threads/{number}/saved-replies")[1]["saved_replies"]
    assert reply["empty"] == ["customer.first_name", "order.reference", "order.total", "order.status"]
    assert "{order.reference}" in reply["text"]
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": reply["text"]})
    assert status == 422 and body["error"]["fields"][0]["code"] == "unfilled_variables"
    assert "{order.reference}" in body["error"]["fields"][0]["message"]


def test_the_default_message_of_a_language_without_one_is_the_shops_default_languages_said_so(library: str) -> None:
    from shopdesk.store.models import ShopSettings

    ShopSettings(*ShopSettings.key(), default_messages={"en": "Dear customer,", "es": ""}).save()
    number = customer_writes(email="ann@example.com", language="pl").thread.number
    body = call("GET", f"/v1/threads/{number}")[1]
    assert body["default_reply"] == "Dear customer," and body["default_reply_language"] == "en"
