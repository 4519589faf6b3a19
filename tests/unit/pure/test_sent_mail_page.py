"""The local sent-mail page reads like the mail the customer gets: decoded subjects and names, bodies
in their own charset, each recipient once, and the Reply-To."""

from __future__ import annotations

import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

from local.mail_outbox import describe, page


@dataclass
class SentByMoto:
    """What moto's SES keeps of a SendRawEmail: the bytes decoded as UTF-8, and the Destinations
    followed by the To/Cc headers' addresses again."""

    raw_data: str
    destinations: list[str]
    source: str = "support@shop.example"
    id: str = "0100-demo"


def sent(subject: str, text: str, charset: str = "utf-8", cte: str | None = None) -> SentByMoto:
    mail = EmailMessage()
    mail["From"] = formataddr(("Tienda de Åsa", "support@shop.example"))
    mail["To"] = formataddr(("Zofia Wiśniewska", "zofia@example.pl"))
    mail["Reply-To"] = "orders@shop.example"
    mail["Subject"] = subject
    mail.set_content(text, charset=charset, cte=cte)
    raw = mail.as_bytes().decode("utf-8")
    return SentByMoto(raw, ["zofia@example.pl", formataddr(("Zofia Wiśniewska", "zofia@example.pl"))])


def test_a_non_ascii_subject_and_body_are_shown_decoded() -> None:
    shown = describe(sent("Re: Zamówienie nr 7 — ¿dónde está? #ct7", "Dzień dobry,\npaczka wyjechała wczoraj. Łódź → Gdańsk.\n"))
    assert shown["subject"] == "Re: Zamówienie nr 7 — ¿dónde está? #ct7"
    assert shown["body"] == "Dzień dobry,\npaczka wyjechała wczoraj. Łódź → Gdańsk.\n"
    assert shown["from"] == "Tienda de Åsa <support@shop.example>"


def test_a_body_in_another_charset_is_decoded_from_that_charset() -> None:
    for charset, cte in (("iso-8859-2", "base64"), ("iso-8859-2", "quoted-printable"), ("utf-8", "8bit")):
        shown = describe(sent("Faktura", "Zażółć gęślą jaźń\n", charset=charset, cte=cte))
        assert shown["body"] == "Zażółć gęślą jaźń\n", (charset, cte)


def test_each_recipient_is_listed_once_and_the_reply_to_is_shown() -> None:
    shown = describe(sent("Hello", "Hi\n"))
    assert shown["to"] == ["zofia@example.pl"]
    assert shown["reply_to"] == ["orders@shop.example"]
    body = page([shown]).decode("utf-8")
    assert body.count("zofia@example.pl") == 1
    assert "<dt>Reply-To</dt><dd>orders@shop.example</dd>" in body


def test_a_recipients_encoded_name_is_shown_decoded() -> None:
    mail = sent("Hello", "Hi\n")
    mail.destinations = ["=?utf-8?q?Zofia_Wi=C5=9Bniewska?= <Zofia@example.pl>", "zofia@example.pl"]
    assert describe(mail)["to"] == ["Zofia Wiśniewska <Zofia@example.pl>"]


def test_the_page_is_utf8_and_shows_customer_text_only_as_text() -> None:
    shown = describe(sent("<script>alert(1)</script> Ñandú", "<img src=x onerror=alert(1)> ż\n"))
    body = page([shown]).decode("utf-8")
    assert "<meta charset=utf-8>" in body and "Ñandú" in body and "ż" in body
    assert "<script>alert" not in body and "<img" not in body
    assert html.escape("<img src=x onerror=alert(1)>") in body
