"""Mailboxes by OAuth2 from the agents' page: an admin connects a mailbox with "Connect
with Google" through the local OAuth2 server (the stack's, as `make run` starts it), a mail is
imported from the stack's Dovecot by XOAUTH2; the grant is revoked at the provider and the mailbox shows
"Needs reconnecting" while the password mailbox keeps importing; Reconnect brings it back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
import requests
from imapclient import IMAPClient
from playwright.sync_api import expect

from tests.integration import mail_servers
from tests.integration.browser import Tab
from tests.integration.conftest import sign_in
from tests.integration.page_helpers import api, signed_in, tag
from tests.integration.test_page_mailboxes import deliver

pytestmark = [pytest.mark.stack, pytest.mark.browser]


@pytest.fixture(scope="module")
def dovecot(stack: dict[str, Any]) -> mail_servers.ImapServer:
    """The stack's own Dovecot (`make run` starts it with the local OAuth2 server's introspection)."""
    assert stack["imap_server"] == "dovecot", stack["imap_note"]
    imap = stack["imap"]
    return mail_servers.ImapServer("dovecot", imap["host"], imap["port"], imap["user"], imap["password"])


def local_oauth(stack: dict[str, Any], action: str, user: str) -> dict[str, Any]:
    answer = requests.post(f"{stack['oauth2']['base_url']}/_local/{action}", data={"user": user}, timeout=10)
    answer.raise_for_status()
    return dict(answer.json())


def customer_mail(sender: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "support@shop.example", subject
    message.set_content("Hello, where is my parcel?")
    return message


def test_connect_with_google_imports_by_xoauth2_and_a_revoked_grant_needs_reconnecting(
    stack: dict[str, Any], dovecot: mail_servers.ImapServer, open_page: Callable[..., Tab]
) -> None:
    account, sender, other = f"shop-{tag()}@gmail.test", f"oauth-{tag()}@example.com", f"pw-{tag()}@example.com"
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    try:
        form = page.get_by_test_id("mailbox-connect-form")
        form.get_by_test_id("oauth-user").fill(account)
        form.locator("summary").click()
        form.get_by_test_id("oauth-host").fill(dovecot.host)
        form.get_by_test_id("oauth-port").fill(str(dovecot.port))
        form.get_by_test_id("oauth-security").select_option("none")
        form.get_by_test_id("mailbox-connect-google").click()

        # The provider's page and the API's callback, then the page again.
        expect(page.get_by_test_id("mailbox-oauth-outcome")).to_have_text("The mailbox is connected: it syncs from now on.", timeout=20_000)
        assert "oauth2=" not in page.url
        box = page.get_by_test_id("mailbox").filter(has_text=account)
        expect(box.get_by_test_id("mailbox-provider")).to_have_text("Signs in with Google")
        expect(box.get_by_test_id("mailbox-needs-reconnect")).to_have_count(0)

        with IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=10) as imap:
            imap.oauth2_login(account, local_oauth(stack, "access-token", account)["access_token"])
            imap.append("INBOX", customer_mail(sender, "Parcel by XOAUTH2").as_bytes(), msg_time=dt.datetime.now(dt.UTC))
        page.get_by_test_id("run-sync").click()
        expect(box.get_by_test_id("mailbox-imported").locator("dd")).to_have_text("1", timeout=60_000)
        expect(page.get_by_test_id("thread-row").filter(has_text=sender)).to_have_count(1, timeout=30_000)

        # The shop withdraws the desk's access at the provider; the password mailbox goes on.
        local_oauth(stack, "revoke-user", account)
        deliver(stack, "INBOX", customer_mail(other, "Parcel by password"))
        page.get_by_test_id("run-sync").click()
        expect(box.get_by_test_id("mailbox-needs-reconnect")).to_have_text("Needs reconnecting", timeout=60_000)
        expect(box.get_by_test_id("mailbox-errors")).to_contain_text("oauth2_reconnect_needed")
        expect(page.get_by_test_id("thread-row").filter(has_text=other)).to_have_count(1, timeout=30_000)

        box.get_by_test_id("mailbox-reconnect").click()
        expect(page.get_by_test_id("mailbox-oauth-outcome")).to_have_text("The mailbox is connected: it syncs from now on.", timeout=20_000)
        expect(page.get_by_test_id("mailbox").filter(has_text=account).get_by_test_id("mailbox-needs-reconnect")).to_have_count(0)
        assert tab.problems() == []
    finally:
        token = sign_in(stack, "admin")
        for mailbox in api(stack, token, "GET", "/v1/mailboxes").json()["mailboxes"]:
            if mailbox["user"] == account:
                api(stack, token, "DELETE", f"/v1/mailboxes/{mailbox['id']}")
