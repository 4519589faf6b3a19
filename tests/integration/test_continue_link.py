"""The continue link, end to end in real Chromium: the link of a real sent mail (an agent's reply,
the visitor's confirmation), opened on the demo storefront, makes the widget post into the same
thread instead of starting a new one."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from tests.integration.browser import chromium_fixture, open_page_fixture  # noqa: F401

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def sent_mails(stack: dict[str, Any]) -> list[dict[str, Any]]:
    return requests.get(stack["url"] + "_local/sent-mail.json", timeout=10).json()


def link_in(mail: dict[str, Any]) -> str:
    """The continue link as the customer's mail program shows it (the plain-text part)."""
    return next(word for word in mail["body"].split() if "shopdesk_thread=" in word)


def on_demo_shop(stack: dict[str, Any], link: str) -> str:
    """The mail's link, with the shop's contact page being the demo storefront."""
    parts = urlsplit(link)
    return f"{stack['demo_shop']}?{parts.query}#{parts.fragment}"


def post_through_widget(page: Any, address: str, email: str, text: str) -> int:
    page.goto("about:blank")  # the same address with a #fragment again would not reload the page
    page.goto(address)
    widget = page.get_by_test_id("shopdesk-widget")
    widget.get_by_role("button", name="Send").wait_for()
    widget.locator("select[name=contact_id]").select_option("customer-service")
    widget.locator("input[name=email]").fill(email)
    widget.locator("textarea[name=message]").fill(text)
    page.wait_for_timeout(3500)  # longer than the form's minimum fill time
    widget.get_by_role("button", name="Send").click()
    success = page.get_by_test_id("shopdesk-success")
    success.wait_for()
    return int(re.search(r"#(\d+)", success.text_content())[1])


def customer_texts(stack: dict[str, Any], number: int) -> list[str]:
    resources = stack["resources"]
    table = boto3.resource(
        "dynamodb", endpoint_url=stack["aws_endpoint"], region_name=resources["region"], aws_access_key_id="local", aws_secret_access_key="local"
    ).Table(resources["table_name"])
    items = table.query(KeyConditionExpression=boto3.dynamodb.conditions.Key("PK").eq(f"THREAD#{number}"), ConsistentRead=True)["Items"]
    return [i["text"] for i in sorted(items, key=lambda i: i["SK"]) if i["SK"].startswith("MSG#") and i.get("author", "customer") == "customer"]


def test_the_links_of_a_confirmation_and_of_a_reply_continue_the_thread_on_the_storefront(
    stack: dict[str, Any], open_page: Any, agent_token: str
) -> None:
    page = open_page().page
    visitor = "link.follower@example.com"
    number = post_through_widget(page, stack["demo_shop"], visitor, "First question, from the widget")

    # The confirmation's link: a second message lands in the same thread.
    confirmation = next(m for m in sent_mails(stack) if visitor in m["to"] and f"#ct{number} " in m["subject"])
    link = link_in(confirmation)
    assert parse_qs(urlsplit(link).query)["shopdesk_thread"] == [str(number)]
    again = post_through_widget(page, on_demo_shop(stack, link), "another.address@example.com", "Second, through the confirmation's link")
    assert again == number

    # An agent answers; the reply's link continues the thread too.
    answer = requests.post(
        f"{stack['agents_api']}/v1/threads/{number}/replies", json={"text": "We are on it."}, headers={"Authorization": f"Bearer {agent_token}"}, timeout=10
    )
    assert answer.status_code == 201, answer.text
    reply = next(m for m in sent_mails(stack) if visitor in m["to"] and "We are on it." in m["body"])
    third = post_through_widget(page, on_demo_shop(stack, link_in(reply)), "third.address@example.com", "Third, through the reply's link")
    assert third == number
    texts = customer_texts(stack, number)
    assert texts[-2:] == ["Second, through the confirmation's link", "Third, through the reply's link"]
