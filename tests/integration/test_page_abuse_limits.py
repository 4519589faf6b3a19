"""The admin's "Abuse limits" panel on the list screen, in Chromium against the local stack: the
limits in force with the defaults as hints, a lowered upload limit that the storefront holds to at
once, nonsense refused with the API's message, and an emptied field back at its default. The stack
is shared with other page tests, so the limits are put back as they were."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import expect
from shopdesk.store.settings import ABUSE_LIMIT_NAMES

from tests.integration.browser import Tab
from tests.integration.conftest import sign_in
from tests.integration.page_helpers import api, signed_in

pytestmark = [pytest.mark.stack, pytest.mark.browser]

NAMES = ABUSE_LIMIT_NAMES


def field(panel: Any, name: str) -> Any:
    return panel.get_by_test_id("limit-" + name.replace("_", "-"))


def grant(stack: dict[str, Any]) -> int:
    return requests.post(stack["public_api"] + "/v1/uploads", json={"filename": "a.pdf"}, timeout=10).status_code


def test_an_admin_lowers_the_upload_limit_on_the_page_and_the_storefront_refuses_the_next_grant(
    stack: dict[str, Any], open_page: Callable[..., Tab]
) -> None:
    token = sign_in(stack, "admin")
    before = api(stack, token, "GET", "/v1/settings").json()
    defaults = before["abuse_limit_defaults"]
    try:
        page = signed_in(open_page(), stack, "admin")
        panel = page.get_by_test_id("abuse-limits")
        expect(panel.get_by_role("heading")).to_have_text("Abuse limits")
        for name in NAMES:  # empty while the limit is the default, which is the placeholder
            expect(field(panel, name)).to_have_attribute("placeholder", str(defaults[name]))
        expect(panel.get_by_text(f"Default: {defaults['upload_limit_per_form']}")).not_to_have_count(0)

        field(panel, "upload_limit_per_ip").fill("1")
        field(panel, "rate_limit_per_email").fill("3")
        panel.get_by_test_id("abuse-limits-save").click()
        expect(panel.get_by_test_id("abuse-limits-status")).to_have_text("Settings saved.")
        saved = api(stack, token, "GET", "/v1/settings").json()["abuse_limits"]
        assert saved == defaults | {"upload_limit_per_ip": 1, "rate_limit_per_email": 3}
        # The storefront holds to it at once: this machine's grants in the window are past one.
        assert [grant(stack) for _ in range(2)][-1] == 429

        # Nonsense is refused with the API's own words, and nothing is saved.
        field(panel, "confirmation_limit_per_shop").fill("-5")
        panel.get_by_test_id("abuse-limits-save").click()
        expect(panel.get_by_test_id("abuse-limits-status")).to_contain_text("A limit must be a whole number from 0 to 100000.")
        assert api(stack, token, "GET", "/v1/settings").json()["abuse_limits"] == saved

        # Emptied, a field goes back to the default; it holds after a reload.
        field(panel, "confirmation_limit_per_shop").fill("")
        field(panel, "upload_limit_per_ip").fill("")
        panel.get_by_test_id("abuse-limits-save").click()
        expect(panel.get_by_test_id("abuse-limits-status")).to_have_text("Settings saved.")
        page.reload()
        panel = page.get_by_test_id("abuse-limits")
        expect(field(panel, "rate_limit_per_email")).to_have_value("3")
        expect(field(panel, "upload_limit_per_ip")).to_have_value("")
        assert api(stack, token, "GET", "/v1/settings").json()["abuse_limits"] == defaults | {"rate_limit_per_email": 3}

    finally:
        api(stack, token, "PATCH", "/v1/settings", {"abuse_limits": dict.fromkeys(NAMES)})


def test_an_agent_sees_no_abuse_limits(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    page = signed_in(open_page(), stack, "agent")
    expect(page.get_by_test_id("thread-list")).to_be_visible()
    expect(page.get_by_test_id("abuse-limits")).to_have_count(0)
