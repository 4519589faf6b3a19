"""`make demo` (the local stack with SHOPDESK_DEMO=1): a believable shop behind the real gateway,
JWT check and Cognito sign-in, with customers' answers waiting in the IMAP mailbox."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from conftest import running_stack, sign_in
from imapclient import IMAPClient

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    def filled(state_dir: Path) -> bool:
        log = state_dir / "stack.log"
        return log.exists() and "Demo data:" in log.read_text()

    with running_stack(tmp_path_factory.mktemp("demo"), filled, 240, SHOPDESK_DEMO="1") as state:
        yield state


def get(demo: dict[str, Any], path: str, token: str) -> Any:
    answer = requests.get(demo["agents_api"] + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_demo_shop_has_threads_in_every_status_language_and_contact(demo: dict[str, Any]) -> None:
    token = sign_in(demo, "agent")
    dashboard = get(demo, "/v1/dashboard", token)
    statistics = dashboard["statistics"]
    assert 35 <= statistics["threads_total"] <= 44
    assert statistics["agent_messages"] >= 10 and statistics["closed"] and statistics["threads_pending"] and statistics["unread"]
    assert len(dashboard["boxes"]) == 3 and any(box["oldest_open_thread"] for box in dashboard["boxes"])
    assert dashboard["indicators"]["average_response_seconds"] and dashboard["indicators"]["messages_per_closed_thread"]
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = get(demo, "/v1/threads?limit=10" + (f"&cursor={cursor}" if cursor else ""), token)
        seen += page["threads"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len({t["number"] for t in seen}) == len(seen) == statistics["threads_total"]
    assert {t["language"] for t in seen} == {"en", "es", "pl"}
    assert {t["status"] for t in seen} == {"open", "closed", "pending1", "pending2"}
    assert any(t["private"] for t in seen)
    view = get(demo, f"/v1/threads/{seen[0]['number']}", token)
    assert view["customer"] and view["customer"]["validated_total"] and view["history"] and view["default_reply"]


def test_customers_answers_wait_in_the_mailbox_with_the_markers_of_their_thread(demo: dict[str, Any]) -> None:
    token = sign_in(demo, "agent")
    imap = demo["imap"]
    with IMAPClient(imap["host"], port=imap["port"], ssl=False, timeout=10) as client:
        client.login(imap["user"], imap["password"])
        client.select_folder("INBOX", readonly=True)
        unseen = client.search(["UNSEEN"])
        subjects = [data[b"ENVELOPE"].subject.decode() for data in client.fetch(unseen, ["ENVELOPE"]).values()]
    assert len(unseen) == 5
    numbers = [int(found[1]) for s in subjects if (found := re.search(r"#ct(\d+) #tc\S+", s))]
    assert len(numbers) == 4
    for number in numbers:  # each answers a reply we sent: the thread exists and was closed by it
        view = get(demo, f"/v1/threads/{number}", token)
        assert view["thread"]["status"] == "closed" and any(m["delivery"] and m["delivery"]["state"] == "sent" for m in view["messages"])


def test_a_reply_through_the_gateway_is_mailed_with_the_markers(demo: dict[str, Any]) -> None:
    token = sign_in(demo, "agent")
    open_thread = get(demo, "/v1/threads?status=open&limit=1", token)["threads"][0]["number"]
    answer = requests.post(
        f"{demo['agents_api']}/v1/threads/{open_thread}/replies",
        headers={"Authorization": f"Bearer {token}"},
        json={"text": "Your parcel is on its way."},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["thread"]["status"] == "closed"
    sent = requests.get(demo["sent_mail"] + ".json", timeout=10).json()
    assert any(f"#ct{open_thread} #tc" in m["subject"] and "Your parcel is on its way." in m["body"] for m in sent)
    assert requests.get(demo["agents_api"] + "/v1/dashboard", timeout=10).status_code == 401


def test_the_sent_mail_page_shows_the_demo_replies_as_the_customers_read_them(demo: dict[str, Any]) -> None:
    sent = requests.get(demo["sent_mail"] + ".json", timeout=10).json()
    replies = [m for m in sent if re.search(r"#ct\d+ #tc", m["subject"])]
    assert len(replies) >= 10
    for mail in replies:
        addresses = [to.rpartition("<")[2].rstrip(">").lower() for to in mail["to"]]
        assert len(addresses) == len(set(addresses)) == 1, mail["to"]
        assert mail["reply_to"] == [demo["imap"]["user"]]
    polish = [m for m in replies if "Pozdrawiamy," in m["body"]]
    assert polish and all("Ã" not in m["body"] for m in replies)  # UTF-8 read as Latin-1 would show Ã…
    page = requests.get(demo["sent_mail"], timeout=10)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<dt>Reply-To</dt>" in page.text and "Pozdrawiamy," in page.text
    assert html.escape(polish[0]["body"].splitlines()[-1]) in page.text
