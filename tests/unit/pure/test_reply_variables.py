"""Saved replies' variables: filled from the thread's customer and order in every
language; an unknown or empty variable is listed and kept visible, never silently dropped."""

from __future__ import annotations

from shopdesk.core.reply_variables import fill, placeholders, unknown_variables

VALUES = {
    "customer.first_name": "Łucja",
    "customer.name": "Łucja Nowak",
    "order.reference": "XKBKNABJK",
    "order.status": "Shipped",
    "order.total": "49.90 EUR",
    "order.placed_at": "2026-11-03",
    "thread.number": "1042",
    "agent.name": "Marta",
    "shop.name": "Ann's shop",
}

TEMPLATES = {
    "en": ("Hello {customer.first_name}, your order {order.reference} ({order.total}) is {order.status}. — {agent.name}, {shop.name}",
           "Hello Łucja, your order XKBKNABJK (49.90 EUR) is Shipped. — Marta, Ann's shop"),
    "es": ("Hola {customer.first_name}: su pedido {order.reference} del {order.placed_at} ({order.total}) está {order.status}. Conversación n.º {thread.number}",
           "Hola Łucja: su pedido XKBKNABJK del 2026-11-03 (49.90 EUR) está Shipped. Conversación n.º 1042"),
    "pl": ("Dzień dobry {customer.name}, zamówienie {order.reference} z dnia {order.placed_at} — {shop.name}",
           "Dzień dobry Łucja Nowak, zamówienie XKBKNABJK z dnia 2026-11-03 — Ann's shop"),
}


def test_every_variable_is_filled_in_each_language() -> None:
    for language, (template, expected) in TEMPLATES.items():
        filled = fill(template, VALUES)
        assert filled.text == expected, language
        assert filled.complete and placeholders(filled.text) == []


def test_an_unknown_variable_is_listed_and_left_visible() -> None:
    filled = fill("Hi {customer.first_name}, size {customer.shoe_size}", VALUES)
    assert filled.unknown == ("customer.shoe_size",) and not filled.complete
    assert filled.text == "Hi Łucja, size {customer.shoe_size}"
    assert unknown_variables("{order.refrence} and {order.reference}") == ["order.refrence"]


def test_a_variable_this_thread_has_no_value_for_is_listed_as_empty() -> None:
    values = {**VALUES, "order.reference": None, "order.status": "  "}
    filled = fill("Order {order.reference} is {order.status}", values)
    assert filled.empty == ("order.reference", "order.status") and filled.unknown == ()
    assert placeholders(filled.text) == ["order.reference", "order.status"]


def test_text_without_variables_and_plain_braces_pass_through() -> None:
    assert fill("Use code {SAVE10} or {} today", VALUES).complete
    assert fill("Use code {SAVE10} or {} today", VALUES).text == "Use code {SAVE10} or {} today"
