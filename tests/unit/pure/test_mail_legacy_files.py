"""Files wrapped the old ways come out as files: uuencoded blocks in a text (`begin 644 name`),
`x-uuencode` parts, and Outlook's winmail.dat (TNEF) with its files and its body. What cannot be
unpacked stays as it came. Pure: no AWS."""

from __future__ import annotations

import binascii
import struct
from email.message import EmailMessage

from shopdesk.mail import parse

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) + b"\n%%EOF\n"


def uuencode(data: bytes, name: str, strip_trailing_spaces: bool = False) -> str:
    lines = [f"begin 644 {name}"]
    for start in range(0, len(data), 45):
        line = binascii.b2a_uu(data[start : start + 45]).decode().rstrip("\n")
        lines.append(line.rstrip(" ") if strip_trailing_spaces else line)
    lines += ["`", "end"]
    return "\n".join(lines)


def mail_with_text(text: str) -> bytes:
    message = EmailMessage()
    message["From"] = "Old Client <old@example.com>"
    message["To"] = "support@shop.example"
    message["Subject"] = "Invoice"
    message.set_content(text)
    return message.as_bytes()


def test_a_uuencoded_block_in_the_text_is_a_file_and_leaves_the_text() -> None:
    parsed = parse.parse(mail_with_text(f"Hello, the invoice is below.\n\n{uuencode(PDF, 'invoice.pdf')}\n\nRegards, Olaf"))
    assert [(f.filename, f.content_type, f.data) for f in parsed.files] == [("invoice.pdf", "application/pdf", PDF)]
    assert parsed.text == "Hello, the invoice is below.\n\n\nRegards, Olaf"
    assert "begin 644" not in parsed.new_text


def test_a_block_whose_trailing_spaces_were_stripped_still_decodes() -> None:
    parsed = parse.parse(mail_with_text(uuencode(PDF, "scan.pdf", strip_trailing_spaces=True)))
    assert [f.data for f in parsed.files] == [PDF]


def test_a_block_without_its_end_stays_text() -> None:
    broken = uuencode(PDF, "cut.pdf").rsplit("\n", 1)[0]
    parsed = parse.parse(mail_with_text("See:\n" + broken))
    assert parsed.files == [] and "begin 644 cut.pdf" in parsed.text


def test_an_x_uuencode_part_is_its_file() -> None:
    raw = (
        "From: old@example.com\r\nTo: support@shop.example\r\nSubject: Photo\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nThe broken handle, photographed.\r\n"
        '--b\r\nContent-Type: application/octet-stream; name="handle.jpg"\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n'
        + uuencode(b"\xff\xd8\xff\xe0JFIF" + bytes(300), "handle.jpg").replace("\n", "\r\n")
        + "\r\n--b\r\nContent-Type: application/x-uuencode\r\n\r\n"
        + uuencode(b"a,b\n1,2\n", "order.csv").replace("\n", "\r\n")
        + "\r\n--b--\r\n"
    ).encode()
    parsed = parse.parse(raw)
    assert [(f.filename, f.data[:4]) for f in parsed.files] == [("handle.jpg", b"\xff\xd8\xff\xe0"), ("order.csv", b"a,b\n")]
    assert parsed.text == "The broken handle, photographed."


# --- TNEF: a winmail.dat as Outlook writes one (signature, key, then level/id/type/length/data/checksum objects)


def _tnef_object(level: int, name: int, kind: int, data: bytes) -> bytes:
    return struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def winmail(body: str, files: dict[str, bytes]) -> bytes:
    out = struct.pack("<IH", 0x223E9F78, 0x1234)
    out += _tnef_object(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))  # TNEF version
    out += _tnef_object(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))  # OEM codepage
    out += _tnef_object(1, 0x800C, 0x0002, body.encode("cp1252") + b"\x00")  # body
    for name, data in files.items():
        out += _tnef_object(2, 0x9002, 0x0006, bytes(14))  # rendering data: a new attachment
        out += _tnef_object(2, 0x8010, 0x0001, name.encode("cp1252") + b"\x00")  # its file name
        out += _tnef_object(2, 0x800F, 0x0006, data)  # its data
    return out


def outlook_mail(dat: bytes, text: str = "") -> bytes:
    message = EmailMessage()
    message["From"] = "Outlook User <user@corp.example>"
    message["To"] = "support@shop.example"
    message["Subject"] = "Reklamation"
    message.set_content(text)
    message.add_attachment(dat, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return message.as_bytes()


def test_winmail_dat_is_unpacked_into_its_files_and_its_body() -> None:
    dat = winmail("Sehr geehrte Damen und Herren, anbei die Rechnung und ein Foto. Grüße, Müller", {"Rechnung.pdf": PDF, "Foto.jpg": b"\xff\xd8\xff\xe0" + bytes(64)})
    parsed = parse.parse(outlook_mail(dat))
    assert [(f.filename, f.content_type) for f in parsed.files] == [("Rechnung.pdf", "application/pdf"), ("Foto.jpg", "image/jpeg")]
    assert parsed.files[0].data == PDF
    assert parsed.text == "Sehr geehrte Damen und Herren, anbei die Rechnung und ein Foto. Grüße, Müller"


def test_the_mails_own_text_wins_over_the_tnef_body() -> None:
    parsed = parse.parse(outlook_mail(winmail("RTF copy", {"a.txt": b"Attached notes."}), "The plain text."))
    assert parsed.text == "The plain text." and [f.filename for f in parsed.files] == ["a.txt"]


def test_a_winmail_dat_that_is_not_tnef_stays_a_file() -> None:
    parsed = parse.parse(outlook_mail(b"not TNEF at all", "See attachment."))
    assert [(f.filename, f.data) for f in parsed.files] == [("winmail.dat", b"not TNEF at all")]
