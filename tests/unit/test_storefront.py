"""Signed server-to-server routes (SPEC §7): HMAC over timestamp, method, path and body, a five-minute window,
no replays; customers, orders with their status history, and a form sent for a logged-in customer."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from shopdesk.intake import storefront
from shopdesk.store import threads
from shopdesk.store.models import Customer, CustomerIdAlias, Message, Order, OrderRef, Thread

from tests.unit import intake_support
from tests.unit.intake_support import SIGNING_KEY, call, event

shop = intake_support.shop


def signed(
    method: str, path: str, body: Any, key: str = SIGNING_KEY, at: int | None = None, tamper: bool = False, sent_to: tuple[str, str] | None = None
) -> dict[str, Any]:
    """A call signed for `method` and `path`; `sent_to` (method, path) re-targets it after signing."""
    raw = json.dumps(body).encode()
    timestamp = str(at if at is not None else int(time.time()))
    signature = storefront.signature(key, timestamp, method, path, raw)
    if tamper:
        raw = raw.replace(b"ann", b"eve")
    method, path = sent_to or (method, path)
    return event(method, path, raw, {"content-type": "application/json", "x-shopdesk-timestamp": timestamp, "x-shopdesk-signature": signature})


def put_customer(customer_id: str = "42", email: str = "Ann@Example.com", **extra: Any) -> tuple[int, dict[str, Any], Any]:
    return call(signed("PUT", f"/v1/storefront/customers/{customer_id}", {"email": email, "name": "Ann Smith", "since": "2024-03-01T10:00:00Z", **extra}))


def test_the_worked_example_of_docs_storefront_md_is_what_the_code_computes() -> None:
    body = b'{"email":"ann@example.com","name":"Ann Smith","since":"2024-03-01T10:00:00Z"}'
    expected = "sha256=b0dc539d8386b21ee47f501201e361df68e7560ca05009b6667946dd91e3886e"
    assert storefront.signature("demo-signing-key", "1764000000", "PUT", "/v1/storefront/customers/42", body) == expected
    assert expected in (Path(__file__).resolve().parents[2] / "docs" / "storefront.md").read_text()


def test_a_signed_customer_upsert_writes_the_profile_and_the_id_alias(shop: Any) -> None:
    status, body, _ = put_customer()
    assert status == 200 and body["customer"] == {"customer_id": "42", "email": "ann@example.com", "name": "Ann Smith", "since": "2024-03-01T10:00:00+00:00"}
    customer = Customer.get(*Customer.key("ann@example.com"))
    assert (customer.customer_id, customer.name) == ("42", "Ann Smith")
    assert CustomerIdAlias.get(*CustomerIdAlias.key("42")).email == "ann@example.com"


def test_a_bad_signature_a_stale_timestamp_and_a_replay_are_refused_with_401(shop: Any) -> None:
    path = "/v1/storefront/customers/42"
    body = {"email": "ann@example.com"}
    assert call(signed("PUT", path, body, key="not-the-shops-key"))[0] == 401
    assert call(signed("PUT", path, body, tamper=True))[0] == 401
    assert call(signed("PUT", path, body, at=int(time.time()) - 301))[0] == 401
    assert call(signed("PUT", path, body, at=int(time.time()) + 301))[0] == 401
    unsigned = event("PUT", path, json.dumps(body), {"content-type": "application/json"})
    status, answer, _ = call(unsigned)
    assert status == 401 and answer["error"]["code"] == "bad_signature"
    first = signed("PUT", path, body)
    assert call(first)[0] == 200
    assert call(first)[0] == 401  # the very same request again
    assert list(Customer.query("CUSTOMER#ann@example.com")) and Customer.get(*Customer.key("ann@example.com")).name is None


def test_an_order_upsert_keeps_the_reference_owner_and_appends_status_changes(shop: Any) -> None:
    put_customer()
    status, body, _ = call(
        signed(
            "PUT",
            "/v1/storefront/orders/XKBKNABJK",
            {"customer_id": "42", "total": "123.4", "currency": "eur", "validated": True, "placed_at": "2026-11-01T09:00:00Z",
             "history": [{"status": "Payment accepted", "at": "2026-11-01T09:05:00Z"}]},
        )
    )
    assert status == 200 and body["order"]["total"] == "123.40" and body["order"]["currency"] == "EUR"
    call(signed("PUT", "/v1/storefront/orders/XKBKNABJK", {"customer_id": "42", "total": "123.40", "currency": "EUR", "validated": True, "status": "Shipped", "status_at": "2026-11-02T12:00:00Z"}))
    order = Order.get(*Order.key("ann@example.com", "XKBKNABJK"))
    assert [(h.status, h.at[:10]) for h in order.history] == [("Payment accepted", "2026-11-01"), ("Shipped", "2026-11-02")]
    assert OrderRef.get(*OrderRef.key("XKBKNABJK")).email == "ann@example.com"


def test_an_order_with_bad_values_lists_every_error(shop: Any) -> None:
    status, body, _ = call(signed("PUT", "/v1/storefront/orders/R1", {"email": "nope", "total": "lots", "currency": "euros", "validated": "yes"}))
    assert status == 422
    assert {f["field"]: f["code"] for f in body["error"]["fields"]} == {
        "email": "invalid_email", "total": "invalid_amount", "currency": "invalid_value", "validated": "invalid_boolean",
    }


def test_an_order_for_an_unknown_customer_id_is_refused(shop: Any) -> None:
    status, body, _ = call(signed("PUT", "/v1/storefront/orders/R1", {"customer_id": "999", "total": "1", "currency": "EUR"}))
    assert status == 404 and body["error"]["code"] == "customer_not_found"


def test_a_signed_form_names_the_logged_in_customer_and_their_order(shop: Any) -> None:
    put_customer()
    call(signed("PUT", "/v1/storefront/orders/XKBKNABJK", {"customer_id": "42", "total": "10", "currency": "EUR", "validated": True}))
    status, body, _ = call(
        signed("POST", "/v1/storefront/messages", {"customer_id": "42", "contact_id": "customer-service", "message": "Where is it?", "order_ref": "XKBKNABJK", "lang": "es"})
    )
    assert status == 201 and body["status"] == "stored"
    thread = threads.get_thread(body["thread"]["number"])
    assert (thread.email, thread.customer_id, thread.customer_name, thread.order_ref, thread.language) == ("ann@example.com", "42", "Ann Smith", "XKBKNABJK", "es")
    [message] = list(Message.query(f"THREAD#{thread.number}", Message.sk.startswith("MSG#")))
    assert message.ip is None  # the shop's server, not the customer's browser


def test_a_signed_form_may_not_reference_another_customers_order(shop: Any) -> None:
    put_customer()
    put_customer("43", "bob@example.com")
    call(signed("PUT", "/v1/storefront/orders/BOB-1", {"customer_id": "43", "total": "10", "currency": "EUR"}))
    status, body, _ = call(
        signed("POST", "/v1/storefront/messages", {"customer_id": "42", "contact_id": "customer-service", "message": "Cancel it", "order_ref": "BOB-1"})
    )
    assert status == 422 and body["error"]["fields"][0]["code"] == "order_not_of_customer"
    assert list(Thread.gsi1.query("TL#ALL")) == []


def test_a_browser_post_cannot_claim_a_customer_id(shop: Any) -> None:
    status, body = intake_support.post_json(intake_support.form_fields(customer_id="42"))
    assert status == 201
    assert threads.get_thread(body["thread"]["number"]).customer_id is None


def test_a_captured_signed_call_sent_to_another_customer_order_or_route_is_refused(shop: Any) -> None:
    """The signature covers the method and the path: the same headers and body cannot be replayed
    elsewhere inside the time window."""
    body = {"email": "ann@example.com"}
    for elsewhere in [
        ("PUT", "/v1/storefront/customers/43"),  # another customer
        ("PUT", "/v1/storefront/customers/42/"),
        ("PUT", "/v1/storefront/customers/%34%32"),  # the same id, spelled otherwise: not what was signed
        ("PUT", "/v1/storefront/orders/42"),  # another route
        ("POST", "/v1/storefront/customers/42"),  # another method
    ]:
        status, answer, _ = call(signed("PUT", "/v1/storefront/customers/42", body, sent_to=elsewhere))
        assert status in (401, 404, 405) and (status != 401 or answer["error"]["code"] == "bad_signature"), elsewhere
    assert not list(Customer.query(Customer.key("ann@example.com")[0]))  # nothing was written
    order = {"email": "ann@example.com", "total": "10.00", "currency": "EUR", "validated": True}
    assert call(signed("PUT", "/v1/storefront/orders/A-1", order, sent_to=("PUT", "/v1/storefront/orders/A-2")))[0] == 401
    assert call(signed("PUT", "/v1/storefront/customers/42", body))[0] == 200  # signed for where it goes: accepted


def test_a_signed_call_with_a_lone_surrogate_or_a_deep_body_is_refused_not_failed(shop: Any) -> None:
    status, body, _ = call(signed("PUT", "/v1/storefront/customers/42", {"email": "ann@example.com", "name": "Ann \ud800"}))
    assert status == 422 and [f["field"] for f in body["error"]["fields"]] == ["name"]
    timestamp = str(int(time.time()))
    deep = b'{"email": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    headers = {"content-type": "application/json", "x-shopdesk-timestamp": timestamp, "x-shopdesk-signature": storefront.signature(SIGNING_KEY, timestamp, "PUT", "/v1/storefront/customers/42", deep)}
    status, body, _ = call(event("PUT", "/v1/storefront/customers/42", deep, headers))
    assert status == 400 and body["error"]["code"] == "json_too_deep"
