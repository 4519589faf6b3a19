"""What search costs in DynamoDB requests (docs/data-model.md, "Search"): the index rides in each
message's own transaction, and a page of a selective search is a Query and a BatchGetItem."""

from __future__ import annotations

from typing import Any

import pytest
from agents_api import call, customer_writes
from pynamodb.connection import Connection
from shopdesk.admin import contacts
from shopdesk.store import search_index, threads

from tests.in_process_aws import count_dynamodb_requests


@pytest.fixture
def requests_made(aws: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return count_dynamodb_requests(monkeypatch)


@pytest.fixture
def shop(aws: Any) -> list[int]:
    contacts.all_contacts()
    numbers = []
    for i in range(40):
        word = "wisniewska" if i % 10 == 0 else "kowalski"
        numbers.append(int(customer_writes(f"Zamówienie {i}: {word} pisze o zwrocie", email=f"c{i}@example.com").thread.number))
    threads.change_status(numbers[-1], "closed")
    return numbers


def test_a_new_threads_first_message_files_its_terms_in_its_own_transaction(aws: Any, requests_made: list[str]) -> None:
    contacts.all_contacts()
    requests_made.clear()
    customer_writes("Dzień dobry, paczka nie dotarła", email="anna@example.pl", order_ref="ZK-1")
    assert requests_made.count("TransactWriteItems") == 1 and "BatchWriteItem" not in requests_made


def test_a_new_thread_puts_its_search_buckets_and_a_later_message_adds_to_them(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new thread's buckets cannot exist yet, so they are Puts (cheaper to apply than ADDs); a
    later message's words join with ADD, and what the first message filed stays findable."""
    contacts.all_contacts()
    sent: list[tuple[list[str], list[str]]] = []
    commit = Connection.transact_write_items

    def recording(self: Connection, condition_check_items: Any, delete_items: Any, put_items: Any, update_items: Any, **kwargs: Any) -> Any:
        terms = [item for item in put_items if item["Item"]["PK"]["S"].startswith("TERM#")], [item for item in update_items if item["Key"]["PK"]["S"].startswith("TERM#")]
        sent.append(terms)
        return commit(self, condition_check_items, delete_items, put_items, update_items, **kwargs)

    monkeypatch.setattr(Connection, "transact_write_items", recording)
    first = customer_writes("Paczka nie dotarła", email="anna@example.pl")
    puts, updates = sent[-1]
    assert len(puts) >= 4 and updates == []
    customer_writes("Pacjent? Nie, proszę o zwrot", email="anna@example.pl")
    puts, updates = sent[-1]
    assert puts == [] and len(updates) >= 4
    for query in ("pacz", "pacj", "dotarla", "zwrot"):
        assert [t["number"] for t in call("GET", "/v1/threads", query=f"q={query}")[1]["threads"]] == [first.thread.number], query


def test_a_message_with_more_buckets_than_its_transaction_holds_writes_the_rest_a_hundred_a_request(
    aws: Any, requests_made: list[str]
) -> None:
    contacts.all_contacts()
    words = " ".join(f"{a}{b}{c}word" for a in "abcdefgh" for b in "abcdefgh" for c in "ab")  # 128 words, 256 buckets
    requests_made.clear()
    stored = customer_writes(words, email="long@example.com")
    buckets = len(search_index.by_bucket(search_index.message_terms(stored.message) | search_index.thread_terms(stored.thread)))
    extra = -(-(buckets - search_index.IN_TRANSACTION) // search_index.TRANSACTION_MAX)
    assert requests_made.count("TransactWriteItems") == 1 + extra
    assert [t["number"] for t in call("GET", "/v1/threads", query="q=hhbword")[1]["threads"]] == [stored.thread.number]


def test_a_page_of_a_selective_word_is_a_query_and_a_batch_get(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    body = call("GET", "/v1/threads", query="q=wisniewska")[1]
    assert len(body["threads"]) == 4 and body["next_cursor"] is None
    assert requests_made == ["Query", "BatchGetItem"]


def test_a_full_page_of_a_common_word_and_the_next_one_are_two_requests_each(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    body = call("GET", "/v1/threads", query="q=zwrocie&limit=25")[1]
    assert len(body["threads"]) == 25
    assert requests_made == ["Query", "BatchGetItem"]
    requests_made.clear()
    body = call("GET", "/v1/threads", query=f"q=zwrocie&limit=25&cursor={body['next_cursor']}")[1]
    assert len(body["threads"]) == 15 and body["next_cursor"] is None
    assert requests_made == ["Query", "BatchGetItem"]


def test_two_words_and_a_filter_are_checked_in_the_same_batch_get(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    body = call("GET", "/v1/threads", query="q=wisniewska%20pisze&status=open")[1]
    assert [t["number"] for t in body["threads"]] == [shop[30], shop[20], shop[10], shop[0]]
    assert requests_made == ["Query", "BatchGetItem"]


def test_a_page_in_the_lists_order_of_two_words_among_many_matches_is_at_most_three_requests(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    body = call("GET", "/v1/threads", query="q=zwrocie%20pisze&limit=25")[1]
    assert len(body["threads"]) == 25  # 40 matches, each with its other word's bucket: 80 keys
    assert requests_made == ["Query", "BatchGetItem"]


def test_a_page_past_the_bound_is_still_a_query_and_a_batch_get(shop: list[int], requests_made: list[str]) -> None:
    requests_made.clear()
    body = call("GET", "/v1/threads", query="q=zwrocie&limit=5")[1]  # 40 matches: past 4 pages of 5
    assert [t["number"] for t in body["threads"]] == sorted(shop, reverse=True)[:5]  # by thread number
    assert requests_made == ["Query", "BatchGetItem"]
