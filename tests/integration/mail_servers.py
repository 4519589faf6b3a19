"""Real IMAP servers for the mail-sync tests and the benchmark: Dovecot and pymap on free loopback ports.

Dovecot comes from local/dovecot.py (what `make run` starts too): its own config, a passwd-file and
maildirs, plain text (with STARTTLS) and implicit TLS with a self-signed certificate, and, given an
introspection URL, OAuth2 bearer tokens. pymap runs like `make run` starts it without Dovecot.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from local.dovecot import HOST, PASSWORD, USER, ImapServer, dovecot, self_signed_certificate
from local.stack import free_port, wait_for_port

__all__ = ["HOST", "PASSWORD", "USER", "ImapServer", "append", "dovecot", "pymap", "reset_folder", "self_signed_certificate"]


@contextmanager
def pymap() -> Iterator[ImapServer]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-c", "import sys; from pymap.main import main; sys.exit(main())",
            "--host", HOST, "--port", str(port), "dict", "--demo-user", USER, "--demo-password", PASSWORD,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, seconds=20)
        yield ImapServer("pymap", HOST, port, USER, PASSWORD)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def reset_folder(server: ImapServer, folder: str) -> None:
    """A new, empty folder (deleting it first gives it a new UIDVALIDITY)."""
    with server.client() as imap:
        if imap.folder_exists(folder):
            imap.delete_folder(folder)
        imap.create_folder(folder)


def append(server: ImapServer, folder: str, raws: list[bytes], when: dt.datetime | None = None) -> None:
    with server.client() as imap:
        for raw in raws:
            imap.append(folder, raw, msg_time=when or dt.datetime.now(dt.UTC))
