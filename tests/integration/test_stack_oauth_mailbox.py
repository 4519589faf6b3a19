"""`make run` does the OAuth2 path for real: the local stack starts Dovecot with its OAuth2 passdb
asking the local OAuth2 server (which plays Google), so a mailbox connected with "Connect with
Google" logs in by XOAUTH2 and imports; removing it revokes the grant at the provider (Dovecot
refuses the token from then on) and deletes its secret. Everything over HTTP and IMAP, as a browser
and a mail client would."""

from __future__ import annotations

import datetime as dt
import time
import urllib.parse
from email.message import EmailMessage
from typing import Any

import boto3
import imapclient.exceptions
import pytest
import requests
from imapclient import IMAPClient

from tests.integration.page_helpers import tag

pytestmark = pytest.mark.stack


def agents(stack: dict[str, Any], token: str, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, stack["agents_api"] + path, headers={"Authorization": f"Bearer {token}"}, timeout=30, **kwargs)


def mailbox(stack: dict[str, Any], token: str, mailbox_id: str) -> dict[str, Any] | None:
    found = [m for m in agents(stack, token, "GET", "/v1/mailboxes").json()["mailboxes"] if m["id"] == mailbox_id]
    return found[0] if found else None


def customer_mail(sender: str, subject: str, to: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Message-ID"] = f"<{tag()}@example.com>"
    message.set_content("Hello, where is my parcel?")
    return message.as_bytes()


def introspect(stack: dict[str, Any], token: str) -> dict[str, Any]:
    answer = requests.post(stack["oauth2"]["introspection_url"], data={"token": token}, timeout=10)
    answer.raise_for_status()
    return dict(answer.json())


def secret_names(stack: dict[str, Any]) -> set[str]:
    secrets = boto3.client(
        "secretsmanager", endpoint_url=stack["aws_endpoint"], region_name=stack["resources"]["region"],
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    return {s["Name"] for page in secrets.get_paginator("list_secrets").paginate() for s in page["SecretList"]}


def test_a_mailbox_connected_with_google_imports_by_xoauth2_and_its_removal_revokes_the_grant(stack: dict[str, Any], admin_token: str) -> None:
    assert stack["imap_server"] == "dovecot", stack["imap_note"]
    account = stack["oauth2"]["demo_account"]
    imap = stack["imap"]
    sender, subject = f"oauth-{tag()}@example.com", f"Parcel by XOAUTH2 {tag()}"

    # "Connect with Google": the agents' API makes the mailbox and answers the provider's page.
    started = agents(stack, admin_token, "POST", "/v1/mailboxes/oauth2", json={"provider": "google", "user": account["user"]})
    assert started.status_code == 200, started.text
    mailbox_id = started.json()["mailbox"]["id"]
    try:
        assert (started.json()["mailbox"]["host"], started.json()["mailbox"]["port"]) == (imap["host"], imap["port"])  # the stack's Dovecot, never Gmail
        assert started.json()["authorize_url"].startswith(stack["oauth2"]["base_url"] + "/google/authorize?")

        # The browser: the provider approves and sends it to the callback, which sends it to the page.
        page = requests.get(started.json()["authorize_url"], timeout=30)
        assert [r.status_code for r in page.history] == [302, 302] and page.status_code == 200
        assert dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query)) == {"oauth2": "connected", "mailbox": mailbox_id}
        assert mailbox(stack, admin_token, mailbox_id)["needs_reconnect"] is False  # type: ignore[index]

        # A customer's mail arrives in that account (a mail client delivers it with the account's password).
        with IMAPClient(imap["host"], port=imap["port"], ssl=False, timeout=10) as client:
            client.login(account["user"], account["password"])
            client.append("INBOX", customer_mail(sender, subject, account["user"]), msg_time=dt.datetime.now(dt.UTC))

        assert agents(stack, admin_token, "POST", "/v1/sync").status_code == 202
        deadline = time.monotonic() + 60
        shown: dict[str, Any] | None = None
        while time.monotonic() < deadline:
            shown = mailbox(stack, admin_token, mailbox_id)
            if shown and shown["sync"]["imported"] >= 1:
                break
            time.sleep(0.3)
        assert shown is not None and shown["sync"]["imported"] == 1 and shown["sync"]["errors"] == [], shown
        threads = agents(stack, admin_token, "GET", "/v1/threads", params={"limit": 50}).json()["threads"]
        assert [t["email"] for t in threads if t["email"] == sender] == [sender]

        # Removing the mailbox withdraws the desk's access: the provider revokes the grant, Dovecot
        # refuses its tokens, and the grant's secret is gone.
        access_token = requests.post(f"{stack['oauth2']['base_url']}/_local/access-token", data={"user": account["user"]}, timeout=10).json()["access_token"]
        assert introspect(stack, access_token)["active"] is True
        assert any(name.endswith(f"oauth-{mailbox_id}") for name in secret_names(stack))

        assert agents(stack, admin_token, "DELETE", f"/v1/mailboxes/{mailbox_id}").status_code == 204

        assert introspect(stack, access_token) == {"active": False}
        with IMAPClient(imap["host"], port=imap["port"], ssl=False, timeout=10) as client, pytest.raises(imapclient.exceptions.LoginError):
            client.oauth2_login(account["user"], access_token)
        assert not any(name.endswith(f"oauth-{mailbox_id}") for name in secret_names(stack))
        assert mailbox(stack, admin_token, mailbox_id) is None
    finally:
        agents(stack, admin_token, "DELETE", f"/v1/mailboxes/{mailbox_id}")


def test_the_demo_password_mailbox_still_logs_in_on_the_stacks_imap_server(stack: dict[str, Any], admin_token: str) -> None:
    imap = stack["imap"]
    with IMAPClient(imap["host"], port=imap["port"], ssl=False, timeout=10) as client:
        client.login(imap["user"], imap["password"])
        assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] >= 0
    assert agents(stack, admin_token, "POST", "/v1/sync/test-connection").json() == {"ok": True}
