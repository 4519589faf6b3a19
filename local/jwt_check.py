"""Checks bearer tokens the way API Gateway's JWT authorizer does for a Cognito pool."""

from __future__ import annotations

import threading
from typing import Any

import jwt
import requests


class InvalidToken(Exception):
    pass


class JwtVerifier:
    """Signature against the pool's JWKS, issuer, audience (aud or client_id), expiry, token use."""

    def __init__(self, jwks_url: str, issuer: str, audience: str) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self._keys: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _key(self, kid: str) -> Any:
        with self._lock:
            if kid not in self._keys:
                document = requests.get(self.jwks_url, timeout=5).json()
                self._keys = {k["kid"]: jwt.PyJWK(k).key for k in document.get("keys", [])}
            if kid not in self._keys:
                raise InvalidToken("unknown signing key")
            return self._keys[kid]

    def claims(self, authorization: str | None) -> dict[str, Any]:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise InvalidToken("no bearer token")
        token = authorization.split(" ", 1)[1].strip()
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(
                token,
                self._key(header.get("kid", "")),
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"require": ["exp", "iss", "sub", "token_use"], "verify_aud": False},
                leeway=0,
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(str(error)) from None
        use = claims.get("token_use")
        audience = claims.get("client_id") if use == "access" else claims.get("aud") if use == "id" else None
        if audience != self.audience:
            raise InvalidToken("token issued for another client")
        return claims
