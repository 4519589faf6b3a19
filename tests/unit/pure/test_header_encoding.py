"""No text anyone typed changes a header or a MIME part of a mail Shopdesk sends: a corpus of
injection vectors (line breaks raw and encoded, control characters, encoded words nested, in
quotes, in parameters) goes into every field that reaches a header (subject, display name, file
name, a header's value), and the mail read back has exactly the headers and parts it was built
with. Message-IDs go out byte for byte, in their brackets."""

from __future__ import annotations

import base64
import email
from email import policy
from email.message import EmailMessage
from itertools import product

import pytest
from shopdesk.mail import header_encoding as encode
from shopdesk.mail.headers import original_id
from shopdesk.mail.parse import parse
from shopdesk.mail.send import OutgoingAttachment, OutgoingMail, build

BREAKS = ["\r\n", "\n", "\r", "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\r\n\t", "\r\n "]
INJECTED = ["Bcc: evil@example.com", "Content-Type: text/html", "\r\n<script>alert(1)</script>", "X-Evil: 1"]


def _q(text: str) -> str:
    return "=?utf-8?q?" + "".join(chr(b) if b < 128 and chr(b).isalnum() else f"={b:02X}" for b in text.encode()) + "?="


def _b(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def corpus() -> list[str]:
    vectors: list[str] = []
    for brk, injected in product(BREAKS, INJECTED):
        vectors.append(f"a.pdf{brk}{injected}")
    for injected in INJECTED:
        attack = f"a.pdf\r\n{injected}\r\n\r\nbody"
        vectors += [
            _q(attack),
            _b(attack),
            f'"{_q(attack)}"',
            f"x {_q(attack)} y",
            _b(_q(attack)),  # nested: decodes to an encoded word
            _b(_b(_q(attack))),
            _b(_b(_b(_b(_q(attack))))),  # deeper than the decoder goes
            f"a.pdf\"; filename*=utf-8''{injected}",
            f"=?unknown-charset?q?{injected}?=",
            f"=?utf-8?q?broken{injected}",
        ]
    vectors += ["", " ", "\r\n", "..", "../../etc/passwd", "a\\b.pdf", 'quote".pdf', "semi;colon.pdf", "ünïcödé ✓.pdf", "\ud800lone.pdf", "x" * 2000]
    return vectors


VECTORS = corpus()


def _mail(vector: str) -> OutgoingMail:
    return OutgoingMail(
        to=["ann@example.com"],
        subject=vector,
        text="hello",
        sender_name=vector,
        reply_to=["support@example.com"],
        headers={"X-Shopdesk-Thread": vector, "In-Reply-To": "<Abc.DEF@Mail.Example>"},
        attachments=[OutgoingAttachment(vector, "application/pdf", b"%PDF")],
    )


def _read_back(message: EmailMessage) -> EmailMessage:
    return email.message_from_bytes(message.as_bytes(), policy=policy.default)  # type: ignore[return-value]


def test_the_corpus_is_large_enough_to_mean_something() -> None:
    assert len(VECTORS) >= 100


@pytest.mark.parametrize("vector", VECTORS, ids=range(len(VECTORS)))
def test_no_vector_adds_or_splits_a_header_or_a_mime_part(vector: str) -> None:
    built, _ = build(_mail(vector))
    sent = _read_back(built)
    expected = ["from", "to", "reply-to", "subject", "date", "message-id", "x-shopdesk", "auto-submitted", "in-reply-to", "mime-version", "content-type"]
    expected += ["x-shopdesk-thread"] if encode.header_text(vector) else []  # a blank value is left out
    assert sorted(k.lower() for k in sent.keys()) == sorted(expected)
    assert sent["To"] == "ann@example.com" and sent["Reply-To"] == "support@example.com"
    assert sent.get_all("Bcc") is None and sent.get_all("X-Evil") is None
    parts = list(sent.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "application/pdf"]
    attachment = parts[1]
    assert sorted(k.lower() for k in attachment.keys()) == ["content-disposition", "content-transfer-encoding", "content-type", "mime-version"]  # the package adds MIME-Version
    assert attachment.get_content() == b"%PDF"
    name = attachment.get_filename()
    for value in (name, str(sent["Subject"]), str(sent["From"]), str(sent["X-Shopdesk-Thread"])):
        assert not any(ch in value for ch in "\r\n\x00\x0b\x0c\x85\u2028\u2029"), (vector, value)
        assert "=?" not in value  # nothing left for a mail program to decode into a line
    assert name == encode.filename(vector)


def test_a_text_keeps_what_a_person_would_read() -> None:
    assert encode.header_text("Ann  Smith") == "Ann Smith"
    assert encode.header_text(_q("Zoë")) == "Zoë"
    assert encode.header_text("Line\r\nBcc: x@example.com") == "Line Bcc: x@example.com"
    assert encode.filename("ünïcödé ✓.pdf") == "ünïcödé ✓.pdf"
    assert encode.filename("\r\n") == "attachment"


@pytest.mark.parametrize(
    "address",
    ["=?utf-8?q?ann?=@example.com", "=?utf-8?q?a=0D=0ABcc:_e@x.com?=@example.com", "ann@example.com\r\nBcc: e@x.com", "ann@example.com, eve@example.com", "Ann <ann@example.com>", ""],
)
def test_an_address_that_is_not_one_plain_address_is_refused_and_the_mail_is_not_sent(address: str) -> None:
    from shopdesk.mail.send import MailNotSent, send

    with pytest.raises(encode.NotAHeaderValue):
        encode.address(address)
    with pytest.raises(MailNotSent):  # refused before any AWS client is made
        send(OutgoingMail(to=[address], subject="s", text="t"))


def test_in_reply_to_and_references_keep_the_customers_id_byte_for_byte_with_brackets() -> None:
    raw = b"From: Ann <ann@example.com>\r\nTo: shop@example.com\r\nSubject: Hi\r\nMessage-ID: <CAF+Xy.9Q@Mail.Gmail.COM>\r\n\r\nHello\r\n"
    parsed = parse(raw)
    assert parsed.original_message_id == "<CAF+Xy.9Q@Mail.Gmail.COM>"
    assert parsed.message_id == "caf+xy.9q@mail.gmail.com"  # matching still compares lower case
    built, _ = build(OutgoingMail(to=["ann@example.com"], subject="Re", text="t", headers={"In-Reply-To": parsed.original_message_id, "References": parsed.original_message_id}))
    raw_out = built.as_bytes()
    assert b"\nIn-Reply-To: <CAF+Xy.9Q@Mail.Gmail.COM>\n" in raw_out and b"\nReferences: <CAF+Xy.9Q@Mail.Gmail.COM>\n" in raw_out
    # An id stored before brackets were kept gets them back; what is not an id is left out.
    assert encode.message_ids(["abc@example.com", "<x y@z>", "<a@b>\r\nBcc: e@x.com", "<abc@example.com>"]) == "<abc@example.com>"
    assert original_id("  <A@B>  <c@d>") == "<A@B>"


# --- References: the customer's chain as received, then the id we answer -------------------------


def test_the_reference_chain_is_the_received_ids_byte_for_byte_then_the_answered_one_each_once() -> None:
    from shopdesk.mail.header_encoding import reference_chain

    received = ["<Start.1@Shop.Example>", "<CAF+a.2@Mail.Gmail.COM>", "<Start.1@Shop.Example>", "<x-3$y@Outlook.COM>"]
    assert reference_chain(received, "<Last@Mail.Example>") == "<Start.1@Shop.Example> <CAF+a.2@Mail.Gmail.COM> <x-3$y@Outlook.COM> <Last@Mail.Example>"
    assert reference_chain(["<Last@Mail.Example>", "<a@b>"], "<Last@Mail.Example>") == "<a@b> <Last@Mail.Example>"  # the answered id goes last
    assert reference_chain([], "older-item@mail.example") == "<older-item@mail.example>"  # a stored id that lost its brackets


def test_a_long_chain_keeps_its_first_id_and_the_last_twenty() -> None:
    from shopdesk.mail.header_encoding import reference_chain

    ids = reference_chain([f"<r{n}@x.example>" for n in range(50)], "<own@x.example>").split()
    assert ids == ["<r0@x.example>", *[f"<r{n}@x.example>" for n in range(31, 50)], "<own@x.example>"]


def test_parsing_keeps_the_references_as_written_and_drops_what_is_not_an_id() -> None:
    from shopdesk.mail import parse

    raw = (
        b"From: a@example.com\r\nTo: b@example.com\r\nMessage-ID: <M@X>\r\n"
        b"References: <Aa.1@X.Example>\r\n <bB+2@Y> =?utf-8?q?=0D=0ABcc:_v@e.example?= junk <Aa.1@X.Example>\r\n\r\nhi\r\n"
    )
    assert parse.parse(raw).original_references == ["<Aa.1@X.Example>", "<bB+2@Y>"]
    long_id = "<" + "a" * 300 + "@x>"
    assert parse.parse(raw.replace(b"junk", long_id.encode())).original_references == ["<Aa.1@X.Example>", "<bB+2@Y>"]  # too long to keep
