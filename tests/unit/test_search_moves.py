"""Search as threads change: results follow the list's order (last message) within the
search's bound and thread-number order past it; a merged thread's words and tags find the thread
it joined; a split-off message's words find the new thread only; erasure leaves no words behind
(tombstones included); the spam view narrows a search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.store import threads
from shopdesk.store.models import SearchTerm, ShopdeskItem, TagCount, TagMember
from shopdesk.threads import search

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def found(query: str) -> list[int]:
    status, body = call("GET", "/v1/threads", query=query)
    assert status == 200, body
    return [t["number"] for t in body["threads"]]


def paged(query: str, limit: int) -> list[int]:
    numbers, cursor = [], ""
    while True:
        status, body = call("GET", "/v1/threads", query=f"{query}&limit={limit}{'&cursor=' + cursor if cursor else ''}")
        assert status == 200, body
        numbers += [t["number"] for t in body["threads"]]
        cursor = body["next_cursor"]
        if not cursor:
            return numbers


def reply(number: int, text: str) -> None:
    threads.store_agent_message(number, threads.AgentMessage(agent="agent@shop.example", text=text, source="agent"))


def items_of(number: int) -> list[Any]:
    return [i for i in ShopdeskItem.scan() if isinstance(i, SearchTerm | TagMember) and int(i.thread_number) == number]  # test-only Scan


@pytest.fixture
def three(aws: Any) -> list[int]:
    """Three threads with the word, started one after another; the first then gets the newest reply."""
    contacts.all_contacts()
    numbers = [
        int(customer_writes(f"Reklamacja {i}", email=f"c{i}@example.com", created_at=START + timedelta(hours=i)).thread.number) for i in range(3)
    ]
    reply(numbers[0], "Odpowiedź")
    return numbers


def test_results_follow_the_lists_order_by_last_message_newest_or_oldest_first(three: list[int]) -> None:
    first, second, third = three
    assert found("q=reklamacja") == [first, third, second]
    assert found("q=reklamacja&order=oldest") == [second, third, first]
    assert paged("q=reklamacja", limit=1) == [first, third, second]
    assert paged("q=reklamacja&order=oldest", limit=2) == [second, third, first]
    call("POST", f"/v1/threads/{second}/tags", body={"add": ["vip"]})
    call("POST", f"/v1/threads/{third}/tags", body={"add": ["vip"]})
    assert found("tag=vip") == [third, second]


def test_past_the_bound_results_come_by_thread_number(three: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "SORTED_PER_PAGE", 1)  # a page of 1 fits 1 match: three are past it
    first, second, third = three
    assert paged("q=reklamacja", limit=1) == [third, second, first]
    assert paged("q=reklamacja&order=oldest", limit=2) == [first, second, third]


def test_a_cursor_by_last_message_is_refused_once_the_matches_outgrow_the_bound(three: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    body = call("GET", "/v1/threads", query="q=reklamacja&limit=1")[1]
    monkeypatch.setattr(search, "SORTED_PER_PAGE", 1)
    status, body = call("GET", "/v1/threads", query=f"q=reklamacja&limit=1&cursor={body['next_cursor']}")
    assert status == 400 and body["error"]["code"] == "invalid_cursor"


@pytest.fixture
def ann(aws: Any) -> dict[str, int]:
    """Ann's two threads (two orders): the first about a parasol, tagged vip and garden; the second
    about a bike, tagged vip."""
    contacts.all_contacts()
    first = int(customer_writes("Parasol przyszedł połamany", order_ref="ORDER1", created_at=START).thread.number)
    second = int(customer_writes("Rower bez pedałów", order_ref="ORDER2", created_at=START + timedelta(hours=1)).thread.number)
    assert call("POST", f"/v1/threads/{first}/tags", body={"add": ["vip", "garden"]})[0] == 200
    assert call("POST", f"/v1/threads/{second}/tags", body={"add": ["vip"]})[0] == 200
    return {"first": first, "second": second}


def test_a_merged_threads_words_and_tags_find_the_thread_it_joined(ann: dict[str, int]) -> None:
    first, second = ann["first"], ann["second"]
    status, body = call("POST", f"/v1/threads/{second}/merge", claims=AGENT, body={"source": first})
    assert status == 200 and sorted(body["thread"]["tags"]) == ["garden", "vip"]
    assert found("q=parasol") == [second] and found("q=rower") == [second]
    assert found("q=order1") == [second]  # the merged thread's order reference
    assert found("q=garden") == [second] and found("tag=garden") == [second] and found("tag=vip") == [second]
    assert items_of(first) == []
    counts = {t["tag"]: t["threads"] for t in call("GET", "/v1/tags")[1]["tags"]}
    assert counts == {"vip": 1, "garden": 1}
    assert int(TagCount.get(*TagCount.key("vip")).count) == 1


def test_erasing_a_customer_with_a_merged_thread_leaves_no_words_or_tags(ann: dict[str, int]) -> None:
    assert call("POST", f"/v1/threads/{ann['second']}/merge", claims=AGENT, body={"source": ann["first"]})[0] == 200
    assert call("DELETE", "/v1/customers/ann@example.com", claims=ADMIN)[0] == 200
    assert items_of(ann["first"]) == [] and items_of(ann["second"]) == []
    assert found("q=parasol") == [] and found("q=rower") == [] and found("tag=vip") == []
    assert call("GET", "/v1/tags")[1]["tags"] == []


def test_a_split_off_messages_words_find_the_new_thread_only(ann: dict[str, int]) -> None:
    first = ann["first"]
    reply(first, "Wyślemy nowy")
    later = customer_writes("A hulajnoga też", order_ref="ORDER1", created_at=START + timedelta(hours=2))
    assert int(later.thread.number) == first
    status, body = call("POST", f"/v1/threads/{first}/split", claims=AGENT, body={"message_id": later.message.message_id})
    assert status == 200
    new = body["thread"]["number"]
    assert found("q=hulajnoga") == [new]
    assert found("q=parasol") == [first]
    assert sorted(found("q=ann@example.com")) == sorted([first, ann["second"], new])
    assert found("q=order1") == [first, new]  # both carry the order; the reply (now) is the last message


def test_the_spam_view_narrows_a_search(ann: dict[str, int]) -> None:
    threads.set_spam(ann["first"], True)
    assert found("q=ann") == [ann["second"], ann["first"]]  # a search finds spam too, marked
    assert found("q=ann&spam=true") == [ann["first"]]
