"""Settings (admins only; the IMAP password write-only) and the team list for forwarding."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from agents_api import ADMIN, AGENT, call
from shopdesk.core.config import config
from shopdesk.store.models import DEFAULT_REPLY_MESSAGES

REGION = "eu-west-1"


def test_the_imap_password_goes_to_secrets_manager_and_never_comes_back(aws: Any) -> None:
    status, body = call(
        "PATCH",
        "/v1/settings",
        claims=ADMIN,
        body={"imap": {"host": "imap.shop.example", "port": 993, "user": "desk@shop.example", "security": "tls", "password": "hunter2-imap!"}},
    )
    assert status == 200, body
    secret = boto3.client("secretsmanager", region_name=REGION).get_secret_value(SecretId="shopdesk/imap-password")
    assert secret["SecretString"] == "hunter2-imap!"
    for answer in (body, call("GET", "/v1/settings", claims=ADMIN)[1]):
        assert "hunter2" not in json.dumps(answer)
        assert "password" not in answer["imap"]
        assert answer["imap"]["password_set"] is True
        assert answer["imap"]["host"] == "imap.shop.example" and answer["imap"]["user"] == "desk@shop.example"
    from shopdesk.store.models import ShopdeskItem

    stored = [item.attribute_values for item in ShopdeskItem.query("SETTINGS")]
    assert "hunter2" not in str(stored)


def test_settings_are_patched_field_by_field(aws: Any) -> None:
    call("PATCH", "/v1/settings", claims=ADMIN, body={"default_messages": {"es": "Hola:"}, "allow_uploads": False})
    status, body = call("PATCH", "/v1/settings", claims=ADMIN, body={"default_messages": {"pl": "Dzień dobry,"}, "imap": {"folder": "Support"}})
    assert status == 200
    # English keeps the built-in starting text until an admin writes the shop's own.
    assert body["default_messages"] == {"en": DEFAULT_REPLY_MESSAGES["en"], "es": "Hola:", "pl": "Dzień dobry,"}
    assert body["allow_uploads"] is False and body["confirm_visitor"] is True
    assert body["imap"]["folder"] == "Support" and body["imap"]["password_set"] is False


def test_bad_settings_are_refused_all_at_once(aws: Any) -> None:
    status, body = call(
        "PATCH",
        "/v1/settings",
        claims=ADMIN,
        body={"allow_uploads": "yes", "default_messages": {"fr": "Bonjour"}, "imap": {"port": 70000, "security": "ssl", "password": 12}, "colour": "red"},
    )
    assert status == 422
    assert {f["field"] for f in body["error"]["fields"]} == {
        "allow_uploads", "default_messages.fr", "imap.port", "imap.security", "imap.password", "colour",
    }
    assert call("GET", "/v1/settings", claims=ADMIN)[1]["allow_uploads"] is True  # nothing was saved


def test_the_team_is_the_pools_admins_and_agents(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool = cognito.create_user_pool(PoolName="agents", UsernameAttributes=["email"])["UserPool"]["Id"]
    for group in ("admin", "agent"):
        cognito.create_group(UserPoolId=pool, GroupName=group)
    for user, groups in (("boss@shop.example", ("admin", "agent")), ("lia@shop.example", ("agent",)), ("visitor@example.com", ())):
        cognito.admin_create_user(UserPoolId=pool, Username=user, UserAttributes=[{"Name": "email", "Value": user}])
        for group in groups:
            cognito.admin_add_user_to_group(UserPoolId=pool, Username=user, GroupName=group)
    monkeypatch.setenv("USER_POOL_ID", pool)
    config.cache_clear()
    status, body = call("GET", "/v1/agents", claims=AGENT)
    assert status == 200
    # Each with the Cognito sub (what a thread's assignee is) and the display name (the e-mail when the pool has no `name`).
    assert [(a["email"], a["name"], a["groups"], bool(a["sub"])) for a in body["agents"]] == [
        ("boss@shop.example", "boss@shop.example", ["admin", "agent"], True),
        ("lia@shop.example", "lia@shop.example", ["agent"], True),
    ]
