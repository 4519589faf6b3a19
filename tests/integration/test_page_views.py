"""The list screen's views "Mine", "Unassigned" and "Everyone's" in Chromium against the local
stack: their counts come from the dashboard's counter items, the employee filter means the
assignee, and the dashboard shows each agent's open count by display name. Other page tests
share the stack, so counts are compared before and after, never as absolute numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import new_thread, row, signed_in, tag

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def view(page: Page, name: str):
    return page.get_by_test_id(f"view-{name}")


def count(page: Page, name: str) -> int:
    counter = view(page, name).get_by_test_id("view-count")
    expect(counter).not_to_have_text("–")  # the dashboard has answered
    return int(counter.inner_text())


def test_an_agent_takes_a_thread_and_finds_it_under_mine_with_the_counts_moved(
    stack: dict[str, Any], open_page: Callable[..., Tab]
) -> None:
    number = new_thread(stack, email=f"views-{tag()}@example.com", text="Which size fits me?")
    page = signed_in(open_page(), stack, "agent")
    # The list starts on every thread of every status: no view (a view shows what it counts, the
    # threads not handled yet).
    expect(page.locator(".view-button[aria-pressed=true]")).to_have_count(0)
    mine, unassigned, everyone = count(page, "mine"), count(page, "unassigned"), count(page, "everyone")
    assert unassigned >= 1 and everyone >= unassigned

    view(page, "unassigned").click()
    expect(view(page, "unassigned")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("filter-agent")).to_have_value("-")
    expect(page.get_by_test_id("filter-status")).to_have_value("active")
    expect(row(page, number).get_by_test_id("thread-agent")).to_have_text("–")
    row(page, number).get_by_test_id("thread-link").click()
    page.get_by_test_id("owner-take").click()
    expect(page.get_by_test_id("owner-name")).to_have_text("Alex Agent")

    page.go_back()  # the list screen again: its dashboard is read anew
    expect(view(page, "mine").get_by_test_id("view-count")).to_have_text(str(mine + 1))
    expect(view(page, "unassigned").get_by_test_id("view-count")).to_have_text(str(unassigned - 1))
    expect(view(page, "everyone").get_by_test_id("view-count")).to_have_text(str(everyone))

    view(page, "mine").click()
    expect(view(page, "mine")).to_have_attribute("aria-pressed", "true")
    expect(row(page, number).get_by_test_id("thread-agent")).to_have_text("Alex Agent")  # a name, not an address
    expect(page.locator("[data-testid=thread-agent]").filter(has_not_text="Alex Agent")).to_have_count(0)

    view(page, "unassigned").click()
    expect(row(page, number)).to_have_count(0)  # the list drawn anew holds only threads no one owns
    expect(page.locator("[data-testid=thread-agent]").filter(has_not_text="–")).to_have_count(0)

    # The employee filter names the assignee by display name; choosing it is the same list as Mine.
    page.get_by_test_id("filter-agent").select_option(label="Alex Agent")
    expect(view(page, "mine")).to_have_attribute("aria-pressed", "true")
    expect(row(page, number)).to_be_visible()

    load = page.get_by_test_id("agent-load-row").filter(has_text="Alex Agent")
    expect(load.get_by_test_id("agent-load-count")).to_have_text(str(mine + 1))
    expect(page.get_by_test_id("agent-load")).not_to_contain_text("@")  # display names, never addresses
