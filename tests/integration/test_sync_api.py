""""Run sync", its status and the connection test, through the local stack (`make run`): the agents' API
invokes the sync function asynchronously through Lambda's API, which the local gateway answers."""

from __future__ import annotations

import time
from email.message import EmailMessage
from typing import Any

import requests
from imapclient import IMAPClient


def test_run_sync_starts_the_import_at_once_and_the_status_reports_it(stack: dict[str, Any], agent_token: str) -> None:
    imap = stack["imap"]
    mail = EmailMessage()
    mail["From"] = "Ann <ann.sync@example.com>"
    mail["To"] = imap["user"]
    mail["Subject"] = "A question by e-mail"
    mail["Message-ID"] = "<run-sync-api@example.com>"
    mail.set_content("Hello, do you ship to Poland?")
    with IMAPClient(imap["host"], port=imap["port"], ssl=False, timeout=10) as client:
        client.login(imap["user"], imap["password"])
        client.append("INBOX", mail.as_bytes())
    headers = {"Authorization": f"Bearer {agent_token}"}
    # The status keeps the last run that did something (an earlier test's): wait for a later one.
    before = requests.get(stack["agents_api"] + "/v1/sync", headers=headers, timeout=10).json().get("last_run_at") or ""

    started = requests.post(stack["agents_api"] + "/v1/sync", headers=headers, timeout=10)

    assert (started.status_code, started.json()) == (202, {"started": True})
    deadline = time.monotonic() + 60
    status: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status = requests.get(stack["agents_api"] + "/v1/sync", headers=headers, timeout=10).json()
        if status["state"] == "ok" and (status["last_run_at"] or "") > before and status["imported"] + status["new_threads"] >= 1:
            break
        time.sleep(0.3)
    assert set(status) == {"state", "last_run_at", "checked_at", "finished_at", "imported", "matched", "new_threads", "skipped", "bounced", "unknown_reports", "failed", "errors", "mailboxes"}  # each mailbox's own run too
    assert status["state"] == "ok" and status["new_threads"] >= 1, status


def test_only_admins_test_the_mailbox_connection(stack: dict[str, Any], admin_token: str, agent_token: str) -> None:
    url = stack["agents_api"] + "/v1/sync/test-connection"
    as_admin = requests.post(url, headers={"Authorization": f"Bearer {admin_token}"}, timeout=30)
    as_agent = requests.post(url, headers={"Authorization": f"Bearer {agent_token}"}, timeout=30)
    assert (as_admin.status_code, as_admin.json()) == (200, {"ok": True})
    assert as_agent.status_code == 403
