"""The agents' thread screen (SPEC §5) in Debian's Chromium against the local stack (`make run`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import api, new_thread, row, sent_mail, signed_in, tag
from tests.integration.page_seed import seed

pytestmark = [pytest.mark.stack, pytest.mark.browser]

# A reply SES refuses comes back as 502 reply_not_sent, which the console reports.
REPLY_NOT_SENT = r"status of 502"


def open_thread(tab: Tab, stack: dict[str, Any], number: int, role: str = "admin") -> Page:
    page = signed_in(tab, stack, role)
    row(page, number).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{number}")
    return page


def test_a_reply_mails_the_customer_and_closes_the_thread(stack: dict[str, Any], open_page: Callable[..., Tab], tmp_path: Path) -> None:
    email = f"reply-{tag()}@example.com"
    number = new_thread(stack, email=email, text="Hello,\nwhere is my parcel?", product="Blue mug")
    tab = open_page()
    page = open_thread(tab, stack, number)
    expect(page.get_by_test_id("thread-status")).to_have_text("Open")
    messages = page.get_by_test_id("message")
    expect(messages).to_have_count(1)
    expect(messages.first.get_by_test_id("message-text")).to_have_text("Hello,\nwhere is my parcel?")
    expect(page.get_by_test_id("customer-email")).to_contain_text(email)

    text = f"Hi, it left our warehouse today. ({tag()})"
    receipt = tmp_path / "receipt.txt"
    receipt.write_text("Parcel 42, shipped.\n")
    page.get_by_test_id("reply-text").fill(text)
    page.get_by_test_id("reply-files").set_input_files(str(receipt))
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text("Reply sent. The thread is marked as handled.")
    expect(page.get_by_test_id("thread-status")).to_have_text("Handled")
    expect(messages).to_have_count(2)
    reply = messages.nth(1)
    expect(reply.get_by_test_id("message-text")).to_have_text(text)
    expect(reply.get_by_test_id("delivery-state")).to_have_text("Sent")
    expect(reply.get_by_test_id("attachment")).to_contain_text("receipt.txt")

    mail = [m for m in sent_mail(stack) if email in m.get("to", [])]
    assert len(mail) == 1 and text in mail[0]["body"], mail

    # The attachment downloads through a short-lived presigned URL.
    with page.expect_download() as download:
        reply.get_by_test_id("attachment").click()
    assert download.value.suggested_filename == "receipt.txt"
    assert Path(download.value.path()).read_text() == "Parcel 42, shipped.\n"

    page.get_by_test_id("back-to-list").click()
    expect(row(page, number).get_by_test_id("thread-status")).to_have_text("Handled")
    assert tab.problems() == []


def test_after_send_the_page_shows_the_replys_answer_without_reading_the_thread_again(
    stack: dict[str, Any], open_page: Callable[..., Tab]
) -> None:
    number = new_thread(stack, email=f"once-{tag()}@example.com", text="Is it in stock?")
    tab = open_page()
    tab.page.clock.install()  # so the screen's 20-second refresh cannot pass for a read after Send
    page = open_thread(tab, stack, number)
    expect(page.get_by_test_id("message")).to_have_count(1)
    page.clock.pause_at(datetime.now() + timedelta(seconds=1))
    calls: list[str] = []
    page.on("request", lambda request: calls.append(f"{request.method} {request.url}") if "/v1/" in request.url else None)

    page.get_by_test_id("reply-text").fill("Yes, it ships today.")
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("thread-status")).to_have_text("Handled")
    expect(page.get_by_test_id("message")).to_have_count(2)
    expect(page.get_by_test_id("message").nth(1).get_by_test_id("delivery-state")).to_have_text("Sent")
    expect(page.get_by_test_id("history-entry").first).to_contain_text("Yes, it ships today.")
    page.get_by_test_id("note-text").fill("Told them.")
    page.get_by_test_id("note-add").click()
    expect(page.get_by_test_id("message")).to_have_count(3)
    page.get_by_test_id("status-reopen").click()
    expect(page.get_by_test_id("thread-status")).to_have_text("Open")

    thread_reads = [c for c in calls if re.fullmatch(rf"GET \S+/v1/threads/{number}", c)]
    assert thread_reads == [], calls
    assert [c.split(" ")[0] for c in calls] == ["POST", "POST", "PUT"], calls
    assert tab.problems() == []


def test_a_private_note_is_marked_and_never_mailed(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    email = f"note-{tag()}@example.com"
    number = new_thread(stack, email=email)
    tab = open_page()
    page = open_thread(tab, stack, number, role="agent")
    before = len(sent_mail(stack))
    note = f"Called the carrier ({tag()})."
    page.get_by_test_id("note-text").fill(note)
    page.get_by_test_id("note-add").click()
    expect(page.get_by_test_id("note-status")).to_have_text("Note added.")
    last = page.get_by_test_id("message").last
    expect(last.get_by_test_id("message-text")).to_have_text(note)
    expect(last.get_by_test_id("private-mark")).to_have_text("Private note")
    expect(page.get_by_test_id("note-text")).to_have_value("")
    assert len(sent_mail(stack)) == before
    page.get_by_test_id("back-to-list").click()
    expect(row(page, number).get_by_test_id("thread-private")).to_be_visible()
    assert tab.problems() == []


def test_each_status_button_changes_the_status(stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str) -> None:
    number = new_thread(stack)
    tab = open_page()
    page = open_thread(tab, stack, number, role="agent")
    status = page.get_by_test_id("thread-status")
    for button, shown, stored in (
        ("status-handled", "Handled", "closed"),
        ("status-reopen", "Open", "open"),
        ("status-pending1", "Pending 1", "pending1"),
        ("status-disable-pending", "Open", "open"),
        ("status-pending2", "Pending 2", "pending2"),
        ("status-disable-pending", "Open", "open"),
    ):
        page.get_by_test_id(button).click()
        expect(status).to_have_text(shown)
        assert api(stack, admin_token, "GET", f"/v1/threads/{number}").json()["thread"]["status"] == stored
    expect(page.get_by_test_id("status-handled")).to_have_text("Mark as handled")
    expect(page.get_by_test_id("status-pending1")).to_have_text("Mark as pending 1")
    expect(page.get_by_test_id("status-pending2")).to_have_text("Mark as pending 2")
    assert tab.problems() == []


def test_forwarding_sends_the_whole_discussion_and_records_a_note(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    number = new_thread(stack, text=f"First question {tag()}")
    tab = open_page()
    page = open_thread(tab, stack, number, role="admin")
    comment = f"Can you take this one? {tag()}"
    page.get_by_test_id("forward-agent").select_option(stack["logins"]["agent"]["username"])
    page.get_by_test_id("forward-comment").fill(comment)
    page.get_by_test_id("forward-send").click()
    expect(page.get_by_test_id("forward-status")).to_have_text("Discussion forwarded.")
    expect(page.get_by_test_id("message").last.get_by_test_id("private-mark")).to_be_visible()
    forwarded = [m for m in sent_mail(stack) if stack["logins"]["agent"]["username"] in m.get("to", []) and comment in m.get("body", "")]
    assert forwarded, "the forward was not mailed"

    # To any address, too; a wrong address is refused next to the form.
    page.get_by_test_id("forward-email").fill("not-an-address")
    page.get_by_test_id("forward-comment").fill("FYI")
    page.get_by_test_id("forward-send").click()
    expect(page.get_by_test_id("forward-status")).not_to_have_text("Discussion forwarded.")
    expect(page.get_by_test_id("forward-status")).not_to_be_empty()
    outside = f"partner-{tag()}@example.org"
    page.get_by_test_id("forward-email").fill(outside)
    page.get_by_test_id("forward-send").click()
    expect(page.get_by_test_id("forward-status")).to_have_text("Discussion forwarded.")
    assert any(outside in m.get("to", []) for m in sent_mail(stack))
    assert tab.problems(r"status of 422") == []


@pytest.fixture
def ses_refuses_mail(stack: dict[str, Any]) -> Iterator[Callable[[bool], None]]:
    """Makes SES (moto) refuse our mail by un-verifying the sender, as a misconfigured account would."""
    resources = stack["resources"]
    ses = boto3.client("ses", endpoint_url=stack["aws_endpoint"], region_name=resources["region"], aws_access_key_id="local", aws_secret_access_key="local")

    def refuse(on: bool) -> None:
        if on:
            ses.delete_identity(Identity=resources["sender_email"])
        else:
            ses.verify_email_identity(EmailAddress=resources["sender_email"])

    yield refuse
    refuse(False)


def test_a_reply_that_could_not_be_sent_is_shown_with_a_retry(
    stack: dict[str, Any], open_page: Callable[..., Tab], ses_refuses_mail: Callable[[bool], None]
) -> None:
    email = f"retry-{tag()}@example.com"
    number = new_thread(stack, email=email)
    tab = open_page()
    page = open_thread(tab, stack, number)
    ses_refuses_mail(True)
    text = f"Your refund is on its way. ({tag()})"
    page.get_by_test_id("reply-text").fill(text)
    page.get_by_test_id("reply-send").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text("The reply could not be sent. It is kept on the thread: try again.")
    reply = page.get_by_test_id("message").last
    expect(reply.get_by_test_id("message-text")).to_have_text(text)
    expect(reply.get_by_test_id("delivery-state")).to_have_text("Not sent")
    expect(page.get_by_test_id("thread-status")).to_have_text("Open")

    ses_refuses_mail(False)
    reply.get_by_test_id("retry-reply").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text("Reply sent. The thread is marked as handled.")
    expect(page.get_by_test_id("message").last.get_by_test_id("delivery-state")).to_have_text("Sent")
    expect(page.get_by_test_id("thread-status")).to_have_text("Handled")
    assert any(email in m.get("to", []) and text in m.get("body", "") for m in sent_mail(stack))
    assert tab.problems(REPLY_NOT_SENT) == []


def test_next_and_previous_lead_to_the_neighbouring_open_threads(stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str) -> None:
    new_thread(stack)
    number = new_thread(stack)
    view = api(stack, admin_token, "GET", f"/v1/threads/{number}").json()
    tab = open_page()
    page = open_thread(tab, stack, number)
    for key, testid in (("previous", "thread-previous"), ("next", "thread-next")):
        target = view["neighbours"][key]
        link = page.get_by_test_id(testid)
        if target is None:
            expect(link).to_have_attribute("aria-disabled", "true")
            continue
        link.click()
        expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{target}")
        page.go_back()
        expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{number}")
    assert any(view["neighbours"].values())
    assert tab.problems() == []


def test_a_thread_that_does_not_exist_says_so(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "agent", "#/threads/999999")
    expect(page.get_by_test_id("thread-not-found")).to_be_visible()
    assert tab.problems(r"status of 404") == []


def test_a_customers_new_answer_shows_up_in_the_open_thread_without_a_reload(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    email = f"answer-{tag()}@example.com"
    number = new_thread(stack, email=email, text="Is it in stock?")
    tab = open_page()
    tab.page.clock.install()
    page = open_thread(tab, stack, number)
    page.get_by_test_id("status-pending1").click()
    expect(page.get_by_test_id("thread-status")).to_have_text("Pending 1")
    page.get_by_test_id("message").first.click()  # the focus leaves the buttons: nothing is being typed

    # The customer answers by e-mail (as the mailbox sync stores it): same address, same contact.
    assert new_thread(stack, email=email, text="Any news?", source="email") == number
    page.clock.run_for(21_000)  # the open thread is refreshed every 20 s while visible
    expect(page.get_by_test_id("message")).to_have_count(2)
    expect(page.get_by_test_id("message").last.get_by_test_id("message-text")).to_have_text("Any news?")
    expect(page.get_by_test_id("message").last.get_by_test_id("message-source")).to_have_text("E-mail")
    expect(page.get_by_test_id("thread-status")).to_have_text("Open")
    assert tab.problems() == []


def test_the_list_and_a_thread_work_from_the_keyboard(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    number = new_thread(stack, customer_name=f"Keyboard {tag()}")
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    link = row(page, number).get_by_test_id("thread-link")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("thread-title")).to_be_focused()
    page.keyboard.press("Tab")  # from the title, the next stop is a real control
    assert page.evaluate("document.activeElement.matches('a, button, input, select, textarea')")
    page.get_by_test_id("note-text").focus()
    page.keyboard.type("Typed without a mouse.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Add note"
    expect(page.get_by_test_id("note-status")).to_have_text("Note added.")
    assert tab.problems() == []


def test_deleting_a_thread_asks_first_then_returns_to_the_list(stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str) -> None:
    number = new_thread(stack)
    tab = open_page()
    page = open_thread(tab, stack, number, role="agent")
    page.get_by_test_id("thread-delete").click()
    page.get_by_test_id("thread-delete-cancel").click()
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{number}")
    page.get_by_test_id("thread-delete").click()
    page.get_by_test_id("thread-delete-confirmed").click()
    expect(page.get_by_test_id("thread-list")).to_be_visible()
    expect(row(page, number)).to_have_count(0)
    assert api(stack, admin_token, "GET", f"/v1/threads/{number}").status_code == 404
    assert tab.problems() == []


@pytest.mark.parametrize(("lang", "since", "total"), [("en", "2 Mar 2024", "€1,234.50"), ("es", "2 mar 2024", "1234,50 €"), ("pl", "2 mar 2024", "1234,50 €")])
def test_the_customer_block_and_history_show_the_storefronts_orders_in_the_pages_language(
    stack: dict[str, Any], open_page: Callable[..., Tab], lang: str, since: str, total: str
) -> None:
    email = f"buyer-{tag()}@example.com"
    seed(
        stack,
        customers=[
            {
                "email": email,
                "name": "Marta Nowak",
                "since": "2024-03-02T10:00:00+00:00",
                "orders": [
                    {"reference": "A-100", "total": "1000.00", "validated": True, "placed_at": "2026-01-05T10:00:00+00:00",
                     "history": [{"status": "Shipped", "at": "2026-01-06T10:00:00+00:00"}]},
                    {"reference": "A-200", "total": "234.50", "validated": True, "placed_at": "2026-02-05T10:00:00+00:00"},
                    {"reference": "A-300", "total": "99.00", "validated": False, "placed_at": "2026-03-05T10:00:00+00:00"},
                ],
            }
        ],
    )
    number = new_thread(stack, email=email, customer_name="Marta Nowak", order_ref="A-100")
    tab = open_page(locale={"en": "en-GB", "es": "es-ES", "pl": "pl-PL"}[lang])
    page = signed_in(tab, stack, "admin", f"#/threads/{number}")
    block = page.get_by_test_id("customer-block")
    expect(block.get_by_test_id("customer-since").locator("dd")).to_have_text(since)
    expect(block.get_by_test_id("customer-orders").locator("dd")).to_have_text("2")
    expect(block.get_by_test_id("customer-total").locator("dd")).to_have_text(re.compile(total.replace(" ", r"\s").replace(".", r"\.").replace("€", "€")))
    expect(block.get_by_test_id("customer-order")).to_contain_text("A-100")
    entries = page.get_by_test_id("history-entry")
    types = entries.evaluate_all("items => items.map(item => item.dataset.type)")
    assert types[0] == "message" and set(types) == {"message", "order", "order_status"}, types
    times = page.get_by_test_id("history").locator("time").evaluate_all("items => items.map(item => item.getAttribute('datetime'))")
    assert times == sorted(times, reverse=True)  # newest first
    tab.screenshot(f"page-thread-customer-{lang}")
    assert tab.problems() == []


def test_marking_a_thread_as_spam_asks_first_closes_it_flags_it_and_can_block_the_sender(
    stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str
) -> None:
    email = f"spammer-{tag()}@example.com"
    number = new_thread(stack, email=email)
    tab = open_page()
    page = open_thread(tab, stack, number, role="agent")
    page.get_by_test_id("thread-mark-spam").click()
    expect(page.get_by_test_id("thread-spam-confirm")).to_contain_text(f"Also block this sender ({email})")
    page.get_by_test_id("thread-spam-cancel").click()
    expect(page.get_by_test_id("thread-spam")).to_have_count(0)
    page.get_by_test_id("thread-mark-spam").click()
    page.get_by_test_id("thread-spam-block").check()
    page.get_by_test_id("thread-spam-confirmed").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text("Marked as spam; the sender is blocked.")
    expect(page.get_by_test_id("thread-spam")).to_have_text("Spam")
    expect(page.get_by_test_id("thread-status")).to_have_text("Handled")
    thread = api(stack, admin_token, "GET", f"/v1/threads/{number}").json()["thread"]
    assert thread["spam"] is True and thread["status"] == "closed"
    blocked = api(stack, admin_token, "GET", "/v1/blocked-senders").json()["blocked_senders"]
    assert email in [b["value"] for b in blocked]
    page.get_by_test_id("back-to-list").click()
    expect(page.locator("[data-testid=thread-row], [data-testid=list-empty]").first).to_be_visible()  # the list has loaded
    expect(row(page, number)).to_have_count(0)  # spam is its own view, out of the main list
    page.get_by_test_id("filter-spam").check()
    expect(row(page, number).locator(".tag-spam")).to_have_text("Spam")
    row(page, number).get_by_test_id("thread-link").click()
    page.get_by_test_id("thread-unmark-spam").click()
    expect(page.get_by_test_id("thread-flash")).to_have_text("No longer marked as spam.")
    expect(page.get_by_test_id("thread-spam")).to_have_count(0)
    assert api(stack, admin_token, "GET", f"/v1/threads/{number}").json()["thread"]["spam"] is False
    api(stack, admin_token, "DELETE", f"/v1/blocked-senders/{email}")
    assert tab.problems() == []
