"""Parsing, classifying and stripping inbound mail against the real-world corpus: pure, no AWS."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from shopdesk.mail import parse
from shopdesk.mail.quotes import strip_quoted

ROOT = Path(__file__).resolve().parents[3]
# the shared corpus sits beside the checkout (a worktree is one level deeper)
CORPUS = next((p / "shared" / "mail-corpus" for p in ROOT.parents if (p / "shared" / "mail-corpus").is_dir()), ROOT.parent / "shared" / "mail-corpus")
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
    parsed = parse.parse(path.read_bytes())

    category = path.name.split("-")[0]
    raw = path.read_bytes().lower()
    if category in KINDS:
        assert parsed.kind in KINDS[category], (parsed.kind, parsed.reason)
    elif not parsed.from_email:
        assert (parsed.kind, parsed.reason) == ("senderless", "no_sender")  # set aside by the sync
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
        assert strip_quoted(text).strip() == expected.read_text().strip()
    else:
        parsed = parse.parse(expected.with_name(expected.name.replace(".expected.txt", ".eml")).read_bytes())
        assert parsed.new_text.strip() == expected.read_text().strip()
        assert len(parsed.text) >= len(parsed.new_text)  # the full text stays available


def test_encoded_subjects_and_names_are_decoded() -> None:
    japanese = parse.parse((CORPUS / "charset-iso-2022-jp-subject-01.eml").read_bytes())
    estonian = parse.parse((CORPUS / "attachment-rfc2231-01.eml").read_bytes())
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
    parsed = parse.parse(mail.as_bytes())
    assert parsed.text == "Hello there\n\nSecond line & more\n\n> old text" or parsed.text.startswith("Hello there")
    assert "<" not in parsed.text and "alert" not in parsed.text and "color" not in parsed.text
    assert parsed.new_text == parsed.text.split("\n\n> ")[0].strip() or "old text" not in parsed.new_text


def test_the_text_part_is_preferred_and_attachments_inline_images_are_kept() -> None:
    parsed = parse.parse((CORPUS / "multipart-related-in-alternative-01.eml").read_bytes())
    assert parsed.files and parsed.files[0].content_type.startswith("image/")
    japanese = parse.parse((CORPUS / "attachment-rfc2231-02.eml").read_bytes())
    assert japanese.files[0].filename.endswith(".txt") or "ま" in japanese.files[0].filename


def test_bounces_name_the_message_they_concern() -> None:
    parsed = parse.parse((CORPUS / "dsn-postfix-multi-recipient-01.eml").read_bytes())
    assert parsed.kind == "bounce" and parsed.bounced_ids
