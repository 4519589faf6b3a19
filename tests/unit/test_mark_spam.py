"""Agents mark a thread as spam (SPEC §3): it closes, is flagged, and its sender may be blocked."""

from __future__ import annotations

from typing import Any

from shopdesk.store.models import BlockedSender, Stats

from tests.unit import intake_support
from tests.unit.agents_api import ADMIN, AGENT, call
from tests.unit.intake_support import form_fields, post_json

shop = intake_support.shop


def open_thread(email: str = "spammer@example.com") -> int:
    status, body = post_json(form_fields(email=email, message="Cheap pills"))
    assert status == 201
    return int(body["thread"]["number"]) if "thread" in body else int(body["number"])


def global_stats() -> dict[str, int]:
    item = Stats.get(*Stats.global_key())
    return {k: int(v) for k, v in item.attribute_values.items() if k.startswith("threads_")}


def test_marking_a_thread_as_spam_closes_and_flags_it_and_moves_the_counters(shop: Any) -> None:
    number = open_thread()
    status, body = call("PUT", f"/v1/threads/{number}/spam", AGENT, {"spam": True})
    assert status == 200 and body["thread"]["spam"] is True and body["thread"]["status"] == "closed"
    assert (global_stats()["threads_open"], global_stats()["threads_closed"]) == (0, 1)
    assert call("GET", f"/v1/threads/{number}")[1]["thread"]["spam"] is True
    # Spam is its own view, out of the main list; the closed threads still list it.
    assert call("GET", "/v1/threads")[1]["threads"] == []
    [row] = call("GET", "/v1/threads", query="spam=true")[1]["threads"]
    assert row["spam"] is True and row["status"] == "closed"
    assert [t["number"] for t in call("GET", "/v1/threads", query="status=closed")[1]["threads"]] == [number]
    assert list(BlockedSender.query("BLOCKED")) == []


def test_a_closed_thread_marked_as_spam_leaves_the_main_list_and_comes_back_when_unmarked(shop: Any) -> None:
    number = open_thread()
    call("PUT", f"/v1/threads/{number}/status", AGENT, {"status": "closed"})
    call("PUT", f"/v1/threads/{number}/spam", AGENT, {"spam": True})
    assert call("GET", "/v1/threads")[1]["threads"] == []
    assert [t["number"] for t in call("GET", "/v1/threads", query="spam=true")[1]["threads"]] == [number]
    call("PUT", f"/v1/threads/{number}/spam", AGENT, {"spam": False})
    assert [t["number"] for t in call("GET", "/v1/threads")[1]["threads"]] == [number]
    assert call("GET", "/v1/threads", query="spam=true")[1]["threads"] == []


def test_marking_as_spam_and_blocking_the_sender_refuses_their_next_form_post(shop: Any) -> None:
    number = open_thread("Spammer@Example.com")
    status, body = call("PUT", f"/v1/threads/{number}/spam", AGENT, {"spam": True, "block_sender": True})
    assert status == 200 and body["thread"]["spam"] is True
    [blocked] = list(BlockedSender.query("BLOCKED"))
    assert blocked.value == "spammer@example.com" and blocked.created_by == "agent@shop.example"
    status, body = post_json(form_fields(email="spammer@example.com", message="More pills"))
    assert status == 422 and body["error"]["code"] == "spam_suspected"


def test_unmarking_only_clears_the_flag(shop: Any) -> None:
    number = open_thread()
    call("PUT", f"/v1/threads/{number}/spam", AGENT, {"spam": True})
    status, body = call("PUT", f"/v1/threads/{number}/spam", ADMIN, {"spam": False})
    assert status == 200 and body["thread"]["spam"] is False and body["thread"]["status"] == "closed"
    assert (global_stats()["threads_open"], global_stats()["threads_closed"]) == (0, 1)


def test_marking_spam_needs_a_signed_in_agent_a_known_thread_and_a_boolean(shop: Any) -> None:
    number = open_thread()
    assert call("PUT", f"/v1/threads/{number}/spam", None, {"spam": True})[0] == 401
    assert call("PUT", "/v1/threads/999/spam", AGENT, {"spam": True})[0] == 404
    status, body = call("PUT", f"/v1/threads/{number}/spam", AGENT, {"spam": "yes", "block_sender": 1})
    assert status == 422 and {f["field"] for f in body["error"]["fields"]} == {"spam", "block_sender"}
    assert call("GET", f"/v1/threads/{number}")[1]["thread"]["spam"] is False
