"""Contacts (SPEC §2), through the two APIs' handlers as API Gateway calls them.

Admins create, edit, reorder and delete contacts; every agent reads them; the storefront lists
them in the visitor's language. Every rule of the SPEC answers a clear JSON 4xx, all at once.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from shopdesk.admin import contacts
from shopdesk.core.config import config
from shopdesk.store import threads
from shopdesk.store.models import CONTACTS_PK, Contact, Message, ShopdeskItem, Thread

from tests.unit.api_calls import ADMIN, AGENT, NO_GROUP, agents_api, public_api

VALID = {
    "names": {"en": "Returns", "es": "Devoluciones", "pl": "Zwroty"},
    "descriptions": {"en": "Send a parcel back", "es": "Devolver un paquete", "pl": "Odesłanie paczki"},
    "email": "returns@shop.example",
    "save_messages": True,
}


def create(body: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    answer = agents_api("POST", "/v1/contacts", {**(body or VALID), **changes}, ADMIN)
    assert answer.status == 201, answer.body
    return answer.body


def refused(body: Any, method: str = "POST", path: str = "/v1/contacts", **kwargs: Any) -> dict[str, str]:
    """The {field: code} errors of a write the API refuses with 422."""
    answer = agents_api(method, path, body, ADMIN, **kwargs)
    assert answer.status == 422, answer.body
    assert answer.error_code == "validation_failed"
    assert all(e["message"] and e["message"] != e["code"] for e in answer.body["error"]["fields"])
    return answer.field_errors


def stored_contacts() -> list[Contact]:
    return list(Contact.query(CONTACTS_PK))


# --- the two default contacts ---------------------------------------------------------------------------


def test_the_first_start_gives_webmaster_and_customer_service_both_saving_messages(aws: Any) -> None:
    answer = agents_api("GET", "/v1/contacts", claims=AGENT)
    assert answer.status == 200
    listed = answer.body["contacts"]
    assert [c["names"]["en"] for c in listed] == ["Webmaster", "Customer service"]
    assert [c["descriptions"]["en"] for c in listed] == [
        "If a technical problem occurs on this website",
        "For any question about a product or an order",
    ]
    assert all(c["save_messages"] is True for c in listed)
    assert [c["position"] for c in listed] == [0, 1]
    assert {c["names"]["es"] for c in listed} == {"Webmaster", "Servicio al cliente"}
    assert {c["names"]["pl"] for c in listed} == {"Webmaster", "Obsługa klienta"}


def test_the_defaults_are_created_once_across_requests(aws: Any) -> None:
    first = public_api("GET", "/v1/contacts").body["contacts"]
    second = agents_api("GET", "/v1/contacts", claims=ADMIN).body["contacts"]
    assert [c["id"] for c in first] == [c["id"] for c in second]
    assert len(stored_contacts()) == 2


def test_two_first_requests_that_race_seed_the_defaults_once(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both requests read an empty table before either wrote: the loser's seed fails its condition
    and it answers with the winner's contacts."""
    from shopdesk.store import contacts as store_contacts

    real_query = store_contacts.stored_contacts
    reads = {"count": 0}

    def read_before_any_write() -> list[Contact]:
        reads["count"] += 1
        return [] if reads["count"] <= 2 else real_query()

    monkeypatch.setattr(store_contacts, "stored_contacts", read_before_any_write)
    winner = contacts.all_contacts()
    reads["count"] = 1  # the second request's first read also sees nothing
    loser = contacts.all_contacts()
    monkeypatch.setattr(store_contacts, "stored_contacts", real_query)

    assert [c.contact_id for c in winner] == [c.contact_id for c in loser] == ["webmaster", "customer-service"]
    assert sorted(c.contact_id for c in stored_contacts()) == ["customer-service", "webmaster"]


def test_first_requests_in_parallel_threads_all_see_the_same_two_defaults(aws: Any, atomic_requests: None) -> None:
    """Whatever the interleaving, the storefront and the page starting together give two contacts."""
    start = threading.Barrier(4)
    seen: list[list[str]] = []

    def first_request(index: int) -> None:
        start.wait()
        answer = public_api("GET", "/v1/contacts") if index % 2 else agents_api("GET", "/v1/contacts", claims=AGENT)
        seen.append([c["id"] for c in answer.body["contacts"]])

    workers = [threading.Thread(target=first_request, args=(i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert seen == [["webmaster", "customer-service"]] * 4
    assert sorted(c.contact_id for c in stored_contacts()) == ["customer-service", "webmaster"]


def test_a_shop_that_deleted_every_contact_does_not_get_the_defaults_back(aws: Any) -> None:
    for contact in agents_api("GET", "/v1/contacts", claims=ADMIN).body["contacts"]:
        assert agents_api("DELETE", f"/v1/contacts/{contact['id']}", claims=ADMIN).status == 204
    assert agents_api("GET", "/v1/contacts", claims=ADMIN).body["contacts"] == []
    assert public_api("GET", "/v1/contacts").body["contacts"] == []


# --- the storefront's list, per language -------------------------------------------------------------------


def test_the_storefront_lists_contact_names_and_descriptions_in_the_visitors_language(aws: Any) -> None:
    create()
    for lang, names in (
        ("en", ["Webmaster", "Customer service", "Returns"]),
        ("es", ["Webmaster", "Servicio al cliente", "Devoluciones"]),
        ("pl", ["Webmaster", "Obsługa klienta", "Zwroty"]),
    ):
        answer = public_api("GET", "/v1/contacts", query=f"lang={lang}")
        assert answer.status == 200
        assert answer.body["language"] == lang
        assert [c["name"] for c in answer.body["contacts"]] == names
    spanish = public_api("GET", "/v1/contacts", query="lang=es").body["contacts"]
    assert spanish[2]["description"] == "Devolver un paquete"


def test_the_storefront_never_shows_a_contacts_address(aws: Any) -> None:
    create()
    for contact in public_api("GET", "/v1/contacts").body["contacts"]:
        assert set(contact) == {"id", "name", "description"}


def test_an_unknown_language_or_none_gives_the_shops_default_and_accept_language_is_understood(aws: Any) -> None:
    create()
    assert public_api("GET", "/v1/contacts", query="lang=fr").body["language"] == "en"
    assert public_api("GET", "/v1/contacts").body["language"] == "en"
    answer = public_api("GET", "/v1/contacts", headers={"accept-language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert answer.body["language"] == "pl"
    assert answer.body["contacts"][2]["name"] == "Zwroty"


def test_a_name_missing_in_a_language_falls_back_to_the_default_language(aws: Any) -> None:
    create({"names": {"en": "Wholesale"}, "save_messages": True})
    names = [c["name"] for c in public_api("GET", "/v1/contacts", query="lang=es").body["contacts"]]
    assert names[-1] == "Wholesale"


# --- who may write -----------------------------------------------------------------------------------------

WRITES = [
    ("POST", "/v1/contacts", VALID),
    ("PATCH", "/v1/contacts/webmaster", {"email": "tech@shop.example"}),
    ("PUT", "/v1/contact-order", {"order": ["customer-service", "webmaster"]}),
    ("DELETE", "/v1/contacts/webmaster", None),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_only_admins_write_contacts_no_token_401_agent_403_admin_2xx(aws: Any, method: str, path: str, body: Any) -> None:
    contacts.all_contacts()
    before = [contacts.contact_view(c) for c in contacts.all_contacts()]

    anonymous = agents_api(method, path, body, claims=None)
    assert anonymous.status == 401 and anonymous.error_code == "unauthorized"
    agent = agents_api(method, path, body, claims=AGENT)
    assert agent.status == 403 and agent.error_code == "forbidden"
    stranger = agents_api(method, path, body, claims=NO_GROUP)
    assert stranger.status == 403 and stranger.error_code == "not_an_agent"
    assert [contacts.contact_view(c) for c in contacts.all_contacts()] == before, "a refused write changed something"

    admin = agents_api(method, path, body, claims=ADMIN)
    assert 200 <= admin.status < 300, admin.body


def test_every_agent_reads_contacts_but_someone_outside_the_groups_does_not(aws: Any) -> None:
    assert agents_api("GET", "/v1/contacts", claims=AGENT).status == 200
    assert agents_api("GET", "/v1/contacts/webmaster", claims=AGENT).status == 200
    assert agents_api("GET", "/v1/contacts", claims=None).status == 401
    assert agents_api("GET", "/v1/contacts", claims=NO_GROUP).status == 403


def test_an_access_token_is_refused_where_the_id_token_is_expected(aws: Any) -> None:
    """The authorizer accepts both of the client's tokens; only the ID token names the agent."""
    access = {"sub": "admin-sub", "cognito:groups": "[admin]", "token_use": "access", "client_id": "page", "username": "admin-sub"}
    answer = agents_api("POST", "/v1/contacts", VALID, claims=access)
    assert answer.status == 401 and answer.error_code == "unauthorized"


# --- create, read, update ------------------------------------------------------------------------------------


def test_an_admin_creates_a_contact_that_everyone_then_sees(aws: Any) -> None:
    created = create()
    assert created["names"] == VALID["names"] and created["descriptions"] == VALID["descriptions"]
    assert created["email"] == "returns@shop.example" and created["save_messages"] is True
    assert created["position"] == 2, "a new contact goes last"
    fetched = agents_api("GET", f"/v1/contacts/{created['id']}", claims=AGENT)
    assert fetched.status == 200 and fetched.body == created
    assert created["id"] in [c["id"] for c in public_api("GET", "/v1/contacts").body["contacts"]]


def test_names_and_descriptions_are_trimmed_and_empty_languages_dropped(aws: Any) -> None:
    created = create({"names": {"en": "  Sales  ", "es": "   "}, "descriptions": {"pl": " Sprzedaż "}})
    assert created["names"] == {"en": "Sales"}
    assert created["descriptions"] == {"pl": "Sprzedaż"}


def test_an_update_changes_only_what_it_names(aws: Any) -> None:
    created = create()
    answer = agents_api("PATCH", f"/v1/contacts/{created['id']}", {"names": {"en": "Returns and refunds"}}, ADMIN)
    assert answer.status == 200
    assert answer.body["names"] == {"en": "Returns and refunds"}
    assert answer.body["descriptions"] == VALID["descriptions"] and answer.body["email"] == VALID["email"]
    assert answer.body["updated_at"] >= created["updated_at"]


def test_reading_or_changing_an_unknown_contact_is_404(aws: Any) -> None:
    for method, body in (("GET", None), ("PATCH", {"email": "a@shop.example"}), ("DELETE", None)):
        answer = agents_api(method, "/v1/contacts/nope", body, ADMIN)
        assert answer.status == 404 and answer.error_code == "contact_not_found", method


# --- every validation rule of SPEC §2 --------------------------------------------------------------------------


def test_a_name_is_required_in_the_default_language(aws: Any) -> None:
    assert refused({"save_messages": True}) == {"names.en": "name_required"}
    assert refused({"names": {"es": "Ventas", "pl": "Sprzedaż"}}) == {"names.en": "name_required"}
    assert refused({"names": {"en": "   "}}) == {"names.en": "name_required"}
    assert refused({"names": {"en": None}}) == {"names.en": "name_required"}


def test_the_required_language_is_the_shops_default(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_LANGUAGE", "es")
    config.cache_clear()
    assert refused({"names": {"en": "Sales"}}) == {"names.es": "name_required"}
    assert create({"names": {"es": "Ventas"}})["names"] == {"es": "Ventas"}


@pytest.mark.parametrize("character", list("<>={}"))
def test_a_name_may_not_hold_angle_brackets_equals_or_braces(aws: Any, character: str) -> None:
    assert refused({"names": {"en": f"Sales {character} team"}}) == {"names.en": "name_invalid_characters"}
    assert refused({"names": {"en": "Sales", "pl": f"Dział{character}"}}) == {"names.pl": "name_invalid_characters"}


def test_a_description_may_hold_those_characters(aws: Any) -> None:
    assert create(descriptions={"en": "Prices <= 10 {EUR}"})["descriptions"] == {"en": "Prices <= 10 {EUR}"}


def test_only_the_shops_languages_are_accepted(aws: Any) -> None:
    assert refused({"names": {"en": "Sales", "fr": "Ventes"}, "descriptions": {"de": "Verkauf"}}) == {
        "names.fr": "unknown_language",
        "descriptions.de": "unknown_language",
    }


def test_names_and_descriptions_must_be_per_language_text(aws: Any) -> None:
    assert refused({"names": "Sales"}) == {"names": "validation_failed", "names.en": "name_required"}
    assert refused({"names": {"en": "Sales"}, "descriptions": ["x"]}) == {"descriptions": "validation_failed"}
    assert refused({"names": {"en": 42}}) == {"names.en": "validation_failed"}


def test_names_and_descriptions_have_limits(aws: Any) -> None:
    assert create({"names": {"en": "n" * contacts.NAME_LIMIT}, "descriptions": {"en": "d" * contacts.DESCRIPTION_LIMIT}})
    assert refused({"names": {"en": "n" * (contacts.NAME_LIMIT + 1)}, "descriptions": {"es": "d" * (contacts.DESCRIPTION_LIMIT + 1)}}) == {
        "names.en": "too_long",
        "descriptions.es": "too_long",
    }


def test_the_email_must_be_a_valid_address(aws: Any) -> None:
    for bad in ("not-an-address", "a@b", "two@@shop.example", "x@shop.example\r\nBcc: y@evil.example", "<a@shop.example>"):
        assert refused({"names": {"en": "Sales"}, "email": bad}) == {"email": "invalid_email"}, bad


def test_a_contact_that_does_not_save_messages_needs_an_email(aws: Any) -> None:
    assert refused({"names": {"en": "Sales"}, "save_messages": False}) == {"email": "email_required_without_saving"}
    assert refused({"names": {"en": "Sales"}, "save_messages": False, "email": "  "}) == {"email": "email_required_without_saving"}
    created = create({"names": {"en": "Sales"}, "save_messages": False, "email": "sales@shop.example"})
    assert created["save_messages"] is False
    # …and keeps needing one: an update may not take it away, nor stop saving on a contact without one.
    assert refused({"email": None}, "PATCH", f"/v1/contacts/{created['id']}") == {"email": "email_required_without_saving"}
    no_email = create({"names": {"en": "Press"}})
    assert no_email["email"] is None and no_email["save_messages"] is True
    assert refused({"save_messages": False}, "PATCH", f"/v1/contacts/{no_email['id']}") == {"email": "email_required_without_saving"}


def test_save_messages_is_a_boolean_and_position_a_whole_number(aws: Any) -> None:
    assert refused({"names": {"en": "Sales"}, "save_messages": "no"}) == {"save_messages": "invalid_boolean"}
    for bad in (-1, 1.5, "2", True):
        assert refused({"names": {"en": "Sales"}, "position": bad}) == {"position": "invalid_position"}, bad


def test_unknown_fields_are_refused(aws: Any) -> None:
    assert refused({**VALID, "id": "mine", "customer_service": True}) == {"id": "unknown_field", "customer_service": "unknown_field"}


def test_every_error_is_reported_at_once_in_the_callers_language(aws: Any) -> None:
    answer = agents_api(
        "POST",
        "/v1/contacts",
        {"names": {"en": "<b>", "xx": "?"}, "email": "nope", "position": -3, "colour": "red"},
        ADMIN,
        headers={"accept-language": "es"},
    )
    assert answer.status == 422
    assert answer.field_errors == {
        "colour": "unknown_field",
        "names.xx": "unknown_language",
        "names.en": "name_invalid_characters",
        "email": "invalid_email",
        "position": "invalid_position",
    }
    assert answer.body["error"]["message"] and all(e["message"] for e in answer.body["error"]["fields"])
    english = agents_api("POST", "/v1/contacts", {"email": "nope", "names": {"en": "S"}}, ADMIN).body["error"]["fields"][0]["message"]
    spanish = agents_api("POST", "/v1/contacts", {"email": "nope", "names": {"en": "S"}}, ADMIN, headers={"accept-language": "es"})
    assert spanish.body["error"]["fields"][0]["message"] != english


def test_a_new_contacts_rules_over_several_fields_are_reported_with_the_others(aws: Any) -> None:
    assert refused({"names": {"en": "Sales <b>"}, "save_messages": False}) == {
        "names.en": "name_invalid_characters",
        "email": "email_required_without_saving",
    }
    assert refused({"names": {"es": "Ventas"}, "position": -1}) == {"names.en": "name_required", "position": "invalid_position"}


def test_a_body_that_is_not_json_or_not_an_object_is_a_clear_400_or_422(aws: Any) -> None:
    broken = agents_api("POST", "/v1/contacts", "{not json", ADMIN)
    assert broken.status == 400 and broken.error_code == "invalid_json" and broken.body["error"]["message"]
    assert agents_api("POST", "/v1/contacts", ["a list"], ADMIN).status == 422
    assert len(stored_contacts()) == 0, "nothing written"


# --- reorder ---------------------------------------------------------------------------------------------------


def test_an_admin_reorders_contacts_and_the_storefront_follows(aws: Any) -> None:
    returns = create()
    order = [returns["id"], "customer-service", "webmaster"]
    answer = agents_api("PUT", "/v1/contact-order", {"order": order}, ADMIN)
    assert answer.status == 200
    assert [c["id"] for c in answer.body["contacts"]] == order
    assert [c["position"] for c in answer.body["contacts"]] == [0, 1, 2]
    assert [c["id"] for c in public_api("GET", "/v1/contacts").body["contacts"]] == order


def test_a_reorder_must_name_every_contact_exactly_once(aws: Any) -> None:
    contacts.all_contacts()
    for bad in ({"order": ["webmaster"]}, {"order": ["webmaster", "webmaster"]}, {"order": ["webmaster", "customer-service", "nope"]},
                {"order": "webmaster,customer-service"}, {}):
        assert refused(bad, "PUT", "/v1/contact-order") == {"order": "invalid_order"}, bad
    assert [c.contact_id for c in contacts.all_contacts()] == ["webmaster", "customer-service"]


# --- delete ------------------------------------------------------------------------------------------------------


def test_deleting_a_contact_keeps_its_threads_which_show_its_last_name(aws: Any) -> None:
    created = create()
    contact = contacts.get_contact(created["id"])
    stored = threads.store_customer_message(
        contact, threads.CustomerMessage(email="ann@example.com", text="My parcel", source="form", language="es")
    )
    renamed = {"en": "Returns desk", "es": "Mostrador de devoluciones"}
    assert agents_api("PATCH", f"/v1/contacts/{created['id']}", {"names": renamed}, ADMIN).status == 200

    assert agents_api("DELETE", f"/v1/contacts/{created['id']}", claims=ADMIN).status == 204

    assert agents_api("GET", f"/v1/contacts/{created['id']}", claims=ADMIN).status == 404
    assert created["id"] not in [c["id"] for c in public_api("GET", "/v1/contacts").body["contacts"]]
    thread = Thread.get(*Thread.key(stored.thread.number))
    assert thread.contact_id == created["id"]
    assert thread.contact_names.as_dict() == renamed, "the thread shows the name the contact had when it was deleted"
    assert [type(i) for i in ShopdeskItem.query(f"THREAD#{stored.thread.number}")] == [Thread, Message], "the thread and its message are kept"
