"""The agents' list screen (SPEC §5) in Debian's Chromium against the local stack (`make run`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import api, new_thread, row, signed_in, tag
from tests.integration.page_seed import seed

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_the_boxes_and_statistics_show_what_the_api_counts(stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str) -> None:
    new_thread(stack, contact_id="webmaster", text="The checkout page is blank.")
    dashboard = api(stack, admin_token, "GET", "/v1/dashboard").json()
    tab = open_page()
    page = signed_in(tab, stack, "admin")

    boxes = page.get_by_test_id("contact-box")
    expect(boxes).to_have_count(len(dashboard["boxes"]))
    for box in dashboard["boxes"]:
        shown = page.locator(f'[data-testid=contact-box][data-contact-id="{box["contact_id"]}"]')
        expect(shown.get_by_test_id("box-name")).to_have_text(box["names"]["en"])
        expect(shown.get_by_test_id("box-count")).to_have_text(str(box["open"]))
        link = shown.get_by_test_id("box-link")
        if box["open"]:
            expect(link).to_have_text(f"{box['open']} new message" + ("s" if box["open"] != 1 else ""))
            expect(link).to_have_attribute("href", f"#/threads/{box['oldest_open_thread']}")
        else:
            expect(link).to_have_text("No new messages")
    for key, value in dashboard["statistics"].items():
        expect(page.get_by_test_id(f"stat-{key}").locator("dd")).to_have_text(f"{value:,}")
    expect(page.get_by_test_id("indicator-pending").locator("dd")).to_have_text(str(dashboard["indicators"]["pending_discussions"]))
    expect(page.get_by_test_id("legend-status")).to_have_text(["Open", "Handled", "Pending 1", "Pending 2"])

    # The webmaster's box leads to its oldest open thread.
    webmaster = next(box for box in dashboard["boxes"] if box["contact_id"] == "webmaster")
    page.locator('[data-testid=contact-box][data-contact-id="webmaster"]').get_by_test_id("box-link").click()
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{webmaster['oldest_open_thread']}")
    assert tab.problems() == []


def test_the_agent_sees_the_threads_but_no_admin_screen(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    number = new_thread(stack)
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    expect(row(page, number)).to_be_visible()
    expect(page.get_by_test_id("statistics")).to_be_visible()
    expect(page.get_by_test_id("admin-badge")).to_be_hidden()
    expect(page.get_by_test_id("nav-blocked")).to_be_hidden()
    expect(page.get_by_test_id("contact-options")).to_have_count(0)
    expect(page.get_by_test_id("service-options")).to_have_count(0)
    page.goto(stack["url"] + "#/blocked")
    expect(page.get_by_test_id("admin-only")).to_be_visible()
    expect(page.get_by_test_id("blocked-form")).to_have_count(0)
    assert tab.problems() == []


def test_an_admin_sees_the_contact_and_customer_service_options(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    expect(page.get_by_test_id("nav-blocked")).to_be_visible()
    expect(page.get_by_test_id("contact-options-form")).to_be_visible()
    expect(page.get_by_test_id("service-options-form")).to_be_visible()
    expect(page.get_by_test_id("run-sync")).to_be_visible()


def test_search_filters_and_pages_the_thread_list(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    run = tag()
    polish = new_thread(stack, email=f"jan-{run}@example.com", customer_name=f"Jan {run}", language="pl", text="Gdzie jest moje zamówienie?")
    spanish = new_thread(stack, email=f"ana-{run}@example.com", customer_name=f"Ana {run}", language="es", contact_id="webmaster")
    seed(stack, bulk=30)  # more than a page of 25
    tab = open_page()
    page = signed_in(tab, stack, "admin")

    # Newest first, 25 a page, and the cursor's next page holds other threads.
    rows = page.get_by_test_id("thread-row")
    expect(rows).to_have_count(25)
    first_page = [int(n) for n in rows.evaluate_all("rows => rows.map(r => r.dataset.number)")]
    dates = page.get_by_test_id("thread-date").evaluate_all("times => times.map(t => t.getAttribute('datetime'))")
    assert dates == sorted(dates, reverse=True)
    page.get_by_test_id("page-next").click()
    expect(page.get_by_test_id("page-number")).to_have_text("Page 2")
    expect(rows.first).not_to_have_attribute("data-number", str(first_page[0]))
    second_page = [int(n) for n in rows.evaluate_all("rows => rows.map(r => r.dataset.number)")]
    assert not set(first_page) & set(second_page)
    page.get_by_test_id("page-previous").click()
    expect(rows.first).to_have_attribute("data-number", str(first_page[0]))

    # Search by e-mail, by name, by number.
    search = page.get_by_test_id("filter-q")
    for query in (f"jan-{run}@example.com", f"#{polish}", str(polish)):
        search.fill(query)
        search.press("Enter")
        expect(rows).to_have_count(1)
        expect(row(page, polish)).to_be_visible()
    expect(row(page, polish).get_by_test_id("thread-language")).to_have_text("PL")
    expect(row(page, polish).get_by_test_id("thread-preview")).to_have_text("Gdzie jest moje zamówienie?")
    expect(row(page, polish).get_by_test_id("unread-mark")).to_have_count(1)

    # Filters: language, contact, status.
    search.fill("")
    page.get_by_test_id("filter-language").select_option("es")
    expect(row(page, spanish)).to_be_visible()
    expect(page.get_by_test_id("thread-language")).to_have_text(["ES"] * rows.count())
    page.get_by_test_id("filter-contact").select_option("webmaster")
    expect(row(page, spanish)).to_be_visible()
    expect(page.get_by_test_id("thread-contact").first).to_have_text("Webmaster")
    page.get_by_test_id("filter-status").select_option("closed")
    expect(row(page, spanish)).to_have_count(0)
    page.get_by_test_id("filter-reset").click()
    expect(rows).to_have_count(25)

    # Unread only, and a date range with nothing in it.
    page.get_by_test_id("filter-unread").check()
    expect(row(page, polish)).to_be_visible()
    assert rows.count() == page.get_by_test_id("unread-mark").count()
    page.get_by_test_id("filter-unread").uncheck()
    page.get_by_test_id("filter-from").fill("2099-01-01")
    expect(page.get_by_test_id("list-empty")).to_have_text("No thread matches these filters.")
    page.get_by_test_id("filter-reset").click()
    expect(rows).to_have_count(25)
    assert tab.problems() == []


def test_bulk_actions_change_the_status_of_and_delete_the_selected_threads(
    stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str
) -> None:
    first, second = new_thread(stack), new_thread(stack)
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    for number in (first, second):
        row(page, number).get_by_test_id("select-thread").check()
    expect(page.get_by_test_id("bulk-count")).to_have_text("2 selected")
    page.get_by_test_id("bulk-status").select_option("pending2")
    page.get_by_test_id("bulk-apply-status").click()
    expect(page.get_by_test_id("list-status")).to_have_text("2 threads changed.")
    expect(row(page, first).get_by_test_id("thread-status")).to_have_text("Pending 2")
    expect(row(page, second).get_by_test_id("thread-status")).to_have_text("Pending 2")

    row(page, first).get_by_test_id("select-thread").check()
    page.get_by_test_id("bulk-delete").click()
    page.get_by_test_id("bulk-confirm-delete").click()
    expect(page.get_by_test_id("list-status")).to_have_text("1 thread deleted.")
    expect(row(page, first)).to_have_count(0)
    assert api(stack, admin_token, "GET", f"/v1/threads/{first}").status_code == 404
    assert tab.problems() == []


def test_a_new_thread_appears_without_reloading_the_page(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    new_thread(stack)
    tab = open_page()
    page = tab.page
    page.clock.install()
    signed_in(tab, stack, "admin")
    expect(page.get_by_test_id("thread-row").first).to_be_visible()
    earlier = int(page.get_by_test_id("thread-row").first.get_attribute("data-number"))
    row(page, earlier).get_by_test_id("select-thread").focus()  # the agent is working in the list
    number = new_thread(stack, customer_name=f"Late {tag()}")
    expect(row(page, number)).to_have_count(0)
    page.clock.run_for(21_000)  # the page polls every 20 s while it is visible
    expect(row(page, number)).to_be_visible()
    expect(row(page, earlier).get_by_test_id("select-thread")).to_be_focused()  # the refresh kept the focus
    assert tab.problems() == []


def test_the_admin_saves_the_contact_options_and_the_mailbox_settings(
    stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str
) -> None:
    before = api(stack, admin_token, "GET", "/v1/settings").json()
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    greeting = f"Dzień dobry ({tag()}),"
    page.get_by_test_id("opt-default-pl").fill(greeting)
    page.get_by_test_id("opt-allow-uploads").set_checked(not before["allow_uploads"])
    page.get_by_test_id("contact-options-save").click()
    expect(page.get_by_test_id("contact-options-status")).to_have_text("Settings saved.")
    after = api(stack, admin_token, "GET", "/v1/settings").json()
    assert after["default_messages"]["pl"] == greeting
    assert after["allow_uploads"] is (not before["allow_uploads"])

    expect(page.get_by_test_id("opt-imap-host")).to_have_value(before["imap"]["host"])
    page.get_by_test_id("opt-imap-folder").fill("INBOX")
    page.get_by_test_id("opt-imap-create").set_checked(True)
    page.get_by_test_id("service-options-save").click()
    expect(page.get_by_test_id("service-options-status")).to_have_text("Settings saved.")
    imap = api(stack, admin_token, "GET", "/v1/settings").json()["imap"]
    assert imap["create_new_threads"] is True
    assert imap["host"] == before["imap"]["host"] and imap["port"] == before["imap"]["port"]
    assert "password" not in imap  # write-only
    api(stack, admin_token, "PATCH", "/v1/settings", {"allow_uploads": before["allow_uploads"], "default_messages": before["default_messages"]})
    assert tab.problems() == []


def english_labels_left(page: Any, lang: str) -> list[str]:
    """Labels of the page still showing their English text while the page speaks `lang`."""
    return page.evaluate(
        """async (lang) => {
          const { labels } = await import("./i18n.js");
          const english = labels("en"), here = labels(lang);
          const left = [];
          for (const element of document.querySelectorAll("[data-i18n]")) {
            const key = element.dataset.i18n;
            if (element.closest("[hidden]")) continue;
            if (english[key] !== here[key] && element.textContent === english[key]) left.push(key);
            if (!(key in here)) left.push(`missing ${key}`);
          }
          const englishTexts = new Set(Object.entries(english).filter(([k, v]) => here[k] !== v).map(([, v]) => v));
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            if (walker.currentNode.parentElement.closest("#language-select")) continue; // each language's own name
            const text = walker.currentNode.textContent.trim();
            if (text && englishTexts.has(text)) left.push(`text: ${text}`);
          }
          for (const element of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
            for (const name of ["aria-label", "placeholder", "title"]) {
              const value = element.getAttribute(name);
              if (value && englishTexts.has(value)) left.push(`${name}: ${value}`);
            }
          }
          return left;
        }""",
        lang,
    )


@pytest.mark.parametrize("lang", ["en", "es", "pl"])
def test_every_label_of_the_list_and_thread_screens_changes_with_the_language(
    stack: dict[str, Any], open_page: Callable[..., Tab], lang: str
) -> None:
    number = new_thread(stack, customer_name="Łucja Núñez", text="Hola,\nmi pedido no ha llegado.", language="es")
    tab = open_page(width=1400)
    page = signed_in(tab, stack, "admin")
    expect(row(page, number)).to_be_visible()
    expect(page.get_by_test_id("service-options-form")).to_be_visible()
    page.get_by_test_id("language-select").select_option(lang)
    titles = {"en": "Customer service", "es": "Servicio al cliente", "pl": "Obsługa klienta"}
    expect(page.locator("#desk-title")).to_have_text(titles[lang])
    expect(page.get_by_test_id("legend-status").first).to_have_text({"en": "Open", "es": "Abierto", "pl": "Otwarty"}[lang])
    if lang != "en":
        assert english_labels_left(page, lang) == []
    tab.screenshot(f"page-list-{lang}")

    row(page, number).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("thread-title")).to_have_text({"en": f"Thread #{number}", "es": f"Conversación #{number}", "pl": f"Wątek #{number}"}[lang])
    expect(page.get_by_test_id("status-handled")).to_have_text({"en": "Mark as handled", "es": "Marcar como gestionado", "pl": "Oznacz jako obsłużony"}[lang])
    if lang != "en":
        assert english_labels_left(page, lang) == []
    tab.screenshot(f"page-thread-{lang}")

    # The contacts screens speak the language too.
    page.get_by_test_id("nav-contacts").click()
    expect(page.get_by_test_id("contacts-table")).to_be_visible()
    if lang != "en":
        assert english_labels_left(page, lang) == []
    page.get_by_test_id("contact-add").click()
    expect(page.get_by_test_id("contact-form")).to_be_visible()
    if lang != "en":
        assert english_labels_left(page, lang) == []
    page.go_back()
    page.go_back()
    expect(page.get_by_test_id("thread-title")).to_be_visible()

    # A phone's width: the same screens, one column.
    page.set_viewport_size({"width": 390, "height": 844})
    tab.screenshot(f"page-thread-{lang}-phone")
    page.get_by_test_id("back-to-list").click()
    expect(row(page, number)).to_be_visible()
    tab.screenshot(f"page-list-{lang}-phone")
    assert tab.problems() == []


def test_a_customers_markup_is_shown_as_text_and_never_runs(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    markup = "<img src=x onerror=alert(1)>"
    name = "<script>alert('name')</script> Eve"
    number = new_thread(stack, text=markup, customer_name=name, product="<b>Mug</b>")
    tab = open_page()
    dialogs: list[str] = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page = signed_in(tab, stack, "admin")
    expect(row(page, number).get_by_test_id("thread-customer")).to_have_text(name)
    expect(row(page, number).get_by_test_id("thread-preview")).to_have_text(markup)
    row(page, number).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("message-text").first).to_have_text(markup)
    expect(page.get_by_test_id("message-author").first).to_have_text(name)
    expect(page.get_by_test_id("customer-block")).to_contain_text("<b>Mug</b>")
    assert page.locator("main img, main script, main b").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
    assert tab.problems() == []


def test_index_html_preloads_every_module_the_page_imports() -> None:
    """All modules load in parallel (modulepreload) instead of import by import: keep the list complete."""
    web = Path(__file__).resolve().parents[2] / "web"
    reachable: set[str] = set()
    pending = ["app.js"]
    while pending:
        module = pending.pop()
        source = (web / module).read_text()
        for target in re.findall(r'^import [^;]*? from "(\.{1,2}/[^"]+)";', source, re.M | re.S):
            path = str((web / module).parent.joinpath(target).resolve().relative_to(web))
            if path not in reachable:
                reachable.add(path)
                pending.append(path)
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', (web / "index.html").read_text()))
    assert preloaded == reachable


def test_every_label_exists_in_english_spanish_and_polish(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    tab = open_page()
    tab.page.goto(stack["url"])
    missing = tab.page.evaluate(
        """async () => {
          const { labels } = await import("./i18n.js");
          const base = (code) => Object.keys(labels(code)).filter((key) => !/\\.(zero|one|two|few|many|other)$/.test(key));
          const english = base("en");
          return Object.fromEntries(["es", "pl"].map((code) => {
            const here = new Set(base(code));
            return [code, english.filter((key) => !here.has(key)).concat(base(code).filter((key) => !english.includes(key)))];
          }));
        }"""
    )
    assert missing == {"es": [], "pl": []}


def test_the_sort_select_lists_the_oldest_threads_first(stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str) -> None:
    new_thread(stack)
    new_thread(stack)
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    rows = page.get_by_test_id("thread-row")
    expect(rows.first).to_be_visible()
    expect(page.get_by_test_id("filter-order")).to_have_value("")
    page.get_by_test_id("filter-order").select_option("oldest")
    oldest = api(stack, admin_token, "GET", "/v1/threads?order=oldest&limit=1").json()["threads"][0]["number"]
    expect(rows.first).to_have_attribute("data-number", str(oldest))
    dates = page.get_by_test_id("thread-date").evaluate_all("times => times.map(t => t.getAttribute('datetime'))")
    assert dates == sorted(dates)
    page.get_by_test_id("filter-order").select_option("")
    newest = api(stack, admin_token, "GET", "/v1/threads?limit=1").json()["threads"][0]["number"]
    expect(rows.first).to_have_attribute("data-number", str(newest))
    assert tab.problems() == []
