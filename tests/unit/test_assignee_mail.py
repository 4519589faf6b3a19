"""Mail to a thread's assignee when the shop asks for it (`notify_assignee`): when the customer
answers in their thread (a form or storefront message, or an imported e-mail), once per message,
and when a colleague hands them a thread; in the shop's language (en, es, pl), never to the agent
who made the change. Read back from what moto's SES really received."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from agents_api import ADMIN, AGENT, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.core.config import config
from shopdesk.mail.assignee_mail import TEXTS
from shopdesk.mail.send import subject_markers

from tests.in_process_aws import count_dynamodb_requests
from tests.unit.intake_support import REGION, form_fields, post_json, shop  # noqa: F401
from tests.unit.test_mail_sync_isolation import MemoryMailbox, customer_mail, mailbox, sync  # noqa: F401

ASSIGNEE = AGENT["email"]


@pytest.fixture(autouse=True)
def seeded(aws: Any) -> None:
    contacts.all_contacts()  # the first start seeds the shop's contacts


def mails_to(address: str) -> list[EmailMessage]:
    from moto.ses.models import ses_backends

    raw = [m.raw_data for m in ses_backends["123456789012"][REGION].sent_messages]  # type: ignore[attr-defined]
    parsed = [email.message_from_bytes(r.encode(), policy=policy.default) for r in raw]
    return [m for m in parsed if any(a.addr_spec == address for a in m["To"].addresses)]


def plain(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def notify(on: bool) -> None:
    assert call("PATCH", "/v1/settings", claims=ADMIN, body={"notify_assignee": on})[0] == 200


def take(number: int, claims: dict[str, Any] = AGENT) -> None:
    assert call("PUT", f"/v1/threads/{number}/assignee", claims=claims, body={"assignee": claims["sub"]})[0] == 200


def test_the_customers_answer_on_the_form_mails_the_assignee_once_with_what_she_wrote(shop: Any) -> None:  # noqa: F811
    status, body = post_json(form_fields(message="Where is my order?"))
    assert status == 201
    number = int(body["thread"]["number"])
    take(number)
    notify(True)
    status, body = post_json(form_fields(message="It is <b>still</b> not here"))
    assert status == 201 and body["thread"]["number"] == number
    [mail] = mails_to(ASSIGNEE)
    assert mail["Subject"] == f"[Ann's shop] ann@example.com answered in thread #{number}"
    assert mail["X-Shopdesk"] == "notification"
    assert "It is <b>still</b> not here" in plain(mail)
    html_part = mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert "&lt;b&gt;still&lt;/b&gt;" in html_part and "<b>still</b>" not in html_part  # customer text is only ever text


def test_no_mail_when_the_option_is_off_or_no_one_owns_the_thread(shop: Any) -> None:  # noqa: F811
    status, body = post_json(form_fields(message="First"))
    assert status == 201
    number = int(body["thread"]["number"])
    notify(True)
    assert post_json(form_fields(message="Anyone there?"))[0] == 201  # no one owns it yet
    take(number)
    notify(False)
    assert post_json(form_fields(message="Hello?"))[0] == 201
    assert mails_to(ASSIGNEE) == []


def test_an_imported_answer_mails_the_assignee_once_even_when_the_mailbox_is_read_again(mailbox: type[MemoryMailbox]) -> None:  # noqa: F811
    stored = customer_writes(email="ann@example.com")
    number = int(stored.thread.number)
    take(number)
    notify(True)
    marker = subject_markers(number, str(stored.thread.token))
    mailbox.mails = [customer_mail("<answer-1@example.com>", body="The parcel came back to you.", subject=f"Re: My order {marker}")]
    assert sync().imported == 1
    mailbox.seen = set()
    sync()  # the same mail again (a new cursor, or a retried run): it was imported once
    [mail] = mails_to(ASSIGNEE)
    assert "The parcel came back to you." in plain(mail) and f"#{number}" in mail["Subject"]


@pytest.fixture
def team(aws: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A pool with Lia (agent, named); returns her sub."""
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = cognito.create_user_pool(PoolName="agents", UsernameAttributes=["email"])["UserPool"]["Id"]
    cognito.create_group(UserPoolId=pool, GroupName="agent")
    created = cognito.admin_create_user(
        UserPoolId=pool, Username="lia@shop.example", UserAttributes=[{"Name": "email", "Value": "lia@shop.example"}, {"Name": "name", "Value": "Lia Nowak"}]
    )
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="lia@shop.example", GroupName="agent")
    monkeypatch.setenv("USER_POOL_ID", pool)
    config.cache_clear()
    return {"lia": next(a["Value"] for a in created["User"]["Attributes"] if a["Name"] == "sub")}


@pytest.mark.parametrize("lang", ["en", "es", "pl"])
def test_the_hand_over_mail_is_in_the_shops_language_and_never_to_the_agent_who_takes(team: dict[str, str], monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    monkeypatch.setenv("DEFAULT_LANGUAGE", lang)
    config.cache_clear()
    notify(True)
    number = int(customer_writes().thread.number)
    take(number)  # taking is no hand-over: no mail to the taker
    assert mails_to(ASSIGNEE) == []
    status, _ = call("PUT", f"/v1/threads/{number}/assignee", body={"assignee": team["lia"], "note": "Refund please"})
    assert status == 200
    [mail] = mails_to("lia@shop.example")
    words = {"shop": "Ann's shop", "number": number, "customer": "Ann Smith"}
    assert mail["Subject"] == TEXTS["handover_subject"][lang].format(**words)
    assert TEXTS["handover_body"][lang].format(by=ASSIGNEE, **words) in plain(mail)
    assert mails_to(ASSIGNEE) == []  # the one who handed it over hears nothing


def test_the_views_and_each_agents_count_come_with_the_dashboards_one_query(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    numbers = [int(customer_writes(email=f"c{i}@example.com").thread.number) for i in range(3)]
    take(numbers[0])
    take(numbers[1], ADMIN)
    requests_made = count_dynamodb_requests(monkeypatch)
    board = call("GET", "/v1/dashboard")[1]["assignment"]
    assert requests_made == ["Query"]
    assert (board["everyone"], board["unassigned"], sorted(a["active"] for a in board["agents"])) == (3, 1, [1, 1])


def answer_requests(monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    requests_made = count_dynamodb_requests(monkeypatch)
    assert post_json(form_fields(message=text))[0] == 201
    return list(requests_made)


def test_an_answer_to_an_owned_thread_costs_what_an_unowned_ones_does(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    status, body = post_json(form_fields(message="First"))
    assert status == 201
    assert post_json(form_fields(message="Second"))[0] == 201  # the thread is open and its box's link settled
    unowned = answer_requests(monkeypatch, "Third, no one owns it")
    take(int(body["thread"]["number"]))
    assert answer_requests(monkeypatch, "Fourth, an agent owns it") == unowned
    assert "TransactWriteItems" in unowned and unowned.count("TransactWriteItems") == 1  # no write refused and retried


def test_mailing_the_assignee_reads_the_threads_owner_once_and_only_when_the_option_is_on(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    status, body = post_json(form_fields(message="First"))
    assert status == 201
    take(int(body["thread"]["number"]))
    assert post_json(form_fields(message="Second"))[0] == 201  # the thread is open and its box's link settled
    made: dict[bool, list[str]] = {}
    for on in (False, True):
        notify(on)
        made[on] = answer_requests(monkeypatch, f"Answer with the option {'on' if on else 'off'}")
    assert sorted(made[True]) == sorted([*made[False], "GetItem"]) and len(mails_to(ASSIGNEE)) == 1
