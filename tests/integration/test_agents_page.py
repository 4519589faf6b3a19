"""The agents' page (SPEC §5, §8) in a real Chromium against the local stack (`make run`)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.integration.browser import Tab

pytestmark = [pytest.mark.stack, pytest.mark.browser]

# Every contact these tests create carries this tag, so each test's data is its own and the
# clean-up below finds exactly what this run made (other tests expect the two default contacts).
RUN_TAG = uuid.uuid4().hex[:6]

# What a test provokes on purpose shows up in the console as failed requests; nothing else may.
WRONG_PASSWORD_REQUEST = r"status of 400"
VALIDATION_REQUEST = r"status of 422"


def unique(label: str) -> str:
    return f"{label} {RUN_TAG}-{uuid.uuid4().hex[:6]}"


def api(stack: dict[str, Any], token: str, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(method, stack["agents_api"] + path, headers={"Authorization": f"Bearer {token}"}, json=body, timeout=10)


def english_names(stack: dict[str, Any], token: str) -> list[str]:
    answer = api(stack, token, "GET", "/v1/contacts")
    answer.raise_for_status()
    return [contact["names"].get("en", "") for contact in answer.json()["contacts"]]


@pytest.fixture(autouse=True)
def remove_this_runs_contacts(stack: dict[str, Any], admin_token: str) -> Iterator[None]:
    yield
    for contact in api(stack, admin_token, "GET", "/v1/contacts").json()["contacts"]:
        if RUN_TAG in contact["names"].get("en", ""):
            api(stack, admin_token, "DELETE", f"/v1/contacts/{contact['id']}")


def sign_in(tab: Tab, stack: dict[str, Any], role: str, password: str | None = None) -> Page:
    login = stack["logins"][role]
    page = tab.page
    page.goto(stack["url"])
    page.get_by_test_id("signin-email").fill(login["username"])
    page.get_by_test_id("signin-password").fill(password or login["password"])
    page.get_by_test_id("signin-submit").click()
    return page


def signed_in(tab: Tab, stack: dict[str, Any], role: str) -> Page:
    page = sign_in(tab, stack, role)
    expect(page.get_by_test_id("user-email")).to_have_text(stack["logins"][role]["username"])
    return page


def open_contacts(page: Page) -> None:
    page.get_by_test_id("nav-contacts").click()
    expect(page.get_by_test_id("contacts-table")).to_be_visible()


def contact_row(page: Page, english_name: str):
    return page.get_by_test_id("contact-row").filter(has=page.get_by_test_id("contact-name").get_by_text(english_name, exact=True))


def test_the_demo_admin_signs_in_adds_a_contact_and_the_storefront_lists_it_in_spanish(
    stack: dict[str, Any], open_page: Callable[..., Tab]
) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    expect(page.get_by_test_id("admin-badge")).to_have_text("admin")
    expect(page.get_by_test_id("shop-name")).not_to_be_empty()

    open_contacts(page)
    page.get_by_test_id("contact-add").click()
    names = {"en": unique("Returns"), "es": unique("Devoluciones"), "pl": unique("Zwroty")}
    for lang, name in names.items():
        page.get_by_test_id(f"contact-name-{lang}").fill(name)
    page.get_by_test_id("contact-description-es").fill("Para devolver un pedido")
    page.get_by_test_id("contact-email").fill("returns@shop.example")
    page.get_by_test_id("contact-save-messages").uncheck()
    page.get_by_test_id("contact-save").click()

    expect(page.get_by_test_id("contacts-status")).to_have_text("Contact added.")
    row = contact_row(page, names["en"])
    expect(row.get_by_test_id("contact-email")).to_have_text("returns@shop.example")
    expect(row.get_by_test_id("contact-saves")).to_have_text("No")

    public = requests.get(stack["public_api"] + "/v1/contacts", params={"lang": "es"}, timeout=10)
    assert public.status_code == 200
    listed = {contact["name"]: contact for contact in public.json()["contacts"]}
    assert names["es"] in listed
    assert listed[names["es"]]["description"] == "Para devolver un pedido"
    assert tab.problems() == []


def test_a_validation_error_is_shown_next_to_its_field(stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    open_contacts(page)
    page.get_by_test_id("contact-add").click()
    bad_name = unique("Sales <b>")
    page.get_by_test_id("contact-name-en").fill(bad_name)
    page.get_by_test_id("contact-save-messages").uncheck()
    page.get_by_test_id("contact-save").click()

    name_error = page.get_by_test_id("error-names.en")
    expect(name_error).to_have_text("The name may not contain any of these characters: < > = { }")
    expect(page.get_by_test_id("contact-name-en")).to_have_attribute("aria-invalid", "true")
    # The message sits inside the English name's own field, and the input points to it.
    field = page.locator(".field").filter(has=page.get_by_test_id("contact-name-en"))
    expect(field.get_by_test_id("error-names.en")).to_be_visible()
    expect(page.get_by_test_id("contact-name-en")).to_have_attribute("aria-describedby", re.compile(r"field-names-en-error"))
    expect(page.get_by_test_id("error-email")).to_contain_text("needs an e-mail address")
    expect(page.get_by_test_id("error-names.es")).to_be_hidden()
    expect(page.get_by_test_id("form-error")).to_have_text("Some fields are not valid.")
    assert not any(bad_name in name for name in english_names(stack, admin_token))

    # Fixing both fields clears the errors and saves.
    good_name = unique("Sales")
    page.get_by_test_id("contact-name-en").fill(good_name)
    page.get_by_test_id("contact-email").fill("sales@shop.example")
    page.get_by_test_id("contact-save").click()
    expect(page.get_by_test_id("contacts-status")).to_have_text("Contact added.")
    expect(contact_row(page, good_name)).to_be_visible()
    assert tab.problems(VALIDATION_REQUEST) == []


def test_the_demo_agent_sees_the_contacts_but_no_add_edit_or_delete_controls(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    expect(page.get_by_test_id("admin-badge")).to_be_hidden()

    open_contacts(page)
    expect(contact_row(page, "Customer service")).to_be_visible()
    expect(contact_row(page, "Webmaster").get_by_test_id("contact-saves")).to_have_text("Yes")
    for control in ("contact-add", "contact-edit", "contact-delete", "contact-move-up", "contact-move-down"):
        expect(page.get_by_test_id(control)).to_have_count(0)

    # Typing an admin address does not open the form either.
    page.goto(stack["url"] + "#/contacts/new")
    expect(page.get_by_test_id("admin-only")).to_have_text("Only administrators can change contacts.")
    expect(page.get_by_test_id("contact-form")).to_have_count(0)
    assert tab.problems() == []


def test_contact_texts_are_shown_as_text_never_as_html(stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str) -> None:
    name = unique("Press")
    markup = '<img src="x" data-injected="1"><b>bold</b>'
    created = api(
        stack, admin_token, "POST", "/v1/contacts", {"names": {"en": name}, "descriptions": {"en": markup}, "save_messages": True}
    )
    assert created.status_code == 201, created.text
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    open_contacts(page)
    expect(contact_row(page, name).get_by_test_id("contact-description")).to_have_text(markup)
    expect(page.locator("[data-injected], .contacts b")).to_have_count(0)
    assert tab.problems() == []


def test_a_wrong_password_shows_a_clear_error(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = sign_in(tab, stack, "admin", password="not-the-password")
    expect(page.get_by_test_id("signin-error")).to_have_text("Wrong e-mail or password. Please try again.")
    expect(page.get_by_test_id("signin-password")).to_have_value("")
    expect(page.get_by_test_id("user-email")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('shopdesk.session')") is None
    assert tab.problems(WRONG_PASSWORD_REQUEST) == []


def test_switching_the_language_to_polish_changes_the_labels(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    open_contacts(page)
    labels = {
        "en": {"title": "Contacts", "add": "Add contact", "sign_out": "Sign out", "contact": "Customer service", "badge": "admin"},
        "es": {
            "title": "Contactos",
            "add": "Añadir contacto",
            "sign_out": "Cerrar sesión",
            "contact": "Servicio al cliente",
            "badge": "administrador",
        },
        "pl": {"title": "Kontakty", "add": "Dodaj kontakt", "sign_out": "Wyloguj", "contact": "Obsługa klienta", "badge": "administrator"},
    }
    for lang, expected in labels.items():
        page.get_by_test_id("language-select").select_option(lang)
        expect(page.locator("h1")).to_have_text(expected["title"])
        expect(page.get_by_test_id("nav-contacts")).to_have_text(expected["title"])
        expect(page.get_by_test_id("contact-add")).to_have_text(expected["add"])
        expect(page.get_by_test_id("sign-out")).to_have_text(expected["sign_out"])
        expect(page.get_by_test_id("admin-badge")).to_have_text(expected["badge"])
        expect(page.get_by_test_id("contact-name").get_by_text(expected["contact"], exact=True)).to_be_visible()
        assert page.evaluate("document.documentElement.lang") == lang
        tab.screenshot(f"agents-page-contacts-{lang}")

    expect(page.locator("th").nth(1)).to_have_text("Nazwa")
    expect(page.get_by_test_id("contact-saves").first).to_have_text("Tak")
    # Remembered: a reload (and the next visit) stays in Polish.
    page.reload()
    expect(page.locator("h1")).to_have_text("Kontakty")
    expect(page.get_by_test_id("language-select")).to_have_value("pl")

    phone = open_page(width=390, height=844)
    phone_page = signed_in(phone, stack, "admin")
    open_contacts(phone_page)
    phone.screenshot("agents-page-contacts-phone")
    assert tab.problems() == [] and phone.problems() == []


def test_the_page_speaks_the_browsers_language_by_default(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page(locale="es-ES")
    tab.page.goto(stack["url"])
    expect(tab.page.locator("h1")).to_have_text("Iniciar sesión")
    expect(tab.page.get_by_test_id("signin-submit")).to_have_text("Iniciar sesión")
    expect(tab.page.get_by_test_id("language-select")).to_have_value("es")
    assert tab.problems() == []


def test_an_admin_edits_reorders_and_deletes_contacts(stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str) -> None:
    first, second = unique("Billing"), unique("Shipping")
    for name in (first, second):
        created = api(
            stack, admin_token, "POST", "/v1/contacts", {"names": {"en": name}, "email": "team@shop.example", "save_messages": True}
        )
        assert created.status_code == 201, created.text
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    open_contacts(page)

    # Move the second one up: it now comes before the first, in the page and in the API.
    contact_row(page, second).get_by_test_id("contact-move-up").click()
    expect(page.get_by_test_id("contacts-status")).to_have_text("New order saved.")
    names = english_names(stack, admin_token)
    assert names.index(second) < names.index(first)
    texts = page.get_by_test_id("contact-name").all_inner_texts()
    assert texts.index(second) < texts.index(first)
    # Keyboard focus stays on the moved contact's button.
    assert page.evaluate("document.activeElement.closest('tr').dataset.contactId") == contact_row(page, second).get_attribute(
        "data-contact-id"
    )
    contact_row(page, second).get_by_test_id("contact-move-down").click()
    expect(page.get_by_test_id("contacts-status")).to_have_text("New order saved.")
    names = english_names(stack, admin_token)
    assert names.index(first) < names.index(second)

    # Edit: the form comes pre-filled, and the new Polish name reaches the storefront.
    contact_row(page, first).get_by_test_id("contact-edit").click()
    expect(page.get_by_test_id("contact-name-en")).to_have_value(first)
    polish = unique("Płatności")
    page.get_by_test_id("contact-name-pl").fill(polish)
    page.get_by_test_id("contact-save").click()
    expect(page.get_by_test_id("contacts-status")).to_have_text("Contact saved.")
    public = requests.get(stack["public_api"] + "/v1/contacts", params={"lang": "pl"}, timeout=10).json()
    assert polish in [contact["name"] for contact in public["contacts"]]

    # Delete asks first; cancelling keeps the contact, confirming removes it.
    contact_row(page, second).get_by_test_id("contact-delete").click()
    expect(page.get_by_test_id("confirm-dialog")).to_be_visible()
    expect(page.get_by_test_id("confirm-text")).to_contain_text(second)
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("confirm-dialog")).to_be_hidden()
    assert second in english_names(stack, admin_token)
    contact_row(page, second).get_by_test_id("contact-delete").click()
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("contacts-status")).to_have_text(f"Contact “{second}” deleted.")
    expect(contact_row(page, second)).to_have_count(0)
    assert second not in english_names(stack, admin_token)
    assert tab.problems() == []


def test_an_unreachable_api_shows_an_error_and_a_way_to_try_again(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    page.route("**/agent/v1/contacts", lambda route: route.abort())
    page.get_by_test_id("nav-contacts").click()
    expect(page.get_by_test_id("contacts-error")).to_contain_text("The server could not be reached.")
    page.unroute("**/agent/v1/contacts")
    page.get_by_test_id("contacts-error-retry").click()
    expect(page.get_by_test_id("contacts-table")).to_be_visible()
    assert tab.problems(r"net::ERR_FAILED") == []


def test_an_expiring_token_is_refreshed_without_signing_in_again(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    before = json.loads(page.evaluate("sessionStorage.getItem('shopdesk.session')"))
    # The ID token is about to expire: the page must fetch new tokens before its next call.
    page.evaluate(
        "(session) => sessionStorage.setItem('shopdesk.session', JSON.stringify(session))",
        {**before, "issuedAt": before["issuedAt"] - 3_600_000, "expiresAt": before["issuedAt"] + 30_000},
    )
    with page.expect_request(lambda request: "InitiateAuth" in (request.headers.get("x-amz-target") or "")) as refresh:
        page.reload()
    assert json.loads(refresh.value.post_data or "{}")["AuthFlow"] == "REFRESH_TOKEN_AUTH"
    expect(page.get_by_test_id("user-email")).to_have_text(stack["logins"]["agent"]["username"])
    open_contacts(page)
    after = json.loads(page.evaluate("sessionStorage.getItem('shopdesk.session')"))
    assert after["idToken"] != before["idToken"]
    assert after["expiresAt"] > before["expiresAt"]
    assert after["refreshToken"] == before["refreshToken"]
    assert tab.problems() == []


def test_a_token_the_api_refuses_is_renewed_once_and_the_call_retried(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    session = json.loads(page.evaluate("sessionStorage.getItem('shopdesk.session')"))
    page.evaluate(
        "(session) => sessionStorage.setItem('shopdesk.session', JSON.stringify(session))",
        {**session, "idToken": "not-a-valid-token"},
    )
    refused: list[str] = []
    page.on("response", lambda response: refused.append(response.url) if response.status == 401 else None)
    page.reload()
    expect(page.get_by_test_id("user-email")).to_have_text(stack["logins"]["agent"]["username"])
    open_contacts(page)
    renewed = json.loads(page.evaluate("sessionStorage.getItem('shopdesk.session')"))
    assert renewed["idToken"] != "not-a-valid-token"
    assert refused == [stack["agents_api"] + "/v1/me"]  # refused once, then retried with the new token
    assert tab.problems(r"status of 401") == []


def test_when_the_session_ends_the_agent_is_told_and_sent_back_to_sign_in(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    session = json.loads(page.evaluate("sessionStorage.getItem('shopdesk.session')"))
    page.evaluate(
        "(session) => sessionStorage.setItem('shopdesk.session', JSON.stringify(session))",
        {**session, "refreshToken": "revoked-" + uuid.uuid4().hex, "expiresAt": session["issuedAt"] - 1000},
    )
    page.reload()
    expect(page.get_by_test_id("signin-notice")).to_have_text("Your session has ended. Please sign in again.")
    expect(page.get_by_test_id("signin-form")).to_be_visible()
    expect(page.get_by_test_id("user-email")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('shopdesk.session')") is None
    assert tab.problems(WRONG_PASSWORD_REQUEST) == []


def test_the_page_raises_no_console_errors_and_no_csp_violations(
    stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str
) -> None:
    name = unique("Partners")
    created = api(stack, admin_token, "POST", "/v1/contacts", {"names": {"en": name, "es": unique("Socios")}, "save_messages": True})
    assert created.status_code == 201, created.text
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    expect(page.get_by_test_id("thread-list")).to_be_visible()
    open_contacts(page)
    contact_row(page, name).get_by_test_id("contact-move-up").click()
    expect(page.get_by_test_id("contacts-status")).to_have_text("New order saved.")
    contact_row(page, name).get_by_test_id("contact-delete").click()
    page.get_by_test_id("confirm-cancel").click()
    contact_row(page, name).get_by_test_id("contact-edit").click()
    expect(page.get_by_test_id("contact-name-en")).to_have_value(name)
    page.get_by_test_id("back-to-contacts").click()
    for lang in ("es", "pl", "en"):
        page.get_by_test_id("language-select").select_option(lang)
    page.goto(stack["url"] + "#/no-such-screen")
    expect(page.get_by_test_id("not-found")).to_be_visible()
    page.get_by_test_id("sign-out").click()
    expect(page.get_by_test_id("signin-notice")).to_have_text("You have signed out.")
    assert page.evaluate("sessionStorage.getItem('shopdesk.session')") is None

    problems = tab.problems()
    assert problems == [], "\n".join(problems)
    # The watch itself works: an inline script (which the CSP forbids) is reported.
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any("script-src" in problem for problem in tab.problems())
