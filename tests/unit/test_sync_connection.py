""""Test connection" tries the values the admin typed, saves nothing, and never sends the saved
password to a server or user other than the saved ones."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from agents_api import ADMIN, AGENT, call
from shopdesk.mail import imap
from shopdesk.mail.imap import MailboxSettings
from shopdesk.store.models import ImapSettings
from shopdesk.store.settings import load_settings

from tests.in_process_aws import REGION

SAVED_PASSWORD = "saved-secret"


@pytest.fixture
def tried(aws: Any, monkeypatch: pytest.MonkeyPatch) -> list[MailboxSettings]:
    """The mailbox settings each test connection tried (the IMAP conversation is tested against Dovecot)."""
    settings = load_settings()
    settings.imap = ImapSettings(host="imap.shop.example", port=993, user="support", security="tls", folder="INBOX")
    settings.save()
    call("PATCH", "/v1/settings", ADMIN, body={"imap": {"host": "imap.shop.example", "user": "support", "password": SAVED_PASSWORD}})
    attempts: list[MailboxSettings] = []

    def check(settings: MailboxSettings) -> dict[str, Any]:
        attempts.append(settings)
        return {"ok": True}

    monkeypatch.setattr(imap, "check_connection", check)
    return attempts


def saved_password() -> str:
    secrets = boto3.client("secretsmanager", region_name=REGION)
    return secrets.get_secret_value(SecretId=secrets.list_secrets()["SecretList"][0]["ARN"])["SecretString"]


def test_the_typed_values_are_tried_and_nothing_is_saved(tried: list[MailboxSettings]) -> None:
    typed = {"host": "mail.other.example", "port": 143, "user": "help", "security": "starttls", "folder": "Support", "password": "typed-only"}

    status, answer = call("POST", "/v1/sync/test-connection", ADMIN, body=typed)

    assert (status, answer) == (200, {"ok": True})
    [attempt] = tried
    assert (attempt.host, attempt.port, attempt.user, attempt.security, attempt.folder, attempt.password) == ("mail.other.example", 143, "help", "starttls", "Support", "typed-only")
    assert load_settings().imap.host == "imap.shop.example" and saved_password() == SAVED_PASSWORD


def test_without_a_typed_password_the_saved_one_serves_the_saved_mailbox_only(tried: list[MailboxSettings]) -> None:
    same = call("POST", "/v1/sync/test-connection", ADMIN, body={"host": "IMAP.shop.example", "user": "support", "folder": "Archive"})[1]
    other = call("POST", "/v1/sync/test-connection", ADMIN, body={"host": "attacker.example", "user": "support"})[1]

    assert same == {"ok": True} and [(a.host, a.folder, a.password) for a in tried] == [("IMAP.shop.example", "Archive", SAVED_PASSWORD)]
    assert (other["ok"], other["code"]) == (False, "imap_password_needed")


def test_without_a_body_the_saved_settings_are_tried_and_agents_may_not(tried: list[MailboxSettings]) -> None:
    assert call("POST", "/v1/sync/test-connection", ADMIN, body={})[1] == {"ok": True}
    assert [(a.host, a.password) for a in tried] == [("imap.shop.example", SAVED_PASSWORD)]
    assert call("POST", "/v1/sync/test-connection", AGENT, body={})[0] == 403
    assert call("POST", "/v1/sync/test-connection", ADMIN, body={"port": "143"})[0] == 422  # typed, strictly
