"""Intake: the AWS requests one accepted form message costs, and the handler's own overhead.

Runs in-process against the local stack's AWS (moto's server on a free port, provisioned as
`make run` does) and calls the public function's handler with API Gateway events. Every botocore
request (boto3's and pynamodb's) is counted by operation and timed; the handler's time is reported
as a ratio to the time spent in those AWS calls. Target: per accepted message, at most
one read and one transactional write beyond the thread-number allocation (plus the two rate-limit
counters, which count refused posts too, and the conditional put that spends the form token).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNS = 20


class Recorder:
    """Counts and times every botocore API call made while it is on."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.seconds = 0.0
        self.on = False

    def install(self) -> None:
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        recorder = self

        def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if not recorder.on:
                return original(client, operation, params)
            started = time.perf_counter()
            try:
                return original(client, operation, params)
            finally:
                recorder.seconds += time.perf_counter() - started
                recorder.calls[recorder.label(client.meta.service_model.service_name, operation, params)] += 1

        BaseClient._make_api_call = counted  # type: ignore[method-assign]

    @staticmethod
    def label(service: str, operation: str, params: dict[str, Any]) -> str:
        if operation in ("UpdateItem", "PutItem", "GetItem", "DeleteItem"):
            key = params.get("Key") or params.get("Item") or {}
            pk = str((key.get("PK") or {}).get("S", ""))
            return f"{service} {operation} {pk.split('#', 1)[0]}"
        return f"{service} {operation}"

    def measure(self, action: Callable[[], Any]) -> tuple[Counter[str], float, float]:
        self.calls, self.seconds, self.on = Counter(), 0.0, True
        started = time.perf_counter()
        try:
            action()
        finally:
            self.on = False
        return self.calls, time.perf_counter() - started, self.seconds


def main() -> None:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    sys.path[:0] = [str(ROOT / "layers/common"), str(ROOT / "functions/contact_form"), str(ROOT)]
    from local.stack import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        run(f"http://127.0.0.1:{port}")
    finally:
        server.stop()


def run(endpoint: str) -> None:
    from local.aws_setup import function_environment, provision

    os.environ.update(function_environment(provision(endpoint)))
    os.environ["RATE_LIMIT_PER_IP"] = os.environ["RATE_LIMIT_PER_EMAIL"] = "100000"
    os.environ["POWERTOOLS_LOG_LEVEL"] = "ERROR"
    from contact_form_app import handler
    from shopdesk.admin import contacts
    from shopdesk.intake import antispam
    from shopdesk.store import threads
    from shopdesk.store.models import ShopSettings

    recorder = Recorder()
    recorder.install()
    contacts.all_contacts()
    forward_id = contacts.create_contact({"names": {"en": "Press"}, "email": "press@shop.example", "save_messages": False})["id"]

    def settings(confirm: bool) -> None:
        item = ShopSettings(*ShopSettings.key())
        item.update(actions=[ShopSettings.confirm_visitor.set(confirm), ShopSettings.notify_contact.set(False), ShopSettings.kind.set(ShopSettings)])

    counter = iter(range(10**6))
    def post(**fields: Any) -> dict[str, Any]:
        token = antispam.issue_form_token(time.time() - 60)  # single use: one per form shown
        body = {"contact_id": "customer-service", "lang": "en", "form_token": token, "website": ""} | fields
        event = {
            "version": "2.0", "routeKey": "$default", "rawPath": "/v1/messages", "rawQueryString": "",
            "headers": {"content-type": "application/json", "accept": "application/json", "user-agent": "bench"},
            "requestContext": {"http": {"method": "POST", "path": "/v1/messages", "sourceIp": "192.0.2.1", "userAgent": "bench"},
                               "requestId": "b", "routeKey": "$default", "stage": "$default"},
            "body": json.dumps(body), "isBase64Encoded": False,
        }
        answer = handler(event, None)
        assert answer["statusCode"] == 201, answer
        return json.loads(answer["body"])

    post(email="warm-up@example.com", message="warm up")  # secrets, clients, imports

    scenarios: list[tuple[str, Callable[[int], Callable[[], Any]]]] = []
    scenarios.append(("new thread", lambda n: lambda: post(email=f"new{n}@example.com", message="Where is my order?")))

    def continued(n: int) -> Callable[[], Any]:
        post(email=f"cont{n}@example.com", message="first")
        return lambda: post(email=f"cont{n}@example.com", message="second")

    scenarios.append(("continued (same address)", continued))

    def linked(n: int) -> Callable[[], Any]:
        number = post(email=f"link{n}@example.com", message="first")["thread"]["number"]
        thread = threads.get_thread(number)
        return lambda: post(email=f"link{n}@example.com", message="by the link", thread=str(number), token=thread.token)

    scenarios.append(("continued (link + token)", linked))

    def duplicate(n: int) -> Callable[[], Any]:
        post(email=f"dup{n}@example.com", message="twice")
        return lambda: post(email=f"dup{n}@example.com", message="twice")

    scenarios.append(("duplicate within minutes", duplicate))
    scenarios.append(("forward-only contact", lambda n: lambda: post(contact_id=forward_id, email=f"fw{n}@example.com", message="hi")))

    print(f"moto server at {endpoint}; {RUNS} messages per scenario; counts are per message")
    for confirm in (False, True):
        settings(confirm)
        print(f"\nvisitor confirmation {'on' if confirm else 'off'} (contact notification off)")
        print(f"{'scenario':<28}{'DynamoDB reads':>16}{'tx writes':>11}{'other writes':>14}{'SES':>5}{'handler/AWS':>13}  requests")
        for name, make in scenarios:
            totals: Counter[str] = Counter()
            ratios = []
            for _ in range(RUNS):
                action = make(next(counter))
                calls, total, aws = recorder.measure(action)
                totals.update(calls)
                ratios.append(total / aws if aws else float("nan"))
            per = {k: v / RUNS for k, v in sorted(totals.items())}
            reads = sum(v for k, v in per.items() if k.split()[1] in ("GetItem", "BatchGetItem", "Query"))
            tx = sum(v for k, v in per.items() if k.split()[1] == "TransactWriteItems")
            other = sum(v for k, v in per.items() if k.startswith("dynamodb") and k.split()[1] in ("UpdateItem", "PutItem", "DeleteItem", "BatchWriteItem"))
            ses = sum(v for k, v in per.items() if k.startswith("ses"))
            detail = ", ".join(f"{k.removeprefix('dynamodb ')} {v:g}" for k, v in per.items())
            print(f"{name:<28}{reads:>16g}{tx:>11g}{other:>14g}{ses:>5g}{statistics.median(ratios):>12.2f}x  {detail}")
    print("\nother writes: UpdateItem COUNTER = the thread-number allocation, UpdateItem RATE = the per-IP and per-address")
    print("rate-limit counters, PutItem = the single-use form token spent, BatchWriteItem = the confirmation's Message-IDs")
    print("(MAILID) for matching answers.")


if __name__ == "__main__":
    main()
