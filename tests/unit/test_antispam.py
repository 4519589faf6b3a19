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
from shopdesk.core.validation import mailbox_of
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


def test_an_address_is_counted_by_its_mailbox_whatever_its_tags_case_or_ignored_dots(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_PER_EMAIL", "3")
    config.cache_clear()
    for n, address in enumerate(["ann.smith@gmail.com", "Ann.Smith+shop@gmail.com", "annsmith+2@googlemail.com"]):
        assert post_json(form_fields(email=address, message=f"question {n}"), ip=f"192.0.2.{n}")[0] == 201
    assert_refused_generically(post_json(form_fields(email="a.n.n.s.m.i.t.h+4@GMAIL.com", message="question 4"), ip="192.0.2.60"))
    # Elsewhere dots are part of the address: another mailbox, its own count (the tag still goes).
    assert post_json(form_fields(email="ann.smith+x@example.com", message="question 5"), ip="192.0.2.61")[0] == 201
    assert post_json(form_fields(email="annsmith@example.com", message="question 6"), ip="192.0.2.62")[0] == 201
    assert mailbox_of("A.n.n+1@GoogleMail.com") == "ann@gmail.com" and mailbox_of("a.nn+x@example.com") == "a.nn@example.com"


def test_ipv6_visitors_are_limited_per_64_block_ipv4_per_address(shop: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_PER_IP", "2")
    config.cache_clear()
    for n in range(2):
        assert post_json(form_fields(email=f"v{n}@example.com"), ip=f"2001:db8:7:7:{n}::1")[0] == 201
    assert_refused_generically(post_json(form_fields(email="v3@example.com"), ip="2001:db8:7:7:ffff:1:2:3"))
    assert post_json(form_fields(email="v4@example.com"), ip="2001:db8:7:8::1")[0] == 201  # the next /64
    assert antispam.network_of("::ffff:192.0.2.9") == antispam.network_of("192.0.2.9") == "ip:192.0.2.9"


def test_a_form_token_is_spent_by_its_post_and_a_replay_is_refused_like_a_bot(shop: Any) -> None:
    token = intake_support.old_token()
    assert post_json(form_fields(form_token=token, message="First, with the token"))[0] == 201
    assert_refused_generically(post_json(form_fields(form_token=token, message="Another message, the same token")))
    assert_refused_generically(post_json(form_fields(form_token=token, email="other@example.com", message="A bot replaying it")))
    from shopdesk.store.intake_data import UsedFormToken

    record = UsedFormToken.get(*UsedFormToken.key(token.rsplit(".", 1)[1]))
    assert record.expires_at >= int(token.split(".")[0]) + antispam.FORM_TOKEN_MAX_AGE  # kept until the token's own expiry


def test_the_same_post_sent_again_with_its_token_gets_the_first_answer_not_a_refusal(shop: Any) -> None:
    fields = form_fields(message="Did it go through?")
    first = post_json(fields)
    assert first[0] == 201 and post_json(fields) == first


def test_two_forms_shown_in_the_same_second_have_tokens_of_their_own(shop: Any) -> None:
    moment = time.time() - 30
    assert antispam.issue_form_token(moment) != antispam.issue_form_token(moment)


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
