"""Mail sync: the INBOUND record of each mail handled and the IMAPSYNC items (cursor, lease,
status, failures)."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute

from shopdesk.store.table import ShopdeskItem

SYNC_PK = "IMAPSYNC"


MAIL_LOG_PK = "MAILLOG"


class InboundRecord(ShopdeskItem, discriminator="inbound"):
    """PK=INBOUND#<Message-ID or sha256 of the raw bytes>, SK=INBOUND: this mail was handled once.

    It is also the mail log's entry: it writes GSI1 `MAILLOG` and GSI2 `MAILLOG#<outcome>` (sort key
    `<at>#<record id>`), read backwards for the log newest first, and GSI7 `MAILLOG#E#<sender>` so an
    erasure finds the sender's entries (docs/data-model.md, "The mail log")."""

    outcome = UnicodeAttribute()  # imported | skipped | bounced | failed
    reason = UnicodeAttribute(null=True)
    digest = UnicodeAttribute(null=True)  # sha256 of the raw mail: a reused Message-ID is another mail
    thread_number = NumberAttribute(null=True)
    at = UnicodeAttribute()
    # what the log shows of the mail (null on records written before the log)
    sender = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    message_sk = UnicodeAttribute(null=True)  # bounced: the reply the report is about
    failure_sk = UnicodeAttribute(null=True)  # failed: its set-aside item (`FAILED#…`), what retry takes

    @property
    def record_id(self) -> str:
        """The mail's identity (its Message-ID, or a digest), as the record's key spells it."""
        return self.pk.removeprefix("INBOUND#")

    @staticmethod
    def key(record_id: str) -> tuple[str, str]:
        return f"INBOUND#{record_id}", "INBOUND"

    @staticmethod
    def log_keys(record_id: str, outcome: str, at: str, sender: str | None) -> dict[str, str | None]:
        """The mail log's index keys: every entry, its outcome's list, and its sender's (for erasure)."""
        sort = f"{at}#{record_id[:300]}"
        return {
            "gsi1pk": MAIL_LOG_PK,
            "gsi1sk": sort,
            "gsi2pk": f"{MAIL_LOG_PK}#{outcome}",
            "gsi2sk": sort,
            "gsi7pk": f"{MAIL_LOG_PK}#E#{sender.lower()}" if sender else None,
            "gsi7sk": sort if sender else None,
        }

    @property
    def set_aside_name(self) -> str | None:
        return SyncFailure.name_of(self.failure_sk) if self.failure_sk else None

    @property
    def reply_message_id(self) -> str | None:
        """A bounce's reply, by the message id the thread view uses (the message's SK ends with it)."""
        return self.message_sk.rsplit("#", 1)[-1] if self.message_sk else None

    @staticmethod
    def log_partition(outcome: str | None) -> str:
        return f"{MAIL_LOG_PK}#{outcome}" if outcome else MAIL_LOG_PK

    @staticmethod
    def sender_partition(sender: str) -> str:
        return f"{MAIL_LOG_PK}#E#{sender.lower()}"


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
    last_run_at = UnicodeAttribute(null=True)  # the last run that did something (or failed)
    checked_at = UnicodeAttribute(null=True)  # the last run of all, even one that found nothing
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
    """PK=IMAPSYNC, SK=FAILED#<uidvalidity>#<uid>: a mail that could not be imported, kept raw in S3."""

    uid = NumberAttribute()
    uidvalidity = NumberAttribute()
    record_id = UnicodeAttribute(null=True)
    raw_key = UnicodeAttribute(null=True)
    sender = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    size = NumberAttribute(null=True)
    error = UnicodeAttribute()
    at = UnicodeAttribute()

    @staticmethod
    def key(uidvalidity: int, uid: int) -> tuple[str, str]:
        return SYNC_PK, f"FAILED#{uidvalidity}#{uid:010d}"

    @staticmethod
    def key_of(name: str) -> tuple[str, str] | None:
        """The key of a set-aside mail from its name on the page, `<uidvalidity>.<uid>`; None when
        the name is not one."""
        parts = name.split(".")
        if len(parts) != 2 or not all(p.isdigit() and 0 < len(p) <= 10 for p in parts):
            return None
        return SyncFailure.key(int(parts[0]), int(parts[1]))

    @staticmethod
    def name_of(failure_sk: str) -> str:
        """`FAILED#<uidvalidity>#<uid>` → `<uidvalidity>.<uid>`, the name the page and the API use."""
        _, uidvalidity, uid = failure_sk.split("#")
        return f"{int(uidvalidity)}.{int(uid)}"
