"""The thread list (SPEC §5): each filter, each search, newest first, and pages with no repeat
and no gap, every one served by a Query on a key or an index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.store import threads
from shopdesk.store.models import Thread

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def shop(aws: Any) -> dict[str, Any]:
    """Twelve threads, one an hour from Nov 1st 09:00: contacts, languages, statuses, a reply by
    the agent, a private note, names with and without accents."""
    contacts.all_contacts()
    people = [
        ("ann@example.com", "Ánn Smith", "en", "customer-service"),
        ("bob@example.com", "Bob Stone", "es", "customer-service"),
        ("cid@example.com", "Cid Sánchez", "pl", "webmaster"),
        ("dan@example.com", "Dan Brown", "en", "webmaster"),
        ("eva@example.com", "Eva Nowak", "pl", "customer-service"),
        ("fay@example.com", "Fay Annan", "es", "customer-service"),
        ("gus@example.com", "Gus Smithers", "en", "customer-service"),
        ("hal@example.com", "Hal Jones", "en", "webmaster"),
        ("ida@example.com", "Ida López", "es", "customer-service"),
        ("jon@example.com", "Jon Ward", "pl", "customer-service"),
        ("kim@example.com", "Kim Lee", "en", "customer-service"),
        ("ann@example.com", "Ánn Smith", "en", "webmaster"),
    ]
    numbers = []
    for hour, (email, name, lang, contact) in enumerate(people):
        stored = customer_writes(email=email, customer_name=name, language=lang, contact_id=contact, created_at=START + timedelta(hours=hour))
        numbers.append(stored.thread.number)
    threads.change_status(numbers[1], "pending1")
    threads.change_status(numbers[4], "pending2")
    threads.change_status(numbers[7], "closed")
    threads.store_agent_message(numbers[2], threads.AgentMessage(agent="agent@shop.example", text="VIP", source="note", private=True))
    return {"numbers": numbers}


def listed(query: str = "", claims: dict[str, Any] = AGENT) -> list[int]:
    status, body = call("GET", "/v1/threads", claims=claims, query=query)
    assert status == 200, body
    return [t["number"] for t in body["threads"]]


def test_the_list_is_newest_first(shop: dict[str, Any]) -> None:
    assert listed() == list(reversed(shop["numbers"]))


def test_filter_by_status(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    assert listed("status=pending1") == [n[1]]
    assert listed("status=closed") == [n[7]]
    assert listed("status=open") == [x for x in reversed(n) if x not in (n[1], n[4], n[7])]


def test_filter_by_contact_and_by_contact_and_status(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    assert listed("contact=webmaster") == [n[11], n[7], n[3], n[2]]
    assert listed("contact=webmaster&status=open") == [n[11], n[3], n[2]]
    assert listed("contact=customer-service&status=pending2") == [n[4]]


def test_filter_by_language(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    assert listed("language=es") == [n[8], n[5], n[1]]
    assert listed("language=pl&status=open") == [n[9], n[2]]


def test_the_employee_filter_means_the_assignee(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    assert call("POST", f"/v1/threads/{n[5]}/replies", body={"text": "Hola"})[0] == 201  # replying does not assign (by default)
    assert listed("agent=sub-agent") == []
    assert call("PUT", f"/v1/threads/{n[5]}/assignee", body={"assignee": "sub-agent"})[0] == 200
    assert listed("agent=sub-agent") == [n[5]]
    assert listed("agent=sub-agent&status=open") == []
    assert listed("agent=sub-someone") == []
    assert n[5] not in listed("agent=-") and n[4] in listed("agent=-")


def test_the_views_list_what_is_not_handled_yet_as_their_counts_count_it(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    not_closed = [x for x in reversed(n) if x != n[7]]
    assert listed("status=active") == not_closed
    assert listed("status=active&contact=webmaster") == [n[11], n[3], n[2]]
    for number in (n[4], n[7], n[9]):  # pending, handled, open
        assert call("PUT", f"/v1/threads/{number}/assignee", body={"assignee": "sub-agent"})[0] == 200
    assert listed("agent=sub-agent&status=active") == [n[9], n[4]]
    assert listed("agent=-&status=active") == [x for x in not_closed if x not in (n[4], n[9])]
    assert listed("status=active&q=smith") == [n[11], n[6], n[0]]
    counts = call("GET", "/v1/dashboard")[1]["assignment"]
    assert counts["everyone"] == len(not_closed) and counts["unassigned"] == len(not_closed) - 2
    assert next(a["active"] for a in counts["agents"] if a["sub"] == "sub-agent") == 2


def test_filter_by_private_note(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    assert listed("private=true") == [n[2]]
    assert listed("private=true&language=en") == []


def test_filter_by_last_message_date_range(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    window = "from=2026-11-01T11:00:00Z&to=2026-11-01T13:30:00Z"
    assert listed(window) == [n[4], n[3], n[2]]
    assert listed(window + "&language=pl") == [n[4], n[2]]
    assert listed("from=2026-11-02") == []
    assert listed("to=2026-11-01") == list(reversed(n))


def test_unread_is_per_agent(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    assert call("GET", f"/v1/threads/{n[0]}")[0] == 200
    assert call("GET", f"/v1/threads/{n[3]}")[0] == 200
    assert listed("unread=true") == [x for x in reversed(n) if x not in (n[0], n[3])]
    assert listed("unread=true", claims=ADMIN) == list(reversed(n))
    status, body = call("GET", "/v1/threads", query="contact=webmaster")
    assert {t["number"]: t["unread"] for t in body["threads"]} == {n[11]: True, n[7]: True, n[3]: False, n[2]: True}
    # A new customer message makes it unread again.
    customer_writes(email="dan@example.com", customer_name="Dan Brown", contact_id="webmaster", text="Any news?")
    assert n[3] in listed("unread=true")


def test_a_thread_stored_before_read_by_existed_is_marked_read_too(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    Thread(*Thread.key(n[5])).update(actions=[Thread.read_by.remove()])
    assert n[5] in listed("unread=true")
    assert call("GET", f"/v1/threads/{n[5]}")[0] == 200
    assert call("GET", f"/v1/threads/{n[5]}", claims=ADMIN)[0] == 200
    assert n[5] not in listed("unread=true") and n[5] not in listed("unread=true", claims=ADMIN)
    assert threads.get_thread(n[5]).customer_name == "Fay Annan"  # only the read time was written


def test_search_by_email_name_and_number(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    assert listed("q=ANN@example.com") == [n[11], n[0]]
    # Any word of the name, by its start, accents ignored, newest first: Fay Annan too.
    assert listed("q=ann") == [n[11], n[5], n[0]]
    assert listed("q=ann&order=oldest") == [n[0], n[5], n[11]]
    assert listed("q=GUS SMITH") == [n[6]]
    assert listed("q=smith") == [n[11], n[6], n[0]]
    assert listed("q=cid s%C3%A1nchez") == [n[2]]
    assert listed(f"q=%23{n[5]}") == [n[5]]
    assert listed(f"q={n[5]}") == [n[5]]
    assert listed(f"q={n[5]}&status=closed") == []
    assert listed("q=99999") == []


def test_pages_cover_the_list_with_no_repeat_and_no_gap(shop: dict[str, Any]) -> None:
    for query, expected in (("", list(reversed(shop["numbers"]))), ("status=open", listed("status=open")), ("unread=true", listed("unread=true"))):
        seen: list[int] = []
        cursor = None
        pages = 0
        while True:
            status, body = call("GET", "/v1/threads", query=f"limit=5&{query}" + (f"&cursor={cursor}" if cursor else ""))
            assert status == 200
            assert len(body["threads"]) <= 5
            seen += [t["number"] for t in body["threads"]]
            pages += 1
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert seen == expected, query
        assert pages == -(-len(expected) // 5)


def test_a_combined_filter_fills_its_pages(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    first = call("GET", "/v1/threads", query="language=en&status=open&limit=2")[1]
    assert [t["number"] for t in first["threads"]] == [n[11], n[10]]
    second = call("GET", "/v1/threads", query=f"language=en&status=open&limit=2&cursor={first['next_cursor']}")[1]
    assert [t["number"] for t in second["threads"]] == [n[6], n[3]]


def test_bad_parameters_are_refused_clearly(shop: dict[str, Any]) -> None:
    status, body = call("GET", "/v1/threads", query="status=archived&limit=1000&from=yesterday")
    assert status == 422
    assert {f["field"] for f in body["error"]["fields"]} == {"status", "limit", "from"}
    status, body = call("GET", "/v1/threads", query="cursor=not-a-cursor")
    assert status == 400 and body["error"]["code"] == "invalid_cursor"
    cursor = call("GET", "/v1/threads", query="limit=1")[1]["next_cursor"]
    status, body = call("GET", "/v1/threads", query=f"contact=webmaster&cursor={cursor}")
    assert status == 400 and body["error"]["code"] == "invalid_cursor"


def test_a_summary_never_carries_the_token(shop: dict[str, Any]) -> None:
    body = call("GET", "/v1/threads")[1]
    token = threads.get_thread(shop["numbers"][0]).token
    assert token not in str(body)
    assert set(body["threads"][0]) == {
        "number", "customer_name", "email", "contact_id", "contact_names", "language", "status", "last_agent", "assignee",
        "preview", "private", "spam", "last_message_at", "customer_messages", "agent_messages", "unread", "tags",
    }


def test_bulk_status_and_delete(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    status, body = call("POST", "/v1/threads/bulk", body={"action": "status", "status": "closed", "numbers": [n[0], n[1], 99999]})
    assert status == 200
    assert body == {"done": [n[0], n[1]], "failed": [{"number": 99999, "code": "thread_not_found"}]}
    assert set(listed("status=closed")) == {n[0], n[1], n[7]}
    status, body = call("POST", "/v1/threads/bulk", body={"action": "delete", "numbers": [n[0], n[1]]})
    assert body["done"] == [n[0], n[1]]
    assert listed("status=closed") == [n[7]]
    status, body = call("POST", "/v1/threads/bulk", body={"action": "archive", "numbers": []})
    assert status == 422 and {f["field"] for f in body["error"]["fields"]} == {"action", "numbers"}


def test_the_list_can_be_read_oldest_first_and_a_name_search_follows_the_order(shop: dict[str, Any]) -> None:
    n = shop["numbers"]
    assert listed("order=newest") == list(reversed(n))
    assert listed("order=oldest") == n
    assert listed("order=oldest&status=open") == list(reversed(listed("status=open")))
    assert listed("order=oldest&q=ANN@example.com") == [n[0], n[11]]
    assert listed("order=oldest&q=ann") == list(reversed(listed("q=ann"))) == [n[0], n[5], n[11]]
    status, body = call("GET", "/v1/threads", query="order=sideways")
    assert status == 422 and body["error"]["fields"][0]["field"] == "order"


def test_oldest_first_pages_cover_the_list_with_no_repeat_and_no_gap(shop: dict[str, Any]) -> None:
    for query, expected in (("order=oldest", shop["numbers"]), ("order=oldest&language=en", list(reversed(listed("language=en"))))):
        seen: list[int] = []
        cursor = None
        while True:
            status, body = call("GET", "/v1/threads", query=f"limit=3&{query}" + (f"&cursor={cursor}" if cursor else ""))
            assert status == 200 and len(body["threads"]) <= 3
            seen += [t["number"] for t in body["threads"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert seen == expected, query
