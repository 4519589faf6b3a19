"""threads.py: thread state, continuation, claims and dashboard counters move together."""

from __future__ import annotations

from typing import Any

import pytest
from shopdesk.admin import contacts
from shopdesk.core.errors import ShopdeskError
from shopdesk.store import customer_messages, threads
from shopdesk.store.models import OpenThreadClaim, Stats, Thread


def customer_says(text: str = "Where is my order?", email: str = "ann@example.com", **extra: Any) -> threads.CustomerMessage:
    return threads.CustomerMessage(email=email, text=text, source="form", language="es", customer_name="Ánn Smith", **extra)


def global_stats() -> dict[str, int]:
    item = Stats.get(*Stats.global_key())
    return {k: int(v) for k, v in item.attribute_values.items() if k.startswith(("threads_", "customer_", "agent_"))}


def contact_open(contact_id: str) -> int:
    return int(Stats.get(*Stats.contact_key(contact_id)).open)


@pytest.fixture
def service(aws: Any) -> Any:
    contacts.all_contacts()  # the first start seeds the two default contacts
    return contacts.get_contact("customer-service")


def test_a_first_message_starts_an_open_thread_with_a_number_and_a_secret_token(service: Any) -> None:
    stored = threads.store_customer_message(service, customer_says())
    assert stored.created
    assert stored.thread.number == 1
    assert stored.thread.status == "open"
    assert len(stored.thread.token) >= 12
    assert threads.token_matches(stored.thread, stored.thread.token)
    assert not threads.token_matches(stored.thread, stored.thread.token[:-1] + "x")
    assert global_stats()["threads_total"] == 1 and global_stats()["threads_open"] == 1
    assert contact_open("customer-service") == 1


def test_the_same_address_contact_and_order_continue_the_open_thread(service: Any) -> None:
    first = threads.store_customer_message(service, customer_says())
    second = threads.store_customer_message(service, customer_says("And another question", email="ANN@example.com"))
    assert not second.created
    assert second.thread.number == first.thread.number
    assert second.thread.customer_messages == 2
    other_order = threads.store_customer_message(service, customer_says(order_ref="XKBKNABJK"))
    assert other_order.created


def test_a_message_after_the_thread_was_closed_starts_a_new_thread(service: Any) -> None:
    first = threads.store_customer_message(service, customer_says())
    threads.change_status(first.thread.number, "closed")
    again = threads.store_customer_message(service, customer_says())
    assert again.created and again.thread.number != first.thread.number


def test_a_customer_message_reopens_a_pending_thread_and_moves_the_counters(service: Any) -> None:
    first = threads.store_customer_message(service, customer_says())
    threads.change_status(first.thread.number, "pending2")
    assert global_stats()["threads_pending2"] == 1 and contact_open("customer-service") == 0
    again = threads.store_customer_message(service, customer_says("Any news?"))
    assert again.thread.number == first.thread.number and again.thread.status == "open"
    stats = global_stats()
    assert stats["threads_pending2"] == 0 and stats["threads_open"] == 1
    assert contact_open("customer-service") == 1


def test_a_message_continuing_a_closed_thread_by_its_link_reopens_it(service: Any) -> None:
    first = threads.store_customer_message(service, customer_says())
    threads.change_status(first.thread.number, "closed")
    thread = threads.get_thread(first.thread.number)
    again = threads.store_customer_message(service, customer_says("Thanks, one more thing"), thread=thread)
    assert again.thread.number == first.thread.number and again.thread.status == "open"
    assert OpenThreadClaim.get(*OpenThreadClaim.key("ann@example.com", "customer-service", None)).number == first.thread.number


def test_two_first_messages_at_the_same_instant_give_one_thread(service: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second post read "no open thread" before the first one committed: its conditional
    claim write loses, and it continues the winner's thread instead of starting a second one."""
    first = threads.store_customer_message(service, customer_says("hello 1"))
    real_get_claim = customer_messages.get_claim
    reads: list[str] = []

    def stale_then_real(*args: Any) -> Any:
        reads.append("read")
        return None if len(reads) == 1 else real_get_claim(*args)

    monkeypatch.setattr(customer_messages, "get_claim", stale_then_real)
    second = threads.store_customer_message(service, customer_says("hello 2"))
    assert len(reads) == 2
    assert second.thread.number == first.thread.number and not second.created
    assert global_stats()["threads_total"] == 1
    assert threads.get_thread(first.thread.number).customer_messages == 2


def test_a_reply_that_was_sent_closes_the_thread_and_records_the_first_response(service: Any) -> None:
    first = threads.store_customer_message(service, customer_says())
    thread, message = threads.store_agent_message(
        first.thread.number,
        threads.AgentMessage(agent="agent@shop.example", text="It ships today.", source="agent", close=True, outbound_message_ids=["<a@b>"]),
    )
    assert thread.status == "closed" and thread.last_agent == "agent@shop.example" and thread.first_response_at
    stats = global_stats()
    assert stats["agent_messages"] == 1 and stats["threads_closed"] == 1 and stats["threads_open"] == 0
    day = next(s for s in Stats.query("STATS") if s.sk.startswith("DAY#"))
    assert int(day.first_response_count) == 1 and int(day.closed_threads) == 1 and int(day.closed_thread_messages) == 2


def test_a_private_note_changes_neither_status_nor_message_counts(service: Any) -> None:
    first = threads.store_customer_message(service, customer_says())
    thread, note = threads.store_agent_message(
        first.thread.number, threads.AgentMessage(agent="agent@shop.example", text="VIP customer", source="note", private=True)
    )
    assert note.private and thread.status == "open" and thread.has_private_note
    assert global_stats()["agent_messages"] == 0
    assert [t.number for t in Thread.gsi9.query("TL#P")] == [first.thread.number]


def test_status_changes_keep_every_counter_consistent(service: Any) -> None:
    numbers = [threads.store_customer_message(service, customer_says(email=f"c{i}@example.com")).thread.number for i in range(4)]
    for number, status in zip(numbers, ["closed", "pending1", "pending2", "open"], strict=True):
        threads.change_status(number, status)
    stats = global_stats()
    assert (stats["threads_open"], stats["threads_closed"], stats["threads_pending1"], stats["threads_pending2"]) == (1, 1, 1, 1)
    assert stats["threads_total"] == 4
    assert contact_open("customer-service") == 1
    assert {t.number for t in Thread.gsi2.query("TL#S#pending1")} == {numbers[1]}


def test_an_unknown_status_is_refused(service: Any) -> None:
    first = threads.store_customer_message(service, customer_says())
    with pytest.raises(ShopdeskError) as refused:
        threads.change_status(first.thread.number, "archived")
    assert refused.value.code == "invalid_status"


def test_threads_are_found_by_customer_name_without_accents(service: Any) -> None:
    first = threads.store_customer_message(service, customer_says())
    found = list(Thread.gsi8.query("TL#N#a", Thread.gsi8sk.startswith("ann sm")))
    assert [t.number for t in found] == [first.thread.number]
