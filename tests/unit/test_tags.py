"""Tags: agents add and remove free-text tags, suggested from those in use with their
counts; the list filters and searches by tag; admins rename or delete a tag everywhere; deleting a
thread takes its tags' counts down."""

from __future__ import annotations

from typing import Any

import pytest
from agents_api import ADMIN, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.store import threads
from shopdesk.store.models import ShopdeskItem, TagMember


@pytest.fixture
def numbers(aws: Any) -> list[int]:
    contacts.all_contacts()
    return [int(customer_writes(f"Message {i}", email=f"c{i}@example.com").thread.number) for i in range(4)]


def tag(number: int, add: list[str] = (), remove: list[str] = ()) -> tuple[int, Any]:  # type: ignore[assignment]
    return call("POST", f"/v1/threads/{number}/tags", body={"add": list(add), "remove": list(remove)})


def listed(query: str) -> list[int]:
    status, body = call("GET", "/v1/threads", query=query)
    assert status == 200, body
    return [t["number"] for t in body["threads"]]


def counts() -> dict[str, int]:
    return {t["tag"]: t["threads"] for t in call("GET", "/v1/tags")[1]["tags"]}


def test_tags_are_normalised_kept_on_the_thread_and_counted(numbers: list[int]) -> None:
    status, body = tag(numbers[0], ["  Late   Delivery ", "VIP"])
    assert status == 200 and body["thread"]["tags"] == ["late delivery", "vip"]
    tag(numbers[1], ["late delivery"])
    tag(numbers[1], ["late delivery"])  # twice is once
    assert counts() == {"late delivery": 2, "vip": 1}
    assert call("GET", f"/v1/threads/{numbers[0]}")[1]["thread"]["tags"] == ["late delivery", "vip"]
    status, body = tag(numbers[0], remove=["VIP"])
    assert body["thread"]["tags"] == ["late delivery"] and counts() == {"late delivery": 2}


def test_the_list_filters_by_tag_and_search_finds_a_tags_words(numbers: list[int]) -> None:
    tag(numbers[0], ["reklamacja"])
    tag(numbers[2], ["Reklamacja"])
    assert listed("tag=reklamacja") == [numbers[2], numbers[0]]
    assert listed("tag=reklamacja&order=oldest") == [numbers[0], numbers[2]]
    assert listed("tag=reklamacja&q=message") == [numbers[2], numbers[0]]
    assert listed("q=reklam") == [numbers[2], numbers[0]]
    threads.change_status(numbers[2], "closed")
    assert listed("tag=reklamacja&status=open") == [numbers[0]]
    tag(numbers[0], remove=["reklamacja"])
    assert listed("q=reklam") == [numbers[2]] and listed("tag=reklamacja") == [numbers[2]]


def test_a_bad_tag_is_refused_with_its_field(numbers: list[int]) -> None:
    status, body = tag(numbers[0], ["   "])
    assert status == 422 and body["error"]["fields"][0] == {
        "field": "add",
        "code": "invalid_tag",
        "message": body["error"]["fields"][0]["message"],
    }
    assert tag(99999, ["x"])[0] == 404


def test_admins_rename_and_delete_a_tag_everywhere(numbers: list[int]) -> None:
    for number in numbers[:3]:
        tag(number, ["zwrot"])
    tag(numbers[0], ["refund"])
    assert call("POST", "/v1/tags/rename", body={"from": "zwrot", "to": "refund"})[0] == 403
    status, body = call("POST", "/v1/tags/rename", claims=ADMIN, body={"from": "Zwrot", "to": "Refund"})
    assert status == 200 and body == {"tag": "Refund", "threads": 3}
    assert counts() == {"refund": 3}
    assert listed("tag=refund") == [numbers[2], numbers[1], numbers[0]] and listed("tag=zwrot") == []
    assert call("POST", "/v1/tags/delete", claims=ADMIN, body={"tag": "refund"})[1]["threads"] == 3
    assert counts() == {} and listed("tag=refund") == [] and listed("q=refund") == []


def test_a_deleted_thread_leaves_no_tag_behind(numbers: list[int]) -> None:
    tag(numbers[0], ["vip"])
    tag(numbers[1], ["vip"])
    threads.delete_thread(numbers[0])
    assert counts() == {"vip": 1}
    assert [int(i.thread_number) for i in ShopdeskItem.scan() if isinstance(i, TagMember)] == [numbers[1]]  # test-only Scan
