"""Finding anything from the list's search box, and tags, in Debian's Chromium against
the local stack: a word of a customer's e-mail answer, part of a name typed without its
diacritics, a domain; a tag added on the thread screen and the list filtered by it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import row, signed_in, tag
from tests.integration.page_seed import seed

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def search(page: Page, query: str) -> None:
    box = page.get_by_test_id("filter-q")
    box.fill(query)
    box.press("Enter")


def test_the_search_box_finds_an_e_mail_answer_part_of_a_name_and_a_domain(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    run = tag()
    email = f"anna.{run}@sklep-{run}.pl"
    first = {"email": email, "customer_name": "Anna Wiśniewska", "language": "pl", "text": "Dzień dobry, gdzie jest moja paczka?"}
    answer = {
        **first,
        "source": "email",
        "subject": f"Re: Zamówienie ZK-{run}",
        "text": "Paczka dotarła, ale karton był zgnieciony.\n\n> Dzień dobry, gdzie jest moja paczka?",
        "new_text": "Paczka dotarła, ale karton był zgnieciony.",
    }
    number, same = seed(stack, [first, answer])  # her e-mail answer continues her open thread
    assert same == number
    other = seed(stack, [{"email": f"jan.{tag()}@example.com", "customer_name": "Jan Kowalski", "text": "Karton był zgnieciony też u mnie."}])[0]
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    rows = page.get_by_test_id("thread-row")

    search(page, f"zgnieciony {run}")  # a word of her e-mail answer, and a word of her address
    expect(row(page, number)).to_be_visible()
    expect(rows).to_have_count(1)
    search(page, "ZGNIECIONY")
    expect(row(page, number)).to_be_visible()
    expect(row(page, other)).to_be_visible()
    expect(rows.first).to_have_attribute("data-number", str(other))  # the newest first

    search(page, f"wisniew {run}")  # part of the name, without its diacritics
    expect(row(page, number)).to_be_visible()
    expect(rows).to_have_count(1)
    expect(row(page, number).get_by_test_id("thread-customer")).to_have_text("Anna Wiśniewska")

    search(page, f"sklep-{run}.pl")  # the domain
    expect(row(page, number)).to_be_visible()
    expect(rows).to_have_count(1)

    search(page, f"zk-{run}")  # the order reference in the mail's subject
    expect(row(page, number)).to_be_visible()
    expect(rows).to_have_count(1)

    search(page, f"nothing{run}")
    expect(page.get_by_test_id("list-empty")).to_be_visible()
    assert tab.problems() == []


def test_an_agent_tags_a_thread_and_filters_the_list_by_it(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    run = tag()
    tagged, untagged = seed(stack, [{"email": f"t1-{run}@example.com", "text": "Broken mug"}, {"email": f"t2-{run}@example.com", "text": "Broken plate"}])
    tab = open_page()
    page = signed_in(tab, stack, "agent")
    row(page, tagged).get_by_test_id("thread-link").click()
    expect(page.get_by_test_id("thread-title")).to_have_text(f"Thread #{tagged}")
    expect(page.get_by_test_id("tags-none")).to_be_visible()
    page.get_by_test_id("tag-input").fill(f"  Reklamacja {run} ")
    page.get_by_test_id("tag-add").click()
    chip = page.get_by_test_id("thread-tag")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(f"reklamacja {run}")
    page.get_by_test_id("tag-input").fill("<b>vip</b>")  # an agent's text is text
    page.get_by_test_id("tag-add").click()
    expect(chip).to_have_count(2)
    expect(page.locator(".thread-tags b")).to_have_count(0)

    page.get_by_test_id("back-to-list").click()
    expect(row(page, tagged).get_by_test_id("thread-tag")).to_have_text(["<b>vip</b>", f"reklamacja {run}"])
    page.get_by_test_id("filter-tag").select_option(f"reklamacja {run}")
    rows = page.get_by_test_id("thread-row")
    expect(rows).to_have_count(1)
    expect(row(page, tagged)).to_be_visible()
    page.get_by_test_id("filter-reset").click()
    expect(row(page, untagged)).to_be_visible()
    search(page, f"reklamacja {run}")  # a tag's words are searched too
    expect(rows).to_have_count(1)
    expect(row(page, tagged)).to_be_visible()

    row(page, tagged).get_by_test_id("thread-link").click()
    page.get_by_test_id("thread-tag").filter(has_text="vip").get_by_test_id("tag-remove").click()
    expect(page.get_by_test_id("thread-tag")).to_have_count(1)
    assert tab.problems() == []
