"""The SLA clock state machine: how one timeline event moves a request's clocks.

The same functions serve the live path (a timeline listener applies each new event to the stored
clocks) and ``sasms sla verify`` (which replays a request's whole timeline from nothing and compares
the result with what is stored). Nothing here touches the database except through the cached
calendar specs, so replay and live path cannot drift apart.

Times are aware datetimes; business time is counted on the clock's own calendar. A clock keeps
``consumed`` (business time used before its current running segment) and ``segment_start``; its
due time is always ``segment_start + (target - consumed)`` in business time, so a pause, a
re-target or a reopening never loses or double-counts a minute.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sasms.sla import specs
from sasms.sla.models import ClockEntryKind, ClockKind, ClockState
from sasms.tickets.choices import EventKind, ServiceKind, Status

ZERO = datetime.timedelta(0)
TARGET_KEYS: dict[str, str] = {
    ClockKind.RESPONSE: "response_minutes",
    ClockKind.DISPATCH: "dispatch_minutes",
    ClockKind.ONSITE: "onsite_minutes",
    ClockKind.PARTS: "onsite_minutes",
    ClockKind.RESOLUTION: "resolution_minutes",
    ClockKind.UPDATE: "update_minutes",
}
# Clocks that start with the request; on-site for hardware replacement only (other work gets an
# on-site clock when a visit is scheduled), parts when parts are reserved, updates at first response.
STARTS_AT_CREATION = (ClockKind.RESPONSE, ClockKind.DISPATCH, ClockKind.RESOLUTION)
# Clocks that stop counting while the request waits for the customer (if the product says so).
PAUSE_WHEN_WAITING = (ClockKind.RESOLUTION, ClockKind.UPDATE)


def minutes(delta: datetime.timedelta) -> float:
    return delta / datetime.timedelta(minutes=1)


@dataclass
class Entry:
    at: datetime.datetime
    kind: str
    consumed_minutes: float
    target_minutes: int
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Clock:
    """One clock while it is being moved; loaded from and saved to :class:`~sasms.sla.models.SlaClock`."""

    kind: str
    calendar_id: int
    target_minutes: int
    started_at: datetime.datetime
    state: str = ClockState.RUNNING
    consumed: datetime.timedelta = ZERO
    segment_start: datetime.datetime | None = None
    due_at: datetime.datetime | None = None
    met_at: datetime.datetime | None = None
    breached_at: datetime.datetime | None = None
    cycle: int = 1
    cycles_missed: int = 0
    new_entries: list[Entry] = field(default_factory=list)
    changed: bool = False
    # A new cycle or target resets the escalation steps already fired.
    reset_steps: bool = False
    # What the last due time was computed on; the next ledger entry records it.
    computed_on: dict[str, Any] = field(default_factory=dict)

    @property
    def target(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.target_minutes)

    def used_at(self, moment: datetime.datetime) -> datetime.timedelta:
        """Business time used by ``moment``."""
        if self.state != ClockState.RUNNING or self.segment_start is None:
            return self.consumed
        if moment <= self.segment_start:
            return self.consumed
        return self.consumed + specs.business_time(
            calendar_id=self.calendar_id, start=self.segment_start, end=moment
        )

    def instant_at_used(self, used: datetime.timedelta) -> datetime.datetime | None:
        """When the running clock will have used ``used`` of business time (``None`` unless running)."""
        if self.state != ClockState.RUNNING or self.segment_start is None:
            return None
        remaining = used - self.consumed
        if remaining <= ZERO:
            return self.segment_start
        return specs.due_at(calendar_id=self.calendar_id, start=self.segment_start, duration=remaining)

    def _log(self, at: datetime.datetime, kind: str, reason: str = "", **data: Any) -> None:
        if self.computed_on:
            data = {**self.computed_on, **data}
            self.computed_on = {}
        self.new_entries.append(Entry(at, kind, minutes(self.consumed), self.target_minutes, reason, data))
        self.changed = True

    def _recompute_due(self) -> None:
        self.due_at = self.instant_at_used(self.target)
        self.computed_on = {}
        stamp = specs.last_stamp(self.calendar_id)
        if stamp is not None and self.due_at is not None and self.segment_start is not None:
            # The ledger says which calendar version the due time came from, and whether it
            # rests on provisional public holidays (see sasms.sla.models.HolidayYear).
            self.computed_on["calendar_version"] = stamp.version
            provisional = stamp.provisional_between(self.segment_start, self.due_at)
            if provisional:
                self.computed_on["provisional_years"] = provisional

    # --- transitions ------------------------------------------------------------------------

    def begin(self, at: datetime.datetime, reason: str = "") -> None:
        self.started_at = at
        self.segment_start = at
        self.state = ClockState.RUNNING
        self._recompute_due()
        self._log(at, ClockEntryKind.STARTED, reason)

    def check_breach(self, now: datetime.datetime) -> bool:
        """Record the breach once a running clock has passed its due time (dated at the due time)."""
        if (
            self.state == ClockState.RUNNING
            and self.breached_at is None
            and self.due_at is not None
            and self.due_at < now
        ):
            self.breached_at = self.due_at
            self._log(self.due_at, ClockEntryKind.BREACHED)
            return True
        return False

    def pause(self, at: datetime.datetime, reason: str) -> None:
        if self.state != ClockState.RUNNING:
            return
        self.check_breach(at)
        self.consumed = self.used_at(at)
        self.state = ClockState.PAUSED
        self.segment_start = None
        self.due_at = None
        self._log(at, ClockEntryKind.PAUSED, reason)

    def resume(self, at: datetime.datetime, reason: str, kind: str = ClockEntryKind.RESUMED) -> None:
        if self.state not in (ClockState.PAUSED, ClockState.MET):
            return
        self.state = ClockState.RUNNING
        self.met_at = None
        self.segment_start = at
        self._recompute_due()
        self._log(at, kind, reason)

    def meet(self, at: datetime.datetime, reason: str) -> None:
        if self.state not in (ClockState.RUNNING, ClockState.PAUSED):
            return
        # An event reported late (a check-in synchronised after the phone was offline) can be
        # dated before the current segment began; it still counts from where the clock stood.
        self.check_breach(at)
        self.consumed = self.used_at(at)
        self.state = ClockState.MET
        self.met_at = at
        self.segment_start = None
        self.due_at = None
        self._log(at, ClockEntryKind.MET, reason)

    def stop(self, at: datetime.datetime, reason: str) -> None:
        if self.state not in (ClockState.RUNNING, ClockState.PAUSED):
            return
        self.check_breach(at)
        self.consumed = self.used_at(at)
        self.state = ClockState.STOPPED
        self.segment_start = None
        self.due_at = None
        self._log(at, ClockEntryKind.STOPPED, reason)

    def retarget(self, at: datetime.datetime, target_minutes: int, reason: str) -> None:
        if self.state not in (ClockState.RUNNING, ClockState.PAUSED) or target_minutes == self.target_minutes:
            return
        self.check_breach(at)
        previous = self.target_minutes
        self.target_minutes = target_minutes
        if self.breached_at is None:
            self.reset_steps = True
        self._recompute_due()
        self._log(at, ClockEntryKind.RETARGETED, reason, previous=previous)

    def recalculate(self, at: datetime.datetime, reason: str, **data: Any) -> None:
        """The calendar's days changed under a running clock: the same business time used, the due
        time counted again on the new days. A breach already recorded stands (its warnings went
        out), and so do the escalation steps fired: they are not sent twice."""
        if self.state != ClockState.RUNNING or self.segment_start is None or self.breached_at is not None:
            return
        previous = self.due_at
        self._recompute_due()
        if self.due_at != previous:
            self._log(
                at,
                ClockEntryKind.RETARGETED,
                reason,
                previous_due=previous.isoformat() if previous is not None else None,
                **data,
            )
        else:
            self.computed_on = {}

    def next_cycle(self, at: datetime.datetime, reason: str) -> None:
        """The update clock: an update meets this cycle and the next one starts at once."""
        if self.state != ClockState.RUNNING:
            return
        self.check_breach(at)
        if self.breached_at is not None:
            self.cycles_missed += 1
        self.consumed = ZERO
        self.cycle += 1
        self.breached_at = None
        self.segment_start = at
        self.started_at = at
        self.reset_steps = True
        self._recompute_due()
        self._log(at, ClockEntryKind.CYCLE, reason, cycle=self.cycle)


@dataclass(frozen=True)
class Terms:
    """What a request's clocks are measured against, read from its entitlement snapshot."""

    targets: Mapping[str, Mapping[str, int | None]]
    calendar_id: int | None
    pause_when_waiting: bool
    service_kind: str

    def target_for(self, kind: str, priority: str) -> int | None:
        value = self.targets.get(priority, {}).get(TARGET_KEYS[kind])
        return int(value) if value is not None else None


@dataclass(frozen=True)
class Happening:
    """A timeline event as the clocks see it."""

    kind: str
    at: datetime.datetime
    data: Mapping[str, Any]
    by_staff: bool
    public: bool


def event_time(created_at: datetime.datetime, data: Mapping[str, Any]) -> datetime.datetime:
    """When it really happened: field steps carry the time taken on the phone."""
    raw = data.get("occurred_at")
    if isinstance(raw, str):
        try:
            parsed = datetime.datetime.fromisoformat(raw)
        except ValueError:
            return created_at
        if parsed.tzinfo is not None:
            return parsed
    return created_at


class Clockwork:
    """Applies events to the clocks of one request."""

    def __init__(self, *, terms: Terms, priority: str, clocks: dict[str, Clock]) -> None:
        self.terms = terms
        self.priority = priority
        self.clocks = clocks

    def _start(self, kind: str, at: datetime.datetime, reason: str) -> None:
        if kind in self.clocks or self.terms.calendar_id is None:
            return
        target = self.terms.target_for(kind, self.priority)
        if target is None:
            return
        clock = Clock(kind=kind, calendar_id=self.terms.calendar_id, target_minutes=target, started_at=at)
        clock.begin(at, reason)
        self.clocks[kind] = clock

    def _defines(self, kind: str) -> bool:
        """Whether the terms have this clock at all (for some priority)."""
        return any(self.terms.target_for(kind, priority) is not None for priority in self.terms.targets)

    def _running(self) -> list[Clock]:
        return [c for c in self.clocks.values() if c.state in (ClockState.RUNNING, ClockState.PAUSED)]

    def catch_up(self, now: datetime.datetime) -> None:
        for clock in self.clocks.values():
            clock.check_breach(now)

    def apply(self, happening: Happening) -> None:
        at, data, kind = happening.at, happening.data, happening.kind
        self.catch_up(at)
        clocks = self.clocks
        if kind == EventKind.CREATED:
            for clock_kind in STARTS_AT_CREATION:
                self._start(clock_kind, at, "created")
            if self.terms.service_kind == ServiceKind.HARDWARE_REPLACEMENT:
                self._start(ClockKind.ONSITE, at, "created")
        elif kind == EventKind.REPLY and happening.by_staff and happening.public:
            if ClockKind.RESPONSE in clocks:
                clocks[ClockKind.RESPONSE].meet(at, "first public reply")
            if ClockKind.UPDATE in clocks:
                clocks[ClockKind.UPDATE].next_cycle(at, "public update")
            else:
                self._start(ClockKind.UPDATE, at, "first public reply")
        elif kind == EventKind.ASSIGNED and data.get("assignee_id"):
            if ClockKind.DISPATCH in clocks:
                clocks[ClockKind.DISPATCH].meet(at, "assigned")
        elif kind == EventKind.VISIT:
            step = data.get("step")
            if step == "scheduled":
                self._start(ClockKind.ONSITE, at, "visit scheduled")
            elif step == "checked_in" and ClockKind.ONSITE in clocks:
                clocks[ClockKind.ONSITE].meet(at, "engineer checked in")
        elif kind == EventKind.PARTS:
            step = data.get("step")
            if step == "reserved":
                self._start(ClockKind.PARTS, at, "parts reserved")
            elif step == "delivered" and ClockKind.PARTS in clocks:
                clocks[ClockKind.PARTS].meet(at, "parts delivered on site")
            elif step == "released" and ClockKind.PARTS in clocks:
                clocks[ClockKind.PARTS].stop(at, "parts reservation released")
        elif kind == EventKind.PRIORITY:
            change = data.get("priority")
            if isinstance(change, list | tuple) and len(change) == 2 and change[1]:
                self.priority = str(change[1])
                for clock in self._running():
                    target = self.terms.target_for(clock.kind, self.priority)
                    if target is not None:
                        clock.retarget(at, target, f"priority {change[0]} → {change[1]}")
        elif kind == EventKind.STATUS:
            self._status(at, str(data.get("from", "")), str(data.get("to", "")))
        elif kind == EventKind.MERGED:
            for clock in self._running():
                clock.stop(at, "merged")

    def _status(self, at: datetime.datetime, before: str, after: str) -> None:
        clocks = self.clocks
        pausing = PAUSE_WHEN_WAITING if self.terms.pause_when_waiting else ()
        if after == Status.WAITING_CUSTOMER:
            for kind in pausing:
                if kind in clocks:
                    clocks[kind].pause(at, "waiting for the customer")
        if before == Status.WAITING_CUSTOMER and after not in (
            Status.RESOLVED,
            Status.CLOSED,
            Status.CANCELLED,
        ):
            for kind in pausing:
                if kind in clocks:
                    clocks[kind].resume(at, "customer answered")
        if after == Status.RESOLVED:
            if ClockKind.RESOLUTION in clocks:
                clocks[ClockKind.RESOLUTION].meet(at, "resolved")
            # Fixed without that step (remotely, before the engineer or the part arrived): the
            # other commitments no longer apply. A breach already recorded stays on the clock;
            # one still running would otherwise breach — and escalate — on a resolved request.
            for clock in self._running():
                clock.stop(at, "resolved")
        elif after == Status.CANCELLED:
            for clock in self._running():
                clock.stop(at, "cancelled")
        elif before in (Status.RESOLVED, Status.CLOSED) and after not in (Status.RESOLVED, Status.CLOSED):
            # Reopened: the resolution clock goes on from the business time it had used. A clock
            # the terms no longer define (coverage changed) stays where the change left it.
            if ClockKind.RESOLUTION in clocks and self._defines(ClockKind.RESOLUTION):
                clocks[ClockKind.RESOLUTION].resume(at, "reopened", kind=ClockEntryKind.REOPENED)
            update = clocks.get(ClockKind.UPDATE)
            if update is not None and update.state == ClockState.STOPPED and self._defines(ClockKind.UPDATE):
                update.state = ClockState.PAUSED
                update.consumed = ZERO
                update.resume(at, "reopened", kind=ClockEntryKind.REOPENED)
