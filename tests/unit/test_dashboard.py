"""The dashboard (SPEC §5): every figure against a seed computed by hand, after replies, status
changes and deletes; counters, never counting on read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from agents_api import call, customer_writes
from shopdesk import contacts, threads
from shopdesk.models import Stats


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
