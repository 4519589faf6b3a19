"""The local gateway checks bearer tokens the way API Gateway's JWT authorizer does for the Cognito
pool: signature against the pool's JWKS, issuer, client, expiry, token use; 401 otherwise.

Tokens are signed here with our own RSA key, served as a JWKS over HTTP: no Cognito needed.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import contact_form_app
import jwt
import pytest
import requests
import threads_api_app
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from shopdesk.api.auth import access_of

from local.gateway import Gateway
from local.jwt_check import InvalidToken, JwtVerifier

POOL = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_ShopPool"
OTHER_POOL = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OtherPool"
CLIENT = "page-client-id"
KID = "pool-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


POOL_KEY = new_key()
ATTACKER_KEY = new_key()


class _Jwks(BaseHTTPRequestHandler):
    document: bytes = b""
    requests_served = 0

    def do_GET(self) -> None:
        type(self).requests_served += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.document)))
        self.end_headers()
        self.wfile.write(self.document)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def _serve(server: ThreadingHTTPServer) -> Iterator[ThreadingHTTPServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    public = json.loads(RSAAlgorithm.to_jwk(POOL_KEY.public_key()))
    _Jwks.document = json.dumps({"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]}).encode()
    with _serve(ThreadingHTTPServer(("127.0.0.1", 0), _Jwks)) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"


@pytest.fixture
def verifier(jwks_url: str) -> JwtVerifier:
    return JwtVerifier(jwks_url, POOL, CLIENT)


@pytest.fixture
def gateway(aws: Any, verifier: JwtVerifier, tmp_path: Path) -> Iterator[str]:
    """The gateway `make run` starts, in front of the real handlers (AWS is moto in-process)."""
    (tmp_path / "index.html").write_text("<!doctype html><title>page</title>")
    server = Gateway(("127.0.0.1", 0), tmp_path, contact_form_app.handler, threads_api_app.handler, verifier, {}, lambda: [], POOL)
    with _serve(server) as running:
        yield running.url


def claims(use: str = "id", **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {"sub": "agent-sub", "iss": POOL, "iat": now, "auth_time": now, "exp": now + 3600, "token_use": use,
                            "cognito:groups": ["agent"]}
    if use == "id":
        base |= {"aud": CLIENT, "email": "agent@shop.example", "cognito:username": "agent-sub"}
    else:
        base |= {"client_id": CLIENT, "username": "agent-sub", "scope": "aws.cognito.signin.user.admin"}
    return {k: v for k, v in (base | changes).items() if v is not None}


def token(payload: dict[str, Any], key: Any = POOL_KEY, kid: str = KID, algorithm: str = "RS256") -> str:
    return jwt.encode(payload, key, algorithm=algorithm, headers={"kid": kid})


def me(url: str, authorization: str | None) -> requests.Response:
    headers = {"Authorization": authorization} if authorization is not None else {}
    return requests.get(url + "/agent/v1/me", headers=headers, timeout=10)


# --- through the gateway, in front of the agents' API -----------------------------------------------------------


def test_a_valid_id_token_reaches_the_agents_api_with_its_claims(gateway: str) -> None:
    answer = me(gateway, f"Bearer {token(claims())}")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"sub": "agent-sub", "username": "agent@shop.example", "name": "agent@shop.example", "groups": ["agent"], "is_admin": False}


REFUSED = {
    "no token": lambda: None,
    "an empty header": lambda: "",
    "not a bearer token": lambda: "Basic YWdlbnQ6cGFzc3dvcmQ=",
    "a forged signature": lambda: f"Bearer {token(claims(), key=ATTACKER_KEY)}",
    "a tampered payload": lambda: "Bearer " + _tampered(token(claims())),
    "an expired token": lambda: f"Bearer {token(claims(exp=int(time.time()) - 5))}",
    "another pool's token": lambda: f"Bearer {token(claims(iss=OTHER_POOL))}",
    "another client's token": lambda: f"Bearer {token(claims(aud='another-client'))}",
    "another client's access token": lambda: f"Bearer {token(claims('access', client_id='another-client'))}",
    "an access token where the ID token is expected": lambda: f"Bearer {token(claims('access'))}",
    "a token without token_use": lambda: f"Bearer {token(claims(token_use=None))}",
    "a token of an unknown key": lambda: f"Bearer {token(claims(), kid='someone-elses-key')}",
    "an unsigned token": lambda: "Bearer " + jwt.encode(claims(), None, algorithm="none"),
    "an HMAC token keyed with nothing secret": lambda: f"Bearer {token(claims(), key='not-the-pool-key-but-long-enough-32b', algorithm='HS256')}",
    "garbage": lambda: "Bearer not.a.jwt",
}


def _tampered(value: str) -> str:
    header, payload, signature = value.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["cognito:groups"] = ["admin"]
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_gateway_answers_401_to(gateway: str, case: str) -> None:
    answer = me(gateway, REFUSED[case]())
    assert answer.status_code == 401, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")


def test_the_public_api_needs_no_token(gateway: str) -> None:
    answer = requests.get(gateway + "/public/v1/contacts", timeout=10)
    assert answer.status_code == 200 and answer.json()["contacts"]


def test_a_refused_token_never_reaches_the_function(aws: Any, verifier: JwtVerifier, tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    def spy(event: dict[str, Any], context: Any) -> dict[str, Any]:
        calls.append(event)
        return {"statusCode": 200, "body": "{}"}

    server = Gateway(("127.0.0.1", 0), tmp_path, spy, spy, verifier, {}, lambda: [], POOL)
    with _serve(server) as running:
        assert me(running.url, f"Bearer {token(claims(), key=ATTACKER_KEY)}").status_code == 401
        assert not calls
        assert me(running.url, f"Bearer {token(claims())}").status_code == 200
    (event,) = calls
    passed_on = event["requestContext"]["authorizer"]["jwt"]["claims"]
    assert passed_on["sub"] == "agent-sub" and passed_on["token_use"] == "id" and passed_on["aud"] == CLIENT


# --- the verifier itself ---------------------------------------------------------------------------------------------


def test_the_verifier_fetches_the_jwks_once_and_reuses_the_keys(verifier: JwtVerifier) -> None:
    before = _Jwks.requests_served
    for _ in range(3):
        assert verifier.claims(f"Bearer {token(claims())}")["sub"] == "agent-sub"
    assert _Jwks.requests_served - before == 1


def test_the_verifier_accepts_the_clients_access_token_like_api_gateway(verifier: JwtVerifier) -> None:
    """API Gateway's authorizer checks client_id for access tokens; shopdesk.api.auth then wants the ID token."""
    assert verifier.claims(f"Bearer {token(claims('access'))}")["token_use"] == "access"


def test_the_verifier_allows_no_leeway_on_expiry(verifier: JwtVerifier) -> None:
    with pytest.raises(InvalidToken):
        verifier.claims(f"Bearer {token(claims(exp=int(time.time()) - 1))}")


# --- the authorization matrix: every route of the agents' API, from its route table ----------------------------

ROUTES = sorted(
    {(r.method, re.sub(r"<(\w+)>", r"{\1}", r.path)): access_of(r.func) for r in threads_api_app.app._static_routes + threads_api_app.app._dynamic_routes}.items()
)
MATRIX_REFUSED = ["no token", "an expired token", "another client's token", "another pool's token", "a forged signature", "a tampered payload"]


def _concrete(path: str) -> str:
    values = {"number": "1", "message_id": "abc", "index": "0", "contact_id": "webmaster", "value": "x@example.com", "reply_id": "r1"}
    return re.sub(r"\{(\w+)\}", lambda found: values.get(found[1], "x"), path)


def _call(gateway: str, method: str, path: str, authorization: str | None) -> requests.Response:
    headers = {"Content-Type": "application/json"} | ({"Authorization": authorization} if authorization is not None else {})
    return requests.request(method, gateway + "/agent" + _concrete(path), headers=headers, data="{}" if method in ("POST", "PUT", "PATCH") else None, timeout=10)


# The one route without a token: the OAuth2 provider sends the admin's browser back to it, and it
# accepts only its own signed, one-time `state` (tests/unit/test_mailbox_oauth.py).
SIGNED_STATE = [route for route, access in ROUTES if access == "signed_state"]
TOKEN_ROUTES = [(route, access) for route, access in ROUTES if access != "signed_state"]


def test_the_matrix_covers_every_route_and_every_route_declares_its_access() -> None:
    assert len(ROUTES) >= 30 and {access for _, access in ROUTES} == {"agent", "admin", "signed_state"}
    assert SIGNED_STATE == [("GET", "/v1/mailboxes/oauth2/callback")]


@pytest.mark.parametrize("case", MATRIX_REFUSED)
def test_every_route_refuses_a_bad_token_with_401_before_the_function(gateway: str, case: str) -> None:
    refused = [(method, path, answer.status_code) for (method, path), _ in TOKEN_ROUTES if (answer := _call(gateway, method, path, REFUSED[case]())).status_code != 401]
    assert refused == []


def test_the_route_without_a_token_refuses_anything_but_its_own_state(gateway: str) -> None:
    for authorization in (None, f"Bearer {token(claims())}"):
        for method, path in SIGNED_STATE:
            assert _call(gateway, method, path, authorization).status_code == 403


def test_every_admin_route_refuses_an_agent_with_403(gateway: str) -> None:
    agent = f"Bearer {token(claims())}"
    admin_routes = [route for route, access in ROUTES if access == "admin"]
    assert admin_routes
    refused = {(method, path): _call(gateway, method, path, agent).status_code for method, path in admin_routes}
    assert set(refused.values()) == {403}, refused
