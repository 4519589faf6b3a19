"""Issue 13, part 1: a thread's owner and collision safety, through the agents' API.

An agent takes a thread no one owns, hands their own to a colleague with a note, or releases it;
admins reassign any. The views' counts are items (STATS/AGENT#sub), moved in the same transaction
as the assignee or the status. A reply carries the last message its agent saw: a newer message
from the customer or a colleague refuses it with 409 and the new messages."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.core.config import config
from shopdesk.store import threads
from shopdesk.store.assignment import AgentRef, assign_thread

REGION = "eu-west-1"
LIA = {"sub": "sub-lia", "email": "lia@shop.example", "cognito:groups": "[agent]", "name": "Lia Nowak"}


@pytest.fixture(autouse=True)
def seeded(aws: Any) -> None:
    contacts.all_contacts()  # the first start seeds the shop's contacts


@pytest.fixture
def team(aws: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A pool with Lia (agent, named) and the boss (admin); returns e-mail -> sub."""
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = cognito.create_user_pool(PoolName="agents", UsernameAttributes=["email"])["UserPool"]["Id"]
    for group in ("admin", "agent"):
        cognito.create_group(UserPoolId=pool, GroupName=group)
    subs = {}
    for user, name, groups in (("lia@shop.example", "Lia Nowak", ("agent",)), ("boss@shop.example", "Boss", ("admin", "agent"))):
        created = cognito.admin_create_user(
            UserPoolId=pool, Username=user, UserAttributes=[{"Name": "email", "Value": user}, {"Name": "name", "Value": name}]
        )
        subs[user] = next(a["Value"] for a in created["User"]["Attributes"] if a["Name"] == "sub")
        for group in groups:
            cognito.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName=group)
    monkeypatch.setenv("USER_POOL_ID", pool)
    config.cache_clear()
    return subs


def customer_answers(number: int, text: str) -> threads.Stored:
    """The customer writes again in this thread (its continue link or an answer to our mail)."""
    contact = contacts.get_contact("customer-service")
    incoming = threads.CustomerMessage(email="ann@example.com", text=text, source="form", language="en")
    return threads.store_customer_message(contact, incoming, thread=threads.get_thread(number))


def assignment() -> dict[str, Any]:
    return call("GET", "/v1/dashboard")[1]["assignment"]


def mine(claims: dict[str, Any]) -> int:
    return next((a["active"] for a in assignment()["agents"] if a["sub"] == claims["sub"]), 0)


def listed(agent: str) -> list[int]:
    return [t["number"] for t in call("GET", "/v1/threads", query=f"agent={agent}")[1]["threads"]]


def test_an_agent_takes_a_thread_no_one_owns_and_it_moves_from_unassigned_to_mine(aws: Any) -> None:
    number = customer_writes().thread.number
    assert assignment() == {"everyone": 1, "unassigned": 1, "agents": []}
    assert listed("-") == [number]
    status, body = call("PUT", f"/v1/threads/{number}/assignee", body={"assignee": AGENT["sub"]})
    assert status == 200 and body["thread"]["assignee"] == {"sub": AGENT["sub"], "name": "agent@shop.example"} and body["message"] is None
    assert assignment() == {"everyone": 1, "unassigned": 0, "agents": [{"sub": AGENT["sub"], "name": "agent@shop.example", "active": 1}]}
    assert listed(AGENT["sub"]) == [number] and listed("-") == []


def test_a_colleagues_thread_cannot_be_taken_but_an_admin_reassigns_it(team: dict[str, str]) -> None:
    number = customer_writes().thread.number
    call("PUT", f"/v1/threads/{number}/assignee", claims=LIA, body={"assignee": LIA["sub"]})
    status, body = call("PUT", f"/v1/threads/{number}/assignee", body={"assignee": AGENT["sub"]})
    assert status == 409 and body["error"]["code"] == "thread_taken"
    status, body = call("PUT", f"/v1/threads/{number}/assignee", body={"assignee": None})
    assert status == 403 and body["error"]["code"] == "not_your_thread"
    status, body = call("PUT", f"/v1/threads/{number}/assignee", claims=ADMIN, body={"assignee": team["boss@shop.example"], "note": "VIP"})
    assert status == 200 and body["thread"]["assignee"]["name"] == "Boss"
    assert body["message"]["source"] == "handover" and body["message"]["private"] and body["message"]["assignee_name"] == "Boss"
    assert {(a["name"], a["active"]) for a in assignment()["agents"]} == {("Boss", 1)}


def test_a_hand_over_to_a_colleague_leaves_a_private_note_and_moves_the_counts(team: dict[str, str]) -> None:
    number = customer_writes().thread.number
    call("PUT", f"/v1/threads/{number}/assignee", body={"assignee": AGENT["sub"]})
    status, body = call("PUT", f"/v1/threads/{number}/assignee", body={"assignee": team["lia@shop.example"], "note": "She wants a refund"})
    assert status == 200 and body["thread"]["assignee"]["name"] == "Lia Nowak"
    assert body["message"]["text"] == "She wants a refund" and body["message"]["agent"] == "agent@shop.example"
    assert [(a["name"], a["active"]) for a in assignment()["agents"]] == [("Lia Nowak", 1)]
    status, body = call("PUT", f"/v1/threads/{number}/assignee", body={"assignee": "sub-stranger"})
    assert status == 403 or body["error"]["code"] in ("unknown_agent", "not_your_thread")


def test_closing_and_reopening_an_assigned_thread_moves_its_owners_count(aws: Any) -> None:
    number = customer_writes().thread.number
    call("PUT", f"/v1/threads/{number}/assignee", body={"assignee": AGENT["sub"]})
    call("PUT", f"/v1/threads/{number}/status", body={"status": "closed"})
    assert mine(AGENT) == 0 and assignment()["everyone"] == 0
    customer_answers(number, "Still waiting")  # re-opened by its customer: the owner's again
    assert mine(AGENT) == 1 and assignment()["everyone"] == 1
    threads.change_status(number, "pending1")  # pending is not closed: still counted
    assert mine(AGENT) == 1 and assignment()["unassigned"] == 0


@pytest.fixture
def atomic_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process moto is not atomic within one request; DynamoDB is. One lock per AWS request
    gives moto the service's atomicity and leaves the races between requests (test_intake.py)."""
    import threading

    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    real = BotocoreStubber.__call__

    def atomic(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        with lock:
            return real(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", atomic)


def test_a_take_that_raced_a_close_is_refused_by_its_condition_and_counts_nothing_twice(aws: Any) -> None:
    number = customer_writes().thread.number
    read_before_the_close = threads.get_thread(number)
    threads.change_status(number, "closed")
    with pytest.raises(threads.ThreadChanged):
        assign_thread(read_before_the_close, AgentRef(AGENT["sub"], "Agent", AGENT["email"]))
    assert assignment() == {"everyone": 0, "unassigned": 0, "agents": []}
    # The domain re-reads and takes the closed thread: it counts for no one until it re-opens.
    assert call("PUT", f"/v1/threads/{number}/assignee", body={"assignee": AGENT["sub"]})[0] == 200
    assert mine(AGENT) == 0
    customer_answers(number, "Hello again")
    assert mine(AGENT) == 1 and assignment()["unassigned"] == 0


def test_two_agents_taking_at_once_one_wins_and_the_counts_stay_right(aws: Any, atomic_requests: None) -> None:
    numbers = [customer_writes(email=f"c{i}@example.com").thread.number for i in range(3)]

    def take(pair: tuple[int, dict[str, Any]]) -> int:
        number, claims = pair
        return call("PUT", f"/v1/threads/{number}/assignee", claims=claims, body={"assignee": claims["sub"]})[0]

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(take, [(n, who) for n in numbers for who in (AGENT, LIA)]))
    assert sorted(outcomes) == [200, 200, 200, 409, 409, 409]
    board = assignment()
    assert sum(a["active"] for a in board["agents"]) == 3 and board["unassigned"] == 0
    owners = [threads.get_thread(n).assignee for n in numbers]
    assert sorted(board_count for a in board["agents"] for board_count in [a["active"]]) == sorted(
        owners.count(sub) for sub in {a["sub"] for a in board["agents"]}
    )


def test_the_first_reply_assigns_the_replier_when_the_shop_asks_for_it(aws: Any) -> None:
    call("PATCH", "/v1/settings", claims=ADMIN, body={"assign_on_first_reply": True})
    number = customer_writes().thread.number
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": "On its way", "after_send": "open"})
    assert status == 201 and body["thread"]["assignee"]["sub"] == AGENT["sub"] and body["thread"]["status"] == "open"
    assert mine(AGENT) == 1


def test_a_reply_that_did_not_see_the_customers_new_message_is_refused_with_it(aws: Any) -> None:
    first = customer_writes()
    number = first.thread.number
    seen = first.message.message_id
    again = customer_answers(number, "Actually, cancel it please")
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": "It ships today.", "last_seen": seen})
    assert status == 409 and body["error"]["code"] == "reply_outdated"
    assert [m["text"] for m in body["new_messages"]] == ["Actually, cancel it please"]
    assert len(threads.thread_partition(number)[1]) == 2  # nothing was sent or stored
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": "Cancelled.", "last_seen": again.message.message_id})
    assert status == 201 and body["thread"]["status"] == "closed"


def test_a_colleagues_reply_since_also_refuses_but_send_anyway_goes_through(aws: Any) -> None:
    first = customer_writes()
    number = first.thread.number
    assert call("POST", f"/v1/threads/{number}/replies", claims=LIA, body={"text": "Lia here", "after_send": "open"})[0] == 201
    status, body = call("POST", f"/v1/threads/{number}/replies", body={"text": "Me too", "last_seen": first.message.message_id})
    assert status == 409 and [m["agent"] for m in body["new_messages"]] == ["lia@shop.example"]
    status, body = call(
        "POST", f"/v1/threads/{number}/replies", body={"text": "Me too", "last_seen": first.message.message_id, "force": True}
    )
    assert status == 201
    # Lia's own earlier reply never refuses Lia.
    status, _ = call(
        "POST",
        f"/v1/threads/{number}/replies",
        claims=LIA,
        body={"text": "ok", "last_seen": first.message.message_id, "after_send": "open"},
    )
    assert status == 409  # ... but the other agent's reply since does


def test_send_and_keep_open_and_the_shops_default(aws: Any) -> None:
    number = customer_writes().thread.number
    body = call("POST", f"/v1/threads/{number}/replies", body={"text": "Checking", "after_send": "open"})[1]
    assert body["thread"]["status"] == "open"
    call("PATCH", "/v1/settings", claims=ADMIN, body={"after_send_default": "open"})
    other = customer_writes(email="bo@example.com").thread.number
    assert call("POST", f"/v1/threads/{other}/replies", body={"text": "Checking"})[1]["thread"]["status"] == "open"
    assert call("POST", f"/v1/threads/{other}/replies", body={"text": "Done", "after_send": "close"})[1]["thread"]["status"] == "closed"


def test_presence_is_a_heartbeat_and_comes_back_with_the_thread_view(aws: Any) -> None:
    number = customer_writes().thread.number
    assert call("PUT", f"/v1/threads/{number}/presence", claims=LIA, body={"state": "writing"})[0] == 204
    mine_view = call("GET", f"/v1/threads/{number}")[1]
    assert [(p["name"], p["state"]) for p in mine_view["presence"]] == [("Lia Nowak", "writing")]
    assert call("GET", f"/v1/threads/{number}", claims=LIA)[1]["presence"] == []  # not herself
    assert call("PUT", f"/v1/threads/{number}/presence", body={"state": "dancing"})[0] == 422  # the documented states only
