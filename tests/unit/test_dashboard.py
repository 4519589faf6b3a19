"""The dashboard (SPEC §5): every figure against a seed computed by hand, after replies, status
changes and deletes; counters, never counting on read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from agents_api import call, customer_writes
from shopdesk.admin import contacts
from shopdesk.store import threads
from shopdesk.store.models import Stats


@pytest.fixture
def shop(aws: Any) -> dict[str, int]:
    """Four threads: Ann (answered 2 h after she wrote, so closed), Bob (pending 1), Cid (marked
    handled), all to customer service; Dan (open) to the webmaster."""
    contacts.all_contacts()
    now = datetime.now(UTC)
    ann = customer_writes(email="ann@example.com", created_at=now - timedelta(hours=2)).thread.number
    bob = customer_writes(email="bob@example.com", created_at=now - timedelta(hours=3)).thread.number
    cid = customer_writes(email="cid@example.com", created_at=now - timedelta(hours=4)).thread.number
    dan = customer_writes(email="dan@example.com", contact_id="webmaster", created_at=now - timedelta(hours=5)).thread.number
    status, _ = call("POST", f"/v1/threads/{ann}/replies", body={"text": "It ships today."})
    assert status == 201
    threads.change_status(bob, "pending1")
    threads.change_status(cid, "closed")
    return {"ann": ann, "bob": bob, "cid": cid, "dan": dan}


def dashboard() -> dict[str, Any]:
    status, body = call("GET", "/v1/dashboard")
    assert status == 200
    return body


def boxes(body: dict[str, Any]) -> dict[str, tuple[int, int | None]]:
    return {box["contact_id"]: (box["open"], box["oldest_open_thread"]) for box in body["boxes"]}


def test_the_statistics_count_threads_by_status_and_messages_by_author(shop: dict[str, int]) -> None:
    assert dashboard()["statistics"] == {
        "threads_total": 4,
        "threads_pending": 1,
        "customer_messages": 4,
        "agent_messages": 1,
        "unread": 1,
        "closed": 2,
    }


def test_each_contact_that_saves_messages_has_a_box_with_its_open_threads_and_the_oldest(shop: dict[str, int]) -> None:
    later = customer_writes(email="eve@example.com", contact_id="webmaster").thread.number
    body = dashboard()
    assert boxes(body) == {"customer-service": (0, None), "webmaster": (2, shop["dan"])}
    assert later != shop["dan"]
    assert body["boxes"][0]["names"]["es"]


def test_a_contact_that_does_not_save_messages_has_no_box(shop: dict[str, int]) -> None:
    contacts.update_contact("webmaster", {"save_messages": False, "email": "web@shop.example"})
    assert set(boxes(dashboard())) == {"customer-service"}


def test_the_indicators_average_first_responses_and_messages_of_closed_threads(shop: dict[str, int]) -> None:
    indicators = dashboard()["indicators"]
    assert indicators["pending_discussions"] == 1
    # Ann's thread was answered about two hours (7,200 s) after it started.
    assert 7200 <= indicators["average_response_seconds"] < 7260
    # Closed in the window: Ann's (her message + the reply = 2) and Cid's (1): 3 / 2.
    assert indicators["messages_per_closed_thread"] == 1.5


def test_aggregates_older_than_thirty_days_are_left_out(shop: dict[str, int]) -> None:
    old_day = (datetime.now(UTC) - timedelta(days=31)).date().isoformat()
    Stats(*Stats.day_key(old_day), first_response_count=10, first_response_seconds=10, closed_threads=10, closed_thread_messages=1000).save()
    indicators = dashboard()["indicators"]
    assert 7200 <= indicators["average_response_seconds"] < 7260
    assert indicators["messages_per_closed_thread"] == 1.5


def test_status_changes_move_the_figures(shop: dict[str, int]) -> None:
    threads.change_status(shop["bob"], "open")  # "Disable pending status"
    threads.change_status(shop["dan"], "pending2")
    body = dashboard()
    assert body["statistics"]["threads_pending"] == 1 and body["statistics"]["unread"] == 1
    assert boxes(body) == {"customer-service": (1, shop["bob"]), "webmaster": (0, None)}
    threads.change_status(shop["cid"], "open")  # "Re-open"
    body = dashboard()
    assert body["statistics"]["closed"] == 1 and body["statistics"]["unread"] == 2
    assert boxes(body)["customer-service"] == (2, shop["cid"])  # Cid wrote before Bob


def test_deleting_threads_takes_them_out_of_every_figure(shop: dict[str, int]) -> None:
    assert call("DELETE", f"/v1/threads/{shop['dan']}")[0] == 204
    assert call("DELETE", f"/v1/threads/{shop['ann']}")[0] == 204
    body = dashboard()
    assert body["statistics"] == {
        "threads_total": 2,
        "threads_pending": 1,
        "customer_messages": 2,
        "agent_messages": 0,
        "unread": 0,
        "closed": 1,
    }
    assert boxes(body) == {"customer-service": (0, None), "webmaster": (0, None)}
    # The 30-day indicators are history: what was answered and closed stays answered and closed.
    assert body["indicators"]["messages_per_closed_thread"] == 1.5


def test_an_empty_shop_has_zeros_and_no_indicator(aws: Any) -> None:
    body = dashboard()
    assert body["statistics"]["threads_total"] == 0
    assert body["indicators"] == {"pending_discussions": 0, "average_response_seconds": None, "messages_per_closed_thread": None}
    assert [b["open"] for b in body["boxes"]] == [0, 0]


def test_boxes_follow_the_contacts_renamed_reordered_and_deleted(shop: dict[str, int]) -> None:
    contacts.update_contact("webmaster", {"names": {"en": "Tech support", "es": "Soporte técnico"}})
    contacts.reorder_contacts({"order": ["customer-service", "webmaster"]})
    body = dashboard()
    assert [b["contact_id"] for b in body["boxes"]] == ["customer-service", "webmaster"]
    assert body["boxes"][1]["names"]["es"] == "Soporte técnico" and body["boxes"][1]["open"] == 1
    created = contacts.create_contact({"names": {"en": "Returns"}})
    assert [b["contact_id"] for b in dashboard()["boxes"]] == ["customer-service", "webmaster", created["id"]]
    contacts.delete_contact("webmaster")
    body = dashboard()
    assert [b["contact_id"] for b in body["boxes"]] == ["customer-service", created["id"]]
    assert body["statistics"]["unread"] == 1  # Dan's thread is still open, under the deleted contact's name


def stored_link(contact_id: str) -> int | None:
    """The box's link as threads.py keeps it on STATS/CONTACT#id (what the dashboard's one Query reads)."""
    item = Stats.get(*Stats.contact_key(contact_id), consistent_read=True)
    return int(item.oldest_open) if item.oldest_open is not None else None


@pytest.fixture
def webmaster(shop: dict[str, int]) -> dict[str, int]:
    """The webmaster's box: Dan (5 h ago), then Eve (1 h ago) and Fay (now) open."""
    now = datetime.now(UTC)
    eve = customer_writes(email="eve@example.com", contact_id="webmaster", created_at=now - timedelta(hours=1)).thread.number
    fay = customer_writes(email="fay@example.com", contact_id="webmaster", created_at=now).thread.number
    assert boxes(dashboard())["webmaster"] == (3, shop["dan"]) and stored_link("webmaster") == shop["dan"]
    return {**shop, "eve": eve, "fay": fay}


def test_when_the_oldest_open_thread_closes_the_box_links_the_next_oldest(webmaster: dict[str, int]) -> None:
    threads.change_status(webmaster["dan"], "closed")
    assert boxes(dashboard())["webmaster"] == (2, webmaster["eve"]) and stored_link("webmaster") == webmaster["eve"]
    assert call("POST", f"/v1/threads/{webmaster['eve']}/replies", body={"text": "Done."})[0] == 201  # a sent reply closes it
    assert boxes(dashboard())["webmaster"] == (1, webmaster["fay"])


def test_when_the_oldest_open_thread_gets_a_new_message_it_moves_behind_the_others(webmaster: dict[str, int]) -> None:
    customer_writes(email="dan@example.com", contact_id="webmaster", text="Any news?")
    assert boxes(dashboard())["webmaster"] == (3, webmaster["eve"]) and stored_link("webmaster") == webmaster["eve"]


def test_a_note_does_not_move_the_oldest_open_thread(webmaster: dict[str, int]) -> None:
    assert call("POST", f"/v1/threads/{webmaster['dan']}/notes", body={"text": "VIP"})[0] == 201
    assert boxes(dashboard())["webmaster"] == (3, webmaster["dan"])


def test_when_the_last_open_thread_closes_the_box_has_no_link(shop: dict[str, int]) -> None:
    threads.change_status(shop["dan"], "pending1")
    assert boxes(dashboard())["webmaster"] == (0, None) and stored_link("webmaster") is None
    threads.change_status(shop["dan"], "open")
    assert boxes(dashboard())["webmaster"] == (1, shop["dan"])


def test_deleting_the_oldest_open_thread_links_the_next_oldest(webmaster: dict[str, int]) -> None:
    assert call("DELETE", f"/v1/threads/{webmaster['dan']}")[0] == 204
    assert boxes(dashboard())["webmaster"] == (2, webmaster["eve"]) and stored_link("webmaster") == webmaster["eve"]
    assert call("DELETE", f"/v1/threads/{webmaster['fay']}")[0] == 204  # not the link: it stays
    assert boxes(dashboard())["webmaster"] == (1, webmaster["eve"])


def test_a_reopened_thread_older_than_the_link_becomes_the_link(webmaster: dict[str, int]) -> None:
    threads.change_status(webmaster["dan"], "closed")
    threads.change_status(webmaster["fay"], "closed")
    assert stored_link("webmaster") == webmaster["eve"]
    threads.change_status(webmaster["fay"], "open")  # newer than Eve: Eve stays
    assert stored_link("webmaster") == webmaster["eve"]
    threads.change_status(webmaster["dan"], "open")  # older than Eve
    assert boxes(dashboard())["webmaster"] == (3, webmaster["dan"]) and stored_link("webmaster") == webmaster["dan"]


def test_a_closed_thread_reopened_by_its_customer_goes_to_the_newest_end(webmaster: dict[str, int]) -> None:
    ann = threads.get_thread(webmaster["ann"])  # closed by the reply; she answers by its link
    contact = contacts.get_contact("customer-service")
    threads.store_customer_message(contact, threads.CustomerMessage(email="ann@example.com", text="One more", source="form", language="en"), thread=ann)
    assert boxes(dashboard())["customer-service"] == (1, webmaster["ann"])
    assert boxes(dashboard())["webmaster"] == (3, webmaster["dan"])
