"""Issue 13 §3–6 in Chromium against the local stack: drafts that survive leaving, saved replies
inserted with `::`, snooze and wake-up."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import api, new_thread, row, signed_in, tag
from tests.integration.page_seed import seed

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def open_thread(page: Page, number: int) -> None:
    page.goto(page.url.split("#")[0] + f"#/threads/{number}")
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{number}")


def test_a_draft_survives_leaving_the_thread_and_coming_back(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    number = new_thread(stack, email=f"draft-{tag()}@example.com", text="Can I change the colour?")
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    row(page, number).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{number}")
    typed = f"Of course, which colour would you like? ({tag()})"
    page.get_by_test_id("reply-text").fill(typed)
    page.get_by_test_id("note-text").fill("Check stock of red first")
    # Leaving at once (before the typing pause saves it) still keeps the text.
    page.get_by_test_id("back-to-list").click()
    expect(row(page, number)).to_be_visible()
    row(page, number).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("reply-text")).to_have_value(typed)
    expect(page.get_by_test_id("note-text")).to_have_value("Check stock of red first")

    # A colleague sees who is writing, not what.
    other = open_page()
    colleague = signed_in(other, stack, "admin")
    open_thread(colleague, number)
    expect(colleague.get_by_test_id("colleague-draft")).to_have_count(1)
    expect(colleague.get_by_test_id("colleague-draft")).to_have_text(f"{stack['logins']['agent']['username']} has a draft")
    expect(colleague.get_by_test_id("reply-text")).not_to_have_value(typed)

    # Sending deletes the draft: the next visit starts from the default message again.
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text("Reply sent. The thread is marked as handled.")
    page.get_by_test_id("back-to-list").click()
    expect(row(page, number)).to_be_visible()
    row(page, number).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("note-text")).to_have_value("Check stock of red first")
    expect(page.get_by_test_id("reply-text")).not_to_have_value(typed)
    assert tab.problems() == [] and other.problems() == []


def test_an_admin_saves_a_reply_and_an_agent_inserts_it_with_the_orders_reference(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    email = f"saved-{tag()}@example.com"
    reference = f"R{tag().upper()}"
    seed(stack, customers=[{"email": email, "name": "Marta Nowak", "orders": [{"reference": reference, "total": "49.90", "placed_at": "2026-11-03T10:00:00+00:00",
                                                                                 "history": [{"status": "Shipped", "at": "2026-11-04T10:00:00+00:00"}]}]}])
    number = new_thread(stack, email=email, customer_name="Marta Nowak", order_ref=reference, text="Where is it?")
    title = f"Order shipped {tag()}"

    admin_tab = open_page()
    admin = signed_in(admin_tab, stack, "admin")
    admin.get_by_test_id("nav-saved-replies").click()
    admin.get_by_test_id("saved-name").fill(title)
    admin.get_by_test_id("saved-text-en").fill("Hello {customer.first_name}, order {order.reference} is {order.status}. {order.tracking}")
    admin.get_by_test_id("saved-submit").click()
    expect(admin.get_by_test_id("saved-status")).to_contain_text("Unknown variable {order.tracking}")
    admin.get_by_test_id("saved-text-en").fill("Hello {customer.first_name}, order {order.reference} is {order.status}.")
    admin.get_by_test_id("saved-text-es").fill("Hola {customer.first_name}, el pedido {order.reference} está {order.status}.")
    admin.get_by_test_id("saved-submit").click()
    expect(admin.get_by_test_id("saved-status")).to_have_text("Saved reply saved.")
    expect(admin.get_by_test_id("saved-item-title").filter(has_text=title)).to_have_count(1)

    tab = open_page()
    page = signed_in(tab, stack, "agent", f"#/threads/{number}")
    box = page.get_by_test_id("reply-text")
    box.fill("")
    box.press_sequentially("Hi! ::")
    expect(page.get_by_test_id("saved-reply-menu")).to_be_visible()
    page.get_by_test_id("saved-reply-search").fill(title)
    expect(page.get_by_test_id("saved-reply")).to_have_count(1)  # the library, filled for this thread, is searched
    page.get_by_test_id("saved-reply-search").press("Enter")
    expect(box).to_have_value(f"Hi! Hello Marta, order {reference} is Shipped.")
    expect(page.get_by_test_id("unfilled-variables")).to_be_hidden()
    assert admin_tab.problems(r"status of 422") == [] and tab.problems() == []  # the refused unknown variable


def test_a_variable_the_thread_cannot_fill_is_highlighted_and_send_refuses_it(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    number = new_thread(stack, email=f"guest-{tag()}@example.com", text="Hello?")  # a guest: no order
    tab = open_page()
    page = signed_in(tab, stack, "agent", f"#/threads/{number}")
    box = page.get_by_test_id("reply-text")
    box.fill("Your order {order.reference} ships today.")
    box.press("End")
    box.press_sequentially(" ")
    expect(page.get_by_test_id("unfilled-variable")).to_have_text(["{order.reference}"])
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("reply-status")).to_have_text("Some variables are not filled in: complete or remove them before sending.")
    expect(page.get_by_test_id("message")).to_have_count(1)
    assert tab.problems() == []


def test_a_snoozed_thread_leaves_the_open_list_and_wakes_open_at_its_time(
    stack: dict[str, Any], open_page: Callable[..., Tab], agent_token: str
) -> None:
    number = new_thread(stack, email=f"snooze-{tag()}@example.com", text="Tell me when it is back in stock")
    tab = open_page()
    page = signed_in(tab, stack, "agent", f"#/threads/{number}")
    expect(page.get_by_test_id("thread-status")).to_have_text("Open")
    # In the browser's own time zone, a few seconds from now (the field is local time).
    soon = page.evaluate("() => { const d = new Date(Date.now() + 4000); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 19); }")
    page.get_by_test_id("snooze-at").fill(soon)
    page.get_by_test_id("snooze-set").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text("Snoozed.")
    expect(page.get_by_test_id("thread-status")).to_have_text("Pending 1")
    expect(page.get_by_test_id("thread-snoozed")).to_be_visible()
    opened = api(stack, agent_token, "GET", "/v1/threads?status=open&limit=100").json()["threads"]
    assert number not in [t["number"] for t in opened]

    page.wait_for_timeout(4500)
    assert api(stack, agent_token, "POST", "/v1/sync").status_code == 202  # the scheduled run, started now
    deadline = time.monotonic() + 20
    while api(stack, agent_token, "GET", f"/v1/threads/{number}").json()["thread"]["status"] != "open" and time.monotonic() < deadline:
        time.sleep(0.5)
    page.reload()
    expect(page.get_by_test_id("thread-status")).to_have_text("Open")
    expect(page.get_by_test_id("thread-snoozed")).to_have_count(0)
    assert tab.problems() == []


def test_send_and_snooze_from_the_reply_box(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    number = new_thread(stack, email=f"send-snooze-{tag()}@example.com", text="Is the blue one coming back?")
    tab = open_page()
    page = signed_in(tab, stack, "agent", f"#/threads/{number}")
    page.get_by_test_id("reply-text").fill("I'll ask the supplier and write back.")
    page.get_by_test_id("reply-after").select_option("snooze")
    tomorrow = page.evaluate("() => { const d = new Date(Date.now() + 86400000); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 19); }")
    page.get_by_test_id("reply-snooze-at").fill(tomorrow)
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text("Reply sent. The thread is snoozed.")
    expect(page.get_by_test_id("thread-status")).to_have_text("Pending 1")
    expect(page.get_by_test_id("thread-snoozed")).to_be_visible()
    assert tab.problems() == []
