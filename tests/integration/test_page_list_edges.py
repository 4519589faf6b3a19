"""The list's rough edges, in Chromium against the local stack: the sort label
follows the sort, a result count and "more", the bulk-delete dialog names the threads chosen, the
statistic says what it counts, files show as a paper clip with a count, the table fits 1366 px and
the signed-in agent stays identifiable on a phone in every language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import api, new_thread, row, signed_in, tag
from tests.integration.page_seed import seed

pytestmark = [pytest.mark.stack, pytest.mark.browser]

PHONE = 390


def test_the_sort_label_follows_the_sort_and_the_page_says_what_it_shows(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    seed(stack, bulk=30)  # more than a page of 25
    tab = open_page(width=1366)
    page = signed_in(tab, stack, "agent")
    expect(page.get_by_test_id("sort-note")).to_have_text("Newest first")
    expect(page.get_by_test_id("result-count")).to_have_text("Threads 1–25, more on the next page")
    page.get_by_test_id("filter-order").select_option("oldest")
    expect(page.get_by_test_id("sort-note")).to_have_text("Oldest first")
    page.get_by_test_id("language-select").select_option("es")
    expect(page.get_by_test_id("sort-note")).to_have_text("Más antiguas primero")
    page.get_by_test_id("language-select").select_option("en")
    page.get_by_test_id("page-next").click()
    expect(page.get_by_test_id("result-count")).to_contain_text("Threads 26–")
    expect(page.get_by_test_id("stat-unread")).to_contain_text("Open threads (awaiting an answer)")
    assert tab.problems() == []


def test_the_bulk_delete_dialog_names_the_threads_chosen(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    first, second = new_thread(stack), new_thread(stack)
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    row(page, first).get_by_test_id("select-thread").check()
    page.get_by_test_id("bulk-delete").click()
    expect(page.get_by_test_id("bulk-confirm-text")).to_have_text(f"The thread chosen (#{first}) will be deleted with its messages and attachments. This cannot be undone.")
    page.get_by_test_id("bulk-confirm-cancel").click()
    row(page, second).get_by_test_id("select-thread").check()
    page.get_by_test_id("bulk-delete").click()
    expect(page.get_by_test_id("bulk-confirm-text")).to_contain_text("The 2 threads chosen (#")
    expect(page.get_by_test_id("bulk-confirm-text")).to_contain_text(f"#{first}")
    expect(page.get_by_test_id("bulk-confirm-text")).to_contain_text(f"#{second}")
    page.get_by_test_id("bulk-confirm-cancel").click()
    assert tab.problems() == []


def test_a_messages_files_show_as_a_paper_clip_with_their_count(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    files = [{"key": f"k/{tag()}", "filename": name, "content_type": "text/plain", "size": 10} for name in ("a.txt", "b.txt")]
    number = new_thread(stack, attachments=files)
    tab = open_page()
    page = signed_in(tab, stack, "agent", f"#/threads/{number}")
    count = page.get_by_test_id("file-count")
    expect(count).to_contain_text("2")
    expect(count).to_have_attribute("title", "2 files")
    mask = count.locator(".clip").evaluate("e => getComputedStyle(e).maskImage || getComputedStyle(e).webkitMaskImage")
    assert "svg" in mask  # a drawn paper clip, not an outlined box that reads as "0"
    assert tab.problems() == []


def test_the_table_fits_1366_px_without_cutting_the_last_column(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    new_thread(stack, email=f"a-rather-long-address-{tag()}@a-long-shop-domain.example.com", customer_name="Małgorzata Brzęczyszczykiewicz")
    for lang in ("en", "es", "pl"):
        tab = open_page(width=1366)
        page = signed_in(tab, stack, "admin")
        page.get_by_test_id("language-select").select_option(lang)
        expect(page.get_by_test_id("thread-row").first).to_be_visible()
        fits = page.evaluate(
            """() => {
                const wrap = document.querySelector('.table-wrap');
                const last = document.querySelector('.threads-table th:last-child').getBoundingClientRect();
                return wrap.scrollWidth <= wrap.clientWidth && last.right <= wrap.getBoundingClientRect().right + 0.5;
            }"""
        )
        assert fits, lang
        tab.screenshot(f"list-1366-{lang}")


@pytest.mark.parametrize("lang", ["en", "es", "pl"])
def test_on_a_phone_the_signed_in_agent_stays_identifiable(stack: dict[str, Any], open_page: Callable[..., Tab], lang: str) -> None:
    tab = open_page(width=PHONE)
    page = signed_in(tab, stack, "admin")
    page.get_by_test_id("language-select").select_option(lang)
    user = page.get_by_test_id("user-email")
    expect(user).to_be_visible()
    expect(user).to_have_text(stack["logins"]["admin"]["username"])
    whole = user.evaluate("e => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().width > 0 && getComputedStyle(e).textOverflow !== 'ellipsis'")
    assert whole, lang
    box = user.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE
    tab.screenshot(f"phone-header-{lang}")
    assert tab.problems() == []


def test_spam_is_its_own_view_and_out_of_the_main_list(stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str) -> None:
    spam, kept = new_thread(stack, text="Cheap pills"), new_thread(stack)
    assert api(stack, admin_token, "PUT", f"/v1/threads/{spam}/spam", {"spam": True}).status_code == 200
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    expect(row(page, kept)).to_be_visible()
    expect(row(page, spam)).to_have_count(0)
    page.get_by_test_id("filter-spam").check()
    expect(row(page, spam)).to_be_visible()
    expect(row(page, kept)).to_have_count(0)
    assert tab.problems() == []


def test_a_deleted_contact_stays_in_the_contact_filter_while_threads_carry_it(stack: dict[str, Any], open_page: Callable[..., Tab], admin_token: str) -> None:
    name = f"Returns {tag()}"
    answer = api(stack, admin_token, "POST", "/v1/contacts", {"names": {"en": name, "es": name, "pl": name}, "descriptions": {"en": "", "es": "", "pl": ""}, "save_messages": True})
    assert answer.status_code == 201, answer.text
    contact_id = answer.json()["id"]
    number = new_thread(stack, contact_id=contact_id, text="My parcel came back")
    assert api(stack, admin_token, "DELETE", f"/v1/contacts/{contact_id}").status_code in (200, 204)
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    option = page.locator(f'[data-testid=filter-contact] option[value="{contact_id}"]')
    expect(option).to_have_text(f"{name} (deleted)")
    page.get_by_test_id("filter-contact").select_option(contact_id)
    expect(row(page, number)).to_be_visible()
    expect(page.get_by_test_id("thread-row")).to_have_count(1)
    assert tab.problems() == []
