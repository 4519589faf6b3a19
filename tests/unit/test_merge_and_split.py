"""Merging two threads of one customer and splitting a message off: the merged
thread holds every message, note and file; the other number forwards (the view, the form's
continue link, answers to its mails); counters, open-thread claims and box links stay right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.admin.privacy import erase_customer
from shopdesk.mail import importer
from shopdesk.store import threads
from shopdesk.store.models import Message, OpenThreadClaim, ShopdeskItem, Stats, Thread

from tests.unit.test_inbound import context_for, mail

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def stats() -> dict[str, int]:
    item = Stats.get(*Stats.global_key())
    return {k: int(v) for k, v in item.attribute_values.items() if k.startswith(("threads_", "customer_", "agent_"))}


def box(contact_id: str) -> tuple[int, int | None]:
    item = Stats.get(*Stats.contact_key(contact_id))
    return int(item.open or 0), (int(item.oldest_open) if item.oldest_open is not None else None)


def messages_of(number: int) -> list[Message]:
    return list(Message.query(f"THREAD#{number}", Message.sk.startswith("MSG#"), consistent_read=True))


def claims(email: str = "ann@example.com") -> dict[str, int]:
    return {c.sk: int(c.number) for c in OpenThreadClaim.query(f"OPEN#{email}", consistent_read=True)}


def merge(into: int, source: Any, claims_: dict[str, Any] = AGENT) -> tuple[int, Any]:
    return call("POST", f"/v1/threads/{into}/merge", claims=claims_, body={"source": source})


@pytest.fixture
def ann(aws: Any) -> dict[str, int]:
    """Ann's order question (open, with a reply sent out by mail and a note) and her later question
    about another order, on the same contact; Bob's thread, the contact's oldest open one."""
    contacts.all_contacts()
    bob = customer_writes("Bob here", email="bob@example.com", created_at=START - timedelta(days=1)).thread.number
    first = customer_writes("Where is my order?", order_ref="ORDER1", created_at=START).thread.number
    threads.store_agent_message(
        first, threads.AgentMessage(agent="agent@shop.example", text="It ships tomorrow.", source="agent", outbound_message_ids=["<out-first@shop.example>"])
    )
    threads.store_agent_message(first, threads.AgentMessage(agent="agent@shop.example", text="Call the warehouse", source="note", private=True))
    second = customer_writes(
        "And my other order?", order_ref="ORDER2", created_at=START + timedelta(hours=1), attachments=[{"key": "k/photo", "filename": "photo.jpg", "content_type": "image/jpeg", "size": 3}]
    ).thread.number
    return {"first": first, "second": second, "bob": bob}


def test_merging_moves_every_message_note_and_file_and_the_other_number_forwards(ann: dict[str, int]) -> None:
    first, second = ann["first"], ann["second"]
    status, body = merge(first, second)
    assert status == 200, body
    assert body["thread"]["number"] == first and body["thread"]["merged_from"] == [second]
    texts = [m.text for m in messages_of(first)]
    assert {"Where is my order?", "It ships tomorrow.", "Call the warehouse", "And my other order?"} <= set(texts)
    assert f"#{second} → #{first}" in texts  # the history line
    moved = next(m for m in messages_of(first) if m.text == "And my other order?")
    assert moved.thread_number == first and moved.attachments[0].filename == "photo.jpg"
    assert messages_of(second) == []
    tombstone = Thread.get(*Thread.key(second))
    assert (tombstone.status, tombstone.merged_into, tombstone.gsi1pk, tombstone.gsi7pk) == ("merged", first, None, None)

    status, screen = call("GET", f"/v1/threads/{second}")
    assert status == 200 and screen["thread"]["number"] == first
    assert screen["thread"]["customer_messages"] == 2 and screen["thread"]["agent_messages"] == 1
    assert screen["thread"]["preview"] == "It ships tomorrow."  # the newest message of both
    # Acting on the old number is refused with where it went; it is in no list.
    status, refused = call("PUT", f"/v1/threads/{second}/status", body={"status": "closed"})
    assert status == 404 and refused["error"]["code"] == "thread_merged" and f"#{first}" in refused["error"]["message"]
    listed = [t["number"] for t in call("GET", "/v1/threads")[1]["threads"]]
    assert second not in listed and first in listed


def test_merging_keeps_the_counters_the_claims_and_the_box_link_right(ann: dict[str, int]) -> None:
    first, second, bob = ann["first"], ann["second"], ann["bob"]
    before = stats()
    assert merge(first, second)[0] == 200
    after = stats()
    assert after["threads_total"] == before["threads_total"] - 1
    assert after["threads_open"] == before["threads_open"] - 1
    assert (after["customer_messages"], after["agent_messages"]) == (before["customer_messages"], before["agent_messages"])
    assert box("customer-service") == (2, bob)  # Bob's and the merged thread
    # Ann's first order continues the merged thread; the second order's claim named the old number and went.
    assert claims() == {"customer-service#ORDER1": first}
    threads.change_status(bob, "closed")
    assert box("customer-service") == (1, first)


def test_a_closed_thread_that_takes_an_open_one_is_open_and_claims_the_address(ann: dict[str, int]) -> None:
    first, second = ann["first"], ann["second"]
    threads.change_status(first, "closed")
    before = stats()
    assert merge(first, second)[1]["thread"]["status"] == "open"
    after = stats()
    assert (after["threads_closed"], after["threads_open"]) == (before["threads_closed"] - 1, before["threads_open"])
    assert claims() == {"customer-service#ORDER1": first}


def test_answers_to_the_old_threads_mail_and_its_continue_link_land_in_the_merged_one(ann: dict[str, int]) -> None:
    first, second = ann["first"], ann["second"]
    assert merge(second, first)[0] == 200  # now the first is the tombstone, its reply's Message-ID names it
    answer = mail("Re: It ships", in_reply_to="<out-first@shop.example>")
    outcome = importer.store(answer, context_for(answer))
    assert (outcome.outcome, outcome.thread_number) == ("imported", second)
    assert [m.source for m in messages_of(second)].count("email") == 1
    # The form's link of the old thread (its number and token) continues the merged one.
    contact = contacts.get_contact("customer-service")
    linked = Thread.get(*Thread.key(first))
    stored = threads.store_customer_message(contact, threads.CustomerMessage(email="ann@example.com", text="Via the link", source="form", language="en"), thread=linked)
    assert int(stored.thread.number) == second and not stored.created


def test_a_merge_only_joins_threads_of_one_customer(ann: dict[str, int]) -> None:
    status, body = merge(ann["first"], ann["bob"])
    assert status == 422 and body["error"]["code"] == "merge_other_customer"
    assert merge(ann["first"], ann["first"])[1]["error"]["code"] == "merge_same_thread"
    assert merge(ann["first"], "abc")[1]["error"]["fields"][0]["code"] == "invalid_thread_number"
    assert merge(ann["first"], 9999)[0] == 404
    assert merge(ann["first"], ann["second"], claims_=ADMIN)[0] == 200
    assert merge(ann["first"], ann["second"])[0] == 200  # again: nothing left to move, the same answer
    status, body = merge(ann["bob"], ann["second"])
    assert status == 404 and body["error"]["code"] == "thread_merged"


def test_erasing_the_customer_removes_the_merged_threads_tombstone(ann: dict[str, int]) -> None:
    merge(ann["first"], ann["second"])
    erase_customer("ann@example.com")
    for number in (ann["first"], ann["second"]):
        assert list(ShopdeskItem.query(f"THREAD#{number}", consistent_read=True)) == []


def test_splitting_moves_one_message_into_a_new_open_thread_of_the_customer(ann: dict[str, int]) -> None:
    first = ann["first"]
    threads.change_status(first, "closed")
    question = next(m for m in messages_of(first) if m.author == "customer")
    before = stats()
    status, body = call("POST", f"/v1/threads/{first}/split", body={"message_id": question.message_id})
    assert status == 200, body
    new = body["thread"]["number"]
    assert (body["thread"]["status"], body["thread"]["email"], body["thread"]["order_ref"]) == ("open", "ann@example.com", "ORDER1")
    assert [m.text for m in messages_of(new) if m.author == "customer"] == ["Where is my order?"]
    assert all(m.message_id != question.message_id for m in messages_of(first))
    after = stats()
    assert (after["threads_total"], after["threads_open"]) == (before["threads_total"] + 1, before["threads_open"] + 1)
    kept = threads.get_thread(first)
    assert (int(kept.customer_messages), int(kept.agent_messages), kept.preview) == (0, 1, "It ships tomorrow.")
    assert box("customer-service")[0] == 3


def test_the_only_message_of_a_thread_cannot_be_split_off(ann: dict[str, int]) -> None:
    [only] = [m for m in messages_of(ann["bob"]) if m.author == "customer"]
    status, body = call("POST", f"/v1/threads/{ann['bob']}/split", body={"message_id": only.message_id})
    assert status == 422 and body["error"]["code"] == "split_only_message"
    assert call("POST", f"/v1/threads/{ann['bob']}/split", body={"message_id": "nope"})[0] == 404


def test_a_merge_is_two_reads_of_partitions_two_claims_one_transaction_and_the_moves(ann: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    from collections import Counter

    from tests.in_process_aws import count_dynamodb_requests

    requests_made = count_dynamodb_requests(monkeypatch)
    assert merge(ann["first"], ann["second"])[0] == 200
    # Both partitions; the two claims; the transaction; the other thread's search words filed under
    # this one (a transaction of ADDs, 100 buckets each) and its own buckets deleted (a BatchWriteItem,
    # 25 each); the message copied, then deleted; the other thread was open, so its box is read
    # (its link, Bob's thread, stays).
    assert Counter(requests_made) == {"Query": 2, "GetItem": 3, "TransactWriteItems": 1 + 1, "BatchWriteItem": 1 + 2}
