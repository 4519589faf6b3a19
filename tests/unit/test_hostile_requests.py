"""Hostile or clumsy requests on the agents' API and the local gateway get a clear 4xx, never a 500:
JSON nested absurdly deep, too large, half a UTF-16 pair, no Content-Type, the wrong one, methods
API Gateway would refuse; and two admins saving the settings at once lose nothing."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import contact_form_app
import pytest
import threads_api_app
from api_calls import ADMIN, agents_api, public_api
from shopdesk.admin import shop_settings
from shopdesk.admin.requests import SettingsInput
from shopdesk.api.http import MAX_JSON_CHARACTERS
from shopdesk.store.settings import load_settings

from local.gateway import Gateway


def test_json_nested_a_hundred_thousand_deep_is_a_400_not_a_crash(aws: Any) -> None:
    for body in ("[" * 100_000 + "]" * 100_000, '{"names":' * 50_000 + "1" + "}" * 50_000):
        for path in ("/v1/contacts", "/v1/threads/bulk"):
            answer = agents_api("POST", path, body, ADMIN)
            assert answer.status == 400 and answer.error_code == "json_too_deep", (path, answer.body)


def test_brackets_inside_strings_are_not_nesting(aws: Any) -> None:
    answer = agents_api("POST", "/v1/contacts", {"names": {"en": "Sales"}, "descriptions": {"en": "[" * 500 + "{" * 500}}, ADMIN)
    assert answer.status == 201, answer.body


def test_a_body_over_the_limit_is_a_413(aws: Any) -> None:
    answer = agents_api("POST", "/v1/contacts", {"names": {"en": "x" * MAX_JSON_CHARACTERS}}, ADMIN)
    assert answer.status == 413 and answer.error_code == "body_too_large"


def test_half_a_utf16_pair_is_a_422_on_its_field(aws: Any) -> None:
    for lone in ("\\ud800", "\\udc00", "a\\ud83d b"):
        answer = agents_api("POST", "/v1/contacts", '{"names": {"en": "' + lone + '"}}', ADMIN)
        assert answer.status == 422 and answer.field_errors == {"names.en": "invalid_text"}, answer.body
    whole = agents_api("POST", "/v1/contacts", '{"names": {"en": "Caf\\u00e9 \\ud83d\\ude00"}}', ADMIN)
    assert whole.status == 201 and whole.body["names"]["en"] == "Café 😀"


def test_a_json_body_without_content_type_is_read_as_json(aws: Any) -> None:
    answer = agents_api("POST", "/v1/contacts", json.dumps({"names": {"en": "Sales"}}), ADMIN, headers={"content-type": ""})
    assert answer.status == 201, answer.body


def test_a_body_of_another_type_is_a_415(aws: Any) -> None:
    answer = agents_api("POST", "/v1/contacts", json.dumps({"names": {"en": "Sales"}}), ADMIN, headers={"content-type": "text/plain"})
    assert answer.status == 415 and answer.error_code == "unsupported_body"


def test_validation_errors_speak_shopdesks_shape_in_the_callers_language(aws: Any) -> None:
    english = agents_api("PATCH", "/v1/settings", {"imap": {"port": "993"}, "allow_uploads": 1}, ADMIN)
    spanish = agents_api("PATCH", "/v1/settings", {"imap": {"port": "993"}, "allow_uploads": 1}, ADMIN, query="lang=es")
    assert english.status == 422 and english.error_code == "validation_failed"
    assert english.field_errors == {"imap.port": "invalid_port", "allow_uploads": "invalid_boolean"}
    assert [f["message"] for f in english.body["error"]["fields"]] != [f["message"] for f in spanish.body["error"]["fields"]]


# --- two admins saving the settings at once --------------------------------------------------------


def _stale_reads(monkeypatch: pytest.MonkeyPatch, stale: Any, times: int) -> None:
    """The first `times` reads of the settings return what was read before another admin saved."""
    calls = {"n": 0}

    def load() -> Any:
        calls["n"] += 1
        return stale() if calls["n"] <= times else load_settings()

    monkeypatch.setattr(shop_settings, "load_settings", load)


def test_two_admins_saving_different_settings_at_once_both_keep_their_change(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert agents_api("PATCH", "/v1/settings", {"notify_contact": False}, ADMIN).status == 200
    before = load_settings()
    assert agents_api("PATCH", "/v1/settings", {"allow_uploads": False}, ADMIN).status == 200  # the other admin
    _stale_reads(monkeypatch, lambda: before, times=1)
    answer = agents_api("PATCH", "/v1/settings", {"notify_contact": True}, ADMIN)
    assert answer.status == 200
    assert answer.body["allow_uploads"] is False and answer.body["notify_contact"] is True
    stored = load_settings()
    assert stored.allow_uploads is False and stored.notify_contact is True


def test_a_save_that_never_finds_the_settings_as_read_is_a_409(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    assert agents_api("PATCH", "/v1/settings", {"notify_contact": False}, ADMIN).status == 200
    before = load_settings()
    agents_api("PATCH", "/v1/settings", {"allow_uploads": False}, ADMIN)
    _stale_reads(monkeypatch, lambda: before, times=shop_settings.SAVE_ATTEMPTS)
    answer = agents_api("PATCH", "/v1/settings", {"notify_contact": True}, ADMIN)
    assert answer.status == 409 and answer.error_code == "settings_changed"
    assert load_settings().notify_contact is False


def test_a_settings_save_keeps_the_contacts_seeded_flag(aws: Any) -> None:
    agents_api("GET", "/v1/contacts", claims=ADMIN)  # seeds the default contacts, flagging the settings item
    agents_api("PATCH", "/v1/settings", {"allow_uploads": False}, ADMIN)
    assert load_settings().contacts_seeded is True


def test_update_settings_takes_the_model(aws: Any) -> None:
    assert shop_settings.update_settings(SettingsInput(confirm_visitor=False))["confirm_visitor"] is False


# --- the local gateway -----------------------------------------------------------------------------


@pytest.fixture
def gateway(aws: Any, tmp_path: Path) -> Iterator[tuple[str, int]]:
    (tmp_path / "index.html").write_text("<!doctype html>")
    server = Gateway(("127.0.0.1", 0), tmp_path, contact_form_app.handler, threads_api_app.handler, None, {}, lambda: [], "")  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[0], server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def _request(address: tuple[str, int], method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None) -> int:
    connection = http.client.HTTPConnection(*address, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "BREW"])
def test_the_gateway_refuses_methods_api_gateway_refuses_with_a_4xx(gateway: tuple[str, int], method: str) -> None:
    for path in ("/public/v1/contacts", "/agent/v1/me", "/index.html"):
        assert 400 <= _request(gateway, method, path) < 500, (method, path)


def test_the_gateway_answers_unknown_paths_and_bad_lengths_with_a_4xx(gateway: tuple[str, int]) -> None:
    assert _request(gateway, "GET", "/public/v1/nowhere") == 404
    assert _request(gateway, "DELETE", "/public/v1/contacts") == 404
    assert _request(gateway, "GET", "/no/such/file") == 404
    assert _request(gateway, "POST", "/public/v1/uploads", {"Content-Length": "not-a-number"}) == 400


@pytest.mark.parametrize("content_type", ["multipart/form-data", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"])
def test_a_route_that_reads_json_refuses_a_form_body_with_a_415_whatever_its_boundary(aws: Any, content_type: str) -> None:
    """Found by the contract run: multipart without a boundary was a 500 on every JSON route."""
    answer = agents_api("POST", "/v1/blocked-senders", '{"value": "ann@spam.example"}', ADMIN, headers={"content-type": content_type})
    assert answer.status == 415 and answer.error_code == "unsupported_body"
    answer = public_api("POST", "/v1/uploads", '{"filename": "a.pdf"}', headers={"content-type": content_type})
    assert answer.status == 415 and answer.error_code == "unsupported_body"


def test_the_agents_api_refuses_a_language_it_does_not_speak_as_its_document_says(aws: Any) -> None:
    assert agents_api("GET", "/v1/me", claims=ADMIN, query="lang=es").status == 200
    answer = agents_api("GET", "/v1/me", claims=ADMIN, query="lang=fr")
    assert answer.status == 422 and answer.field_errors == {"lang": "unknown_language"}
    assert agents_api("GET", "/v1/me", query="lang=fr").status == 401  # a stranger learns nothing


def test_a_contact_patch_with_a_null_position_keeps_its_place(aws: Any) -> None:
    """Found by the contract run: `{"position": null}` was a 500 (a null written to the position)."""
    contacts = agents_api("GET", "/v1/contacts", claims=ADMIN).body["contacts"]
    answer = agents_api("PATCH", f"/v1/contacts/{contacts[1]['id']}", {"position": None}, ADMIN)
    assert answer.status == 200 and answer.body["position"] == contacts[1]["position"]


@pytest.mark.parametrize("body", [[None, None], "text", 5])
def test_a_json_body_that_is_not_an_object_is_a_422_on_every_model_route(aws: Any, body: Any) -> None:
    """Found by the contract run: `[null, null]` was taken as no body and saved nothing with a 200."""
    for method, path in (("PATCH", "/v1/settings"), ("PATCH", "/v1/contacts/webmaster"), ("POST", "/v1/threads/bulk")):
        answer = agents_api(method, path, json.dumps(body), ADMIN)
        assert (answer.status, answer.field_errors) == (422, {"body": "validation_failed"}), (method, path, answer)
