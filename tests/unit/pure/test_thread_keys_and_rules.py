"""The key scheme and the thread rules, with no AWS at all: a thread's list keys follow from its
own fields, previews are one line, and a customer's card survives its copy onto a thread."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pydantic import ValidationError
from shopdesk.core.thread_rules import is_status, leaves_open, preview_of, same_token
from shopdesk.store import keys
from shopdesk.store.customers import CustomerCard, OrderCard, OrderStatus, card_from_text, card_text
from shopdesk.threads.requests import BulkRequest, ReplyRequest, parsed


def a_thread(**fields: object) -> SimpleNamespace:
    base = dict(number=7, status="open", contact_id="customer-service", language="es", assignee=None, email="Ann@Example.com",
                customer_name="Ánn Smith", has_private_note=False, last_message_at="2026-11-22T13:44:30.123456+00:00")
    return SimpleNamespace(**{**base, **fields})


def test_an_open_thread_is_in_the_all_status_contact_language_email_and_name_lists() -> None:
    index = keys.index_keys(a_thread())
    assert index["gsi1pk"] == keys.all_list() and index["gsi2pk"] == keys.status_list("open")
    assert index["gsi4pk"] == keys.contact_status_list("customer-service", "open")
    assert index["gsi7pk"] == keys.email_list("ann@example.com")  # e-mail search ignores case
    assert index["gsi8pk"] == keys.name_list("ann") and index["gsi8sk"] == "ann smith#0000000007"  # accents and case ignored
    assert index["gsi6pk"] == "TL#A#-" and index["gsi9pk"] is None  # no one owns it: the Unassigned list; no private note
    assert {index[f"gsi{n}sk"] for n in keys.INDEXED_BY_DATE} == {keys.list_sort_key("2026-11-22T13:44:30.123456+00:00", 7)}


def test_a_thread_with_a_note_and_an_owner_joins_the_private_list_and_its_owners_list() -> None:
    index = keys.index_keys(a_thread(has_private_note=True, assignee="sub-bob"))
    assert index["gsi9pk"] == keys.private_list() and index["gsi6pk"] == keys.agent_list("sub-bob") == "TL#A#sub-bob"


def test_list_sort_keys_sort_by_last_message_then_number() -> None:
    assert keys.list_sort_key("2026-11-22T10:00:00+00:00", 10) > keys.list_sort_key("2026-11-22T10:00:00+00:00", 9)
    assert keys.list_sort_key("2026-11-22T10:00:01+00:00", 1) > keys.list_sort_key("2026-11-22T10:00:00+00:00", 99)


def test_statuses_and_leaving_the_open_box() -> None:
    assert all(is_status(s) for s in ("open", "closed", "pending1", "pending2")) and not is_status("archived") and not is_status(None)
    assert leaves_open("open", "closed") and leaves_open("open", None) and not leaves_open("pending1", "closed")


def test_a_preview_is_one_line_of_at_most_160_characters() -> None:
    assert preview_of("Hello,\n\n  where is\tmy parcel?") == "Hello, where is my parcel?"
    long = preview_of("word " * 100)
    assert len(long) == 160 and long.endswith("…")


def test_tokens_compare_whole() -> None:
    assert same_token("abc123", "abc123") and not same_token("abc123", "abc12") and not same_token("abc123", None)


def test_a_card_copied_onto_a_thread_reads_back_the_same_and_a_guest_is_null() -> None:
    card = CustomerCard("ann@example.com", "Ann", "42", "2025-03-01", (OrderCard("X1", "9.90", "EUR", True, None, "42", (OrderStatus("shipped", "t"),)),))
    assert card_from_text(card_text(card)) == card
    assert card_text(None) == "null" and card_from_text("null") is None


def test_a_request_body_keeps_its_fields_and_drops_the_wrongly_typed_ones_for_the_domain_to_report() -> None:
    assert parsed(ReplyRequest, {"text": "Hi", "attachments": "x"}).attachments == "x"  # the domain says what is wrong


def test_the_bulk_request_is_the_routes_model_and_refuses_what_its_document_refuses() -> None:
    """POST /v1/threads/bulk takes BulkRequest itself: its OpenAPI schema is what is checked."""
    assert BulkRequest.model_validate({"action": "status", "status": "closed", "numbers": [3, 4]}).numbers == [3, 4]
    for wrong in ({"action": "delete", "numbers": [1], "status": "archived"}, {"action": "delete", "numbers": []}, {"action": "delete", "numbers": [1, True]}):
        with pytest.raises(ValidationError):
            BulkRequest.model_validate(wrong)
    with pytest.raises(ValidationError) as refused:
        BulkRequest.model_validate({"action": "delete", "numbers": [0], "status": "archived"})
    assert {(e["loc"][0], e["type"]) for e in refused.value.errors()} == {("numbers", "validation_failed"), ("status", "invalid_status")}
