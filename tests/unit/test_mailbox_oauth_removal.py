"""Removing a mailbox connected by OAuth2 withdraws its grant: the refresh token is revoked at the
provider (RFC 7009; against the real local OAuth2 server), then the mailbox's secret is deleted
without a recovery window. A provider that is down or refuses never fails the removal; Microsoft,
which has no per-token revocation, is not asked, and its grant goes with the secret."""

from __future__ import annotations

import logging
from typing import Any

import boto3
import pytest
from shopdesk.store import mailboxes as mailbox_store

from local.oauth2_server import Grant, LocalOAuthServer
from tests.in_process_aws import REGION
from tests.unit import test_mailbox_oauth as flow
from tests.unit.agents_api import ADMIN, call
from tests.unit.test_mailbox_oauth import ACCOUNT, connect

# The OAuth2 flow's fixtures: the local OAuth2 server and the in-process AWS with its app set up.
provider = flow.provider
aws = flow.aws


def secret_of(mailbox_id: str) -> str:
    item = mailbox_store.get_mailbox(mailbox_id)
    assert item is not None
    return item.secret_id


def secret_exists(secret_id: str) -> bool:
    try:
        boto3.client("secretsmanager", region_name=REGION).describe_secret(SecretId=secret_id)
    except Exception as error:
        assert "ResourceNotFound" in str(error), error
        return False
    return True


def tokens_of(provider: LocalOAuthServer) -> tuple[str, str]:
    grant = provider.state.grant_of(ACCOUNT)
    assert grant is not None
    return grant.refresh_token, next(iter(grant.access_tokens))


def refresh_works(provider: LocalOAuthServer, provider_name: str, refresh_token: str) -> bool:
    status, _ = provider.state.token({
        "grant_type": "refresh_token", "refresh_token": refresh_token,
        "client_id": f"local-{provider_name}-client", "client_secret": f"local-{provider_name}-secret",
    })
    return status == 200


def test_removing_a_google_mailbox_revokes_its_grant_at_the_provider_and_deletes_its_secret(aws: Any, provider: LocalOAuthServer) -> None:
    mailbox_id = connect("google")
    secret_id = secret_of(mailbox_id)
    refresh_token, access_token = tokens_of(provider)
    assert provider.state.introspect({"token": access_token})[1]["active"] is True

    assert call("DELETE", f"/v1/mailboxes/{mailbox_id}", ADMIN)[0] == 204

    assert provider.state.introspect({"token": access_token})[1] == {"active": False}  # Dovecot refuses it from now on
    assert not refresh_works(provider, "google", refresh_token)
    assert not secret_exists(secret_id)  # gone at once, not scheduled for deletion


@pytest.mark.parametrize("failure", ["refused", "down"])
def test_a_provider_that_is_down_or_refuses_never_fails_the_removal(
    aws: Any, provider: LocalOAuthServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, failure: str
) -> None:
    mailbox_id = connect("google")
    secret_id = secret_of(mailbox_id)
    if failure == "refused":
        monkeypatch.setattr(provider.state, "revoke", lambda form: (503, {"error": "temporarily_unavailable"}))
    else:  # nothing listens where the provider was
        from shopdesk.core.config import config

        from local.stack import free_port

        monkeypatch.setenv("OAUTH2_ENDPOINT_BASE", f"http://127.0.0.1:{free_port()}")
        config.cache_clear()
    caplog.set_level(logging.WARNING)

    assert call("DELETE", f"/v1/mailboxes/{mailbox_id}", ADMIN)[0] == 204

    assert mailbox_id not in {m["id"] for m in call("GET", "/v1/mailboxes", ADMIN)[1]["mailboxes"]}
    assert not secret_exists(secret_id)
    assert any("could not be revoked" in record.getMessage() for record in caplog.records)


def test_removing_a_microsoft_mailbox_asks_no_revocation_and_deletes_the_grant(aws: Any, provider: LocalOAuthServer, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[dict[str, str]] = []
    monkeypatch.setattr(provider.state, "revoke", lambda form: (asked.append(form), (200, {}))[1])
    mailbox_id = connect("microsoft")
    secret_id = secret_of(mailbox_id)

    assert call("DELETE", f"/v1/mailboxes/{mailbox_id}", ADMIN)[0] == 204

    assert asked == []  # Microsoft has no endpoint that revokes one refresh token (docs/deploy.md)
    assert not secret_exists(secret_id)


def test_a_mailbox_never_connected_is_removed_without_asking_the_provider(aws: Any, provider: LocalOAuthServer, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[dict[str, str]] = []
    monkeypatch.setattr(provider.state, "revoke", lambda form: (asked.append(form), (200, {}))[1])
    status, started = call("POST", "/v1/mailboxes/oauth2", ADMIN, {"provider": "google", "user": ACCOUNT, "host": "imap.oauth.example"})
    assert status == 200

    assert call("DELETE", f"/v1/mailboxes/{started['mailbox']['id']}", ADMIN)[0] == 204

    assert asked == []


def test_the_local_server_revokes_only_for_its_authenticated_client(provider: LocalOAuthServer) -> None:
    """RFC 7009 as the local server plays it: the client authenticates, and only its own grants go."""
    state = provider.state
    state.grants.append(Grant(ACCOUNT, "local-google-client", "https://mail.google.com/", "rt-x"))
    assert state.revoke({"token": "rt-x", "client_id": "local-google-client", "client_secret": "wrong"})[0] == 401
    assert state.revoke({"token": "rt-x", "client_id": "local-microsoft-client", "client_secret": "local-microsoft-secret"})[0] == 200
    assert state.grant_of(ACCOUNT) is not None  # another client's token: not revoked
    assert state.revoke({"token": "rt-x", "client_id": "local-google-client", "client_secret": "local-google-secret"})[0] == 200
    assert state.grant_of(ACCOUNT) is None


def count_aws_requests(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every JSON-protocol AWS operation moto receives from now on (DynamoDB, Secrets Manager)."""
    from moto.core.botocore_stubber import BotocoreStubber

    seen: list[str] = []
    original = BotocoreStubber.__call__

    def counting(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
        target = request.headers.get("X-Amz-Target") or b""
        seen.append((target.decode() if isinstance(target, bytes) else target).replace("DynamoDB_20120810", "dynamodb"))
        return original(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", counting)
    return seen


def test_removing_an_oauth2_mailbox_costs_two_dynamodb_requests_three_secret_calls_and_one_revocation(
    aws: Any, provider: LocalOAuthServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    mailbox_id = connect("google")
    asked: list[dict[str, str]] = []
    revoke = provider.state.revoke
    monkeypatch.setattr(provider.state, "revoke", lambda form: (asked.append(form), revoke(form))[1])
    requests = count_aws_requests(monkeypatch)

    assert call("DELETE", f"/v1/mailboxes/{mailbox_id}", ADMIN)[0] == 204

    assert requests == [
        "dynamodb.GetItem",  # the mailbox item (what it was)
        "dynamodb.DeleteItem",
        "secretsmanager.GetSecretValue",  # its grant
        "secretsmanager.GetSecretValue",  # the app's client secret (RFC 7009: the client authenticates)
        "secretsmanager.DeleteSecret",
    ]
    assert len(asked) == 1 and asked[0]["token_type_hint"] == "refresh_token"
