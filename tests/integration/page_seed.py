"""Seeding the local stack's DynamoDB (moto) for the page's tests and bench/page.py.

Threads are stored with `shopdesk.store.threads` (the one place that writes thread state), in a child
process that has the stack's environment: the caller's own `shopdesk` configuration, if any, stays
untouched. `bulk` writes many threads with BatchWriteItem (no transactions) for the benchmark.

    python -m tests.integration.page_seed < {"aws": {...resources}, "threads": [...]} → {"numbers": [...]}
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _environment(stack: dict[str, Any]) -> dict[str, str]:
    sys.path.insert(0, str(ROOT))
    from local.aws_setup import AwsResources, function_environment

    env = dict(os.environ)
    env.update(function_environment(AwsResources(**stack["resources"])))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "layers/common"), str(ROOT)])
    return env


def seed(stack: dict[str, Any], threads: list[dict[str, Any]] | None = None, bulk: int = 0, customers: list[dict[str, Any]] | None = None) -> list[int]:
    """Stores `customers` (the storefront's profile and orders: email, name, since, orders=[…]),
    `threads` (customer messages: contact_id, email, text, customer_name, language, …) and, with
    `bulk`, that many more threads by BatchWriteItem; returns the new thread numbers."""
    request = json.dumps({"threads": threads or [], "bulk": bulk, "customers": customers or []})
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.page_seed"], input=request, capture_output=True, text=True, cwd=ROOT, env=_environment(stack), check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{result.stderr}")
    return json.loads(result.stdout)["numbers"]


def _customers(specs: list[dict[str, Any]]) -> None:
    """What the storefront's signed customer and order routes store (models Customer and Order)."""
    from shopdesk.store.models import Customer, CustomerIdAlias, Order, OrderStatusChange

    for spec in specs:
        Customer(*Customer.key(spec["email"]), email=spec["email"], name=spec.get("name"), since=spec.get("since"), customer_id=spec.get("customer_id")).save()
        if spec.get("customer_id"):  # the storefront's id leads to the address, as its signed calls write it
            CustomerIdAlias(*CustomerIdAlias.key(spec["customer_id"]), email=spec["email"]).save()
        for order in spec.get("orders", []):
            Order(
                *Order.key(spec["email"], order["reference"]),
                reference=order["reference"],
                email=spec["email"],
                total=order["total"],
                currency=order.get("currency", "EUR"),
                validated=order.get("validated", True),
                placed_at=order.get("placed_at"),
                history=[OrderStatusChange(**change) for change in order.get("history", [])],
            ).save()


def _store(specs: list[dict[str, Any]]) -> list[int]:
    from shopdesk.admin import contacts
    from shopdesk.store import threads

    contacts.all_contacts()  # the two default contacts exist from the first read on
    numbers = []
    for spec in specs:
        spec = dict(spec)
        contact = contacts.get_contact(spec.pop("contact_id", "customer-service"))
        spec.setdefault("source", "form")
        spec.setdefault("language", "en")
        stored = threads.store_customer_message(contact, threads.CustomerMessage(**spec))
        numbers.append(int(stored.thread.number))
    return numbers


def _bulk(count: int) -> list[int]:
    """`count` open threads of one message each, written 25 at a time by BatchWriteItem."""
    from datetime import UTC, datetime, timedelta

    from shopdesk.admin import contacts
    from shopdesk.store import threads
    from shopdesk.store.models import Counter, Message, Thread

    contacts.all_contacts()
    contact = contacts.get_contact("customer-service")
    # Reserve `count` numbers at once: one ADD on the counter threads.allocate_thread_number uses.
    counter = Counter(*Counter.thread_number_key())
    counter.update(actions=[Counter.value.add(count), Counter.kind.set(Counter)])
    numbers = list(range(int(counter.value) - count + 1, int(counter.value) + 1))
    now = datetime.now(UTC)
    languages = ("en", "es", "pl")
    with Thread.batch_write() as batch:
        for offset, number in enumerate(numbers):
            moment = threads.now_iso(now - timedelta(minutes=count - offset))
            language = languages[number % 3]
            text = f"Bench message {number}: where is my order? " * 3
            thread = Thread(
                *Thread.key(number),
                number=number,
                token=threads.new_token(),
                contact_id=contact.contact_id,
                contact_names=contact.names.as_dict(),
                email=f"bench{number}@example.com",
                customer_name=f"Bench Customer {number}",
                language=language,
                status="open",
                created_at=moment,
                last_message_at=moment,
                last_customer_message_at=moment,
                customer_messages=1,
                agent_messages=0,
                preview=threads.preview_of(text),
            )
            threads.apply_index_keys(thread)
            batch.save(thread)
            message_id = f"bench{number:08d}"
            batch.save(
                Message(
                    f"THREAD#{number}",
                    Message.sort_key(moment, message_id),
                    message_id=message_id,
                    thread_number=number,
                    author="customer",
                    source="form",
                    text=text,
                    created_at=moment,
                )
            )
    return numbers


if __name__ == "__main__":
    order = json.loads(sys.stdin.read())
    _customers(order.get("customers", []))
    created = _store(order.get("threads", []))
    if order.get("bulk"):
        created += _bulk(int(order["bulk"]))
    print(json.dumps({"numbers": created}))
