"""Mailboxes by OAuth2 end to end against real servers: the local OAuth2 server
(local/oauth2_server.py) plays Google, and Dovecot accepts its tokens through its oauth2 passdb
(RFC 7662 introspection), so the desk logs in with SASL XOAUTH2 exactly as it would at Gmail.

Connect through the agents' API, import a mail by XOAUTH2, refresh with rotation, then revoke the
grant at the provider: the mailbox shows "needs reconnecting" while a password mailbox on the same
server keeps importing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import boto3
import pytest
from imapclient import IMAPClient
from shopdesk.admin.contacts import all_contacts
from shopdesk.mail import oauth2_tokens
from shopdesk.mail import sync as imap_sync
from shopdesk.store import mailboxes as mailbox_store
from shopdesk.store.models import Message

from local.oauth2_server import LocalOAuthServer
from tests.in_process_aws import REGION, in_process_aws
from tests.integration import mail_servers
from tests.unit.agents_api import ADMIN, call
from tests.unit.test_mailbox_oauth import callback, provider_redirect

ACCOUNT = "shop@gmail.test"
REDIRECT = "http://127.0.0.1:9/agent/v1/mailboxes/oauth2/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[LocalOAuthServer]:
    # Access tokens shorter than the desk's refresh margin: every run refreshes (and rotates).
    server = LocalOAuthServer(access_seconds=60).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def dovecot(provider: LocalOAuthServer) -> Iterator[mail_servers.ImapServer]:
    with mail_servers.dovecot(oauth2_introspection_url=f"{provider.base_url}/introspect") as running:
        yield running


@pytest.fixture
def shop(dovecot: mail_servers.ImapServer, provider: LocalOAuthServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[mail_servers.ImapServer]:
    environment = {
        "OAUTH2_ENDPOINT_BASE": provider.base_url,
        "OAUTH2_GOOGLE_CLIENT_ID": "local-google-client",
        "OAUTH2_CLIENT_SECRET_ID": "shopdesk/oauth2-clients",
        "OAUTH2_STATE_KEY_SECRET_ID": "shopdesk/oauth2-state-key",
        "OAUTH2_REDIRECT_URI": REDIRECT,
        "OAUTH2_DONE_URL": "http://127.0.0.1:9/",
    }
    with in_process_aws(monkeypatch, **environment):
        secrets = boto3.client("secretsmanager", region_name=REGION)
        secrets.create_secret(Name="shopdesk/oauth2-clients", SecretString=json.dumps({"google": "local-google-secret"}))
        secrets.create_secret(Name="shopdesk/oauth2-state-key", SecretString="integration-state-key")
        monkeypatch.setattr(oauth2_tokens, "list_agents", lambda: {"agents": [{"email": "admin@shop.example", "sub": "a", "name": "A", "groups": ["admin"]}]})
        oauth2_tokens._cache.clear()
        yield dovecot
        oauth2_tokens._cache.clear()


def mail(message_id: str, sender: str = "ann@example.com") -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"], message["Message-ID"] = sender, "support@shop.example", "My order", message_id
    message.set_content("Where is my parcel?")
    return message.as_bytes()


def deliver_by_xoauth2(server: mail_servers.ImapServer, access_token: str, raw: bytes) -> None:
    with IMAPClient(server.host, port=server.port, ssl=False, timeout=10) as imap:
        imap.oauth2_login(ACCOUNT, access_token)
        imap.append("INBOX", raw, msg_time=dt.datetime.now(dt.UTC))


def run() -> imap_sync.RunResult:
    return imap_sync.run(lambda: 300_000, contacts=all_contacts)


def view(mailbox_id: str) -> dict[str, Any]:
    return next(m for m in call("GET", "/v1/mailboxes", ADMIN)[1]["mailboxes"] if m["id"] == mailbox_id)


def test_a_mailbox_connected_by_oauth2_syncs_by_xoauth2_rotates_and_a_revoked_grant_needs_reconnecting(
    shop: mail_servers.ImapServer, provider: LocalOAuthServer
) -> None:
    status, started = call("POST", "/v1/mailboxes/oauth2", ADMIN, {"provider": "google", "user": ACCOUNT, "host": shop.host, "port": shop.port, "security": "none"})
    assert status == 200
    oauth_id = started["mailbox"]["id"]
    assert callback(provider_redirect(started["authorize_url"]))[0] == 302
    status, body = call("POST", "/v1/mailboxes", ADMIN, {"host": shop.host, "port": shop.port, "user": shop.user, "security": "none", "password": shop.password})
    password_id = body["id"]
    grant = provider.state.grant_of(ACCOUNT)
    assert grant is not None
    deliver_by_xoauth2(shop, next(iter(grant.access_tokens)), mail("<oauth-1@example.com>"))
    mail_servers.append(shop, "INBOX", [mail("<password-1@example.com>", "bob@example.com")])

    assert call("POST", f"/v1/mailboxes/{oauth_id}/test", ADMIN)[1] == {"ok": True}
    first = run()

    assert first.imported == 2
    assert {m.mail_message_id for m in Message.scan()} >= {"oauth-1@example.com", "password-1@example.com"}  # a test may scan
    assert grant.refreshes >= 1  # the 60-second tokens are refreshed, and each refresh rotates the refresh token
    item = mailbox_store.get_mailbox(oauth_id)
    assert item is not None
    stored = json.loads(boto3.client("secretsmanager", region_name=REGION).get_secret_value(SecretId=item.secret_id)["SecretString"])
    assert stored["refresh_token"] == grant.refresh_token

    # The shop's admin withdraws the desk's access at the provider; the access token the desk holds
    # stops working at once (Dovecot asks the provider on every login).
    provider.state.revoke_user(ACCOUNT)
    mail_servers.append(shop, "INBOX", [mail("<password-2@example.com>", "bob@example.com")])

    second = run()

    assert second.imported == 1  # the password mailbox keeps importing
    broken = view(oauth_id)
    assert broken["needs_reconnect"] is True and [e["code"] for e in broken["sync"]["errors"]] == ["oauth2_reconnect_needed"]
    assert view(password_id)["sync"]["state"] == "ok"


def test_a_cached_access_token_refused_by_the_server_is_refreshed_once_and_a_revoked_grant_needs_reconnecting(
    shop: mail_servers.ImapServer, provider: LocalOAuthServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(provider.state, "access_seconds", 3600)  # the access token outlives the revocation
    status, started = call("POST", "/v1/mailboxes/oauth2", ADMIN, {"provider": "google", "user": ACCOUNT, "host": shop.host, "port": shop.port, "security": "none"})
    oauth_id = started["mailbox"]["id"]
    assert callback(provider_redirect(started["authorize_url"]))[0] == 302
    grant = provider.state.grant_of(ACCOUNT)
    assert grant is not None
    assert run().state == "ok" and grant.refreshes == 0  # the callback's access token, cached

    provider.state.revoke_user(ACCOUNT)
    run()

    assert view(oauth_id)["needs_reconnect"] is True  # IMAP refused the cached token, the refresh was refused
