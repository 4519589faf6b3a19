"""Mail sync: the INBOUND record of each mail handled and the IMAPSYNC items (cursor, lease,
status, failures)."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from shopdesk.store.table import ShopdeskItem

SYNC_PK = "IMAPSYNC"


class InboundRecord(ShopdeskItem, discriminator="inbound"):
    """PK=INBOUND#<Message-ID or sha256 of the raw bytes>, SK=INBOUND: this mail was handled once."""

    outcome = UnicodeAttribute()  # imported | skipped | bounced | failed
    reason = UnicodeAttribute(null=True)
    digest = UnicodeAttribute(null=True)  # sha256 of the raw mail: a reused Message-ID is another mail
    thread_number = NumberAttribute(null=True)
    at = UnicodeAttribute()

    @staticmethod
    def key(record_id: str) -> tuple[str, str]:
        return f"INBOUND#{record_id}", "INBOUND"


class SyncCursor(ShopdeskItem, discriminator="sync_cursor"):
    """PK=IMAPSYNC, SK=CURSOR#<host>#<user>#<folder>: UIDVALIDITY and the last UID stored."""

    uidvalidity = NumberAttribute()
    last_uid = NumberAttribute(default=0)
    updated_at = UnicodeAttribute(null=True)

    @staticmethod
    def key(host: str, user: str, folder: str) -> tuple[str, str]:
        return SYNC_PK, f"CURSOR#{host.lower()}#{user.lower()}#{folder}"


class SyncLease(ShopdeskItem, discriminator="sync_lease"):
    """PK=IMAPSYNC, SK=LEASE: who runs the sync and until when (`expires_at`, epoch seconds)."""

    owner = UnicodeAttribute()

    @staticmethod
    def key() -> tuple[str, str]:
        return SYNC_PK, "LEASE"


class SyncError(MapAttribute):
    at = UnicodeAttribute()
    code = UnicodeAttribute()
    message = UnicodeAttribute()


class SyncStatusItem(ShopdeskItem, discriminator="sync_status"):
    """PK=IMAPSYNC, SK=STATUS: the last run's result, what the settings page shows."""

    state = UnicodeAttribute(default="never")  # never | ok | failed | running
    last_run_at = UnicodeAttribute(null=True)
    finished_at = UnicodeAttribute(null=True)
    imported = NumberAttribute(default=0)
    matched = NumberAttribute(default=0)
    new_threads = NumberAttribute(default=0)
    skipped = NumberAttribute(default=0)
    bounced = NumberAttribute(default=0)
    failed = NumberAttribute(default=0)
    errors = ListAttribute(of=SyncError, default=list)

    @staticmethod
    def key() -> tuple[str, str]:
        return SYNC_PK, "STATUS"


class SyncFailure(ShopdeskItem, discriminator="sync_failure"):
    """PK=IMAPSYNC, SK=FAILED#<uidvalidity>#<uid> (FAILED#<mailbox>#<uidvalidity>#<uid> for the mail of
    one of several mailboxes, FAILED#ses#… for SES): a mail that could not be imported, kept raw in S3."""

    uid = NumberAttribute()
    uidvalidity = NumberAttribute()
    record_id = UnicodeAttribute(null=True)
    raw_key = UnicodeAttribute(null=True)
    sender = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    error = UnicodeAttribute()
    at = UnicodeAttribute()
    mailbox_id = UnicodeAttribute(null=True)  # which mailbox it came from ("ses": SES receiving)

    @staticmethod
    def key(uidvalidity: int, uid: int, scope: str = "") -> tuple[str, str]:
        return SYNC_PK, f"FAILED#{scope + '#' if scope else ''}{uidvalidity}#{uid:010d}"

    @staticmethod
    def received_key(ses_message_id: str) -> tuple[str, str]:
        """A mail SES received and that could not be imported: one per SES message id."""
        return SYNC_PK, f"FAILED#ses#{ses_message_id}"
