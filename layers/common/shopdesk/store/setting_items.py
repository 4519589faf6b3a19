"""What admins configure: contacts (PK=CONTACTS) and the shop's options (PK=SETTINGS)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from shopdesk.store.table import ShopdeskItem

CONTACTS_PK = "CONTACTS"
SETTINGS_PK = "SETTINGS"


class Contact(ShopdeskItem, discriminator="contact"):
    """A destination the visitor picks in the form. PK=CONTACTS, SK=CONTACT#<id>."""

    contact_id = UnicodeAttribute()
    names = MapAttribute()
    descriptions = MapAttribute()
    email = UnicodeAttribute(null=True)
    save_messages = BooleanAttribute(default=True)
    position = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    @staticmethod
    def key(contact_id: str) -> tuple[str, str]:
        return CONTACTS_PK, f"CONTACT#{contact_id}"


class ImapSettings(MapAttribute):
    host = UnicodeAttribute(default="")
    port = NumberAttribute(default=993)
    user = UnicodeAttribute(default="")
    security = UnicodeAttribute(default="tls")
    verify_certificate = BooleanAttribute(default=True)
    folder = UnicodeAttribute(default="INBOX")
    delete_after_sync = BooleanAttribute(default=False)
    create_new_threads = BooleanAttribute(default=True)
    # Whether an admin has written the password to Secrets Manager (the password itself never is here).
    password_set = BooleanAttribute(default=False)


class AbuseLimitSettings(MapAttribute):
    """The storefront's abuse limits an admin set for this shop; a missing number is the
    deployment's default (`core.config`, from the environment)."""

    rate_limit_per_ip = NumberAttribute(null=True)
    rate_limit_per_email = NumberAttribute(null=True)
    upload_limit_per_ip = NumberAttribute(null=True)
    upload_limit_per_form = NumberAttribute(null=True)
    confirmation_limit_per_recipient = NumberAttribute(null=True)
    confirmation_limit_per_shop = NumberAttribute(null=True)
    rate_window_seconds = NumberAttribute(null=True)


# The reply form's starting text until an admin writes the shop's own (PrestaShop ships one too).
DEFAULT_REPLY_MESSAGES = {
    "en": "Dear customer,\n\n\n\nKind regards,\nCustomer service",
    "es": "Estimado/a cliente:\n\n\n\nUn cordial saludo,\nAtención al cliente",
    "pl": "Szanowni Państwo,\n\n\n\nZ poważaniem,\nObsługa klienta",
}


class ShopSettings(ShopdeskItem, discriminator="settings"):
    """The shop's options, one item: PK=SETTINGS, SK=SHOP. The IMAP password is never here."""

    allow_uploads = BooleanAttribute(default=True)
    default_messages = MapAttribute(default=lambda: dict(DEFAULT_REPLY_MESSAGES))
    notify_contact = BooleanAttribute(default=False)
    confirm_visitor = BooleanAttribute(default=True)
    imap = ImapSettings(default=ImapSettings)
    contacts_seeded = BooleanAttribute(default=False)
    # The team's day: a thread no one owns goes to the agent who first replies; the
    # assignee hears by mail of a hand-over to them; what Send does unless the agent chooses
    # (`close` or `open`; a later option adds `snooze`).
    assign_on_first_reply = BooleanAttribute(default=False)
    notify_assignee = BooleanAttribute(default=False)
    after_send_default = UnicodeAttribute(default="close")
    # The storefront's abuse limits (posts, upload grants, confirmations); unset: the defaults.
    abuse_limits = AbuseLimitSettings(null=True)
    updated_at = UTCDateTimeAttribute(null=True)
    # Derived from the mailboxes (mail/smtp_send.senders_of), written whenever one changes: which
    # mailbox sends which contact's replies ({contact id or "*": mailbox id}), so a reply finds it
    # in the settings it reads anyway. None or empty: every reply goes by SES.
    reply_senders = MapAttribute(null=True)

    @staticmethod
    def key() -> tuple[str, str]:
        return SETTINGS_PK, "SHOP"
