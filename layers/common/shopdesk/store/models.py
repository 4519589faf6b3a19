"""The store's public face: every item of the single table, re-exported from the module of its
domain (`table`, `thread_items`, `customer_items`, `intake_items`, `sync_items`,
`setting_items`), so callers keep one import and every discriminator is registered before any
polymorphic Query (`ShopdeskItem.query`) runs."""

from __future__ import annotations

from shopdesk.store.customer_items import Customer, CustomerIdAlias, Order, OrderRef, OrderStatusChange
from shopdesk.store.draft_items import Draft
from shopdesk.store.intake_items import BlockedSender, RateWindow, RecentPost, SignedRequest
from shopdesk.store.saved_reply_items import SAVED_REPLIES_PK, SavedReply
from shopdesk.store.search_items import SearchTerm, TagCount, TagMember
from shopdesk.store.setting_items import (
    CONTACTS_PK,
    DEFAULT_REPLY_MESSAGES,
    SETTINGS_PK,
    AbuseLimitSettings,
    Contact,
    ImapSettings,
    ShopSettings,
)
from shopdesk.store.sync_items import SYNC_PK, InboundRecord, SyncCursor, SyncError, SyncFailure, SyncLease, SyncStatusItem
from shopdesk.store.table import INDEX_COUNT, INDEXES, ShopdeskItem, _connection, transaction
from shopdesk.store.thread_items import (
    STATUSES,
    THREAD_SK,
    AgentStats,
    Attachment,
    Counter,
    Delivery,
    MailId,
    Message,
    OpenThreadClaim,
    Presence,
    Stats,
    Thread,
)

__all__ = [
    "CONTACTS_PK",
    "AgentStats",
    "Presence",
    "DEFAULT_REPLY_MESSAGES",
    "INDEXES",
    "INDEX_COUNT",
    "SAVED_REPLIES_PK",
    "SETTINGS_PK",
    "STATUSES",
    "SYNC_PK",
    "THREAD_SK",
    "AbuseLimitSettings",
    "Attachment",
    "BlockedSender",
    "Contact",
    "Counter",
    "Customer",
    "CustomerIdAlias",
    "Delivery",
    "Draft",
    "ImapSettings",
    "InboundRecord",
    "MailId",
    "Message",
    "OpenThreadClaim",
    "Order",
    "OrderRef",
    "OrderStatusChange",
    "RateWindow",
    "RecentPost",
    "SavedReply",
    "SearchTerm",
    "ShopSettings",
    "ShopdeskItem",
    "SignedRequest",
    "Stats",
    "SyncCursor",
    "SyncError",
    "SyncFailure",
    "SyncLease",
    "SyncStatusItem",
    "TagCount",
    "TagMember",
    "Thread",
    "_connection",
    "transaction",
]
