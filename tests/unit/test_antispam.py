"""Anti-spam (SPEC §3): each rule refuses with the same generic error a person would get, and a
refused post stores nothing."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs

import boto3
import pytest
from shopdesk.core.aws import forget_secrets
from shopdesk.core.config import config
from shopdesk.intake import antispam
from shopdesk.intake.requests import BlockedSenderRequest
from shopdesk.store.models import RateWindow, Thread

from tests.unit import intake_support
from tests.unit.intake_support import form_fields, post_json

shop = intake_support.shop
GENERIC = {
    "code": "spam_suspected",
    "message": "Your message could not be sent. Please try again in a few minutes.",
    "fields": [{"field": "form", "code": "spam_suspected", "message": "Your message could not be sent. Please try again in a few minutes."}],
}


def nothing_stored() -> bool:
    return list(Thread.gsi1.query("TL#ALL")) == []


def assert_refused_generically(answer: tuple[int, dict[str, Any]]) -> None:
    status, body = answer
    assert status == 422 and body["error"] == GENERIC


def test_a_filled_honeypot_is_refused_and_nothing_is_stored(shop: Any) -> None:
    assert_refused_generically(post_json(form_fields(website="http://cheap-pills.example")))
    assert nothing_stored()


def test_a_missing_forged_or_expired_form_token_is_refused(shop: Any) -> None:
    assert_refused_generically(post_json(form_fields(form_token=None)))
    issued = int(time.time()) - 60
    assert_refused_generically(post_json(form_fields(form_token=f"{issued}.{'0' * 32}")))
    assert_refused_generically(post_json(form_fields(form_token=intake_support.old_token(3 * 3600))))
    assert nothing_stored()


def test_a_form_sent_faster_than_a_person_could_fill_it_is_refused(shop: Any) -> None:
    assert_refused_generically(post_json(form_fields(form_token=antispam.issue_form_token())))
    assert nothing_stored()
    assert post_json(form_fields(form_token=intake_support.old_token(config().min_fill_seconds)))[0] == 201


def test_the_refusal_is_generic_in_the_visitors_language(shop: Any) -> None:
    status, body = post_json(form_fields(website="x", lang="es"))
    assert status == 422 and body["error"]["message"] == "No se ha podido enviar su mensaje. Inténtelo de nuevo dentro de unos minutos."


def test_an_ip_address_is_limited_per_window_whatever_the_address_it_writes_from(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_PER_IP", "2")
    config.cache_clear()
    for n in range(2):
        assert post_json(form_fields(email=f"v{n}@example.com"), ip="192.0.2.9")[0] == 201
    assert_refused_generically(post_json(form_fields(email="v3@example.com"), ip="192.0.2.9"))
    assert post_json(form_fields(email="v3@example.com"), ip="192.0.2.10")[0] == 201
    [window] = list(RateWindow.query("RATE#ip:192.0.2.9"))
    assert int(window.count) == 3 and window.expires_at > time.time()


def test_an_address_is_limited_per_window_whatever_the_ip_it_writes_from(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_PER_EMAIL", "2")
    config.cache_clear()
    for n in range(2):
        assert post_json(form_fields(message=f"question {n}"), ip=f"192.0.2.{n}")[0] == 201
    assert_refused_generically(post_json(form_fields(message="question 3"), ip="192.0.2.50"))


def test_blocked_addresses_and_domains_are_refused(shop: Any) -> None:
    antispam.add_blocked(BlockedSenderRequest(value="Spammer@Example.com"), "admin@shop.example")
    antispam.add_blocked(BlockedSenderRequest(value="@junk.example"), "admin@shop.example")
    assert_refused_generically(post_json(form_fields(email="spammer@example.com")))
    assert_refused_generically(post_json(form_fields(email="anyone@JUNK.example")))
    assert nothing_stored()
    assert post_json(form_fields(email="friend@example.com"))[0] == 201
    assert antispam.is_blocked_sender("spammer@example.com") and antispam.is_blocked_sender("x@junk.example")
    assert not antispam.is_blocked_sender("friend@example.com")


# --- CAPTCHA, against a local stand-in for the provider's verify endpoint --------------------------


@pytest.fixture
def captcha(shop: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, list[str]]]]:
    asked: list[dict[str, list[str]]] = []

    class Verify(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
            asked.append(form)
            ok = form.get("secret") == ["captcha-secret"] and form.get("response") == ["good-answer"]
            body = json.dumps({"success": ok}).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Verify)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    boto3.client("secretsmanager", region_name="eu-west-1").create_secret(Name="shopdesk/captcha", SecretString="captcha-secret")
    monkeypatch.setenv("CAPTCHA_PROVIDER", "turnstile")
    monkeypatch.setenv("CAPTCHA_SECRET_ID", "shopdesk/captcha")
    monkeypatch.setenv("CAPTCHA_SITE_KEY", "site-key-1")
    monkeypatch.setenv("CAPTCHA_VERIFY_URL", f"http://127.0.0.1:{server.server_port}/siteverify")
    config.cache_clear()
    forget_secrets()
    yield asked
    server.shutdown()
    server.server_close()


def test_with_a_captcha_secret_configured_the_answer_is_verified_with_the_provider(captcha: list[Any]) -> None:
    assert_refused_generically(post_json(form_fields()))  # no answer at all
    assert_refused_generically(post_json(form_fields(captcha="bad-answer")))
    assert nothing_stored()
    status, body = post_json(form_fields(**{"cf-turnstile-response": "good-answer"}), ip="198.51.100.23")
    assert status == 201
    assert captcha[-1]["remoteip"] == ["198.51.100.23"] and captcha[-1]["secret"] == ["captcha-secret"]
    from tests.unit.intake_support import call, event

    _, form, _ = call(event("GET", "/v1/form"))
    assert form["captcha"] == {"provider": "turnstile", "site_key": "site-key-1"}
    assert "captcha-secret" not in json.dumps(form)


# --- the blocked-sender list, managed by admins on the agents' API ---------------------------------


def agents_call(method: str, path: str, groups: str, body: Any = None) -> tuple[int, Any]:
    from threads_api_app import handler

    evt = intake_support.event(method, path, json.dumps(body) if body is not None else None, {"content-type": "application/json"})
    evt["requestContext"]["authorizer"] = {"jwt": {"claims": {"sub": "s-1", "email": "admin@shop.example", "cognito:groups": groups}, "scopes": None}}
    result = handler(evt, None)
    return result["statusCode"], json.loads(result["body"]) if result.get("body") else None


def test_admins_list_add_and_remove_blocked_senders_and_agents_may_not(shop: Any) -> None:
    assert agents_call("POST", "/v1/blocked-senders", "[admin agent]", {"value": "@spam.example"})[0] == 201
    assert agents_call("POST", "/v1/blocked-senders", "[admin agent]", {"value": "ann@spam.example"})[0] == 201
    status, body = agents_call("POST", "/v1/blocked-senders", "[admin]", {"value": "not a sender"})
    assert status == 422 and body["error"]["fields"][0]["code"] == "invalid_blocked_sender"
    status, body = agents_call("GET", "/v1/blocked-senders", "[admin]")
    assert status == 200 and [b["value"] for b in body["blocked_senders"]] == ["@spam.example", "ann@spam.example"]
    assert body["blocked_senders"][0]["created_by"] == "admin@shop.example"
    assert agents_call("GET", "/v1/blocked-senders", "[agent]")[0] == 403
    assert agents_call("DELETE", "/v1/blocked-senders/%40spam.example", "[agent]")[0] == 403
    assert agents_call("DELETE", "/v1/blocked-senders/%40spam.example", "[admin]")[0] == 204
    assert agents_call("DELETE", "/v1/blocked-senders/%40spam.example", "[admin]")[0] == 404
    assert [b["value"] for b in agents_call("GET", "/v1/blocked-senders", "[admin]")[1]["blocked_senders"]] == ["ann@spam.example"]
