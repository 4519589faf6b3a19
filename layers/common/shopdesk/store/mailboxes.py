"""The shop's mailboxes: one item each, PK=MAILBOXES, SK=MAILBOX#<id>, holding its
settings, its sync cursor, its lease and its last run's status, so that the settings page lists
every mailbox with its state in one Query and a run touches only its own item.

A mailbox's password is never here: it is in Secrets Manager under the mailbox's own secret id.
Every write of a run is conditional on the item existing, so a mailbox removed while it syncs is
not brought back half-made by the run's last write.
"""

from __future__ import annotations

import time
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DeleteError, PutError, UpdateError

from shopdesk.store.conditions import condition_failed
from shopdesk.store.sync_items import SyncCursor, SyncError
from shopdesk.store.table import ShopdeskItem
from shopdesk.store.threads import now_iso

MAILBOXES_PK = "MAILBOXES"


class MailboxItem(ShopdeskItem, discriminator="mailbox"):
    """PK=MAILBOXES, SK=MAILBOX#<id>: a mailbox's settings, cursor, lease and status."""

    mailbox_id = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    # settings
    host = UnicodeAttribute(default="")
    port = NumberAttribute(default=993)
    user = UnicodeAttribute(default="")
    security = UnicodeAttribute(default="tls")
    verify_certificate = BooleanAttribute(default=True)
    folder = UnicodeAttribute(default="INBOX")
    delete_after_sync = BooleanAttribute(default=False)
    create_new_threads = BooleanAttribute(default=True)
    contact_id = UnicodeAttribute(null=True)  # the contact its new threads go to (None: by recipient)
    paused = BooleanAttribute(default=False)
    # An admin's explicit word that this mailbox is on a private network (a private or loopback
    # address is then allowed; link-local never), with who last set or cleared it, and when.
    private_network = BooleanAttribute(default=False)
    private_network_set_by = UnicodeAttribute(null=True)
    private_network_set_at = UnicodeAttribute(null=True)
    secret_id = UnicodeAttribute()
    password_set = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    # cursor: which folder it belongs to (host#user#folder), its UIDVALIDITY and the last UID stored
    cursor_of = UnicodeAttribute(null=True)
    uidvalidity = NumberAttribute(null=True)
    last_uid = NumberAttribute(null=True)
    # lease
    lease_owner = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)
    # the last run
    state = UnicodeAttribute(default="never")  # never | running | ok | failed | paused
    last_run_at = UnicodeAttribute(null=True)
    checked_at = UnicodeAttribute(null=True)  # the last run, even one that found nothing
    finished_at = UnicodeAttribute(null=True)
    imported = NumberAttribute(default=0)
    matched = NumberAttribute(default=0)
    new_threads = NumberAttribute(default=0)
    skipped = NumberAttribute(default=0)
    bounced = NumberAttribute(default=0)
    unknown_reports = NumberAttribute(default=0)  # delivery reports about mail we never sent
    failed = NumberAttribute(default=0)
    errors = ListAttribute(of=SyncError, default=list)
    # OAuth2: how it logs in, and whether its grant must be renewed by an admin
    auth = UnicodeAttribute(default="password")  # password | oauth2
    provider = UnicodeAttribute(null=True)  # google | microsoft (oauth2 only)
    needs_reconnect = BooleanAttribute(default=False)
    reconnect_mailed_at = UnicodeAttribute(null=True)  # the admins were told; cleared when reconnected
    send_replies = BooleanAttribute(default=False)  # oauth2 only: its threads' replies go from this account by SMTP

    @staticmethod
    def key(mailbox_id: str) -> tuple[str, str]:
        return MAILBOXES_PK, f"MAILBOX#{mailbox_id}"


class MailboxesMigrated(ShopdeskItem, discriminator="mailboxes_migrated"):
    """PK=MAILBOXES, SK=MIGRATED: the single mailbox of the settings became a mailbox item (once:
    removing that mailbox later does not bring it back)."""

    at = UnicodeAttribute()

    @staticmethod
    def key() -> tuple[str, str]:
        return MAILBOXES_PK, "MIGRATED"


SETTING_FIELDS = ("name", "host", "port", "user", "security", "verify_certificate", "folder", "delete_after_sync", "create_new_threads", "contact_id", "paused")


def folder_label(host: str, user: str, folder: str) -> str:
    return f"{host.lower()}#{user.lower()}#{folder}"


# --- reads -------------------------------------------------------------------------------------------


def all_mailboxes() -> list[MailboxItem]:
    """Every mailbox, oldest first (one Query on the MAILBOXES partition)."""
    items = ShopdeskItem.query(MAILBOXES_PK, ShopdeskItem.sk.startswith("MAILBOX#"), consistent_read=True)
    return sorted((i for i in items if isinstance(i, MailboxItem)), key=lambda m: (m.created_at, m.mailbox_id))


def get_mailbox(mailbox_id: str) -> MailboxItem | None:
    try:
        return MailboxItem.get(*MailboxItem.key(mailbox_id), consistent_read=True)
    except MailboxItem.DoesNotExist:
        return None


def migrated() -> bool:
    try:
        MailboxesMigrated.get(*MailboxesMigrated.key(), consistent_read=True)
        return True
    except MailboxesMigrated.DoesNotExist:
        return False


# --- admins' writes ---------------------------------------------------------------------------------


def create(mailbox_id: str, secret_id: str, fields: dict[str, Any], cursor: tuple[str, int, int] | None = None) -> MailboxItem | None:
    """A new mailbox; None when one with that id exists. `cursor`: (folder label, UIDVALIDITY, last UID)."""
    item = MailboxItem(*MailboxItem.key(mailbox_id), mailbox_id=mailbox_id, secret_id=secret_id, created_at=now_iso(), updated_at=now_iso(), **fields)
    if cursor is not None:
        item.cursor_of, item.uidvalidity, item.last_uid = cursor
    try:
        item.save(condition=MailboxItem.pk.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            return None
        raise
    return item


def mark_migrated() -> bool:
    """True for the one caller that records the migration; False when it was already recorded."""
    try:
        MailboxesMigrated(*MailboxesMigrated.key(), at=now_iso()).save(condition=MailboxesMigrated.pk.does_not_exist())
        return True
    except PutError as error:
        if condition_failed(error):
            return False
        raise


def legacy_cursor(host: str, user: str, folder: str) -> tuple[int, int] | None:
    """The single mailbox's cursor from before mailboxes (PK=IMAPSYNC, SK=CURSOR#host#user#folder)."""
    try:
        cursor = SyncCursor.get(*SyncCursor.key(host, user, folder), consistent_read=True)
    except SyncCursor.DoesNotExist:
        return None
    return int(cursor.uidvalidity), int(cursor.last_uid)


def update_settings(mailbox_id: str, fields: dict[str, Any]) -> MailboxItem | None:
    """Changes the given settings; None when the mailbox is gone."""
    item = MailboxItem(*MailboxItem.key(mailbox_id))
    actions = [getattr(MailboxItem, name).set(value) for name, value in fields.items()] + [MailboxItem.updated_at.set(now_iso())]
    try:
        item.update(actions=actions, condition=MailboxItem.pk.exists())
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return item


def remove(mailbox_id: str) -> MailboxItem | None:
    """Deletes the mailbox's item (settings, cursor, status); returns what it was, None if gone."""
    item = get_mailbox(mailbox_id)
    if item is None:
        return None
    try:
        item.delete(condition=MailboxItem.pk.exists())
    except DeleteError as error:
        if condition_failed(error):
            return None
        raise
    return item


# --- a run's writes: lease, cursor, status ---------------------------------------------------------


def _update(mailbox_id: str, actions: list[Any], condition: Any = None) -> bool:
    wanted = MailboxItem.pk.exists() if condition is None else (MailboxItem.pk.exists() & condition)
    try:
        MailboxItem(*MailboxItem.key(mailbox_id)).update(actions=actions, condition=wanted)
        return True
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise


def take_lease(mailbox_id: str, owner: str, seconds: int) -> MailboxItem | None:
    """Takes this mailbox's lease (and marks it running) unless a run holds one that has not
    expired, and answers with the mailbox as the lease left it (the UpdateItem's ALL_NEW), so a run
    needs no read of its own: None when another run holds the lease or the mailbox is gone."""
    now = int(time.time())
    free = MailboxItem.lease_until.does_not_exist() | (MailboxItem.lease_until < now)
    # `last_run_at` is written with the run's figures (write_status), so a quiet run keeps the last one that did something.
    item = MailboxItem(*MailboxItem.key(mailbox_id))
    try:
        item.update(
            actions=[MailboxItem.lease_owner.set(owner), MailboxItem.lease_until.set(now + seconds), MailboxItem.state.set("running")],
            condition=MailboxItem.pk.exists() & free,
        )
    except UpdateError as error:
        if condition_failed(error):
            return None
        raise
    return item


def release_lease(mailbox_id: str, owner: str) -> None:
    _update(mailbox_id, [MailboxItem.lease_owner.remove(), MailboxItem.lease_until.remove()], MailboxItem.lease_owner == owner)


def release_lease_after_quiet_run(mailbox_id: str, owner: str) -> None:
    """`write_quiet_run` and `release_lease` in one UpdateItem (the minute timer's usual run). When
    the lease is no longer this run's (it expired and another run took it), the quiet run is still
    recorded, without touching the other run's lease."""
    released = [MailboxItem.lease_owner.remove(), MailboxItem.lease_until.remove()]
    if not _update(mailbox_id, [*released, MailboxItem.state.set("ok"), MailboxItem.checked_at.set(now_iso())], MailboxItem.lease_owner == owner):
        write_quiet_run(mailbox_id)


def expire_lease(mailbox_id: str) -> None:
    """Tests and operators: as if the lease's time had passed."""
    _update(mailbox_id, [MailboxItem.lease_until.set(0)])


def save_cursor(mailbox_id: str, label: str, uidvalidity: int, last_uid: int) -> None:
    _update(mailbox_id, [MailboxItem.cursor_of.set(label), MailboxItem.uidvalidity.set(uidvalidity), MailboxItem.last_uid.set(last_uid)])


def cursor_of(item: MailboxItem, label: str) -> tuple[int, int] | None:
    """(UIDVALIDITY, last UID) when the cursor belongs to this folder; None before the first run or
    after the host, user or folder changed."""
    if item.cursor_of != label or item.uidvalidity is None:
        return None
    return int(item.uidvalidity), int(item.last_uid or 0)


def write_quiet_run(mailbox_id: str) -> None:
    """A run that found nothing only says when it looked: the last run that did something stays visible."""
    _update(mailbox_id, [MailboxItem.state.set("ok"), MailboxItem.checked_at.set(now_iso())])


def write_status(mailbox_id: str, state: str, counts: dict[str, int], errors: list[dict[str, str]]) -> None:
    moment = now_iso()
    actions = [MailboxItem.state.set(state), MailboxItem.last_run_at.set(moment), MailboxItem.finished_at.set(moment), MailboxItem.checked_at.set(moment)]
    actions.append(MailboxItem.errors.set([SyncError(**e) for e in errors]))
    actions += [getattr(MailboxItem, name).set(value) for name, value in counts.items()]
    _update(mailbox_id, actions)


# --- OAuth2 mailboxes ----------------------------------------------------------------------


def mark_connected(mailbox_id: str) -> bool:
    """The grant was (re)connected: the mailbox syncs again and the next failure is mailed again."""
    return _update(mailbox_id, [MailboxItem.needs_reconnect.set(False), MailboxItem.reconnect_mailed_at.remove(), MailboxItem.updated_at.set(now_iso())])


def mark_needs_reconnect(mailbox_id: str) -> bool:
    """The grant was refused: marks the mailbox and returns True for the one caller that must tell
    the admins (one UpdateItem, conditional on nobody having told them since the last connection)."""
    if _update(
        mailbox_id,
        [MailboxItem.needs_reconnect.set(True), MailboxItem.reconnect_mailed_at.set(now_iso())],
        MailboxItem.reconnect_mailed_at.does_not_exist(),
    ):
        return True
    return False  # already marked and mailed (both are set together), or the mailbox is gone
