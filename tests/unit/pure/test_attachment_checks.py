"""Attachments are allowed by name and by content (its magic number), within a size, under a clean name."""

from __future__ import annotations

import pytest
from shopdesk.store import attachments
from shopdesk.store.attachments import AttachmentRefused

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def test_a_pdf_that_is_really_an_executable_is_refused() -> None:
    with pytest.raises(AttachmentRefused) as refused:
        attachments.check_file("invoice.pdf", EXECUTABLE, len(EXECUTABLE))
    assert refused.value.code == "bad_file_type"


def test_a_file_type_outside_the_list_is_refused_whatever_its_content() -> None:
    with pytest.raises(AttachmentRefused):
        attachments.check_file("setup.exe", EXECUTABLE, len(EXECUTABLE))


def test_each_allowed_type_passes_on_its_own_magic_number() -> None:
    samples = {
        "a.pdf": PDF, "a.png": b"\x89PNG\r\n\x1a\n....", "a.jpg": b"\xff\xd8\xff\xe0", "a.gif": b"GIF89a..",
        "a.webp": b"RIFF\x00\x00\x00\x00WEBPVP8 ", "a.zip": b"PK\x03\x04..", "a.docx": b"PK\x03\x04..",
        "a.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a.rtf": b"{\\rtf1\\ansi", "a.txt": "Grüße".encode(),
    }
    for name, head in samples.items():
        assert attachments.check_file(name, head, len(head)) == attachments.CONTENT_TYPES[attachments.extension(name)]


def test_a_file_over_the_size_limit_is_refused() -> None:
    with pytest.raises(AttachmentRefused) as refused:
        attachments.check_file("a.pdf", PDF, attachments.MAX_SIZE + 1)
    assert refused.value.code == "file_too_large"


def test_the_original_name_is_kept_without_paths_or_control_characters() -> None:
    assert attachments.display_name("C:\\Users\\ann\\Factura nº 7.pdf") == "Factura nº 7.pdf"
    assert attachments.display_name("a\r\nBcc: x@y.z.pdf") == "aBcc: x@y.z.pdf"
