"""A small local stand-in for API Gateway and CloudFront.

It serves web/, turns HTTP requests into API Gateway HTTP API (v2) events for the two functions,
checks bearer tokens like the JWT authorizer, and shows the mail SES has sent.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from local.jwt_check import InvalidToken, JwtVerifier

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
TEXT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/")


class LambdaContext:
    """The few context attributes Powertools reads."""

    function_name = "local"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:local"
    aws_request_id = "local"

    def __init__(self, seconds: int = 30) -> None:
        self._deadline = time.monotonic() + seconds
        self.aws_request_id = str(uuid.uuid4())

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def build_event(method: str, path: str, query: str, headers: dict[str, str], body: bytes, source_ip: str, claims: dict[str, Any] | None) -> dict[str, Any]:
    """An HTTP API payload v2.0 event, as API Gateway would send it."""
    content_type = headers.get("content-type", "")
    is_text = not body or content_type.startswith(TEXT_TYPES)
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "queryStringParameters": dict(parse_qsl(query, keep_blank_values=True)) or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": headers.get("host", "localhost"),
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "body": (body.decode("utf-8", "replace") if is_text else base64.b64encode(body).decode()) if body else None,
        "isBase64Encoded": bool(body) and not is_text,
    }
    if claims is not None:
        event["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    return event


class Gateway(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        web_root: Path,
        public_handler: Handler,
        agents_handler: Handler,
        verifier: JwtVerifier,
        config_json: dict[str, Any],
        sent_mail: Callable[[], list[dict[str, Any]]],
        cognito_origin: str,
        functions: dict[str, Handler] | None = None,
    ) -> None:
        super().__init__(address, GatewayRequestHandler)
        self.functions = functions or {}
        self.web_root = web_root
        self.public_handler = public_handler
        self.agents_handler = agents_handler
        self.verifier = verifier
        self.config_json = config_json
        self.sent_mail = sent_mail
        self.cognito_origin = cognito_origin

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


class GatewayRequestHandler(BaseHTTPRequestHandler):
    server: Gateway
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the stack prints what matters
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, body: Any) -> None:
        self._send(status, json.dumps(body).encode(), {"Content-Type": "application/json"})

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def __getattr__(self, name: str) -> Any:
        """Any other method (TRACE, CONNECT, PROPFIND, a made-up one): API Gateway refuses it with a
        4xx before any function runs; http.server would answer 501."""
        if name.startswith("do_"):
            return self._method_not_allowed
        raise AttributeError(name)

    def _method_not_allowed(self) -> None:
        self.close_connection = True
        self._json(405, {"message": "Method Not Allowed"})

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        path = url.path
        for prefix, handler, needs_token in (
            ("/public", self.server.public_handler, False),
            ("/agent", self.server.agents_handler, True),
        ):
            if path == prefix or path.startswith(prefix + "/"):
                self._invoke(handler, path[len(prefix):] or "/", url.query, needs_token)
                return
        if path.startswith(LAMBDA_INVOKE_PREFIX) and path.endswith("/invocations") and self.command == "POST":
            self._lambda_invoke(path[len(LAMBDA_INVOKE_PREFIX) : -len("/invocations")])
            return
        if path == "/config.json":
            self._json(200, self.server.config_json)
        elif path == "/_local/sent-mail.json":
            self._json(200, self.server.sent_mail())
        elif path == "/_local/sent-mail":
            self._send(200, _sent_mail_page(self.server.sent_mail()), {"Content-Type": "text/html; charset=utf-8"})
        else:
            self._static(path)

    def _invoke(self, handler: Handler, path: str, query: str, needs_token: bool) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_PAYLOAD:
            # API Gateway's own answers: a length it cannot read, or over its 10 MB payload quota.
            self.close_connection = True
            self._json(400 if length < 0 else 413, {"message": "Bad Request" if length < 0 else "Request Entity Too Large"})
            return
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        claims = None
        if needs_token and self.command != "OPTIONS":
            try:
                claims = self.server.verifier.claims(headers.get("authorization"))
            except InvalidToken:
                # What API Gateway answers when its JWT authorizer refuses a request.
                self._json(401, {"message": "Unauthorized"})
                return
        event = build_event(self.command, path, query, headers, body, self.client_address[0], claims)
        try:
            with one_request_at_a_time(handler):
                result = handler(event, LambdaContext())
        except Exception as error:  # a function that crashes: API Gateway answers 500 with its own body
            print(f"function failed: {type(error).__name__}: {error}", file=sys.stderr)
            self._json(500, {"message": "Internal Server Error"})
            return
        response_headers = {k: str(v) for k, v in (result.get("headers") or {}).items()}
        for name, values in (result.get("multiValueHeaders") or {}).items():
            response_headers[name] = ", ".join(map(str, values))
        raw = result.get("body") or ""
        payload = base64.b64decode(raw) if result.get("isBase64Encoded") else raw.encode()
        self._send(int(result.get("statusCode", 200)), payload, response_headers)

    def _lambda_invoke(self, name: str) -> None:
        """Lambda's Invoke API for the functions boto3 calls (AWS_ENDPOINT_URL_LAMBDA points here)."""
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length) if length else b""
        handler = self.server.functions.get(name.split(":")[-1])
        if handler is None:
            self._send(404, json.dumps({"Type": "User", "message": f"Function not found: {name}"}).encode(),
                       {"Content-Type": "application/json", "x-amzn-ErrorType": "ResourceNotFoundException"})
            return
        event = json.loads(payload or b"{}")
        if (self.headers.get("X-Amz-Invocation-Type") or "RequestResponse") == "Event":
            threading.Thread(target=_run_quietly, args=(handler, event), name=f"invoke-{name}", daemon=True).start()
            self._send(202, b"", {"Content-Type": "application/json"})
            return
        result = handler(event, LambdaContext(seconds=300))
        self._send(200, json.dumps(result).encode(), {"Content-Type": "application/json"})

    def _static(self, path: str) -> None:
        root = self.server.web_root.resolve()
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if root not in target.parents and target != root or not target.is_file():
            self._send(404, b"Not found", {"Content-Type": "text/plain"})
            return
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self._send(
            200,
            target.read_bytes(),
            {
                "Content-Type": content_type,
                "Cache-Control": "no-cache",
                # The same policy CloudFront's response-headers policy sets in AWS.
                "Content-Security-Policy": (
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    f"connect-src 'self' {self.server.cognito_origin}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
                ),
                "X-Content-Type-Options": "nosniff",
                "X-Frame-Options": "DENY",
                "Referrer-Policy": "same-origin",
            },
        )


LAMBDA_INVOKE_PREFIX = "/2015-03-31/functions/"
MAX_PAYLOAD = 10 * 1024 * 1024  # API Gateway's payload quota


_HANDLER_LOCKS: dict[int, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


def one_request_at_a_time(handler: Handler) -> threading.Lock:
    """A Lambda execution environment serves one request at a time (concurrency is more
    environments, each its own process), and the resolver keeps the current request on the app:
    two threads in one handler at once would read each other's route. The gateway's threads take
    turns per function, as requests do in one environment."""
    with _LOCKS_LOCK:
        return _HANDLER_LOCKS.setdefault(id(handler), threading.Lock())


def _run_quietly(handler: Handler, event: dict[str, Any]) -> None:
    """An asynchronous invocation: its failure is logged, as Lambda would, never returned."""
    try:
        handler(event, LambdaContext(seconds=300))
    except Exception as error:
        print(f"asynchronous invocation failed: {type(error).__name__}: {error}", file=sys.stderr)


def _sent_mail_page(messages: list[dict[str, Any]]) -> bytes:
    from local.mail_outbox import page

    return page(messages)
