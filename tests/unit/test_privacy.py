"""A customer's data on request (SPEC §10): an admin exports everything held about an address, or
erases it; another customer's data and the dashboard counters stay right. Through the handler."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin import contacts, privacy
from shopdesk.intake import antispam, storefront
from shopdesk.intake.requests import BlockedSenderRequest
from shopdesk.store import attachments, threads
from shopdesk.store.models import (
    CustomerIdAlias,
    Message,
    OpenThreadClaim,
    OrderRef,
    RateWindow,
    ShopdeskItem,
    Stats,
    Thread,
)

from tests.in_process_aws import count_dynamodb_requests

ANN = "ann@example.com"
BOB = "bob@example.com"
BUCKET = "shopdesk-attachments"


def _file(name: str, data: bytes) -> dict[str, Any]:
    stored = attachments.store_bytes(data, name, "text/plain")
    return {"key": stored.key, "filename": stored.filename, "content_type": stored.content_type, "size": stored.size}


def _put_customer(customer_id: str, email: str, name: str) -> None:
    storefront.upsert_customer(customer_id, json.dumps({"email": email, "name": name, "since": "2025-03-01T10:00:00+00:00"}).encode())


def _put_order(reference: str, customer_id: str, total: str, history: list[tuple[str, str]]) -> None:
    body = {"customer_id": customer_id, "total": total, "currency": "EUR", "validated": True, "placed_at": "2026-10-01T09:00:00+00:00"}
    body["history"] = [{"status": s, "at": at} for s, at in history]
    storefront.upsert_order(reference, json.dumps(body).encode())


@pytest.fixture
def shop(aws: Any) -> dict[str, Any]:
    """Ann: a profile, two orders, two threads on two contacts (one with a file, a reply, a note;
    one closed), a rate-limit window. Bob: a profile, an order, a thread with a file and a reply."""
    contacts.all_contacts()
    _put_customer("42", ANN, "Ann Smith")
    _put_order("ANNORDER1", "42", "59.90", [("payment accepted", "2026-10-01T09:05:00+00:00"), ("shipped", "2026-10-02T10:00:00+00:00")])
    _put_order("ANNORDER2", "42", "13.00", [])
    _put_customer("77", BOB, "Bob Jones")
    _put_order("BOBORDER1", "77", "20.00", [("shipped", "2026-10-03T10:00:00+00:00")])

    ann_file = _file("invoice.txt", b"ann's invoice")
    first = customer_writes("Where is my order?", email=ANN, order_ref="ANNORDER1", customer_id="42", attachments=[ann_file], ip="203.0.113.5").thread.number
    customer_writes("Any news?", email=ANN, order_ref="ANNORDER1", customer_id="42")
    threads.store_agent_message(first, threads.AgentMessage(agent="agent@shop.example", text="It ships tomorrow.", source="agent", delivery={"state": "sent"}))
    threads.store_agent_message(first, threads.AgentMessage(agent="agent@shop.example", text="Ask the warehouse", source="note", private=True))
    second = customer_writes("Your site is broken", email=ANN, contact_id="webmaster").thread.number
    threads.change_status(second, "closed")
    antispam.check_rate_limits("203.0.113.5", ANN.replace("@", "+shop@").upper())  # as the form counts her: by mailbox

    bob_file = _file("photo.txt", b"bob's file")
    bob = customer_writes("Hello from Bob", email=BOB, customer_name="Bob Jones", attachments=[bob_file]).thread.number
    threads.store_agent_message(bob, threads.AgentMessage(agent="agent@shop.example", text="Hi Bob", source="agent", delivery={"state": "sent"}))
    customer_writes("Thanks", email=BOB, customer_name="Bob Jones")
    return {"ann_threads": [first, second], "bob_thread": bob, "ann_file": ann_file["key"], "bob_file": bob_file["key"]}


def export(email: str, claims: dict[str, Any] = ADMIN) -> dict[str, Any]:
    status, body = call("GET", f"/v1/customers/{quote(email)}/export", claims=claims)
    assert status == 200, body
    return body


def erase(email: str) -> dict[str, int]:
    status, body = call("DELETE", f"/v1/customers/{quote(email)}", claims=ADMIN)
    assert status == 200, body
    assert body["email"] == email.lower() and body["complete"] is True
    return body["removed"]


def without_links(document: Any) -> Any:
    """The export without its moment and its freshly signed links, to compare two exports."""
    if isinstance(document, dict):
        return {k: without_links(v) for k, v in document.items() if k not in ("url", "exported_at")}
    if isinstance(document, list):
        return [without_links(v) for v in document]
    return document


def objects() -> set[str]:
    listing = boto3.client("s3", region_name="eu-west-1").list_objects_v2(Bucket=BUCKET)
    return {o["Key"] for o in listing.get("Contents", [])}


def partition(pk: str) -> list[Any]:
    return list(ShopdeskItem.query(pk, consistent_read=True))


def global_stats() -> dict[str, int]:
    item = Stats.get(*Stats.global_key())
    names = ("threads_total", "threads_open", "threads_closed", "threads_pending1", "threads_pending2", "customer_messages", "agent_messages")
    return {name: int(getattr(item, name) or 0) for name in names}


def contact_open(contact_id: str) -> int:
    return int(Stats.get(*Stats.contact_key(contact_id)).open or 0)


# --- export -------------------------------------------------------------------------------------


def test_the_export_holds_the_profile_orders_threads_and_messages_of_that_address(shop: dict[str, Any]) -> None:
    body = export("Ann@Example.com")
    assert body["email"] == ANN
    assert body["customer"] == {"customer_id": "42", "name": "Ann Smith", "since": "2025-03-01T10:00:00+00:00"}
    orders = {o["reference"]: o for o in body["orders"]}
    assert set(orders) == {"ANNORDER1", "ANNORDER2"}
    assert orders["ANNORDER1"]["total"] == "59.90" and orders["ANNORDER1"]["currency"] == "EUR"
    assert [h["status"] for h in orders["ANNORDER1"]["history"]] == ["payment accepted", "shipped"]
    assert sorted(t["number"] for t in body["threads"]) == sorted(shop["ann_threads"])
    first = next(t for t in body["threads"] if t["number"] == shop["ann_threads"][0])
    assert [(m["author"], m["text"]) for m in first["messages"]] == [
        ("customer", "Where is my order?"),
        ("customer", "Any news?"),
        ("agent", "It ships tomorrow."),
    ]
    assert first["order_ref"] == "ANNORDER1" and first["customer_id"] == "42"
    assert first["messages"][2]["delivery"] == "sent"
    assert first["messages"][0]["ip"] == "203.0.113.5"  # what we stored about the visitor is theirs to see


def test_the_export_gives_internal_notes_apart_and_never_an_agents_address_or_the_thread_token(shop: dict[str, Any]) -> None:
    body = export(ANN)
    first = next(t for t in body["threads"] if t["number"] == shop["ann_threads"][0])
    assert [(n["source"], n["text"]) for n in first["internal_notes"]] == [("note", "Ask the warehouse")]
    token = threads.get_thread(shop["ann_threads"][0]).token
    text = json.dumps(body)
    assert "agent@shop.example" not in text and token not in text


def test_the_export_links_each_file_for_a_short_while(shop: dict[str, Any]) -> None:
    body = export(ANN)
    first = next(t for t in body["threads"] if t["number"] == shop["ann_threads"][0])
    [file] = first["messages"][0]["attachments"]
    assert file["filename"] == "invoice.txt" and file["size"] == len(b"ann's invoice")
    assert shop["ann_file"] in file["url"] and "response-content-disposition=attachment" in file["url"]
    assert body["links_expire_in"] == attachments.DOWNLOAD_URL_SECONDS


def test_the_export_holds_nothing_of_another_customer(shop: dict[str, Any]) -> None:
    text = json.dumps(export(ANN))
    for other in (BOB, "Bob Jones", "Hello from Bob", "Hi Bob", "BOBORDER1", "photo.txt", shop["bob_file"]):
        assert other not in text
    bob = export(BOB)
    assert [t["number"] for t in bob["threads"]] == [shop["bob_thread"]]
    assert [o["reference"] for o in bob["orders"]] == ["BOBORDER1"]


def test_an_unknown_address_exports_an_empty_document(shop: dict[str, Any]) -> None:
    body = export("nobody@example.com")
    assert (body["customer"], body["orders"], body["threads"], body["blocked_sender"]) == (None, [], [], None)


def test_the_export_says_when_the_address_is_blocked(shop: dict[str, Any]) -> None:
    antispam.add_blocked(BlockedSenderRequest(value=ANN), "admin@shop.example")
    assert export(ANN)["blocked_sender"]["value"] == ANN


# --- erasure ------------------------------------------------------------------------------------


def test_erasing_removes_threads_messages_files_profile_orders_aliases_and_claims(shop: dict[str, Any]) -> None:
    first, second = shop["ann_threads"]
    removed = erase(ANN)
    assert removed == {
        "threads": 2,
        "messages": 5,  # 2 customer messages, a reply, a note; 1 message in the second thread
        "attachments": 1,
        "customer": 1,
        "orders": 2,
        "aliases": 3,  # ORDERREF#ANNORDER1, ORDERREF#ANNORDER2, CUSTOMERID#42
        "open_claims": 1,  # the open first thread's (the closed one's claim went when it closed)
        "rate_windows": 1,
    }
    for number in (first, second):
        assert partition(f"THREAD#{number}") == []
    assert partition(f"CUSTOMER#{ANN}") == []
    assert partition(f"OPEN#{ANN}") == []
    assert list(RateWindow.query(f"RATE#email:{ANN}")) == []
    assert list(ShopdeskItem.batch_get([OrderRef.key("ANNORDER1"), OrderRef.key("ANNORDER2"), CustomerIdAlias.key("42")])) == []
    assert [t for t in Thread.gsi7.query(f"TL#E#{ANN}")] == []
    assert shop["ann_file"] not in objects()
    assert export(ANN)["threads"] == [] and export(ANN)["customer"] is None


def test_erasing_keeps_another_customers_data(shop: dict[str, Any]) -> None:
    before = export(BOB)
    erase(ANN)
    # File links are signed anew each time; everything else is the same document.
    assert without_links(export(BOB)) == without_links(before)
    assert shop["bob_file"] in objects()
    assert {a.pk for a in ShopdeskItem.batch_get([OrderRef.key("BOBORDER1"), CustomerIdAlias.key("77")])} == {"ORDERREF#BOBORDER1", "CUSTOMERID#77"}
    assert len(partition(f"OPEN#{BOB}")) == 1
    assert [m.text for m in Message.query(f"THREAD#{shop['bob_thread']}", Message.sk.startswith("MSG#"))] == ["Hello from Bob", "Hi Bob", "Thanks"]


def test_after_erasing_the_dashboard_counters_equal_what_remains(shop: dict[str, Any]) -> None:
    # Before: Ann's first thread open (2 customer messages, 1 reply), her second closed (1 message);
    # Bob's thread open again after his "Thanks" (2 customer messages, 1 reply).
    assert global_stats() == {
        "threads_total": 3,
        "threads_open": 2,
        "threads_closed": 1,
        "threads_pending1": 0,
        "threads_pending2": 0,
        "customer_messages": 5,
        "agent_messages": 2,
    }
    erase(ANN)
    assert global_stats() == {
        "threads_total": 1,
        "threads_open": 1,
        "threads_closed": 0,
        "threads_pending1": 0,
        "threads_pending2": 0,
        "customer_messages": 2,
        "agent_messages": 1,
    }
    assert contact_open("customer-service") == 1  # Bob's
    assert contact_open("webmaster") == 0
    status, dashboard = call("GET", "/v1/dashboard", claims=AGENT)
    assert status == 200 and dashboard["statistics"]["threads_total"] == 1


def test_erasing_twice_is_harmless_and_the_second_time_removes_nothing(shop: dict[str, Any]) -> None:
    erase(ANN)
    stats = global_stats()
    assert set(erase(ANN).values()) == {0}
    assert global_stats() == stats


def test_erasing_an_unknown_address_removes_nothing(shop: dict[str, Any]) -> None:
    stats = global_stats()
    assert set(erase("nobody@example.com").values()) == {0}
    assert global_stats() == stats


def test_erasing_removes_a_stale_claim_and_keeps_the_block(shop: dict[str, Any]) -> None:
    OpenThreadClaim(*OpenThreadClaim.key(ANN, "webmaster", "GONE"), number=999, status="open").save()
    antispam.add_blocked(BlockedSenderRequest(value=ANN), "admin@shop.example")
    assert erase(ANN)["open_claims"] == 2
    assert partition(f"OPEN#{ANN}") == []
    assert antispam.is_blocked_sender(ANN)  # kept on purpose: an erased spammer stays out


def test_an_erasure_that_runs_short_of_time_says_so_and_the_next_call_finishes_it(shop: dict[str, Any]) -> None:
    time_left = iter([60_000, privacy.SAFETY_MILLIS - 1])
    first = privacy.erase_customer(ANN, lambda: next(time_left))
    assert first["complete"] is False
    assert first["removed"]["threads"] == 1 and first["removed"]["customer"] == 0 and first["removed"]["aliases"] == 3
    assert len(partition(f"CUSTOMER#{ANN}")) == 3  # the profile and orders wait for the last run
    second = erase(ANN)
    assert second["threads"] == 1 and second["customer"] == 1 and second["orders"] == 2 and second["aliases"] == 0
    assert export(ANN)["threads"] == [] and global_stats()["threads_total"] == 1


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("GET", f"/v1/customers/{ANN}/export"), ("DELETE", f"/v1/customers/{ANN}")])
def test_only_an_admin_may_export_or_erase(shop: dict[str, Any], method: str, path: str) -> None:
    status, body = call(method, path, claims=AGENT)
    assert status == 403 and body["error"]["code"] == "forbidden"
    status, body = call(method, path, claims=None)
    assert status == 401 and body["error"]["code"] == "unauthorized"
    assert len(partition(f"CUSTOMER#{ANN}")) == 3


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_path_that_is_not_an_address_is_refused(shop: dict[str, Any], method: str) -> None:
    path = "/v1/customers/not-an-address" + ("/export" if method == "GET" else "")
    status, body = call(method, path, claims=ADMIN)
    assert status == 422 and body["error"]["fields"][0]["field"] == "email"


# --- what it costs (DynamoDB requests, counted on what moto receives) ------------------------------


@pytest.fixture
def requests_made(shop: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return count_dynamodb_requests(monkeypatch)


def test_an_export_is_a_query_per_thread_plus_three_requests_and_never_a_scan(requests_made: list[str]) -> None:
    export(ANN)  # two threads
    assert Counter(requests_made) == {"Query": 2 + 2, "GetItem": 1}


def test_an_erasure_costs_a_few_requests_per_thread_and_never_a_scan(requests_made: list[str]) -> None:
    erase(ANN)  # two threads
    # Per thread: its partition, then delete_thread (partition, claim, transaction, message deletes).
    # Once: GSI7, CUSTOMER#, OPEN#, RATE#, the mail log's sender index; the aliases' BatchGetItem; two BatchWriteItems.
    # Ann's open thread is her contact's box link: deleting it reads the box, finds the next oldest
    # open thread on GSI4 and writes the new link (threads.settle_oldest_open).
    # A thread's messages go with its search items, 25 a BatchWriteItem: her first thread's 4
    # messages and 25 buckets (name, address, order, number, words) take 2, her second 1.
    assert Counter(requests_made) == {
        "Query": 5 + 2 * 2 + 1, "GetItem": 2 + 1, "UpdateItem": 1, "TransactWriteItems": 2, "BatchWriteItem": 2 + 2 + 1, "BatchGetItem": 1
    }
