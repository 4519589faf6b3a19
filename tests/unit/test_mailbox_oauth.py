"""Mailboxes by OAuth2: "Connect with Google / Microsoft" runs the authorization-code
flow with PKCE through the agents' API against a real OAuth2 server on loopback
(local/oauth2_server.py); the callback accepts only its own state, once, for a short time; the
refresh token lives in the mailbox's secret, a rotated one is stored before the new access token is
used; a refused grant marks the mailbox "needs reconnecting", mails the admins once and never stops
another mailbox. (The XOAUTH2 login itself is tested against Dovecot in tests/integration.)"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from shopdesk.admin.contacts import all_contacts
from shopdesk.mail import oauth2, oauth2_tokens
from shopdesk.mail import sync as imap_sync
from shopdesk.mail.imap import MailboxSettings
from shopdesk.store import mailboxes as mailbox_store
from shopdesk.store import oauth_states

from local.oauth2_server import LocalOAuthServer
from tests.in_process_aws import REGION, count_dynamodb_requests, in_process_aws
from tests.unit.agents_api import ADMIN, AGENT, call
from tests.unit.test_mail_sync_isolation import customer_mail
from tests.unit.test_mailboxes import Boxes, item_scoped_rollback  # noqa: F401 (the fixture)

REDIRECT = "http://127.0.0.1:9/agent/v1/mailboxes/oauth2/callback"
DONE = "http://127.0.0.1:9/"
CALLBACK = "/v1/mailboxes/oauth2/callback"
ACCOUNT = "shop@gmail.test"


@pytest.fixture
def provider() -> Iterator[LocalOAuthServer]:
    server = LocalOAuthServer().start()
    yield server
    server.stop()


@contextmanager
def oauth_aws(monkeypatch: pytest.MonkeyPatch, provider: LocalOAuthServer, **environment: str) -> Iterator[dict[str, Any]]:
    """moto with the OAuth2 app's settings pointing at the local provider, its secrets, an empty token cache."""
    environment = {
        "OAUTH2_ENDPOINT_BASE": provider.base_url,
        "OAUTH2_GOOGLE_CLIENT_ID": "local-google-client",
        "OAUTH2_MICROSOFT_CLIENT_ID": "local-microsoft-client",
        "OAUTH2_CLIENT_SECRET_ID": "shopdesk/oauth2-clients",
        "OAUTH2_STATE_KEY_SECRET_ID": "shopdesk/oauth2-state-key",
        "OAUTH2_REDIRECT_URI": REDIRECT,
        "OAUTH2_DONE_URL": DONE,
        **environment,
    }
    with in_process_aws(monkeypatch, **environment) as variables:
        secrets = boto3.client("secretsmanager", region_name=REGION)
        secrets.create_secret(Name="shopdesk/oauth2-clients", SecretString=json.dumps({"google": "local-google-secret", "microsoft": "local-microsoft-secret"}))
        secrets.create_secret(Name="shopdesk/oauth2-state-key", SecretString="a-generated-key-of-the-stack")
        oauth2_tokens._cache.clear()
        yield variables
    oauth2_tokens._cache.clear()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, provider: LocalOAuthServer) -> Iterator[dict[str, Any]]:
    with oauth_aws(monkeypatch, provider) as variables:
        yield variables


@pytest.fixture
def admins_mailed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oauth2_tokens, "list_agents", lambda: {"agents": [
        {"email": "admin@shop.example", "sub": "a", "name": "Admin", "groups": ["admin", "agent"]},
        {"email": "agent@shop.example", "sub": "b", "name": "Agent", "groups": ["agent"]},
    ]})


def start(provider_name: str = "google", **fields: Any) -> dict[str, Any]:
    status, body = call("POST", "/v1/mailboxes/oauth2", ADMIN, {"provider": provider_name, "user": ACCOUNT, "host": "imap.oauth.example", "security": "none", **fields})
    assert status == 200, body
    return body


def provider_redirect(authorize_url: str) -> dict[str, str]:
    """What the provider sends the browser back with (the local server approves at once)."""

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    try:
        urllib.request.build_opener(Stay).open(authorize_url, timeout=5)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302
        location = answer.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def callback(params: dict[str, str]) -> tuple[int, Any, str]:
    from local.gateway import build_event
    from tests.unit.agents_api import LambdaContext, threads_api_app

    event = build_event("GET", CALLBACK, urllib.parse.urlencode(params), {"host": "api.local"}, b"", "203.0.113.9", None)
    result = threads_api_app.handler(event, LambdaContext())
    text = result.get("body") or ""
    return int(result["statusCode"]), (json.loads(text) if text else None), (result.get("headers") or {}).get("Location", "")


def connect(provider_name: str = "google", **fields: Any) -> str:
    started = start(provider_name, **fields)
    status, _, location = callback(provider_redirect(started["authorize_url"]))
    assert status == 302
    assert location == f"{DONE}?oauth2=connected&mailbox={started['mailbox']['id']}#/"
    return str(started["mailbox"]["id"])


def view(mailbox_id: str) -> dict[str, Any]:
    return next(m for m in call("GET", "/v1/mailboxes", ADMIN)[1]["mailboxes"] if m["id"] == mailbox_id)


def grant_in_secret(mailbox_id: str) -> dict[str, Any]:
    item = mailbox_store.get_mailbox(mailbox_id)
    assert item is not None
    return dict(json.loads(boto3.client("secretsmanager", region_name=REGION).get_secret_value(SecretId=item.secret_id)["SecretString"]))


def expire_access_token(mailbox_id: str) -> None:
    item = mailbox_store.get_mailbox(mailbox_id)
    assert item is not None
    oauth2_tokens.store_grant(item.secret_id, {**grant_in_secret(mailbox_id), "expires_at": 0})
    oauth2_tokens.forget(mailbox_id)


def sent_subjects() -> list[str]:
    import email

    from moto.ses.models import ses_backends

    return [str(email.message_from_string(m.raw_data)["Subject"]) for m in ses_backends["123456789012"][REGION].sent_messages]


# --- connecting --------------------------------------------------------------------------------------


def test_an_admin_connects_a_mailbox_and_its_refresh_token_goes_to_its_own_secret(aws: Any, provider: LocalOAuthServer) -> None:
    started = start()
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(started["authorize_url"]).query))
    assert started["authorize_url"].startswith(f"{provider.base_url}/google/authorize?")
    assert (query["code_challenge_method"], query["scope"], query["redirect_uri"], query["login_hint"]) == ("S256", "https://mail.google.com/", REDIRECT, ACCOUNT)
    assert "code_verifier" not in started["authorize_url"]  # the verifier never leaves the server
    assert started["mailbox"]["needs_reconnect"] is True and started["mailbox"]["auth"] == "oauth2"

    status, _, location = callback(provider_redirect(started["authorize_url"]))

    mailbox_id = started["mailbox"]["id"]
    assert status == 302 and "oauth2=connected" in location
    shown = view(mailbox_id)
    assert (shown["auth"], shown["provider"], shown["needs_reconnect"], shown["user"]) == ("oauth2", "google", False, ACCOUNT)
    grant = provider.state.grant_of(ACCOUNT)
    assert grant is not None and grant_in_secret(mailbox_id)["refresh_token"] == grant.refresh_token
    assert "refresh_token" not in json.dumps(call("GET", "/v1/mailboxes", ADMIN)[1])


def test_only_admins_start_a_connection_and_a_provider_without_its_app_set_up_says_so(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert call("POST", "/v1/mailboxes/oauth2", AGENT, {"provider": "google", "user": ACCOUNT})[0] == 403
    monkeypatch.setenv("OAUTH2_MICROSOFT_CLIENT_ID", "")
    from shopdesk.core.config import config

    config.cache_clear()
    status, body = call("POST", "/v1/mailboxes/oauth2", ADMIN, {"provider": "microsoft", "user": ACCOUNT})
    assert (status, body["error"]["code"]) == (502, "oauth2_not_configured")
    assert call("GET", "/v1/mailboxes", ADMIN)[1]["mailboxes"] == []  # nothing half-made


# --- the state: signed, one-time, short-lived --------------------------------------------------------


def test_a_replayed_callback_is_refused(aws: Any) -> None:
    params = provider_redirect(start()["authorize_url"])
    assert callback(params)[0] == 302

    status, body, _ = callback(params)

    assert (status, body["error"]["code"]) == (403, "oauth2_state_refused")


def test_a_forged_state_is_refused_without_reading_the_table(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    params = provider_redirect(start()["authorize_url"])
    nonce = params["state"].split(".")[0]
    forged = oauth2.sign_state(nonce, b"not this stack's key")
    requests = count_dynamodb_requests(monkeypatch)

    status, body, _ = callback({**params, "state": forged})

    assert (status, body["error"]["code"], requests) == (403, "oauth2_state_refused", [])
    assert callback(params)[0] == 302  # the real one still works: the forgery consumed nothing


def test_an_expired_state_is_refused_even_before_the_table_forgets_it(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    params = provider_redirect(start()["authorize_url"])
    later = time.time() + oauth2.STATE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)

    status, body, _ = callback(params)
    assert (status, body["error"]["code"]) == (403, "oauth2_state_refused")
    # The stored pending connection has its own expiry too (the table's TTL deletes late).
    nonce = params["state"].split(".")[0]
    assert oauth_states.consume_state(nonce) is None


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(aws: Any, provider: LocalOAuthServer) -> None:
    params = provider_redirect(start()["authorize_url"])
    with pytest.raises(oauth2.OAuthError) as refused:
        oauth2.exchange_code("google", params["code"], oauth2.pkce_pair()[0], "local-google-secret", REDIRECT)
    assert refused.value.grant_gone


def test_the_callback_costs_three_dynamodb_requests(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    params = provider_redirect(start()["authorize_url"])
    requests = count_dynamodb_requests(monkeypatch)

    assert callback(params)[0] == 302

    assert requests == ["UpdateItem", "GetItem", "UpdateItem"]  # consume the state, the mailbox, mark it connected


# --- the access token: cached, refreshed, rotation stored before use -----------------------------------


def sync(boxes: Boxes, seen: list[MailboxSettings] | None = None, before_connect: Any = None) -> imap_sync.RunResult:
    def factory(settings: MailboxSettings) -> Any:
        if seen is not None:
            seen.append(settings)
        if before_connect:
            before_connect(settings)
        return boxes.factory(settings)

    return imap_sync.run(lambda: 600_000, mailbox_factory=factory, contacts=all_contacts)


def test_the_access_token_is_cached_until_it_expires(aws: Any, provider: LocalOAuthServer) -> None:
    mailbox_id = connect()
    boxes = Boxes()
    boxes.mails["imap.oauth.example"] = [customer_mail("<o1@example.com>")]
    seen: list[MailboxSettings] = []

    sync(boxes, seen)
    sync(boxes, seen)

    grant = provider.state.grant_of(ACCOUNT)
    assert grant is not None and grant.refreshes == 0  # the callback's access token serves both runs
    assert seen[0].access_token == seen[1].access_token and seen[0].password == ""
    assert view(mailbox_id)["sync"]["imported"] == 1


def test_a_rotated_refresh_token_is_stored_before_the_new_access_token_is_used(aws: Any, provider: LocalOAuthServer) -> None:
    mailbox_id = connect()
    first_refresh_token = grant_in_secret(mailbox_id)["refresh_token"]
    expire_access_token(mailbox_id)
    boxes = Boxes()
    boxes.mails["imap.oauth.example"] = [customer_mail("<r1@example.com>")]
    at_login: list[dict[str, Any]] = []

    sync(boxes, before_connect=lambda settings: at_login.append({"token": settings.access_token, **grant_in_secret(mailbox_id)}))

    grant = provider.state.grant_of(ACCOUNT)
    assert grant is not None and grant.refreshes == 1 and grant.refresh_token != first_refresh_token
    [login] = at_login
    # When IMAP is handed the new access token, the secret already holds the rotated refresh token.
    assert login["refresh_token"] == grant.refresh_token and login["access_token"] == login["token"]
    assert view(mailbox_id)["sync"]["imported"] == 1


def test_a_refresh_that_lost_the_race_to_another_run_uses_the_grant_that_run_stored(aws: Any, provider: LocalOAuthServer, monkeypatch: pytest.MonkeyPatch) -> None:
    mailbox_id = connect()
    expire_access_token(mailbox_id)
    item = mailbox_store.get_mailbox(mailbox_id)
    assert item is not None
    real_refresh = oauth2.refresh

    def another_run_refreshed_first(provider_name: str, refresh_token: str, secret: str) -> oauth2.Grant:
        # A reply's Lambda refreshed a moment ago and stored the rotated grant: this run's token is the old one.
        grant = real_refresh(provider_name, refresh_token, secret)
        oauth2_tokens.store_grant(item.secret_id, {"refresh_token": grant.refresh_token, "access_token": grant.access_token, "expires_at": grant.expires_at})
        raise oauth2.OAuthError("invalid_grant", "oauth2_reconnect_needed")

    monkeypatch.setattr(oauth2, "refresh", another_run_refreshed_first)
    token = oauth2_tokens.access_token(item)

    assert token == grant_in_secret(mailbox_id)["access_token"]
    assert view(mailbox_id)["needs_reconnect"] is False  # not marked: the grant is alive


# --- a refused grant ---------------------------------------------------------------------------------


def test_a_revoked_grant_marks_the_mailbox_mails_the_admins_once_and_the_password_mailbox_keeps_importing(
    aws: Any, provider: LocalOAuthServer, admins_mailed: None
) -> None:
    oauth_id = connect()
    status, body = call("POST", "/v1/mailboxes", ADMIN, {"host": "imap.password.example", "user": "support", "security": "none", "password": "pw"})
    password_id = body["id"]
    boxes = Boxes()
    boxes.mails = {"imap.oauth.example": [customer_mail("<x1@example.com>")], "imap.password.example": [customer_mail("<p1@example.com>")]}
    provider.state.revoke_user(ACCOUNT)
    expire_access_token(oauth_id)

    result = sync(boxes)

    assert result.imported == 1
    assert view(password_id)["sync"]["state"] == "ok" and view(password_id)["sync"]["imported"] == 1
    broken = view(oauth_id)
    assert broken["needs_reconnect"] is True and broken["sync"]["state"] == "failed"
    assert [e["code"] for e in broken["sync"]["errors"]] == ["oauth2_reconnect_needed"]
    assert sent_subjects() == [f"Mailbox {ACCOUNT} needs reconnecting"]

    boxes.mails["imap.password.example"].append(customer_mail("<p2@example.com>"))
    again = sync(boxes)

    assert again.imported == 1 and sent_subjects() == [f"Mailbox {ACCOUNT} needs reconnecting"]  # mailed once, not every run


def test_reconnecting_clears_the_mark_and_a_later_failure_is_mailed_again(aws: Any, provider: LocalOAuthServer, admins_mailed: None) -> None:
    mailbox_id = connect()
    provider.state.revoke_user(ACCOUNT)
    expire_access_token(mailbox_id)
    sync(Boxes())
    assert view(mailbox_id)["needs_reconnect"] is True

    started = start(mailbox_id=mailbox_id)
    assert started["mailbox"]["id"] == mailbox_id
    assert callback(provider_redirect(started["authorize_url"]))[0] == 302

    assert view(mailbox_id)["needs_reconnect"] is False
    boxes = Boxes()
    boxes.mails["imap.oauth.example"] = [customer_mail("<back@example.com>")]
    assert sync(boxes).imported == 1
    provider.state.revoke_user(ACCOUNT)
    expire_access_token(mailbox_id)
    sync(boxes)
    assert len(sent_subjects()) == 2


def test_a_password_mailbox_cannot_be_reconnected_by_oauth2(aws: Any) -> None:
    status, body = call("POST", "/v1/mailboxes", ADMIN, {"host": "imap.password.example", "user": "support", "password": "pw"})
    status, body = call("POST", "/v1/mailboxes/oauth2", ADMIN, {"provider": "google", "mailbox_id": body["id"]})
    assert (status, body["error"]["code"]) == (422, "oauth2_not_oauth_mailbox")


def test_a_new_mailbox_defaults_to_the_providers_imap_server_and_locally_to_loopback(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    status, body = call("POST", "/v1/mailboxes/oauth2", ADMIN, {"provider": "microsoft", "user": "shop@contoso.test"})
    assert status == 200 and (body["mailbox"]["host"], body["mailbox"]["port"], body["mailbox"]["security"]) == ("outlook.office365.com", 993, "tls")
    monkeypatch.setenv("OAUTH2_IMAP_SERVER", "127.0.0.1:1143")
    from shopdesk.core.config import config

    config.cache_clear()
    status, body = call("POST", "/v1/mailboxes/oauth2", ADMIN, {"provider": "google", "user": ACCOUNT})
    assert (body["mailbox"]["host"], body["mailbox"]["port"], body["mailbox"]["security"]) == ("127.0.0.1", 1143, "none")
