"""Search: words of every message, subjects, names, addresses and their parts, order
references and numbers; case and diacritics ignored, word prefixes, several words narrow; with
the list's filters; newest (or oldest) first with a cursor; the index goes with its thread."""

from __future__ import annotations

from typing import Any

import pytest
from agents_api import ADMIN, call, customer_writes
from shopdesk.admin import contacts
from shopdesk.store import threads
from shopdesk.store.models import SearchTerm, ShopdeskItem


def found(q: str, query: str = "") -> list[int]:
    status, body = call("GET", "/v1/threads", query=f"q={q}{'&' + query if query else ''}")
    assert status == 200, body
    return [t["number"] for t in body["threads"]]


@pytest.fixture
def shop(aws: Any) -> dict[str, int]:
    contacts.all_contacts()
    made = {
        "ania": customer_writes(
            "Dzień dobry, zażółć gęślą jaźń. Zamówienie nie dotarło.",
            email="anna.wisniewska@example.pl",
            customer_name="Anna Wiśniewska",
            order_ref="ZK-2026/0042",
        ),
        "jose": customer_writes(
            "¿Dónde está mi pedido? Llegó roto el cañón.", email="jose@tienda.es", customer_name="José Núñez", language="es"
        ),
        "hans": customer_writes(
            "Die Straße ist gesperrt, bitte später liefern. Grüße", email="hans@beispiel.de", customer_name="Hans Müller"
        ),
        "mail": customer_writes(
            "Thanks, the parcel arrived", email="bob@example.com", customer_name="Bob Stone", source="email", subject="Parcel question"
        ),
    }
    return {name: int(stored.thread.number) for name, stored in made.items()}


def test_a_word_without_its_diacritics_finds_the_thread_and_so_does_its_start(shop: dict[str, int]) -> None:
    assert found("wisniewska") == [shop["ania"]]
    assert found("ZAZOLC") == [shop["ania"]]
    assert found("wisn") == [shop["ania"]]
    assert found("canon") == [shop["jose"]]
    assert found("strasse") == [shop["hans"]]
    assert found("GRUSSE") == [shop["hans"]]
    assert found("muller") == [shop["hans"]]


def test_addresses_are_found_whole_and_by_their_parts(shop: dict[str, int]) -> None:
    assert found("example.pl") == [shop["ania"]]
    assert found("anna.wisniewska") == [shop["ania"]]
    assert found("tienda") == [shop["jose"]]
    assert sorted(found("example")) == sorted([shop["ania"], shop["mail"]])


def test_order_references_are_found_whole_or_run_together(shop: dict[str, int]) -> None:
    assert found("ZK-2026/0042") == [shop["ania"]]
    assert found("zk20260042") == [shop["ania"]]


def test_several_words_narrow_the_result(shop: dict[str, int]) -> None:
    assert sorted(found("example")) == sorted([shop["ania"], shop["mail"]])
    assert found("example parcel") == [shop["mail"]]
    assert found("example nothing-like-this") == []


def test_an_e_mail_answer_and_its_subject_are_searched(shop: dict[str, int]) -> None:
    assert found("arrived") == [shop["mail"]]
    assert found("question") == [shop["mail"]]


def test_replies_and_private_notes_are_searched(shop: dict[str, int]) -> None:
    threads.store_agent_message(
        shop["jose"], threads.AgentMessage(agent="agent@shop.example", text="Enviamos un reemplazo", source="agent")
    )
    threads.store_agent_message(
        shop["hans"], threads.AgentMessage(agent="agent@shop.example", text="Kurier angerufen", source="note", private=True)
    )
    assert found("reemplazo") == [shop["jose"]]
    assert found("kurier") == [shop["hans"]]


def test_search_combines_with_the_lists_filters(shop: dict[str, int]) -> None:
    assert found("example", "language=es") == []
    threads.change_status(shop["mail"], "closed")
    assert found("example", "status=closed") == [shop["mail"]]
    assert found("example", "status=open") == [shop["ania"]]


def test_results_come_newest_first_or_oldest_first_a_page_at_a_time(aws: Any) -> None:
    contacts.all_contacts()
    numbers = [int(customer_writes(f"Reklamacja numer {i}", email=f"c{i}@example.com").thread.number) for i in range(7)]
    pages, cursor = [], ""
    while True:
        status, body = call("GET", "/v1/threads", query=f"q=reklamacja&limit=3{'&cursor=' + cursor if cursor else ''}")
        assert status == 200
        pages.append([t["number"] for t in body["threads"]])
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert [n for page in pages for n in page] == sorted(numbers, reverse=True)
    assert all(len(page) == 3 for page in pages[:-1])
    status, body = call("GET", "/v1/threads", query="q=reklamacja&order=oldest&limit=100")
    assert [t["number"] for t in body["threads"]] == sorted(numbers)


def test_a_cursor_of_another_search_is_refused(shop: dict[str, int]) -> None:
    status, body = call("GET", "/v1/threads", query="q=example&limit=1")
    status, body = call("GET", "/v1/threads", query=f"q=tienda&cursor={body['next_cursor']}")
    assert status == 400 and body["error"]["code"] == "invalid_cursor"


def _terms_of(number: int) -> list[Any]:
    return [i for i in ShopdeskItem.scan() if isinstance(i, SearchTerm) and int(i.thread_number) == number]  # test-only Scan


def test_a_deleted_thread_leaves_no_terms(shop: dict[str, int]) -> None:
    threads.store_agent_message(
        shop["ania"], threads.AgentMessage(agent="agent@shop.example", text="Wysłaliśmy paczkę ponownie", source="agent")
    )
    assert _terms_of(shop["ania"])
    threads.delete_thread(shop["ania"])
    assert _terms_of(shop["ania"]) == []
    assert found("wisniewska") == []


def test_erasing_a_customer_removes_their_terms(shop: dict[str, int]) -> None:
    assert call("DELETE", "/v1/customers/hans@beispiel.de", claims=ADMIN)[0] == 200
    assert _terms_of(shop["hans"]) == []
    assert found("strasse") == [] and found("beispiel") == []
    assert found("wisniewska") == [shop["ania"]]
