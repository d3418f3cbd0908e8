"""Firmware campaigns: open one from an advisory, tell customers, schedule the work, close items.

An item closes itself when a BMC poll shows the server no longer runs an affected version
(:func:`close_items_fixed_by_inventory`, called by the poller after it saved the inventory and, as
a safety net, by a periodic task for servers polled since), or when a person records why it will not
be done (refused, not reachable, an exception).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Capability
from sasms.assets.models import Server
from sasms.contracts.models import CoveredServer
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict, ServiceError
from sasms.core.outbox import enqueue_email
from sasms.core.permissions import require
from sasms.proactive.matching import Hit, match_advisory
from sasms.proactive.models import (
    CLOSED_ITEM_STATUSES,
    Campaign,
    CampaignItem,
    CampaignStatus,
    FirmwareAdvisory,
    ItemMethod,
    ItemStatus,
    Severity,
)

logger = logging.getLogger(__name__)

SEVERITY_PRIORITY = {Severity.CRITICAL: 1, Severity.HIGH: 2, Severity.MEDIUM: 3, Severity.LOW: 4}
# Exposure: a mission-critical contract (7×24, or a product ranked this high) makes the item one
# step more urgent; a server with neither contract nor warranty one step less (the customer decides).
CRITICAL_TIER = 40
OUTCOMES = frozenset({ItemStatus.REFUSED, ItemStatus.UNREACHABLE, ItemStatus.EXCEPTION})


@dataclass(frozen=True)
class Exposure:
    coverage_hours: str
    tier: int
    under_warranty: bool


def exposures(server_ids: Iterable[int], *, day: datetime.date) -> dict[int, Exposure]:
    """Each server's best active contract (coverage hours, product tier) and warranty, in two queries."""
    ids = list(server_ids)
    best: dict[int, tuple[int, str]] = {}
    for chunk_start in range(0, len(ids), 5000):
        chunk = ids[chunk_start : chunk_start + 5000]
        rows = (
            CoveredServer.objects.filter(
                server_id__in=chunk,
                contract__status="active",
                contract__start_date__lte=day,
                contract__end_date__gte=day,
            )
            .values_list("server_id", "contract__product__tier", "contract__product__coverage_hours")
            .order_by()
        )
        for server_id, tier, hours in rows:
            if server_id not in best or tier > best[server_id][0]:
                best[server_id] = (tier, hours)
    warranties: dict[int, bool] = {}
    for chunk_start in range(0, len(ids), 5000):
        chunk = ids[chunk_start : chunk_start + 5000]
        for pk, start, end in Server.objects.filter(pk__in=chunk).values_list(
            "pk", "warranty_start", "warranty_end"
        ):
            warranties[pk] = end is not None and end >= day and (start is None or start <= day)
    return {
        pk: Exposure(
            coverage_hours=best.get(pk, (0, ""))[1],
            tier=best.get(pk, (0, ""))[0],
            under_warranty=warranties.get(pk, False),
        )
        for pk in ids
    }


def priority_for(severity: str, exposure: Exposure) -> tuple[int, str]:
    """P1–P4 from the advisory's severity, moved by the server's exposure; and the reason in words."""
    base = SEVERITY_PRIORITY.get(Severity(severity), 3)
    if exposure.coverage_hours == "7x24" or exposure.tier >= CRITICAL_TIER:
        return max(1, base - 1), "critical_contract"
    if not exposure.coverage_hours and not exposure.under_warranty:
        return min(4, base + 1), "not_covered"
    return base, "severity"


def _found(hits: list[Hit]) -> list[dict[str, object]]:
    return [{"component": h.component_id, "slot": h.slot, "name": h.name, "version": h.version} for h in hits]


@transaction.atomic
def open_campaign(
    *,
    actor: User,
    advisory: FirmwareAdvisory,
    title: str = "",
    window_start: datetime.datetime | None = None,
    window_end: datetime.datetime | None = None,
) -> Campaign:
    """A campaign with one item per affected server (its customer and site kept for grouping)."""
    require(actor, Capability.MANAGE_ASSETS)
    if window_start and window_end and window_end <= window_start:
        message = _("The window must end after it starts.")
        raise ServiceError(message, fields={"window_end": [message]})
    result = match_advisory(advisory)
    if not result.hits:
        message = _("No server runs an affected version: there is nothing to do.")
        raise Conflict(message, code="nothing_affected")
    now = timezone.now()
    campaign = Campaign.objects.create(
        advisory=advisory,
        title=(" ".join(title.split()) or f"{advisory.reference} {advisory.title}")[:200],
        window_start=window_start,
        window_end=window_end,
        created_by=actor,
        created_at=now,
    )
    grouped = result.servers
    exposure = exposures(grouped, day=timezone.localdate())
    items = []
    for server_id, hits in grouped.items():
        priority, reason = priority_for(advisory.severity, exposure[server_id])
        items.append(
            CampaignItem(
                campaign=campaign,
                server_id=server_id,
                organisation_id=hits[0].organisation_id,
                site_id=hits[0].site_id,
                priority=priority,
                priority_reason=reason,
                found=_found(hits),
                created_at=now,
                updated_at=now,
            )
        )
    CampaignItem.objects.bulk_create(items, batch_size=2000)
    record_audit(actor=actor, action="open_campaign", target=campaign, changes={"items": [None, len(items)]})
    return campaign


def _contacts(organisation: Organisation) -> list[str]:
    contacts = Contact.objects.filter(
        organisation=organisation, erased_at__isnull=True, email_bounced_at__isnull=True
    )
    primary = [c.email for c in contacts.filter(is_primary=True) if c.email]
    return primary or (
        [organisation.email] if organisation.email else [c.email for c in contacts if c.email][:3]
    )


@transaction.atomic
def notify_customers(*, actor: User, campaign: Campaign, language: str = "zh-hans") -> int:
    """E-mail each customer with items to do: the advisory, their servers and the maintenance window.

    Sent once per customer and campaign (the outbox key); notified items move to "customer notified".
    Returns how many customers were written to.
    """
    require(actor, Capability.MANAGE_ASSETS)
    if campaign.window_start is None or campaign.window_end is None:
        message = _("Set the maintenance window before telling customers.")
        raise ServiceError(message, fields={"window_start": [message]})
    pending = CampaignItem.objects.filter(campaign=campaign, status=ItemStatus.PENDING).select_related(
        "server", "organisation", "site"
    )
    by_customer: dict[int, list[CampaignItem]] = {}
    for item in pending:
        by_customer.setdefault(item.organisation_id, []).append(item)
    advisory = campaign.advisory
    told = 0
    for items in by_customer.values():
        organisation = items[0].organisation
        recipients = _contacts(organisation)
        if not recipients:
            continue
        zone = timezone.get_current_timezone()
        with translation.override(language):
            start = timezone.localtime(campaign.window_start, zone).strftime("%Y-%m-%d %H:%M")
            end = timezone.localtime(campaign.window_end, zone).strftime("%Y-%m-%d %H:%M")
            window = f"{start} – {end}"
            lines = [
                _("Dear %(customer)s,") % {"customer": organisation.name},
                "",
                _("Vendor advisory %(reference)s (%(severity)s) affects firmware on your servers: %(title)s")
                % {
                    "reference": advisory.reference,
                    "severity": advisory.get_severity_display(),
                    "title": advisory.title,
                },
                _("Fixed in version %(version)s.") % {"version": advisory.fixed_version},
            ]
            if advisory.cve_ids:
                lines.append(_("CVE: %(ids)s") % {"ids": advisory.cve_ids.replace(",", ", ")})
            lines += ["", _("Proposed maintenance window: %(window)s") % {"window": window}, ""]
            for item in sorted(items, key=lambda i: (i.site.name if i.site else "", i.server.serial)):
                versions = ", ".join(
                    f"{f.get('name') or f.get('slot')} {f.get('version')}" for f in item.found
                )
                site = item.site.name if item.site else ""
                lines.append(f"- {item.server.serial} {item.server.hostname} · {site} · {versions}")
            lines += ["", _("Reply to this e-mail to agree to the window or to ask for another date.")]
            subject = _("Firmware update needed: %(reference)s") % {"reference": advisory.reference}
        enqueue_email(
            to=recipients,
            subject=subject,
            body="\n".join(lines),
            idempotency_key=f"proactive:campaign:{campaign.pk}:notify:{organisation.pk}",
        )
        CampaignItem.objects.filter(pk__in=[i.pk for i in items]).update(
            status=ItemStatus.NOTIFIED, updated_at=timezone.now()
        )
        told += 1
    record_audit(actor=actor, action="notify_customers", target=campaign, changes={"customers": [None, told]})
    return told


def _lock(item: CampaignItem) -> CampaignItem:
    return (
        CampaignItem.objects.select_for_update()
        .select_related("campaign", "campaign__advisory", "server")
        .get(pk=item.pk)
    )


@transaction.atomic
def schedule_item(
    *,
    actor: User,
    item: CampaignItem,
    method: str,
    engineer: User | None = None,
    window_start: datetime.datetime | None = None,
    window_end: datetime.datetime | None = None,
) -> CampaignItem:
    """Plan the update: a request for the work, and for on-site work a visit (the field service's own).

    Remote changes are a request for the engineer who applies the update; a visit is scheduled through
    ``field.schedule_visit`` (the dispatcher's rules: engineer, window, request assignment).
    """
    require(actor, Capability.MANAGE_ASSETS)
    from sasms.tickets.choices import Category, ComponentArea, Level, TicketType
    from sasms.tickets.services import create_ticket

    item = _lock(item)
    if item.is_closed:
        raise Conflict(_("This item is already closed."))
    if method not in (ItemMethod.REMOTE, ItemMethod.VISIT):
        message = _("Choose remote change or on-site visit.")
        raise ServiceError(message, fields={"method": [message]})
    if method == ItemMethod.VISIT:
        require(actor, Capability.DISPATCH)
        if engineer is None:
            message = _("Choose the engineer for the visit.")
            raise ServiceError(message, fields={"engineer": [message]})
        window_start = window_start or item.campaign.window_start
        window_end = window_end or item.campaign.window_end
        if window_start is None or window_end is None:
            message = _("Set the visit window (or the campaign's maintenance window).")
            raise ServiceError(message, fields={"window_start": [message]})
    advisory = item.campaign.advisory
    if item.ticket_id is None:
        versions = "\n".join(f"- {f.get('name') or f.get('slot')}: {f.get('version')}" for f in item.found)
        ticket = create_ticket(
            actor=actor,
            organisation=item.server.organisation,
            server=item.server,
            title=_("Firmware update %(reference)s to %(version)s")
            % {"reference": advisory.reference, "version": advisory.fixed_version},
            description=_("Campaign: %(campaign)s\nAffected images:\n%(versions)s\nBulletin: %(url)s")
            % {"campaign": item.campaign.title, "versions": versions, "url": advisory.bulletin_url or "—"},
            channel="monitoring",  # found by SASMS itself, not reported by the customer
            type=TicketType.SERVICE_REQUEST,
            category=Category.HARDWARE,
            component=ComponentArea.FIRMWARE,
            impact=Level.MEDIUM,
            urgency=Level.HIGH if item.priority <= 2 else Level.MEDIUM,
        )
        item.ticket = ticket
    if method == ItemMethod.VISIT:
        from sasms.field.services.scheduling import schedule_visit

        assert engineer is not None
        assert window_start is not None
        assert window_end is not None
        schedule_visit(
            actor=actor,
            ticket=item.ticket,  # type: ignore[arg-type]
            engineer=engineer,
            window_start=window_start,
            window_end=window_end,
            access_notes=item.site.access_notes if item.site_id and item.site else "",
        )
    item.method, item.status, item.updated_at = method, ItemStatus.SCHEDULED, timezone.now()
    item.save(update_fields=["method", "status", "ticket", "updated_at"])
    record_audit(
        actor=actor,
        action="schedule",
        target=item,
        changes={"method": [None, method]},
        organisation=item.organisation,
    )
    return item


@transaction.atomic
def record_outcome(*, actor: User, item: CampaignItem, status: str, reason: str) -> CampaignItem:
    """Refused by the customer, not reachable, or an exception: recorded with the reason, and closed
    (not reachable stays open: the next poll that sees the fixed version still closes it)."""
    require(actor, Capability.MANAGE_ASSETS)
    item = _lock(item)
    if status not in OUTCOMES:
        message = _("Choose refused, not reachable or exception.")
        raise ServiceError(message, fields={"status": [message]})
    reason = " ".join(reason.replace("\x00", "").split())
    if not reason:
        message = _("Say why.")
        raise ServiceError(message, fields={"reason": [message]})
    if len(reason) > 500:
        message = _("At most %(limit)d characters.") % {"limit": 500}
        raise ServiceError(message, fields={"reason": [message]})
    if item.status == ItemStatus.DONE:
        raise Conflict(_("This item is already done."))
    before = item.status
    now = timezone.now()
    item.status, item.note, item.updated_at = status, reason, now
    item.closed_at = now if status in CLOSED_ITEM_STATUSES else None
    item.save(update_fields=["status", "note", "updated_at", "closed_at"])
    record_audit(
        actor=actor,
        action="outcome",
        target=item,
        changes={"status": [before, status], "reason": [None, reason]},
        organisation=item.organisation,
    )
    _close_finished_campaign(item.campaign_id)
    return item


def _close_finished_campaign(campaign_id: int) -> None:
    if (
        not CampaignItem.objects.filter(campaign_id=campaign_id)
        .exclude(status__in=CLOSED_ITEM_STATUSES)
        .exists()
    ):
        Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.OPEN).update(
            status=CampaignStatus.CLOSED, closed_at=timezone.now()
        )


@transaction.atomic
def close_items_fixed_by_inventory(server: Server | int) -> list[CampaignItem]:
    """Close the server's open campaign items whose advisory no longer matches its inventory.

    Called after a BMC poll saved the server's components: an item is done when none of its images
    is still at an affected version and the server still reports an image of that type (an inventory
    that lost the image altogether proves nothing). Idempotent; cheap when the server has no items.
    """
    server_id = server if isinstance(server, int) else server.pk
    items = list(
        CampaignItem.objects.select_for_update()
        .filter(server_id=server_id)
        .exclude(status__in=[*CLOSED_ITEM_STATUSES])
        .select_related("campaign__advisory")
    )
    closed: list[CampaignItem] = []
    if not items:
        return closed
    from sasms.proactive.matching import candidate_images

    scope = Server.objects.filter(pk=server_id)
    now = timezone.now()
    for item in items:
        advisory = item.campaign.advisory
        if match_advisory(advisory, servers=scope).hits:
            continue
        seen = list(
            candidate_images(advisory, servers=scope).values_list("slot", "description", "firmware")[:20]
        )
        if not seen:
            continue
        item.status, item.closed_at, item.updated_at = ItemStatus.DONE, now, now
        item.note = (
            _("Fixed version seen by the BMC poll: %(versions)s")
            % {"versions": ", ".join(f"{d or s} {v}" for s, d, v in seen)}
        )[:500]
        item.save(update_fields=["status", "closed_at", "updated_at", "note"])
        record_audit(
            actor=None, action="fixed_by_poll", target=item, changes={"status": ["open", ItemStatus.DONE]}
        )
        closed.append(item)
        _close_finished_campaign(item.campaign_id)
    return closed


def close_items_polled_since(*, limit: int = 2000) -> int:
    """Check open items against every BMC poll that succeeded since they were last checked.

    The poller does not call :func:`close_items_fixed_by_inventory` itself (the intake code is not
    this app's); this periodic task runs it for each server with a newer successful poll, once per
    poll: ``checked_at`` remembers the poll an item was compared with. Returns the items closed.
    """
    from django.db.models import Exists, OuterRef

    from sasms.intake.models import BmcEndpoint

    polled = BmcEndpoint.objects.filter(server_id=OuterRef("server_id"), last_success_at__isnull=False)
    newer = polled.filter(last_success_at__gt=OuterRef("checked_at"))
    server_ids = list(
        CampaignItem.objects.exclude(status__in=[*CLOSED_ITEM_STATUSES])
        .filter(Q(checked_at__isnull=True) & Exists(polled) | Exists(newer))
        .values_list("server_id", flat=True)
        .distinct()[:limit]
    )
    closed = 0
    for server_id in server_ids:
        closed += len(close_items_fixed_by_inventory(server_id))
        seen = (
            BmcEndpoint.objects.filter(server_id=server_id).values_list("last_success_at", flat=True).first()
        )
        CampaignItem.objects.filter(server_id=server_id).exclude(status__in=[*CLOSED_ITEM_STATUSES]).update(
            checked_at=seen
        )
    return closed


def campaign_url(campaign: Campaign) -> str:
    return reverse("proactive:campaign_detail", args=[campaign.pk])
