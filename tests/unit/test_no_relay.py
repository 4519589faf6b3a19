"""No relay: the visitor's confirmation goes to an address nobody verified, so it never
carries what the visitor typed, and its volume is limited per recipient and per shop, per day.
Past a limit the message is stored as always; only its confirmation is skipped."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from typing import Any

import pytest
from shopdesk.core.config import config
from shopdesk.store import confirmation_limits, threads
from shopdesk.store.confirmation_limits import ConfirmationCount
from shopdesk.store.models import Message, ShopSettings

from tests.unit import intake_support
from tests.unit.intake_support import form_fields, post_json, sent_mail

shop = intake_support.shop

TYPED = "Buy cheap pills at https://spam.example/now"


def confirm_only() -> None:
    current = ShopSettings(*ShopSettings.key())
    current.notify_contact, current.confirm_visitor = False, True
    current.save()


def confirmations() -> list[email.message.EmailMessage]:
    mails = [email.message_from_string(m.raw_data, policy=policy.default) for m in sent_mail()]
    return [m for m in mails if m["X-Shopdesk"] == "confirmation"]


def limits(monkeypatch: pytest.MonkeyPatch, recipient: int, shop_wide: int) -> None:
    monkeypatch.setenv("CONFIRMATION_LIMIT_PER_RECIPIENT", str(recipient))
    monkeypatch.setenv("CONFIRMATION_LIMIT_PER_SHOP", str(shop_wide))
    monkeypatch.setenv("CONTACT_PAGE_URL", "https://shop.example/contact")
    config.cache_clear()


@pytest.mark.parametrize(
    ("lang", "notice"),
    [("en", "Thank you for your message"), ("es", "Gracias por su mensaje"), ("pl", "Dziękujemy za wiadomość")],
)
def test_the_confirmation_is_a_short_notice_in_the_visitors_language_without_anything_they_typed(
    shop: Any, monkeypatch: pytest.MonkeyPatch, lang: str, notice: str
) -> None:
    limits(monkeypatch, 3, 500)
    confirm_only()
    status, body = post_json(form_fields(lang=lang, message=TYPED, order_ref="ORDER spam.example", product="Visit spam.example"))
    assert status == 201
    thread = threads.get_thread(body["thread"]["number"])
    [confirmation] = confirmations()
    assert confirmation["To"] == "ann@example.com"
    assert f"#ct{thread.number} #tc{thread.token}" in confirmation["Subject"]
    plain = confirmation.get_body(("plain",)).get_content()
    markup = confirmation.get_body(("html",)).get_content()
    assert notice in plain and notice in markup
    assert "https://shop.example/contact?shopdesk_thread=" in plain  # the continue link
    for part in (plain, markup, str(confirmation["Subject"])):
        assert "spam.example" not in part and "pills" not in part


def test_a_recipient_gets_a_limited_number_of_confirmations_a_day_plus_tags_and_case_included(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    limits(monkeypatch, 2, 500)
    confirm_only()
    numbers = []
    for i, address in enumerate(["ann@example.com", "Ann+1@example.com", "ann+2@EXAMPLE.com"]):
        status, body = post_json(form_fields(email=address, message=f"question {i}"))
        assert status == 201  # never an error for the visitor
        numbers.append(body["thread"]["number"])
    assert len(confirmations()) == 2
    # the third message is stored like the others, and its skipped confirmation is no failure
    stored = list(Message.query(f"THREAD#{numbers[-1]}", Message.sk.startswith("MSG#"), consistent_read=True))
    assert [m.text for m in stored][-1] == "question 2" and stored[-1].notification is None
    # another recipient still gets theirs
    assert post_json(form_fields(email="bob@example.com", message="hello"))[0] == 201
    assert [m["To"] for m in confirmations()][-1] == "bob@example.com"


def test_the_shop_sends_a_limited_number_of_confirmations_a_day(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    limits(monkeypatch, 3, 2)
    confirm_only()
    for i in range(4):
        assert post_json(form_fields(email=f"visitor{i}@example.com", message=f"question {i}"))[0] == 201
    assert [m["To"] for m in confirmations()] == ["visitor0@example.com", "visitor1@example.com"]


def test_the_day_counters_are_items_that_stop_at_the_limit_and_expire(shop: Any) -> None:
    moment = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
    assert [confirmation_limits.take("to:ann@example.com", 2, moment) for _ in range(4)] == [True, True, False, False]
    item = ConfirmationCount.get(*ConfirmationCount.key("to:ann@example.com", "2026-11-30"), consistent_read=True)
    assert int(item.count) == 2  # a refused take writes nothing
    assert item.expires_at == int(datetime(2026, 12, 2, tzinfo=UTC).timestamp())
    assert confirmation_limits.take("to:ann@example.com", 2, datetime(2026, 12, 1, 0, 1, tzinfo=UTC)) is True  # a new day
