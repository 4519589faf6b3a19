"""The admin's team options on the list screen, in Chromium against the local stack: assign on
first reply, notify the assignee, and what Send does by default, saved and read back. The stack
is shared with other page tests, so the shop's settings are put back as they were."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.integration.browser import Tab
from tests.integration.conftest import sign_in
from tests.integration.page_helpers import api, signed_in

pytestmark = [pytest.mark.stack, pytest.mark.browser]

SWITCHES = ("assign_on_first_reply", "notify_assignee", "after_send_default")


def test_an_admin_switches_the_team_options_on_and_they_hold_after_a_reload(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    token = sign_in(stack, "admin")
    before = api(stack, token, "GET", "/v1/settings").json()
    try:
        page = signed_in(open_page(), stack, "admin")
        panel = page.get_by_test_id("team-options")
        expect(panel.get_by_test_id("opt-assign-on-first-reply")).not_to_be_checked()
        expect(panel.get_by_test_id("opt-notify-assignee")).not_to_be_checked()
        expect(panel.get_by_test_id("opt-after-send-default")).to_have_value("close")
        panel.get_by_test_id("opt-assign-on-first-reply").check()
        panel.get_by_test_id("opt-notify-assignee").check()
        panel.get_by_test_id("opt-after-send-default").select_option(label="Send and keep open")
        panel.get_by_test_id("team-options-save").click()
        expect(panel.get_by_test_id("team-options-status")).to_have_text("Settings saved.")
        saved = api(stack, token, "GET", "/v1/settings").json()
        assert {name: saved[name] for name in SWITCHES} == {
            "assign_on_first_reply": True,
            "notify_assignee": True,
            "after_send_default": "open",
        }
        assert saved["allow_uploads"] == before["allow_uploads"]  # the other options are left as they were

        page.reload()
        panel = page.get_by_test_id("team-options")
        expect(panel.get_by_test_id("opt-assign-on-first-reply")).to_be_checked()
        expect(panel.get_by_test_id("opt-notify-assignee")).to_be_checked()
        expect(panel.get_by_test_id("opt-after-send-default")).to_have_value("open")
    finally:
        api(stack, token, "PATCH", "/v1/settings", {name: before[name] for name in SWITCHES})


def test_an_agent_sees_no_team_options(stack: dict[str, Any], open_page: Callable[..., Tab]) -> None:
    page = signed_in(open_page(), stack, "agent")
    expect(page.get_by_test_id("thread-list")).to_be_visible()
    expect(page.get_by_test_id("team-options")).to_have_count(0)
