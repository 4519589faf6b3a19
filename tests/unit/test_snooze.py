"""Snooze: pending until a date and time. The thread leaves the open lists, comes back
open at that time (the scheduled run reads GSI10 up to now: no Scan) or at once when the customer
writes, and two overlapping runs wake it exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from agents_api import call, customer_writes
from shopdesk.admin import contacts
from shopdesk.store import snooze, threads
from shopdesk.store.models import Stats

from tests.in_process_aws import count_dynamodb_requests


def later(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


@pytest.fixture
def number(aws: Any) -> int:
    contacts.all_contacts()
    return int(customer_writes(email="ann@example.com").thread.number)


def open_numbers() -> list[int]:
    return [t["number"] for t in call("GET", "/v1/threads", query="status=open")[1]["threads"]]


def global_open() -> int:
    return int(Stats.get(*Stats.global_key(), consistent_read=True).threads_open)


def test_a_snoozed_thread_is_pending_until_its_time_then_open_again(number: int) -> None:
    status, body = call("PUT", f"/v1/threads/{number}/status", body={"status": "pending1", "snooze_until": later(hours=2)})
    assert status == 200 and body["thread"]["status"] == "pending1" and body["thread"]["snooze_until"]
    assert number not in open_numbers() and global_open() == 0
    assert snooze.wake_due() == 0  # not yet
    assert snooze.wake_due(datetime.now(UTC) + timedelta(hours=3)) == 1
    thread = call("GET", f"/v1/threads/{number}")[1]["thread"]
    assert thread["status"] == "open" and thread["snooze_until"] is None
    assert number in open_numbers() and global_open() == 1
    assert snooze.due_threads(datetime.now(UTC) + timedelta(days=2)) == []  # its entry is gone


def test_two_overlapping_runs_wake_each_thread_exactly_once(number: int, monkeypatch: pytest.MonkeyPatch) -> None:
    numbers = [number] + [int(customer_writes(email=f"c{i}@example.com").thread.number) for i in range(4)]
    for n in numbers:
        call("PUT", f"/v1/threads/{n}/status", body={"status": "pending2", "snooze_until": later(minutes=5)})
    assert global_open() == 0
    after = datetime.now(UTC) + timedelta(minutes=10)
    # Both runs read the due list, and the second reads every thread, before the first writes.
    first, second = snooze.due_threads(after), snooze.due_threads(after)
    assert len(first) == len(second) == 5
    seen_by_second = {due.number: threads.get_thread(due.number) for due in second}
    woken_by_first = [snooze.wake(due) for due in first]
    with monkeypatch.context() as patched:
        patched.setattr(snooze, "get_thread", lambda n: seen_by_second[n])
        woken_by_second = [snooze.wake(due) for due in second]  # its conditional writes fail
    woken_by_third = [snooze.wake(due) for due in second]  # a later run reads them open
    assert woken_by_first == [True] * 5 and woken_by_second == [False] * 5 and woken_by_third == [False] * 5
    assert global_open() == 5  # counted once each
    assert sorted(open_numbers()) == sorted(numbers)


def test_the_customer_writing_reopens_it_at_once_and_the_wake_up_leaves_it_alone(number: int) -> None:
    call("PUT", f"/v1/threads/{number}/status", body={"status": "pending1", "snooze_until": later(hours=1)})
    customer_writes(email="ann@example.com", text="Any news?")
    thread = call("GET", f"/v1/threads/{number}")[1]["thread"]
    assert thread["status"] == "open" and thread["snooze_until"] is None
    call("PUT", f"/v1/threads/{number}/status", body={"status": "closed"})
    assert snooze.wake_due(datetime.now(UTC) + timedelta(hours=2)) == 0
    assert call("GET", f"/v1/threads/{number}")[1]["thread"]["status"] == "closed"
    assert snooze.due_threads(datetime.now(UTC) + timedelta(days=2)) == []


def test_pending_without_a_time_drops_the_snooze(number: int) -> None:
    call("PUT", f"/v1/threads/{number}/status", body={"status": "pending1", "snooze_until": later(hours=1)})
    call("PUT", f"/v1/threads/{number}/status", body={"status": "pending2"})
    assert snooze.wake_due(datetime.now(UTC) + timedelta(hours=2)) == 0
    assert call("GET", f"/v1/threads/{number}")[1]["thread"]["status"] == "pending2"


def test_snoozing_again_moves_the_wake_up_time(number: int) -> None:
    call("PUT", f"/v1/threads/{number}/status", body={"status": "pending1", "snooze_until": later(hours=1)})
    call("PUT", f"/v1/threads/{number}/status", body={"status": "pending1", "snooze_until": later(hours=5)})
    assert snooze.wake_due(datetime.now(UTC) + timedelta(hours=2)) == 0
    assert snooze.wake_due(datetime.now(UTC) + timedelta(hours=6)) == 1


def test_snooze_needs_a_pending_status_and_a_future_time_with_its_zone(number: int) -> None:
    for body, field in [
        ({"status": "closed", "snooze_until": later(hours=1)}, "status"),
        ({"status": "pending1", "snooze_until": later(hours=-1)}, "snooze_until"),
        ({"status": "pending1", "snooze_until": "2030-01-01T10:00:00"}, "snooze_until"),
        ({"status": "pending1", "snooze_until": "tomorrow"}, "snooze_until"),
    ]:
        status, answer = call("PUT", f"/v1/threads/{number}/status", body=body)
        assert status == 422 and [f["field"] for f in answer["error"]["fields"]] == [field], body


def test_waking_reads_the_wake_up_index_once_never_a_scan(number: int, monkeypatch: pytest.MonkeyPatch) -> None:
    requests = count_dynamodb_requests(monkeypatch)
    assert snooze.wake_due() == 0
    assert requests == ["Query"]


def test_the_scheduled_run_wakes_due_threads(number: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import imap_sync_app
    from shopdesk.threads import snooze as snoozing

    threads.change_status(number, "pending1", snooze_until=later(seconds=-1))  # already due
    called: list[int] = []
    original = snooze.wake_due
    monkeypatch.setattr(snoozing.store, "wake_due", lambda: called.append(original()) or called[-1])
    monkeypatch.setattr(imap_sync_app.sync, "run_handler", lambda context: {"state": "ok"})
    from local.gateway import LambdaContext

    imap_sync_app.handler({}, LambdaContext())
    assert called == [1]


def test_send_and_snooze_sends_the_reply_and_wakes_the_thread_later(number: int) -> None:
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": "I'll check with the carrier.", "after_send": "snooze", "snooze_until": later(days=2)})
    assert status == 201 and body["message"]["delivery"]["state"] == "sent"
    assert body["thread"]["status"] == "pending1" and body["thread"]["snooze_until"]
    assert number not in open_numbers()
    assert snooze.wake_due(datetime.now(UTC) + timedelta(days=3)) == 1
    assert call("GET", f"/v1/threads/{number}")[1]["thread"]["status"] == "open"


def test_send_and_keep_open_or_close(number: int) -> None:
    body = call("POST", f"/v1/threads/{number}/replies", body={"text": "More soon.", "after_send": "open"})[1]
    assert body["thread"]["status"] == "open" and number in open_numbers()
    body = call("POST", f"/v1/threads/{number}/replies", body={"text": "Done.", "after_send": "close"})[1]
    assert body["thread"]["status"] == "closed" and global_open() == 0


def test_send_and_snooze_needs_a_future_time_and_nothing_is_sent_without_it(number: int) -> None:
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": "x", "after_send": "snooze"})
    assert status == 422 and [f["field"] for f in body["error"]["fields"]] == ["snooze_until"]
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": "x", "after_send": "later"})
    assert status == 422 and [f["field"] for f in body["error"]["fields"]] == ["after_send"]
    assert call("GET", f"/v1/threads/{number}")[1]["messages"][-1]["author"] == "customer"
