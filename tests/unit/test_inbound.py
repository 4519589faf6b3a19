"""Parsing, classifying, stripping and matching inbound mail: the real-world corpus and the SPEC's rules."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from shopdesk.admin.contacts import all_contacts
from shopdesk.intake import antispam
from shopdesk.intake.requests import BlockedSenderRequest
from shopdesk.mail import inbound
from shopdesk.store import threads
from shopdesk.store.models import InboundRecord, Message

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "mail-corpus"
MAILS = sorted(CORPUS.glob("*.eml"))
EXPECTED = sorted(CORPUS.glob("*.expected.txt"))

# What each category of the corpus must become (a missing From is skipped for that reason).
KINDS = {
    "dsn": {"bounce"},
    "autoreply": {"autoreply"},
    "report": {"report"},
    "list": {"autoreply", "bounce"},
}


def test_the_corpus_is_there() -> None:
    assert len(MAILS) > 150 and len(EXPECTED) == 32


@pytest.mark.parametrize("path", MAILS, ids=lambda p: p.stem)
def test_every_corpus_message_parses_and_is_classified_for_its_category(path: Path) -> None:
    parsed = inbound.parse(path.read_bytes())

    category = path.name.split("-")[0]
    raw = path.read_bytes().lower()
    if category in KINDS:
        assert parsed.kind in KINDS[category], (parsed.kind, parsed.reason)
    elif not parsed.from_email:
        assert (parsed.kind, parsed.reason) == ("report", "no_sender")
    elif b"\nprecedence: junk" in raw or b"\nlist-id:" in raw:
        assert parsed.kind == "autoreply"
    else:
        assert parsed.kind in ("customer", "bounce"), (parsed.kind, parsed.reason)
    assert parsed.record_id
    assert "<script" not in parsed.text.lower()


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name.removesuffix(".expected.txt"))
def test_the_new_text_is_what_the_corpus_expects(expected: Path) -> None:
    source = expected.with_name(expected.name.replace(".expected.txt", ".txt"))
    if source.exists():
        text = source.read_bytes().decode("utf-8")
        assert inbound.strip_quoted(text).strip() == expected.read_text().strip()
    else:
        parsed = inbound.parse(expected.with_name(expected.name.replace(".expected.txt", ".eml")).read_bytes())
        assert parsed.new_text.strip() == expected.read_text().strip()
        assert len(parsed.text) >= len(parsed.new_text)  # the full text stays available


def test_encoded_subjects_and_names_are_decoded() -> None:
    japanese = inbound.parse((CORPUS / "charset-iso-2022-jp-subject-01.eml").read_bytes())
    estonian = inbound.parse((CORPUS / "attachment-rfc2231-01.eml").read_bytes())
    assert "日本語" in japanese.subject
    assert estonian.subject == "Eelanalüüsi päring"
    assert any("ü" in f.filename or "ä" in f.filename or f.filename.endswith(".jpg") for f in estonian.files)


def test_html_only_mail_becomes_clean_text() -> None:
    mail = EmailMessage()
    mail["From"] = "ann@example.com"
    mail["Subject"] = "html"
    mail.set_content(
        "<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
        "<body><p>Hello <b>there</b></p><p>Second&nbsp;line &amp; more</p><blockquote>old text</blockquote></body></html>",
        subtype="html",
    )
    parsed = inbound.parse(mail.as_bytes())
    assert parsed.text == "Hello there\n\nSecond line & more\n\n> old text" or parsed.text.startswith("Hello there")
    assert "<" not in parsed.text and "alert" not in parsed.text and "color" not in parsed.text
    assert parsed.new_text == parsed.text.split("\n\n> ")[0].strip() or "old text" not in parsed.new_text


def test_the_text_part_is_preferred_and_attachments_inline_images_are_kept() -> None:
    parsed = inbound.parse((CORPUS / "multipart-related-in-alternative-01.eml").read_bytes())
    assert parsed.files and parsed.files[0].content_type.startswith("image/")
    japanese = inbound.parse((CORPUS / "attachment-rfc2231-02.eml").read_bytes())
    assert japanese.files[0].filename.endswith(".txt") or "ま" in japanese.files[0].filename


def test_bounces_name_the_message_they_concern() -> None:
    parsed = inbound.parse((CORPUS / "dsn-postfix-multi-recipient-01.eml").read_bytes())
    assert parsed.kind == "bounce" and parsed.bounced_ids


# --- matching ------------------------------------------------------------------------------------------


def mail(subject: str = "Hello", **headers: str) -> inbound.ParsedMail:
    message = EmailMessage()
    message["From"] = headers.pop("sender", "Ann <ann@example.com>")
    message["To"] = headers.pop("to", "support@shop.example")
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", "<m1@example.com>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Thanks")
    return inbound.parse(message.as_bytes())


def answered_thread(outbound_id: str) -> threads.Thread:
    contact = all_contacts()[0]
    stored = threads.store_customer_message(contact, threads.CustomerMessage(email="ann@example.com", text="Q", source="form", language="en"))
    threads.store_agent_message(int(stored.thread.number), threads.AgentMessage(agent="bob@shop.example", text="A", source="agent", close=True, outbound_message_ids=[outbound_id]))
    return threads.get_thread(int(stored.thread.number))


def context_for(*mails: inbound.ParsedMail, create: bool = True) -> inbound.BatchContext:
    return inbound.prepare_batch(list(mails), all_contacts(), create)


def test_in_reply_to_is_matched_first_then_the_markers_then_the_plus_address(aws: Any) -> None:
    one = answered_thread("<out-1@shop.example>")
    two = answered_thread("<out-2@shop.example>")
    both = mail(f"Re: #ct{two.number} #tc{two.token}", in_reply_to="<out-1@shop.example>")
    by_refs = mail("Re:", message_id="<m2@example.com>", references="<unknown@x> <out-2@shop.example>")
    by_plus = mail("Re:", message_id="<m3@example.com>", to=f"support+ct{one.number}.tc{one.token}@shop.example")
    context = context_for(both, by_refs, by_plus)

    assert (inbound.match(both, context)[0].number, inbound.match(both, context)[1]) == (one.number, "in_reply_to")
    assert (inbound.match(by_refs, context)[0].number, inbound.match(by_refs, context)[1]) == (two.number, "references")
    assert (inbound.match(by_plus, context)[0].number, inbound.match(by_plus, context)[1]) == (one.number, "plus_address")


def test_a_thread_number_without_its_token_never_matches(aws: Any) -> None:
    thread = answered_thread("<out-3@shop.example>")
    wrong = mail(f"Re: #ct{thread.number} #tc{'A' * 16}")
    bare = mail(f"Re: #ct{thread.number}", message_id="<m2@example.com>")
    plus = mail("Re:", message_id="<m3@example.com>", to=f"support+ct{thread.number}.tc{'B' * 16}@shop.example")
    context = context_for(wrong, bare, plus)
    assert [inbound.match(m, context)[0] for m in (wrong, bare, plus)] == [None, None, None]


def test_storing_twice_imports_once_and_records_the_rule(aws: Any) -> None:
    thread = answered_thread("<out-4@shop.example>")
    reply = mail("Re: answer", in_reply_to="<out-4@shop.example>")

    first = inbound.store(reply, context_for(reply))
    second = inbound.store(reply, context_for(reply))

    assert (first.outcome, first.match_rule, second.outcome) == ("imported", "in_reply_to", "duplicate")
    messages = [m for m in Message.query(f"THREAD#{thread.number}") if m.source == "email"]
    assert len(messages) == 1 and messages[0].match_rule == "in_reply_to" and messages[0].mail_message_id == "m1@example.com"
    assert InboundRecord.get(*InboundRecord.key("m1@example.com")).outcome == "imported"


def test_unmatched_mail_is_skipped_when_new_threads_are_off(aws: Any) -> None:
    lone = mail("Question")
    outcome = inbound.store(lone, context_for(lone, create=False))
    assert (outcome.outcome, outcome.reason) == ("skipped", "unmatched")


def test_an_unmatched_mail_continues_the_senders_open_thread_and_says_so(aws: Any) -> None:
    first, second = mail("First"), mail("Second", message_id="<m2@example.com>")
    one = inbound.store(first, context_for(first))
    two = inbound.store(second, context_for(second))
    assert (one.match_rule, one.new_thread) == ("new_thread", True)
    assert (two.match_rule, two.new_thread, two.thread_number) == ("open_thread", False, one.thread_number)


def test_mail_from_a_blocked_address_or_domain_is_skipped_even_when_it_answers_a_thread(aws: Any) -> None:
    thread = answered_thread("<out-5@shop.example>")
    antispam.add_blocked(BlockedSenderRequest(value="ann@example.com"), "admin@shop.example")
    antispam.add_blocked(BlockedSenderRequest(value="@spam.example"), "admin@shop.example")
    reply = mail("Re: answer", in_reply_to="<out-5@shop.example>")
    stranger = mail("Cheap pills", sender="Bulk <offers@spam.example>", message_id="<m2@example.com>")
    friend = mail("Hello", sender="Bea <bea@example.com>", message_id="<m3@example.com>")
    context = context_for(reply, stranger, friend)

    outcomes = [inbound.store(m, context) for m in (reply, stranger, friend)]

    assert [(o.outcome, o.reason) for o in outcomes[:2]] == [("skipped", "blocked_sender")] * 2
    assert outcomes[2].outcome == "imported"
    assert not [m for m in Message.query(f"THREAD#{thread.number}") if m.source == "email"]
    assert InboundRecord.get(*InboundRecord.key("m1@example.com")).reason == "blocked_sender"  # recorded: never re-read
