"""Replies sent from the shop's connected account, from the agents' page: an admin turns on "Send
replies from this account" on a Google mailbox connected through the stack's local OAuth2 server;
a reply on a thread of that mailbox's contact goes to the stack's local submission server (AUTH
XOAUTH2, checked by introspection), shows "Sent from <account>" and is on the sent-mail page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.conftest import sign_in
from tests.integration.page_helpers import api, new_thread, row, sent_mail, signed_in, tag

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_an_admin_has_replies_sent_from_the_connected_account(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    token = sign_in(stack, "admin")
    account, customer = f"shop-{tag()}@gmail.test", f"buyer-{tag()}@example.com"
    contact = api(stack, token, "POST", "/v1/contacts", {"names": {"en": f"Sales {tag()}"}, "email": f"sales-{tag()}@shop.example"})
    assert contact.status_code == 201, contact.text
    contact_id = contact.json()["id"]
    started = api(stack, token, "POST", "/v1/mailboxes/oauth2", {"provider": "google", "user": account, "contact_id": contact_id}).json()
    assert "oauth2=connected" in requests.get(started["authorize_url"], timeout=10).url  # the provider, the callback, the page
    number = new_thread(stack, email=customer, contact_id=contact_id, text="Can I pay by transfer?")
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    try:
        box = page.get_by_test_id("mailbox").filter(has_text=account)
        box.get_by_test_id("mailbox-edit").click()
        form = box.get_by_test_id("mailbox-edit-form")
        expect(form.get_by_test_id("edit-send-replies")).not_to_be_checked()
        form.get_by_test_id("edit-send-replies").check()
        form.get_by_test_id("edit-save").click()
        expect(box.get_by_test_id("mailbox-line")).to_have_text("Mailbox saved.")
        expect(box.get_by_test_id("mailbox-sends-replies")).to_have_text("Replies go from this account")

        row(page, number).get_by_test_id("thread-link").click()
        page.get_by_test_id("reply-text").fill("Yes, by bank transfer too.")
        page.get_by_test_id("reply-send").click()
        reply = page.get_by_test_id("message").nth(1)
        expect(reply.get_by_test_id("delivery-state")).to_have_text(f"Sent from {account}")

        mail = [m for m in sent_mail(stack) if customer in m.get("to", [])]
        assert len(mail) == 1 and mail[0]["via"] == "smtp" and mail[0]["account"] == account, mail
        assert account in mail[0]["from"] and "bank transfer" in mail[0]["body"]
        assert tab.problems() == []
    finally:
        for mailbox in api(stack, token, "GET", "/v1/mailboxes").json()["mailboxes"]:
            if mailbox["user"] == account:
                api(stack, token, "DELETE", f"/v1/mailboxes/{mailbox['id']}")
        # The stack is shared: the contacts other tests list are the shop's own again.
        assert api(stack, token, "DELETE", f"/v1/contacts/{contact_id}").status_code in (200, 204)
