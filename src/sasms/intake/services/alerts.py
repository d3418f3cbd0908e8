"""Monitoring alerts → de-duplicated, correlated requests.

* **De-duplication**: an alert occurrence (source, fingerprint, start time) is one row, unique in the
  database; re-deliveries only bump its counter, a resolved notification closes it.
* **Correlation**: alerts are grouped per server incident (the strongest server identifier in their
  labels). While an open request holds an alert on that server (or, for an unknown device, on that
  device of the same source) received within the source's correlation window, further alerts join
  it with an internal note; otherwise the first alert at or above the source's threshold opens a
  request — or, when no server matches, one triage item that collects the device's alerts.
* **Concurrency**: each incident is decided under one lock (the server's, or the unknown device's),
  so duplicate or concurrent deliveries of a storm give one request and one row per alert.
* **Clearing**: when every alert of a request has cleared and no person has touched it, the request
  is resolved (if the source allows it).
"""

import datetime
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.assets.models import Server
from sasms.core.context import Origin, acting_from
from sasms.intake import alertmanager, generic_alerts, zabbix
from sasms.intake.alerts import Alert as ParsedAlert
from sasms.intake.alerts import ValidationError, group_by_incident
from sasms.intake.choices import (
    SEVERITY_RANK,
    AlertSeverity,
    AlertState,
    MinSeverity,
    SourceKind,
    TriageChannel,
    TriageReason,
    TriageStatus,
)
from sasms.intake.locks import lock_name
from sasms.intake.models import Alert, AlertSource, TriageItem
from sasms.intake.selectors import match_server
from sasms.intake.services.classify import area_from_text, category_for, impact_for, urgency_for
from sasms.intake.services.common import clip
from sasms.intake.services.ticketing import resolve_untouched, robot_note
from sasms.tickets.choices import OPEN_STATUSES, Channel, Level
from sasms.tickets.models import Ticket
from sasms.tickets.services import create_ticket

logger = logging.getLogger(__name__)

THRESHOLD = {MinSeverity.CRITICAL: 3, MinSeverity.WARNING: 2, MinSeverity.INFO: 1}
RETRIES = 4
SOURCE_TOUCH = datetime.timedelta(seconds=5)
T = TypeVar("T")


def parse_payload(source: AlertSource, body: bytes) -> tuple[ParsedAlert, ...]:
    """The alerts of one delivery in the source's format; ``ValidationError`` names bad fields."""
    if source.kind == SourceKind.ALERTMANAGER:
        return alertmanager.parse_alertmanager(body).alerts
    if source.kind == SourceKind.ZABBIX:
        from zoneinfo import ZoneInfo

        return (zabbix.parse_zabbix(body, default_timezone=ZoneInfo(source.time_zone)),)
    if source.kind == SourceKind.GENERIC:
        return generic_alerts.parse_generic(body)
    raise ValidationError([])  # pragma: no cover - kinds are a closed choice


@dataclass
class Ingested:
    received: int = 0
    new: int = 0
    duplicates: int = 0
    cleared: int = 0
    requests_opened: list[str] = field(default_factory=list)
    requests_updated: list[str] = field(default_factory=list)
    auto_resolved: list[str] = field(default_factory=list)
    triaged: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "received": self.received,
            "new": self.new,
            "duplicates": self.duplicates,
            "cleared": self.cleared,
            "requests_opened": sorted(set(self.requests_opened)),
            "requests_updated": sorted(set(self.requests_updated) - set(self.requests_opened)),
            "auto_resolved": sorted(set(self.auto_resolved)),
            "triaged": self.triaged,
        }


def _retrying(work: Callable[[], T]) -> T:
    """Run a transaction again after a deadlock or a serialisation failure (PostgreSQL)."""
    for attempt in range(RETRIES):
        try:
            return work()
        except OperationalError:
            if attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def ingest_alerts(*, source: AlertSource, alerts: Sequence[ParsedAlert]) -> Ingested:
    """Record ``alerts`` (one delivery) and open, extend or resolve requests; idempotent."""
    result = Ingested(received=len(alerts))
    with acting_from(Origin(channel="intake")):
        for key, items in group_by_incident(alerts).items():
            if _only_repeats(source, items, result):
                continue
            server = match_server(items[0].server_refs, organisation=source.organisation)
            _retrying(partial(_ingest_incident, source, key, server, items, result))
    # One hot row for every delivery of the source: written at most every few seconds, so that
    # concurrent deliveries do not queue on it (and on its commit) during a storm.
    now = timezone.now()
    AlertSource.objects.filter(pk=source.pk).filter(
        Q(last_received_at__isnull=True) | Q(last_received_at__lt=now - SOURCE_TOUCH)
    ).update(last_received_at=now)
    return result


def _only_repeats(source: AlertSource, items: Sequence[ParsedAlert], result: Ingested) -> bool:
    """The storm's common case: every alert of the group is known in the state it is sent in.

    Then nothing is decided — no lock, no server look-up, no request — and one UPDATE counts the
    deliveries (and keeps the incident's correlation window open). Anything new or changed takes
    the locked path.
    """
    wanted: dict[tuple[str, datetime.datetime], str] = {}
    for item in items:
        wanted[(item.fingerprint[:128], item.starts_at)] = str(item.status)
    match = Q()
    for fingerprint, starts_at in wanted:
        match |= Q(fingerprint=fingerprint, starts_at=starts_at)
    known = {
        (row["fingerprint"], row["starts_at"]): (row["pk"], row["status"])
        for row in Alert.objects.filter(match, source=source).values(
            "pk", "fingerprint", "starts_at", "status"
        )
    }
    if len(known) != len(wanted):
        return False
    for pair, status in wanted.items():
        if known[pair][1] != status and not (
            status == AlertState.FIRING and known[pair][1] == AlertState.RESOLVED
        ):
            return False  # a firing alert that resolves now: the locked path records it
    Alert.objects.filter(pk__in=[pk for pk, _status in known.values()]).update(
        last_received_at=timezone.now(), receive_count=F("receive_count") + 1
    )
    result.duplicates += len(items)
    return True


def _occurrence(
    source: AlertSource, item: ParsedAlert, server: Server | None, now: datetime.datetime
) -> tuple[Alert, bool]:
    existing = Alert.objects.filter(
        source=source, fingerprint=item.fingerprint[:128], starts_at=item.starts_at
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return (
                Alert.objects.create(
                    source=source,
                    fingerprint=item.fingerprint[:128],
                    starts_at=item.starts_at,
                    ends_at=item.ends_at if item.status == "resolved" else None,
                    status=AlertState.RESOLVED if item.status == "resolved" else AlertState.FIRING,
                    name=clip(item.name, 200),
                    severity=str(item.severity),
                    summary=clip(item.summary, 500),
                    description=item.description[:20_000],
                    labels=dict(item.labels),
                    annotations=dict(item.annotations),
                    url=item.url[:2000],
                    component=clip(item.component, 200),
                    incident_key=item.incident_key[:300],
                    server=server,
                    first_received_at=now,
                    last_received_at=now,
                ),
                True,
            )
    except IntegrityError:  # delivered concurrently under another incident key; same occurrence
        return Alert.objects.get(
            source=source, fingerprint=item.fingerprint[:128], starts_at=item.starts_at
        ), False


@transaction.atomic
def _ingest_incident(
    source: AlertSource, key: str, server: Server | None, items: Sequence[ParsedAlert], result: Ingested
) -> None:
    lock_name(f"server:{server.pk}" if server is not None else f"device:{source.pk}:{key}")
    now = timezone.now()
    fresh: list[Alert] = []
    cleared: list[Alert] = []
    for item in items:
        row, created = _occurrence(source, item, server, now)
        if created:
            result.new += 1
            fresh.append(row)
            if row.status == AlertState.RESOLVED:
                cleared.append(row)
            continue
        result.duplicates += 1
        updates: dict[str, object] = {"last_received_at": now, "receive_count": F("receive_count") + 1}
        if item.status == "resolved" and row.status == AlertState.FIRING:
            row.status = AlertState.RESOLVED
            row.ends_at = item.ends_at or now
            updates.update(status=row.status, ends_at=row.ends_at)
            cleared.append(row)
        Alert.objects.filter(pk=row.pk).update(**updates)
    result.cleared += len(cleared)

    ticket = incident_ticket(source, key, server, now)
    threshold = THRESHOLD[MinSeverity(source.min_severity)]
    openers = [
        r
        for r in fresh
        if r.status == AlertState.FIRING and SEVERITY_RANK[AlertSeverity(r.severity)] >= threshold
    ]
    opened = False
    triage: TriageItem | None = None
    if ticket is None and openers:
        if server is not None:
            ticket = _open_request(source, server, openers, now)
            opened = True
            result.requests_opened.append(ticket.number)
        else:
            triage = _device_triage(source, key, openers)
            result.triaged += 1
    if ticket is None and server is None and triage is None:
        triage = TriageItem.objects.filter(
            source=source, incident_key=key[:300], status=TriageStatus.OPEN
        ).first()

    unplaced = [r for r in fresh if r.ticket_id is None and r.triage_id is None]
    if ticket is not None:
        Alert.objects.filter(pk__in=[r.pk for r in unplaced]).update(ticket=ticket)
        for row in unplaced:
            row.ticket_id = ticket.pk
        added = [r for r in unplaced if r.status == AlertState.FIRING]
        if added and not opened:
            robot_note(ticket, _("New alerts on this incident:") + "\n" + _describe(added))
            result.requests_updated.append(ticket.number)
    elif triage is not None:
        Alert.objects.filter(pk__in=[r.pk for r in unplaced]).update(triage=triage)
        TriageItem.objects.filter(pk=triage.pk).update(updated_at=now)
    _clear(source, cleared, result)


def _clear(source: AlertSource, cleared: Sequence[Alert], result: Ingested) -> None:
    """Note cleared alerts on their requests; resolve a request whose every alert has cleared."""
    by_ticket: dict[int, list[Alert]] = {}
    for row in cleared:
        if row.ticket_id is not None:
            by_ticket.setdefault(row.ticket_id, []).append(row)
    for ticket in Ticket.objects.filter(pk__in=by_ticket, status__in=OPEN_STATUSES).order_by("pk"):
        rows = by_ticket[ticket.pk]
        robot_note(ticket, _("Alerts cleared:") + "\n" + "\n".join(f"- {a.name}: {a.summary}" for a in rows))
        result.requests_updated.append(ticket.number)
        summary = _("Every alert of this request has cleared.")
        if source.auto_resolve and _all_cleared(ticket) and resolve_untouched(ticket, summary=summary):
            result.auto_resolved.append(ticket.number)


def incident_ticket(
    source: AlertSource, key: str, server: Server | None, now: datetime.datetime
) -> Ticket | None:
    """The open request this server's (or unknown device's) alerts currently collect on."""
    since = now - datetime.timedelta(minutes=source.correlation_minutes)
    rows = Alert.objects.filter(ticket__status__in=OPEN_STATUSES, last_received_at__gte=since)
    rows = (
        rows.filter(server=server)
        if server is not None
        else rows.filter(source=source, incident_key=key[:300])
    )
    row = rows.select_related("ticket").order_by("-last_received_at", "-id").first()
    return row.ticket if row is not None else None


def _all_cleared(ticket: Ticket) -> bool:
    return not Alert.objects.filter(ticket=ticket, status=AlertState.FIRING).exists()


def _describe(alerts: Sequence[Alert]) -> str:
    lines: list[str] = []
    component, labelled, started = _("Component"), _("Labels"), _("Started")
    for alert in alerts:
        lines.append(f"[{alert.get_severity_display()}] {alert.name}: {alert.summary}")
        if alert.description and alert.description != alert.summary:
            lines.append(alert.description)
        if alert.component:
            lines.append(f"{component}: {alert.component}")
        labels = ", ".join(f"{k}={v}" for k, v in sorted(alert.labels.items()))
        if labels:
            lines.append(f"{labelled}: {labels}")
        lines.append(f"{started}: {timezone.localtime(alert.starts_at):%Y-%m-%d %H:%M:%S %Z}")
        if alert.url:
            lines.append(alert.url)
        lines.append("")
    return "\n".join(lines).strip()


def _open_request(
    source: AlertSource, server: Server, alerts: Sequence[Alert], now: datetime.datetime
) -> Ticket:
    lead = max(alerts, key=lambda a: (SEVERITY_RANK[AlertSeverity(a.severity)], -a.pk))
    area = area_from_text(lead.component, lead.name, lead.summary)
    title = lead.summary if lead.summary and lead.summary != lead.name else lead.name
    if len(alerts) > 1:
        title = _("%(title)s (and %(count)d more alerts)") % {"title": title, "count": len(alerts) - 1}
    header = _("Opened from %(count)d alert(s) of “%(source)s”.") % {
        "count": len(alerts),
        "source": source.name,
    }
    return create_ticket(
        actor=None,
        organisation=server.organisation,
        server=server,
        title=clip(title, 200),
        description=f"{header}\n\n{_describe(alerts)}",
        channel=Channel.MONITORING,
        category=category_for(area),
        component=area,
        impact=impact_for(server, now),
        urgency=urgency_for(lead.severity),
    )


def open_request_for_alerts(
    *, organisation_id: int, server: Server | None, alerts: Sequence[Alert], title: str = ""
) -> Ticket:
    """A request for alerts a person placed from triage (the device was unknown)."""
    from sasms.accounts.models import Organisation

    organisation = Organisation.objects.get(pk=organisation_id)
    lead = max(alerts, key=lambda a: (SEVERITY_RANK[AlertSeverity(a.severity)], -a.pk))
    area = area_from_text(lead.component, lead.name, lead.summary)
    return create_ticket(
        actor=None,
        organisation=organisation,
        server=server,
        title=clip(title or lead.summary or lead.name, 200),
        description=_describe(alerts),
        channel=Channel.MONITORING,
        category=category_for(area),
        component=area,
        impact=impact_for(server, timezone.now()) if server is not None else Level.MEDIUM,
        urgency=urgency_for(lead.severity),
    )


def _device_triage(source: AlertSource, key: str, alerts: Sequence[Alert]) -> TriageItem:
    """The open triage item of this unknown device (one per device and source, by constraint)."""
    existing = TriageItem.objects.filter(
        source=source, incident_key=key[:300], status=TriageStatus.OPEN
    ).first()
    if existing is not None:
        return existing
    lead = alerts[0]
    labels = lead.labels
    device = key.split(":", 1)[1] if ":" in key else key
    return TriageItem.objects.create(
        channel=TriageChannel.MONITORING,
        reason=TriageReason.UNKNOWN_DEVICE,
        summary=clip(f"{device}: {lead.summary or lead.name}", 300),
        origin=clip(f"{source.name} · {key}", 300),
        detail=_describe(alerts)[:8000],
        payload={"labels": dict(labels), "incident_key": key},
        source=source,
        incident_key=key[:300],
        suggested_organisation=source.organisation,
    )
