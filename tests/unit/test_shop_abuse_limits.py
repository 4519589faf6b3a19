"""The storefront's abuse limits are the shop's own (SPEC §3, issue "Hostile and concurrent
input"): an admin sets them on the settings screen, the environment's values are only the
defaults, the form's posts, upload grants and confirmations hold to them, and nonsense is refused."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from agents_api import ADMIN, AGENT, call
from shopdesk.core.config import config
from shopdesk.store import intake_data
from shopdesk.store.settings import abuse_limits, load_settings

from tests.unit import intake_support
from tests.unit.intake_support import form_fields, post_json, sent_mail

shop = intake_support.shop
DEFAULTS = {
    "rate_limit_per_ip": 10,
    "rate_limit_per_email": 5,
    "upload_limit_per_ip": 20,
    "upload_limit_per_form": 10,
    "confirmation_limit_per_recipient": 5,
    "confirmation_limit_per_shop": 500,
    "rate_window_seconds": 600,
}


def set_limits(**limits: Any) -> dict[str, Any]:
    status, body = call("PATCH", "/v1/settings", claims=ADMIN, body={"abuse_limits": limits})
    assert status == 200, body
    return body


def grant(ip: str, **body: Any) -> int:
    evt = intake_support.event(
        "POST", "/v1/uploads", json.dumps({"filename": "a.pdf", **body}), {"content-type": "application/json"}, ip=ip
    )
    return intake_support.call(evt)[0]


def test_the_settings_show_the_limits_in_force_and_the_defaults_from_the_environment(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_PER_EMAIL", "7")
    config.cache_clear()
    settings = call("GET", "/v1/settings", claims=ADMIN)[1]
    assert settings["abuse_limits"] == settings["abuse_limit_defaults"] == DEFAULTS | {"rate_limit_per_email": 7}
    saved = set_limits(rate_limit_per_email=2, confirmation_limit_per_shop=0)
    assert saved["abuse_limits"] == DEFAULTS | {"rate_limit_per_email": 2, "confirmation_limit_per_shop": 0}
    assert saved["abuse_limit_defaults"]["rate_limit_per_email"] == 7
    # Sent as null, a limit goes back to the default; the others stay as the admin set them.
    again = set_limits(rate_limit_per_email=None)
    assert again["abuse_limits"] == DEFAULTS | {"rate_limit_per_email": 7, "confirmation_limit_per_shop": 0}
    assert call("GET", "/v1/settings", claims=ADMIN)[1]["abuse_limits"] == again["abuse_limits"]


def test_every_limit_back_to_its_default_leaves_the_defaults_in_force(shop: Any) -> None:
    set_limits(rate_limit_per_ip=3, confirmation_limit_per_shop=7)
    answer = set_limits(**dict.fromkeys(DEFAULTS))
    assert answer["abuse_limits"] == DEFAULTS and abuse_limits(load_settings()).__dict__ == DEFAULTS


def test_an_admin_lowers_the_per_address_limit_and_the_next_post_over_it_is_refused(shop: Any) -> None:
    for n in range(3):
        assert post_json(form_fields(message=f"question {n}"), ip=f"192.0.2.{n}")[0] == 201  # the default is 5
    set_limits(rate_limit_per_email=3)
    status, body = post_json(form_fields(message="question 4"), ip="192.0.2.9")
    assert status == 422 and body["error"]["code"] == "spam_suspected"  # a rate limit answers as any anti-spam rule
    set_limits(rate_limit_per_email=10)
    assert post_json(form_fields(message="question 5"), ip="192.0.2.10")[0] == 201


def test_an_admin_lowers_the_per_network_limit_and_the_next_post_from_it_is_refused(shop: Any) -> None:
    set_limits(rate_limit_per_ip=2)
    assert [post_json(form_fields(email=f"v{n}@example.com"), ip="192.0.2.77")[0] for n in range(3)] == [201, 201, 422]


def test_the_shops_rate_window_decides_when_a_visitor_may_post_again(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1_000_020.0]  # the start of a 60-second window, inside a 600-second one
    monkeypatch.setattr(intake_data, "time", SimpleNamespace(time=lambda: clock[0]))
    set_limits(rate_limit_per_email=1, rate_window_seconds=60)
    assert post_json(form_fields(message="first"), ip="192.0.2.50")[0] == 201
    clock[0] += 30
    assert post_json(form_fields(message="too soon"), ip="192.0.2.51")[0] == 422
    clock[0] += 35  # the next minute: a new window of the shop's length (the default 600 s would still refuse)
    assert post_json(form_fields(message="a minute later"), ip="192.0.2.52")[0] == 201
    set_limits(rate_window_seconds=None)
    assert post_json(form_fields(message="back to ten minutes"), ip="192.0.2.53")[0] == 201  # a new 600 s window: its first post
    assert post_json(form_fields(message="and again"), ip="192.0.2.54")[0] == 422


def test_an_admin_lowers_the_upload_limits_and_the_next_grant_over_them_is_429(shop: Any) -> None:
    set_limits(upload_limit_per_ip=2, upload_limit_per_form=1)
    assert [grant("192.0.2.30") for _ in range(3)] == [200, 200, 429]
    token = intake_support.antispam.issue_form_token()
    assert [grant(f"192.0.2.{40 + n}", form_token=token) for n in range(2)] == [200, 429]


def confirmations() -> int:
    return sum("X-Shopdesk: confirmation" in mail.raw_data for mail in sent_mail())


def test_the_shops_confirmation_limit_holds_and_zero_turns_confirmations_off(shop: Any) -> None:
    call("PATCH", "/v1/settings", claims=ADMIN, body={"confirm_visitor": True, "notify_contact": False})
    set_limits(confirmation_limit_per_recipient=1)
    assert post_json(form_fields(message="first"))[0] == 201
    assert post_json(form_fields(message="second"))[0] == 201
    assert confirmations() == 1
    set_limits(confirmation_limit_per_recipient=None, confirmation_limit_per_shop=0)
    assert post_json(form_fields(message="third", email="bob@example.com"))[0] == 201  # stored all the same
    assert confirmations() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rate_limit_per_ip", 0),
        ("rate_limit_per_ip", 10001),
        ("rate_limit_per_email", -1),
        ("upload_limit_per_form", 101),
        ("confirmation_limit_per_recipient", 101),
        ("confirmation_limit_per_shop", 1.5),
        ("confirmation_limit_per_shop", "50"),
        ("upload_limit_per_ip", True),
        ("rate_window_seconds", 59),
        ("rate_window_seconds", 86401),
    ],
)
def test_a_limit_out_of_its_range_or_not_a_whole_number_is_refused_and_nothing_is_saved(shop: Any, field: str, value: Any) -> None:
    status, body = call("PATCH", "/v1/settings", claims=ADMIN, body={"abuse_limits": {field: value}})
    assert status == 422
    [error] = body["error"]["fields"]
    assert error["field"] == f"abuse_limits.{field}" and error["code"] == "invalid_abuse_limit"
    assert error["message"].startswith("A limit must be a whole number from ")
    assert abuse_limits(load_settings()).__dict__ == DEFAULTS


def test_an_unknown_limit_is_refused(shop: Any) -> None:
    status, body = call("PATCH", "/v1/settings", claims=ADMIN, body={"abuse_limits": {"posts_per_minute": 3}})
    assert status == 422 and body["error"]["fields"][0]["field"] == "abuse_limits.posts_per_minute"


def test_only_admins_change_the_limits(shop: Any) -> None:
    assert call("PATCH", "/v1/settings", claims=AGENT, body={"abuse_limits": {"rate_limit_per_ip": 1000}})[0] == 403
    assert abuse_limits(load_settings()).rate_limit_per_ip == 10
