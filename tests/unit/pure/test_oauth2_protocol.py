"""OAuth2 for mailboxes, the protocol alone: PKCE S256, the signed state, the authorize
URL and the XOAUTH2 string. Storage and the flow are in tests/unit/test_mailbox_oauth.py."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from shopdesk.core.config import config
from shopdesk.mail import oauth2

pytestmark = pytest.mark.pure
KEY = b"this stack's state key"


def test_the_pkce_challenge_is_rfc_7636s_s256_example() -> None:
    assert oauth2.pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_a_fresh_verifier_is_43_unreserved_characters_and_never_repeats() -> None:
    pairs = [oauth2.pkce_pair() for _ in range(20)]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", verifier) for verifier, _ in pairs)
    assert all(oauth2.pkce_challenge(verifier) == challenge for verifier, challenge in pairs)
    assert len({verifier for verifier, _ in pairs}) == 20


def test_a_state_this_stack_signed_gives_back_its_nonce() -> None:
    state = oauth2.sign_state("nonce-1", KEY, issued_at=1_000_000)
    assert oauth2.verify_state(state, KEY, now=1_000_030) == "nonce-1"


@pytest.mark.parametrize(
    "state",
    [
        oauth2.sign_state("nonce-1", b"another stack's key", issued_at=1_000_000),  # forged
        oauth2.sign_state("nonce-1", KEY, issued_at=1_000_000).replace("nonce-1", "nonce-2"),  # another nonce under its signature
        oauth2.sign_state("nonce-1", KEY, issued_at=1_000_000).replace(".1000000.", ".1000500."),  # made younger
        oauth2.sign_state("nonce-1", KEY, issued_at=1_000_000 - oauth2.STATE_SECONDS - 1),  # expired
        oauth2.sign_state("nonce-1", KEY, issued_at=1_000_100),  # from the future
        "",
        "nonce-1",
        "a.b.c.d",
        "x" * 300,
    ],
    ids=["forged", "other-nonce", "made-younger", "expired", "future", "empty", "unsigned", "four-parts", "long"],
)
def test_any_other_state_is_refused(state: str) -> None:
    assert oauth2.verify_state(state, KEY, now=1_000_000) is None


def test_the_authorize_url_asks_for_a_code_with_pkce_s256_the_scopes_and_the_registered_redirect(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTH2_MICROSOFT_CLIENT_ID", "ms-client")
    monkeypatch.delenv("OAUTH2_REDIRECT_URI", raising=False)
    monkeypatch.delenv("OAUTH2_ENDPOINT_BASE", raising=False)
    config.cache_clear()
    try:
        callback = oauth2.redirect_uri("api.example")  # the agents' API's own domain
        url = urllib.parse.urlsplit(oauth2.authorize_url("microsoft", "the-state", "the-challenge", callback, login_hint="shop@contoso.example"))
        query = dict(urllib.parse.parse_qsl(url.query))
    finally:
        config.cache_clear()
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize"
    assert query == {
        "response_type": "code",
        "client_id": "ms-client",
        "redirect_uri": "https://api.example/v1/mailboxes/oauth2/callback",
        "scope": "https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access",
        "state": "the-state",
        "code_challenge": "the-challenge",
        "code_challenge_method": "S256",
        "login_hint": "shop@contoso.example",
    }


def test_one_setting_points_every_provider_endpoint_at_a_local_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTH2_ENDPOINT_BASE", "http://127.0.0.1:9999/")
    config.cache_clear()
    try:
        assert oauth2.endpoints("google") == oauth2.Endpoints(
            "http://127.0.0.1:9999/google/authorize", "http://127.0.0.1:9999/google/token", "http://127.0.0.1:9999/google/revoke"
        )
    finally:
        config.cache_clear()


def test_the_xoauth2_string_is_the_sasl_initial_response() -> None:
    assert oauth2.xoauth2_string("shop@gmail.example", "ya29.token") == "user=shop@gmail.example\x01auth=Bearer ya29.token\x01\x01"
