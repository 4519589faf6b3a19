"""A small, real OAuth2 authorization server on loopback, standing in for Google and
Microsoft in `make run` and the tests: `OAUTH2_ENDPOINT_BASE` points the desk here.

  GET  /<provider>/authorize   the authorization-code flow with PKCE (S256 only); it approves at
                               once as the `login_hint` account (a local stand-in has no one to ask)
                               and sends the browser to the registered redirect URI with code+state
  POST /<provider>/token       authorization_code (checks client, redirect URI and the PKCE verifier)
                               and refresh_token (rotates: the old refresh token stops working)
  POST /google/revoke          revokes a grant by any of its tokens (RFC 7009; Microsoft has none)
  POST /introspect             RFC 7662, for Dovecot's oauth2 passdb: {"active", "email", ...}
  POST /_local/revoke-user     (local only) the account withdraws every grant, as at myaccount.google.com
  POST /_local/access-token    (local only) a fresh access token of the account's live grant, for
                               tests that put mail into its mailbox by XOAUTH2

Codes live 60 s and are used once; access tokens live `access_seconds` (tests make that short).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOST = "127.0.0.1"


@dataclass
class Grant:
    user: str
    client_id: str
    scope: str
    refresh_token: str
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expires at
    revoked: bool = False
    refreshes: int = 0
    rotated_out: set[str] = field(default_factory=set)  # its earlier refresh tokens


@dataclass
class Code:
    grant_user: str
    client_id: str
    redirect_uri: str
    challenge: str
    scope: str
    expires_at: float


class OAuthState:
    def __init__(self, clients: dict[str, str], access_seconds: int = 3600) -> None:
        self.clients = clients  # client id -> secret
        self.access_seconds = access_seconds
        self.codes: dict[str, Code] = {}
        self.grants: list[Grant] = []
        self.lock = threading.Lock()
        self.redirect_uris: set[str] | None = None  # None: any (the desk's callback is registered at start)

    # --- what tests and `make run` use directly
    def revoke_user(self, user: str) -> int:
        with self.lock:
            found = [g for g in self.grants if g.user.lower() == user.lower() and not g.revoked]
            for grant in found:
                grant.revoked = True
            return len(found)

    def access_token_for(self, user: str) -> str | None:
        with self.lock:
            grant = self.grant_of(user)
            return self._issue_access(grant)[0] if grant else None

    def grant_of(self, user: str) -> Grant | None:
        live = [g for g in self.grants if g.user.lower() == user.lower() and not g.revoked]
        return live[-1] if live else None

    def _issue_access(self, grant: Grant) -> tuple[str, int]:
        token = "at-" + secrets.token_urlsafe(24)
        grant.access_tokens[token] = time.time() + self.access_seconds
        return token, self.access_seconds

    def _client_ok(self, form: dict[str, str]) -> bool:
        cid, secret = form.get("client_id", ""), form.get("client_secret", "")
        return cid in self.clients and secrets.compare_digest(self.clients[cid], secret)

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str]]:
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") not in self.clients or not redirect.startswith(("http://127.0.0.1", "http://localhost", "https://")):
            return 400, {"error": "invalid_client"}
        if self.redirect_uris is not None and redirect not in self.redirect_uris:
            return 400, {"error": "invalid_request", "error_description": "redirect_uri is not registered"}
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256" or len(query.get("code_challenge", "")) < 43:
            return 302, {"location": _with(redirect, error="invalid_request", state=query.get("state", ""))}
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = Code(query.get("login_hint") or "user@example.test", query["client_id"], redirect, query["code_challenge"], query.get("scope", ""), time.time() + 60)
        return 302, {"location": _with(redirect, code=code, state=query.get("state", ""))}

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if not self._client_ok(form):
            return 401, {"error": "invalid_client"}
        with self.lock:
            if form.get("grant_type") == "authorization_code":
                code = self.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if code is None or code.expires_at < time.time() or code.client_id != form["client_id"] or code.redirect_uri != form.get("redirect_uri") or not secrets.compare_digest(challenge, code.challenge):
                    return 400, {"error": "invalid_grant"}
                grant = Grant(code.grant_user, code.client_id, code.scope, "rt-" + secrets.token_urlsafe(24))
                self.grants.append(grant)
            elif form.get("grant_type") == "refresh_token":
                presented = form.get("refresh_token", "")
                grant = next((g for g in self.grants if g.refresh_token == presented and g.client_id == form["client_id"]), None)
                if grant is None or grant.revoked:
                    for g in self.grants:  # a rotated-out token replayed: that grant is revoked (reuse detection)
                        if presented in g.rotated_out:
                            g.revoked = True
                    return 400, {"error": "invalid_grant"}
                grant.rotated_out.add(presented)
                grant.refresh_token = "rt-" + secrets.token_urlsafe(24)  # rotation
                grant.refreshes += 1
            else:
                return 400, {"error": "unsupported_grant_type"}
            access, seconds = self._issue_access(grant)
            return 200, {"access_token": access, "token_type": "Bearer", "expires_in": seconds, "refresh_token": grant.refresh_token, "scope": grant.scope}

    def revoke(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """RFC 7009: the client authenticates; a token of its own grants revokes that whole grant (as
        Google does: the refresh token and every access token); an unknown token is answered 200 too."""
        if not self._client_ok(form):
            return 401, {"error": "invalid_client"}
        token = form.get("token", "")
        with self.lock:
            for grant in self.grants:
                if grant.client_id == form["client_id"] and (grant.refresh_token == token or token in grant.access_tokens):
                    grant.revoked = True
        return 200, {}

    def introspect(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        token = form.get("token", "")
        with self.lock:
            for grant in self.grants:
                expires = grant.access_tokens.get(token)
                if expires is not None and not grant.revoked and expires > time.time():
                    return 200, {"active": True, "email": grant.user, "username": grant.user, "scope": grant.scope, "exp": int(expires)}
        return 200, {"active": False}


def _with(url: str, **params: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        if status == 302:
            self.send_response(302)
            self.send_header("Location", body["location"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path.endswith("/authorize"):
            self._answer(*self.server.state.authorize(query))
        else:
            self._answer(404, {"error": "not_found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode() if length else ""))
        path = urllib.parse.urlsplit(self.path).path
        state = self.server.state
        if path.endswith("/token"):
            self._answer(*state.token(form))
        elif path == "/google/revoke":  # Microsoft has no per-token revocation endpoint
            self._answer(*state.revoke(form))
        elif path == "/introspect":
            self._answer(*state.introspect(form))
        elif path == "/_local/revoke-user":
            self._answer(200, {"revoked": state.revoke_user(form.get("user", ""))})
        elif path == "/_local/access-token":
            token = state.access_token_for(form.get("user", ""))
            self._answer(200 if token else 404, {"access_token": token} if token else {"error": "no_grant"})
        else:
            self._answer(404, {"error": "not_found"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: OAuthState) -> None:
        super().__init__(address, _Handler)
        self.state = state


class LocalOAuthServer:
    """Runs in a thread; `base_url` is what OAUTH2_ENDPOINT_BASE is set to."""

    def __init__(self, port: int = 0, clients: dict[str, str] | None = None, access_seconds: int = 3600) -> None:
        self.state = OAuthState(clients or {"local-google-client": "local-google-secret", "local-microsoft-client": "local-microsoft-secret"}, access_seconds)
        self.httpd = _Server((HOST, port), self.state)
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://{HOST}:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="local-oauth2", daemon=True)

    def start(self) -> LocalOAuthServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


if __name__ == "__main__":
    server = LocalOAuthServer(int(sys.argv[1]) if len(sys.argv) > 1 else 0).start()
    print(f"local OAuth2 server on {server.base_url}", flush=True)
    server.thread.join()
