"""A mailbox's "private network" option from the agents' page: an admin's explicit word, with its
warning in the page's language, recorded with who gave it; a private address is refused without
it, a metadata address even with it. No mailbox here is ever connected: the one on a private
address is paused from the start and nothing presses its Test button (tests reach loopback only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.conftest import sign_in
from tests.integration.page_helpers import api, signed_in, tag

pytestmark = [pytest.mark.stack, pytest.mark.browser]

REFUSED = "This mail server cannot be used: its address is not a public one."


def test_an_admin_allows_a_private_network_for_one_mailbox_and_the_page_says_who(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    name = f"Warehouse {tag()}"
    token = sign_in(stack, "admin")
    admin = stack["logins"]["admin"]["username"]
    created = api(stack, token, "POST", "/v1/mailboxes", {"name": name, "host": "10.20.30.40", "user": "desk", "paused": True, "private_network": False})
    assert created.status_code == 422 and created.json()["error"]["fields"][0]["code"] == "imap_host_not_allowed"
    box = api(stack, token, "POST", "/v1/mailboxes", {"name": name, "host": "imap.public.example", "user": "desk", "paused": True}).json()
    tab = open_page()
    try:
        page = signed_in(tab, stack, "admin")
        row = page.get_by_test_id("mailbox").filter(has=page.get_by_test_id("mailbox-name").get_by_text(name, exact=True))
        expect(row.get_by_test_id("mailbox-private-network")).to_have_count(0)
        row.get_by_test_id("mailbox-edit").click()
        form = row.get_by_test_id("mailbox-edit-form")
        expect(form.get_by_test_id("edit-private-network")).not_to_be_checked()
        expect(form.get_by_test_id("edit-private-network-warning")).to_contain_text("cloud metadata addresses stay blocked")

        form.get_by_test_id("edit-host").fill("10.20.30.40")  # without the option: refused, the form stays
        form.get_by_test_id("edit-save").click()
        expect(form.get_by_test_id("edit-status")).to_contain_text(REFUSED)

        form.get_by_test_id("edit-private-network").check()  # with it: saved, and the row says who allowed it
        form.get_by_test_id("edit-save").click()
        expect(row.get_by_test_id("mailbox-private-network")).to_have_text(f"Private network, allowed by {admin}")
        saved = next(b for b in api(stack, token, "GET", "/v1/mailboxes").json()["mailboxes"] if b["id"] == box["id"])
        assert (saved["host"], saved["private_network"], saved["private_network_set_by"], saved["paused"]) == ("10.20.30.40", True, admin, True)

        row.get_by_test_id("mailbox-edit").click()  # a metadata address stays refused whatever the option says
        form = row.get_by_test_id("mailbox-edit-form")
        expect(form.get_by_test_id("edit-private-network")).to_be_checked()
        form.get_by_test_id("edit-host").fill("169.254.169.254")
        form.get_by_test_id("edit-save").click()
        expect(form.get_by_test_id("edit-status")).to_contain_text(REFUSED)
        form.get_by_test_id("edit-cancel").click()

        assert tab.problems(r"status of 422") == []
    finally:
        api(stack, token, "DELETE", f"/v1/mailboxes/{box['id']}")


def test_the_add_form_carries_the_option_and_its_warning_in_the_pages_language(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    page = signed_in(open_page(locale="pl-PL"), stack, "admin")
    form = page.get_by_test_id("mailbox-add-form")
    expect(form.get_by_test_id("mbx-private-network")).not_to_be_checked()
    expect(form.get_by_test_id("mbx-private-network-warning")).to_contain_text("adresy metadanych chmury pozostają zablokowane")
    form.get_by_test_id("mbx-host").fill("fe80::1")
    form.get_by_test_id("mbx-user").fill("desk")
    form.get_by_test_id("mbx-private-network").check()
    form.get_by_test_id("mailbox-add").click()  # link-local (fe80::/10) is never allowed
    expect(form.get_by_test_id("mailbox-add-status")).to_contain_text("Nie można użyć tego serwera poczty")
