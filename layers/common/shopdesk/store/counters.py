"""Counters are items: what each thread change adds to the dashboard's STATS items, written in the
change's own transaction, and the box link (a contact's oldest open thread) kept right after it.

Nothing here counts on read: the dashboard is one Query of PK=STATS (docs/data-model.md, access
patterns 9 and 10, and "Dashboard" for the box link and its `open_changes` guard)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from shopdesk.store import keys
from shopdesk.store.conditions import ATTEMPTS, condition_failed
from shopdesk.store.thread_items import AgentStats, Stats, Thread

DAY_AGGREGATE_TTL = timedelta(days=40)


@dataclass
class CounterDeltas:
    """What one change adds to the dashboard's items; applied in the change's own transaction."""

    global_: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, dict[str, int]] = field(default_factory=dict)
    day: dict[str, int] = field(default_factory=dict)
    # A thread that became open at the newest end of its box: the box's link if it has none.
    newest_open: dict[str, tuple[int, str]] = field(default_factory=dict)
    # Per assignee (Cognito sub): the change of their threads that are not closed (STATS/AGENT#sub).
    agents: dict[str, int] = field(default_factory=dict)
    agent_names: dict[str, str] = field(default_factory=dict)

    def add(self, target: dict[str, int], name: str, amount: int) -> None:
        if amount:
            target[name] = target.get(name, 0) + amount

    def status_change(self, contact_id: str, old: str | None, new: str | None, *, assignee: str | None) -> None:
        """`assignee`: the thread's, as the transaction's condition holds it (the agent's count of
        threads not closed moves with the status)."""
        if old == new:
            return
        self.assignment_change(assignee, assignee, old, new)
        if old:
            self.add(self.global_, f"threads_{old}", -1)
            if old == "open":
                self.add(self.contacts.setdefault(contact_id, {}), "open", -1)
        if new:
            self.add(self.global_, f"threads_{new}", 1)
            if new == "open":
                self.add(self.contacts.setdefault(contact_id, {}), "open", 1)
        if "open" in (old, new):
            self.open_moved(contact_id)

    def assignment_change(self, old: str | None, new: str | None, old_status: str | None, new_status: str | None, name: str | None = None) -> None:
        """The assignee's count of threads that are not closed: the thread leaves `old`'s count
        if it counted there, and joins `new`'s if it counts now (a closed thread counts nowhere)."""
        was = old if old_status not in (None, "closed") else None
        now = new if new_status not in (None, "closed") else None
        if was == now:
            return
        if was:
            self.agents[was] = self.agents.get(was, 0) - 1
        if now:
            self.agents[now] = self.agents.get(now, 0) + 1
            if name:
                self.agent_names[now] = name

    def open_moved(self, contact_id: str) -> None:
        """The box's open threads or their order changed (see settle_oldest_open)."""
        self.add(self.contacts.setdefault(contact_id, {}), "open_changes", 1)

    def opened_newest(self, contact_id: str, number: int, sort_key: str) -> None:
        """The thread became open with the newest sort key of its box: it is the box's link
        only if the box has none (SET if_not_exists, in the same transaction)."""
        self.newest_open[contact_id] = (number, sort_key)

    def closing(self, thread: Thread, extra_messages: int = 0) -> None:
        """A thread closed today: the 30-day "messages per closed thread" indicator counts it."""
        self.add(self.day, "closed_threads", 1)
        self.add(self.day, "closed_thread_messages", int(thread.customer_messages) + int(thread.agent_messages) + extra_messages)

    def first_response(self, seconds: int) -> None:
        self.add(self.day, "first_response_count", 1)
        self.add(self.day, "first_response_seconds", max(0, seconds))

    def applied_to(self, box: Stats | None) -> Stats | None:
        """The box as it is after this change committed, when the caller read it just before:
        a later settle_oldest_open then needs no read unless another change came in between
        (its `open_changes` condition tells)."""
        if box is None:
            return None
        contact_id = keys.contact_of_stats(box.sk)
        bumped = self.contacts.get(contact_id or "", {}).get("open_changes", 0)
        if bumped:
            box.open_changes = int(box.open_changes or 0) + bumped
        return box

    def write(self, writes: TransactWrite, moment: datetime) -> None:
        items: list[tuple[Stats, dict[str, int], int | None]] = [(Stats(*Stats.global_key()), self.global_, None)]
        items += [(Stats(*Stats.contact_key(cid)), deltas, None) for cid, deltas in self.contacts.items()]
        day = moment.astimezone(UTC).date().isoformat()
        expires = int((moment + DAY_AGGREGATE_TTL).timestamp())
        items.append((Stats(*Stats.day_key(day)), self.day, expires))
        for item, deltas, expires_at in items:
            deltas = {k: v for k, v in deltas.items() if v}
            if not deltas:
                continue
            actions: list[Action] = [Stats.kind.set(Stats)]
            actions += [getattr(Stats, name).add(amount) for name, amount in sorted(deltas.items())]
            contact_id = keys.contact_of_stats(item.sk)
            if contact_id is not None and contact_id in self.newest_open:
                number, sort_key = self.newest_open[contact_id]
                actions += [Stats.oldest_open.set(Stats.oldest_open | number), Stats.oldest_open_key.set(Stats.oldest_open_key | sort_key)]
            if expires_at is not None:
                actions.append(Stats.expires_at.set(expires_at))
            writes.update(item, actions=actions)
        for agent_sub, amount in sorted(self.agents.items()):
            if not amount and agent_sub not in self.agent_names:
                continue
            agent_actions: list[Action] = [AgentStats.kind.set(AgentStats), AgentStats.active.add(amount)]
            if agent_sub in self.agent_names:
                agent_actions.append(AgentStats.name.set(self.agent_names[agent_sub]))
            writes.update(AgentStats(*AgentStats.key(agent_sub)), actions=agent_actions)


def settle_oldest_open(contact_id: str, number: int, sort_key: str | None, box: Stats | None = None) -> None:
    """Keeps a box's link (its oldest open thread, on STATS/CONTACT#id) right after a committed
    change of thread `number`, now open at `sort_key` (its GSI4 sort key) or no longer open (None).

    Nothing to do unless the thread was the link (it closed, was deleted or moved to the newest
    end) or should now be it (re-opened with an older place than the link's). Then one forward
    `Limit 2` Query on GSI4 finds the oldest open thread, written only if no other transaction
    changed the box's open threads since the box was read (`open_changes`): a lost race re-reads.
    A new thread, or one re-opened by a customer message, is set in its own transaction instead
    (CounterDeltas.opened_newest): the dashboard itself reads only the STATS items.

    `box`, the box as it stands after the change (CounterDeltas.applied_to of the box the caller
    read before it), saves the read; if another change came in between, the condition on
    `open_changes` sends us to re-read.
    """
    for _ in range(ATTEMPTS):
        if box is None:
            try:
                box = Stats.get(*Stats.contact_key(contact_id), consistent_read=True)
            except Stats.DoesNotExist:
                return
        link = int(box.oldest_open) if box.oldest_open is not None else None
        should_be = sort_key is not None and (link is None or sort_key < (box.oldest_open_key or ""))
        if link != number and not should_be:
            return
        oldest: Thread | None = None
        for candidate in Thread.gsi4.query(keys.contact_status_list(contact_id, "open"), scan_index_forward=True, limit=2):
            # The index may lag behind our own commit: this thread counts only where it is now.
            if int(candidate.number) == number and (sort_key is None or candidate.gsi4sk != sort_key):
                continue
            oldest = candidate
            break
        if oldest is not None:
            actions: list[Action] = [Stats.oldest_open.set(int(oldest.number)), Stats.oldest_open_key.set(str(oldest.gsi4sk))]
        else:
            actions = [Stats.oldest_open.remove(), Stats.oldest_open_key.remove()]
        unchanged = Stats.open_changes == box.open_changes if box.open_changes is not None else Stats.open_changes.does_not_exist()
        try:
            Stats(*Stats.contact_key(contact_id)).update(actions=actions, condition=unchanged)
            return
        except UpdateError as error:
            if not condition_failed(error):
                raise
            box = None


def oldest_open_thread(contact_id: str) -> int | None:
    """GSI4 `TL#CS#<contact>#open` read forwards, one item: the thread waiting longest. Only for a
    box item written before the link was kept on it."""
    for thread in Thread.gsi4.query(keys.contact_status_list(contact_id, "open"), scan_index_forward=True, limit=1):
        return int(thread.number)
    return None


def dashboard_items() -> list[Stats]:
    """Every STATS item: the global counters, one per contact (its box), one per day (40-day TTL)."""
    return list(Stats.query(keys.STATS_PK))
