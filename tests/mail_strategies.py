"""Hypothesis strategies for mail as the world writes it: MIME structure from the parts real mail
is made of (texts in any charset label, HTML, uuencode, attached mails, delivery reports, TNEF),
with headers, bodies and names filled with arbitrary bytes. The hand-written real-world mails of
the tests say what each class must give; these say that no mix of them stops an import."""

from __future__ import annotations

from hypothesis import strategies as st

HEADER_NAMES = st.sampled_from(
    [
        "From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References", "Reply-To", "Sender", "Date",
        "Content-Type", "Content-Transfer-Encoding", "Delivered-To", "X-Original-To", "Return-Path", "Auto-Submitted",
        "MIME-Version",
    ]
)  # fmt: skip
CONTENT_TYPES = st.sampled_from(
    [
        b"text/plain", b"text/plain; charset=gb2312", b'text/plain; charset="x-unknown"', b"text/plain; charset=utf-7",
        b"text/html", b"text/html; charset=iso-8859-8-i", b"multipart/mixed; boundary=XX",
        b"multipart/alternative; boundary=XX", b"multipart/report; report-type=delivery-status; boundary=XX",
        b"message/rfc822", b"message/delivery-status", b"application/ms-tnef", b"application/octet-stream",
    ]
)  # fmt: skip
TRANSFER_ENCODINGS = st.sampled_from([b"7bit", b"8bit", b"binary", b"base64", b"quoted-printable", b"x-uuencode", b"bogus"])
SENDERS = st.sampled_from(
    [b"ann@example.com", b"Ann <ann@example.com.>", b"=?utf-8?b?5L2g5aW9?= <li@example.cn>", b"<>", b"MAILER-DAEMON", b"garbage"]
)
# One header line's worth of anything: raw 8-bit bytes, encoded words, broken encoded words, and
# values Python's own header parser trips over (an unclosed domain literal raises AttributeError).
LINE = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=80).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"=?gb2312?b?xOO6ww==?=", b"=?utf-8?q?caf=C3=A9?=", b"=?bogus?x?zz?=", b"=?utf-8?b?####?="]),
    st.sampled_from([b"a@[1.2.3", b"Ann <ann@example.com", b'"unterminated <a@b.c>', b"group: a@b.c;, x", b"(comment", b"Undisclosed recipients:;"]),
).map(lambda raw: raw.replace(b"\r", b"").replace(b"\n", b" "))
BODIES = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"begin 644 note.txt\nM86)C\n`\nend\n",
            b"<table><tr><td>Order</td><td>42</td></tr></table><pre>a\n b</pre>",
            b"Thanks!\n\n----- Original Nachricht ----\nVon: Shop\n> old text\n",
        ]
    ),
)


@st.composite
def parts(draw: st.DrawFn, depth: int = 0) -> bytes:
    content_type = draw(CONTENT_TYPES)
    head = b"Content-Type: " + content_type + b"\nContent-Transfer-Encoding: " + draw(TRANSFER_ENCODINGS) + b"\n"
    if draw(st.booleans()):
        head += b'Content-Disposition: attachment; filename="' + draw(LINE)[:40].replace(b'"', b"") + b'"\n'
    if content_type.startswith(b"multipart") and depth < 2:
        body = b"".join(b"--XX\n" + draw(parts(depth + 1)) + b"\n" for _ in range(draw(st.integers(0, 3)))) + b"--XX--\n"
    elif content_type == b"message/rfc822" and depth < 2:
        body = draw(mails(depth + 1))
    else:
        body = draw(BODIES)
    return head + b"\n" + body


@st.composite
def mails(draw: st.DrawFn, depth: int = 0) -> bytes:
    """A raw mail: up to a dozen headers of anything, maybe a sender, and a MIME body two levels deep."""
    headers = b"".join(draw(HEADER_NAMES).encode() + b": " + draw(LINE) + b"\n" for _ in range(draw(st.integers(0, 12))))
    if draw(st.booleans()):
        headers += b"From: " + draw(SENDERS) + b"\n"
    return headers + draw(parts(depth))
