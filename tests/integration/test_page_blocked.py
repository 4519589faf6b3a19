"""The blocked-sender list (admins) in Debian's Chromium against the local stack (`make run`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.page_helpers import signed_in, tag

pytestmark = [pytest.mark.stack, pytest.mark.browser]


def test_the_admin_blocks_and_unblocks_a_sender(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    value = f"@spam-{tag()}.example"
    tab = open_page()
    page = signed_in(tab, stack, "admin")
    page.get_by_test_id("nav-blocked").click()
    page.get_by_test_id("blocked-value").fill(value)
    page.get_by_test_id("blocked-add").click()
    expect(page.get_by_test_id("blocked-status")).to_have_text(f"{value} is blocked.")
    entry = page.get_by_test_id("blocked-row").filter(has_text=value)
    expect(entry).to_have_count(1)
    entry.get_by_test_id("blocked-remove").click()
    expect(page.get_by_test_id("blocked-status")).to_have_text(f"{value} is no longer blocked.")
    expect(entry).to_have_count(0)
    page.get_by_test_id("blocked-value").fill("not an address")
    page.get_by_test_id("blocked-add").click()
    expect(page.get_by_test_id("blocked-status")).not_to_have_text(re.compile("is blocked"))
    assert tab.problems(r"status of 422") == []
