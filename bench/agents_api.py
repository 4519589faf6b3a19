"""The agents' API against a big shop: 10,000 threads and 50,000 messages in the local stack's moto.

For each route it reports how many DynamoDB requests the handler made (targets: dashboard 1, a list
page 1, the thread view 3 with the customer's other threads, the next open thread 2 when asked for, the customer page 2, an agent's reply at most 6, a note 2, saving a draft 1, the thread view unchanged by drafts), how many items each request read (ScannedCount for a Query,
items returned for a Get/BatchGet: a list page must read its page size, whatever the table holds),
and the handler's time as a ratio to the bare DynamoDB calls it made, replayed with a plain boto3
client on the same backend. Requests are counted with botocore's event hooks on every client the
process creates. moto walks the whole table on a Query, so absolute times grow with the table
there; the counts are what the design is judged by. Nothing is asserted on time.

Seeding uses BatchWriteItem (moto copies the whole table on every transaction), once per run.
"""

from __future__ import annotations

import logging
import os
import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import botocore.exceptions
import botocore.session

THREADS = int(os.environ.get("BENCH_THREADS", "10000"))
MESSAGES_PER_THREAD = 5
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
# BENCH_ONLY=search,tag: only the routes whose name contains one of these (a quicker look at a part).
ONLY = tuple(word for word in os.environ.get("BENCH_ONLY", "").split(",") if word)
LANGS = ("en", "es", "pl")
CONTACTS = ("customer-service", "webmaster")
STATUSES = ("open", "closed", "pending1", "pending2")


@dataclass
class Call:
    operation: str
    params: dict[str, Any]
    seconds: float = 0.0
    read: int = 0
    started: float = 0.0


@dataclass
class Recorder:
    """Every DynamoDB request any botocore client of this process makes, while recording."""

    calls: list[Call] = field(default_factory=list)
    on: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def install(self) -> None:
        original = botocore.session.Session.create_client
        recorder = self

        def create_client(session: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
            client = original(session, service_name, *args, **kwargs)
            if service_name == "dynamodb":
                client.meta.events.register("provide-client-params.dynamodb", recorder._params)
                client.meta.events.register("before-call.dynamodb", recorder._before)
                client.meta.events.register("after-call.dynamodb", recorder._after)
            return client

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]

    # botocore hands the same `context` dict to every event of one request: the call rides on it,
    # so requests made side by side (the thread view's) are each counted right.
    def _params(self, params: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
        if self.on:
            call = Call(model.name, dict(params))
            context["bench_call"] = call
            with self._lock:
                self.calls.append(call)

    def _before(self, context: dict[str, Any], **_: Any) -> None:
        call = context.get("bench_call")
        if call is not None:
            call.started = time.perf_counter()

    def _after(self, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        call = context.get("bench_call")
        if call is None:
            return
        call.seconds = time.perf_counter() - call.started
        if "ScannedCount" in parsed:
            call.read = int(parsed["ScannedCount"])
        elif "Responses" in parsed:
            call.read = sum(len(items) for items in parsed["Responses"].values())
        elif "Item" in parsed:
            call.read = 1


def seed(count: int) -> dict[str, Any]:
    """Threads, messages, customers and the counters that match them, by BatchWriteItem only."""
    from shopdesk.admin import contacts
    from shopdesk.store.models import Customer, Message, Order, OrderStatusChange, SearchTerm, ShopdeskItem, Stats, TagMember, Thread
    from shopdesk.store.search_index import by_bucket, message_terms, thread_terms
    from shopdesk.store.threads import apply_index_keys, new_token, now_iso

    contacts.all_contacts()
    rng = random.Random(7)
    start = datetime.now(UTC) - timedelta(days=60)
    totals: dict[str, int] = {f"threads_{s}": 0 for s in STATUSES}
    open_per_contact = dict.fromkeys(CONTACTS, 0)
    oldest_open: dict[str, Thread] = {}  # threads are seeded oldest first: a box's first open one
    sample: dict[str, Any] = {}
    # Words of the messages: a vocabulary of 3,000 made-up words, 4 a message besides "order";
    # "Wiśniewska" is the customer of 1 thread in 500 (the selective word), "vip" tags 1 in 100.
    vocabulary = ["".join(rng.choice("abcdefghijklmnoprstuwyz") for _ in range(rng.randint(4, 10))) for _ in range(3000)]
    per_message: list[int] = []
    with ShopdeskItem.batch_write() as batch:
        for number in range(1, count + 1):
            email = f"customer{number % (count // 3 or 1)}@example.com"
            status = rng.choices(STATUSES, weights=(3, 12, 1, 1))[0]
            contact = CONTACTS[number % 2]
            created = start + timedelta(minutes=5 * number)
            moments = [now_iso(created + timedelta(minutes=m)) for m in range(MESSAGES_PER_THREAD)]
            thread = Thread(
                *Thread.key(number), number=number, token=new_token(), contact_id=contact,
                contact_names={"en": contact}, email=email,
                customer_name="Anna Wiśniewska" if number % 500 == 0 else f"Customer {number:05d}",
                language=LANGS[number % 3], status=status, created_at=moments[0], last_message_at=moments[-1],
                last_customer_message_at=moments[-2], customer_messages=3, agent_messages=2,
                last_agent="agent@shop.example", preview="Where is my order?", has_private_note=number % 50 == 0,
            )
            if number % 100 == 0:
                thread.tags = {"vip"}
                batch.save(TagMember(*TagMember.key("vip", number), thread_number=number))
            batch.save(apply_index_keys(thread))
            terms = thread_terms(thread)
            for position, moment in enumerate(moments):
                author = "customer" if position % 2 == 0 else "agent"
                message = Message(
                    f"THREAD#{number}", Message.sort_key(moment, f"{number:06d}{position}"), message_id=f"{number:06d}{position}",
                    thread_number=number, author=author, source="form" if author == "customer" else "agent",
                    agent="agent@shop.example" if author == "agent" else None, created_at=moment,
                    text="Where is my order? " + " ".join(rng.sample(vocabulary, 4)),
                )
                batch.save(message)
                per_message.append(len(by_bucket(message_terms(message))))
                terms |= message_terms(message)
            for bucket, words in by_bucket(terms).items():  # what the messages' transactions add up to
                batch.save(SearchTerm(*SearchTerm.key(bucket, number), thread_number=number, words=words, tags={"vip"} & set(thread.tags or ()) or None))
            totals[f"threads_{status}"] += 1
            if status == "open":
                open_per_contact[contact] += 1
                oldest_open.setdefault(contact, thread)
            if number == count // 2 + 1:
                sample = {"number": number, "email": email, "name": thread.customer_name, "word": message.text.split()[-1]}
        for index in range(0, count // 3 or 1, 10):
            email = f"customer{index}@example.com"
            batch.save(Customer(*Customer.key(email), email=email, name=f"Customer {index}", since=now_iso(start)))
            batch.save(Order(*Order.key(email, f"REF{index:06d}"), reference=f"REF{index:06d}", email=email, total="42.00",
                             currency="EUR", validated=True, placed_at=now_iso(start),
                             history=[OrderStatusChange(status="Shipped", at=now_iso(start))]))
        batch.save(Stats(*Stats.global_key(), threads_total=count, customer_messages=3 * count, agent_messages=2 * count, **totals))
        for contact in contacts.all_contacts():  # the box mirrored on its counter item, as contacts.py writes it
            link = oldest_open.get(contact.contact_id)  # and its link, as threads.py keeps it
            batch.save(Stats(*Stats.contact_key(contact.contact_id), open=open_per_contact.get(contact.contact_id, 0),
                             names=contact.names.as_dict(), save_messages=contact.save_messages,
                             position=int(contact.position), contact_exists=True,
                             oldest_open=int(link.number) if link else None, oldest_open_key=link.gsi4sk if link else None,
                             open_changes=0))
        for day in range(30):
            moment = datetime.now(UTC) - timedelta(days=day)
            batch.save(Stats(*Stats.day_key(moment.date().isoformat()), first_response_count=10, first_response_seconds=36000,
                             closed_threads=8, closed_thread_messages=40))
    sample["buckets_per_message"] = (statistics.mean(per_message), max(per_message))
    return sample


def bare_time(client: Any, calls: list[Call]) -> float:
    """The same requests, replayed with a plain boto3 client: what DynamoDB (moto) itself costs."""
    began = time.perf_counter()
    for call in calls:
        try:
            getattr(client, _snake(call.operation))(**call.params)
        except botocore.exceptions.ClientError:
            pass  # a replayed conditional write is refused (its condition held once): the round trip still counts
    return time.perf_counter() - began


def _snake(name: str) -> str:
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name).lstrip("_")


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer

    from local.aws_setup import function_environment, provision
    from local.stack import free_port, import_handlers

    recorder = Recorder()
    recorder.install()
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        resources = provision(f"http://127.0.0.1:{port}")
        os.environ.update(function_environment(resources))
        _, agents_handler, _ = import_handlers()
        began = time.perf_counter()
        sample = seed(THREADS)
        print(f"seeded {THREADS:,} threads and {THREADS * MESSAGES_PER_THREAD:,} messages by BatchWriteItem in {time.perf_counter() - began:.0f} s")
        mean, most = sample["buckets_per_message"]
        print(f"search index: a seeded message files {mean:.1f} TERM# items on average (at most {most}), all inside its own transaction")

        import boto3

        from local.gateway import LambdaContext, build_event

        bare = boto3.client("dynamodb", endpoint_url=resources.endpoint, region_name=resources.region,
                            aws_access_key_id="local", aws_secret_access_key="local")
        claims = {"sub": "bench-agent", "email": "agent@shop.example", "cognito:groups": "[agent]"}

        def route(method: str, path: str, query: str = "", body: bytes = b"") -> Callable[[], dict[str, Any]]:
            def invoke() -> dict[str, Any]:
                headers = {"host": "bench", "content-type": "application/json"}
                event = build_event(method, path, query, headers, body, "127.0.0.1", claims)
                answer = agents_handler(event, LambdaContext())
                assert answer["statusCode"] in (200, 201, 204), answer
                return answer

            return invoke

        routes = [
            ("dashboard", route("GET", "/v1/dashboard")),
            ("list, first page (25)", route("GET", "/v1/threads", "limit=25")),
            ("list, status=pending1", route("GET", "/v1/threads", "status=pending1&limit=25")),
            ("list, language=es&status=open", route("GET", "/v1/threads", "language=es&status=open&limit=25")),
            ("list, unread=true", route("GET", "/v1/threads", "unread=true&limit=25")),
            ("search by e-mail", route("GET", "/v1/threads", f"q={sample['email']}")),
            ("search by name", route("GET", "/v1/threads", "q=" + quote(sample["name"]))),
            ("search, selective word (20)", route("GET", "/v1/threads", "q=wisniewska")),
            ("search, rare word", route("GET", "/v1/threads", f"q={sample['word']}")),
            ("search, word prefix (5 chars)", route("GET", "/v1/threads", "q=wisni")),
            ("search, word in every thread", route("GET", "/v1/threads", "q=order&limit=25")),
            ("search, two words", route("GET", "/v1/threads", "q=wisniewska%20order")),
            ("search, word + status=open", route("GET", "/v1/threads", "q=order&status=open&limit=25")),
            ("list, tag=vip (100)", route("GET", "/v1/threads", "tag=vip&limit=25")),
            ("search by number", route("GET", "/v1/threads", f"q=%23{sample['number']}")),
            ("thread view", route("GET", f"/v1/threads/{sample['number']}")),
            ("next open thread (on demand)", route("GET", f"/v1/threads/{sample['number']}/next")),
            ("customer page", route("GET", f"/v1/customers/{quote(sample['email'])}")),
            ("reply (stored, mailed, closed)", route("POST", f"/v1/threads/{sample['number']}/replies", body=b'{"text": "It ships today."}')),
            ("note", route("POST", f"/v1/threads/{sample['number']}/notes", body=b'{"text": "Asked the warehouse."}')),
            # A team's day: taking (<= 2), the presence heartbeat (1 write), a reply checked against the
            # last message seen (the reply's own requests: the check reads nothing more).
            ("take (then release)", route("PUT", f"/v1/threads/{sample['number']}/assignee", body=b'{"assignee": "bench-agent"}')),
            ("release", route("PUT", f"/v1/threads/{sample['number']}/assignee", body=b'{"assignee": null}')),
            ("presence heartbeat", route("PUT", f"/v1/threads/{sample['number']}/presence", body=b'{"state": "writing"}')),
            ("reply with last_seen, kept open", route("POST", f"/v1/threads/{sample['number']}/replies", body=b'{"text": "On it.", "after_send": "open", "force": true}')),
            ("save a draft", route("PUT", f"/v1/threads/{sample['number']}/drafts/reply", body=b'{"text": "Dear Ann, "}')),
            ("thread view with drafts", route("GET", f"/v1/threads/{sample['number']}")),
            ("saved replies, filled", route("GET", f"/v1/threads/{sample['number']}/saved-replies")),
            ("snooze (pending until)", route("PUT", f"/v1/threads/{sample['number']}/status",
                                             body=b'{"status": "pending1", "snooze_until": "' + (datetime.now(UTC) + timedelta(days=3)).isoformat().encode() + b'"}')),
        ]
        print(f"{'route':<32}{'requests':>9}  {'items read per request':<34}{'handler':>9}{'bare':>9}{'ratio':>7}")
        for name, invoke in routes:
            if ONLY and not any(word in name for word in ONLY):
                continue
            invoke()  # warm: imports, clients, caches
            handler_times, bare_times = [], []
            calls: list[Call] = []
            for _ in range(RUNS):
                recorder.calls = []
                recorder.on = True
                began = time.perf_counter()
                invoke()
                handler_times.append(time.perf_counter() - began)
                recorder.on = False
                calls = list(recorder.calls)
                bare_times.append(bare_time(bare, calls))
            handler, plain = statistics.median(handler_times), statistics.median(bare_times)
            reads = ", ".join(f"{c.operation} {c.read}" for c in sorted(calls, key=lambda c: c.started))
            print(f"{name:<32}{len(calls):>9}  {reads:<34}{handler * 1000:>7.0f}ms{plain * 1000:>7.0f}ms{handler / plain:>6.2f}x")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
