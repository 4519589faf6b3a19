"""MIME fidelity and identity, pure (no AWS): what a customer sent is what the thread shows."""

from __future__ import annotations

from email.message import EmailMessage

from hypothesis import HealthCheck, given, settings
from shopdesk.mail import parse
from shopdesk.mail.importer import CUT_MARK, cut_utf8
from shopdesk.mail.text import decode_bytes, html_to_text

from tests.mail_strategies import mails


def raw_mail(headers: str, body: bytes) -> bytes:
    return headers.strip().replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


def test_an_attached_mail_stays_an_eml_attachment_named_by_its_subject_never_merged_into_the_text() -> None:
    forwarded = EmailMessage()
    forwarded["From"] = "Courier <tracking@parcels.example>"
    forwarded["Subject"] = "Your parcel could not be delivered"
    forwarded.set_content("We tried to deliver parcel PX-4471 today.")
    mail = EmailMessage()
    mail["From"] = "Ann <ann@example.com>"
    mail["To"] = "support@shop.example"
    mail["Subject"] = "Fwd: the courier's message"
    mail.set_content("See the courier's message attached, please resend.")
    mail.add_attachment(forwarded)

    parsed = parse.parse(mail.as_bytes())

    assert parsed.text == "See the courier's message attached, please resend."
    [attached] = parsed.files
    assert (attached.filename, attached.content_type) == ("Your parcel could not be delivered.eml", "message/rfc822")
    assert b"PX-4471" in attached.data


def test_a_gb2312_label_is_read_as_gb18030_so_no_character_is_lost() -> None:
    text = "您好，我的订单号是 8841，请问什么时候发货？𠮷"  # the last one exists only in GB18030
    raw = raw_mail(
        """From: Li Wei <li.wei@example.cn>
To: support@shop.example
Subject: order
Message-ID: <gb@example.cn>
MIME-Version: 1.0
Content-Type: text/plain; charset=gb2312
Content-Transfer-Encoding: 8bit""",
        text.encode("gb18030"),
    )
    assert parse.parse(raw).text == text


def test_unlabelled_and_unknown_8bit_text_is_guessed_not_mangled() -> None:
    polish = "Dzień dobry, zamówienie nie dotarło. Proszę o zwrot pieniędzy za przesyłkę. Pozdrawiam, Łukasz Żółć"
    assert decode_bytes(polish.encode("utf-8"), "unknown-8bit") == polish
    assert decode_bytes("Grüße aus München, bitte um Rückruf".encode("windows-1252"), "x-unknown") == "Grüße aus München, bitte um Rückruf"


def test_html_keeps_table_cells_and_pre_lines_apart() -> None:
    html = (
        "<p>My order:</p><table><tr><td>Blue mug</td><td>2</td><td>12.00</td></tr>"
        "<tr><td>Teapot</td><td>1</td><td>30.00</td></tr></table>"
        "<pre>Tracking:   PX-4471\nStatus:     held at depot</pre><p>Thanks</p>"
    )
    assert html_to_text(html) == "My order:\nBlue mug\t2\t12.00\nTeapot\t1\t30.00\nTracking:   PX-4471\nStatus:     held at depot\nThanks"


def test_the_sender_is_recovered_from_every_from_then_sender_then_reply_to() -> None:
    def sender(headers: str) -> str:
        return parse.parse(raw_mail(headers + "\nSubject: hi\nMessage-ID: <s@example.com>", b"hello")).from_email

    assert sender("From: Ann <Ann@Example.com.>") == "ann@example.com"  # the root's dot
    assert sender("From: garbage\nFrom: Bea <bea@example.com>") == "bea@example.com"
    assert sender("From: undisclosed\nSender: Cy <cy@example.com>") == "cy@example.com"
    assert sender("From: <>\nReply-To: Di <di@example.com>") == "di@example.com"
    nobody = parse.parse(raw_mail("From: undisclosed recipients\nSubject: hi", b"hello"))
    assert (nobody.from_email, nobody.kind) == ("", "senderless")


def test_the_same_message_id_with_other_content_has_another_digest() -> None:
    one = raw_mail("From: a@example.com\nMessage-ID: <same@example.com>", b"first")
    two = raw_mail("From: a@example.com\nMessage-ID: <same@example.com>", b"second")
    assert parse.parse(one).record_id == parse.parse(two).record_id
    assert parse.parse(one).digest != parse.parse(two).digest
    assert parse.parse(one).digest == parse.parse(one.replace(b"\r\n", b"\n")).digest  # line endings are not content


def test_texts_are_cut_by_utf8_bytes_never_mid_character() -> None:
    text = "订单" * 100
    cut, was_cut = cut_utf8(text, 101)
    assert was_cut and len(cut.encode("utf-8")) <= 101 and cut.endswith(CUT_MARK)
    assert text.startswith(cut.removesuffix(CUT_MARK))
    assert cut_utf8("short", 100) == ("short", False)


# --- any mail: arbitrary bytes in real mail's shapes (tests/mail_strategies.py) ----------------------------


def _readable(text: str) -> bool:
    """Text a person can be shown: no lone surrogate (what undecoded 8-bit bytes become)."""
    return not any("\ud800" <= ch <= "\udfff" for ch in text)


@settings(max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(mails())
def test_any_mail_reads_as_text_with_its_files_as_bytes(raw: bytes) -> None:
    parsed = parse.parse(raw)

    for name in ("subject", "from_name", "from_email", "text", "new_text"):
        value = getattr(parsed, name)
        assert isinstance(value, str) and _readable(value), (name, raw[:300])
    assert all(isinstance(f.data, bytes) and _readable(f.filename) for f in parsed.files), raw[:300]
    assert parsed.digest == parse.digest_of(raw) and parsed.size == len(raw)
