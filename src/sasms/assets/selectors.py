"""Reads for the asset register, scoped to what the acting user may see.

Customers see their own organisation's sites and servers (read-only); staff see all. The vendor
and model catalogue is not customer-owned and is visible to every signed-in user.
"""

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Model, Q, QuerySet
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Component, ImportJob, Server, ServerModel, ServerStatus, Site, Vendor
from sasms.core.errors import NotFound
from sasms.core.models import AuditEntry
from sasms.core.tenancy import get_for_actor, scope_to_actor
from sasms.tickets import selectors as ticket_selectors
from sasms.tickets.choices import OPEN_STATUSES, Priority
from sasms.tickets.models import Ticket

Actor = User | AnonymousUser
M = TypeVar("M", bound=Model)
LIFECYCLE_DAYS = 365
EXPIRING_DAYS = 90


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # 29 February (or the 31st) falls back to the last day of the target month.
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _get_or_not_found(queryset: QuerySet[M], **lookup: Any) -> M:
    """For rows that are not customer-owned: "does not exist" answered like everywhere else."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("Not found.")) from exc


def vendors_visible_to(*, actor: Actor) -> QuerySet[Vendor]:
    if not actor.is_authenticated:
        return Vendor.objects.none()
    return Vendor.objects.annotate(model_count=Count("server_models", distinct=True)).order_by("name")


def access_vendor(*, actor: Actor, vendor_id: int) -> Vendor:
    return _get_or_not_found(vendors_visible_to(actor=actor), pk=vendor_id)


def server_models_visible_to(*, actor: Actor) -> QuerySet[ServerModel]:
    if not actor.is_authenticated:
        return ServerModel.objects.none()
    return ServerModel.objects.select_related("vendor").order_by("vendor__name", "name")


def access_server_model(*, actor: Actor, model_id: int) -> ServerModel:
    return _get_or_not_found(server_models_visible_to(actor=actor), pk=model_id)


def sites_visible_to(*, actor: Actor) -> QuerySet[Site]:
    return scope_to_actor(Site.objects.select_related("organisation", "parent"), actor=actor)


def access_site(*, actor: Actor, site_id: int) -> Site:
    return get_for_actor(Site.objects.select_related("organisation", "parent"), actor=actor, pk=site_id)


def servers_visible_to(*, actor: Actor) -> QuerySet[Server]:
    queryset = Server.objects.select_related("vendor", "model", "model__vendor", "organisation", "site")
    return scope_to_actor(queryset, actor=actor)


def access_server(*, actor: Actor, server_id: int) -> Server:
    return get_for_actor(servers_visible_to(actor=actor), actor=actor, pk=server_id)


# A serial number, asset tag or host name as people write them: ASCII letters and digits joined by
# dots, hyphens and underscores. Anything else — CJK text, full stops, colons, quote marks — ends it.
IDENTIFIER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
MIN_IDENTIFIER = 3
MAX_TOKENS = 2000


def identifier_tokens(text: str) -> set[str]:
    """The words of ``text`` that could name a server, upper-cased.

    Full-width forms (２Ｍ２…, ：) are folded to ASCII first, so “序列号：２Ｍ２ＸＸＸＸ” yields ``2M2XXXX``.
    Whether a token names a server is decided by looking it up, never by its shape.
    """
    folded = unicodedata.normalize("NFKC", text)
    tokens: set[str] = set()
    for match in IDENTIFIER.finditer(folded):
        token = match.group().upper()
        if len(token) >= MIN_IDENTIFIER:
            tokens.add(token)
            if len(tokens) >= MAX_TOKENS:
                break
    return tokens


def servers_named_in(*, organisation: Organisation, texts: Iterable[str]) -> list[Server]:
    """The organisation's servers whose serial number, asset tag or host name appears as a whole
    word in ``texts`` (case-insensitive): one set lookup of the words, so ordinary words never match
    unless a server is really called that. Only ``organisation``'s servers are ever read."""
    tokens: set[str] = set()
    for text in texts:
        tokens |= identifier_tokens(text)
    if not tokens:
        return []
    words = sorted(tokens)
    return list(
        Server.objects.filter(organisation=organisation)
        .annotate(serial_key=Upper("serial"), tag_key=Upper("asset_tag"), host_key=Upper("hostname"))
        .filter(Q(serial_key__in=words) | Q(tag_key__in=words) | Q(host_key__in=words))
        .select_related("model", "site", "organisation")
        .order_by("pk")[:20]
    )


def server_named_in(*, organisation: Organisation, passages: Iterable[Iterable[str]]) -> Server | None:
    """The one server of ``organisation`` that the text names, or ``None``.

    ``passages`` are read in order of trust (say the subject and the new text of an e-mail, then
    the quoted conversation below it): the first that names any server decides, and it must name
    exactly one — a message about two servers is left for a person to link.
    """
    for texts in passages:
        servers = servers_named_in(organisation=organisation, texts=texts)
        if servers:
            return servers[0] if len(servers) == 1 else None
    return None


def access_component(*, actor: Actor, component_id: int) -> Component:
    return get_for_actor(
        Component.objects.select_related("server", "server__organisation"),
        actor=actor,
        organisation_field="server__organisation",
        pk=component_id,
    )


def components_of(*, server: Server, installed: bool | None = None) -> QuerySet[Component]:
    """The server's parts: ``installed=True`` only current ones, ``False`` only removed ones."""
    queryset = Component.objects.filter(server=server)
    if installed is True:
        queryset = queryset.filter(removed_at__isnull=True)
    elif installed is False:
        queryset = queryset.filter(removed_at__isnull=False).order_by("-removed_at", "-id")
    return queryset


def server_history(*, server: Server, limit: int = 100) -> QuerySet[AuditEntry]:
    """Audit entries of the server and of every component it has had, newest first."""
    component_ids = [str(pk) for pk in Component.objects.filter(server=server).values_list("pk", flat=True)]
    return AuditEntry.objects.filter(
        Q(object_type="assets.server", object_id=str(server.pk))
        | Q(object_type="assets.component", object_id__in=component_ids)
    ).order_by("-created_at", "-id")[:limit]


def service_requests_for_server(*, actor: Actor, server: Server) -> list[Ticket]:
    """Every service request on ``server`` the actor may read, newest first, in one query.

    Scoped by the tickets app (customers: their own organisation's requests only). Only the
    request itself is read, never its timeline, so internal notes cannot leak onto the page.
    """
    visible = ticket_selectors.tickets_visible_to(actor=actor).filter(server_id=server.pk)
    return list(visible.order_by("-created_at", "-id"))


def open_requests(requests: list[Ticket]) -> list[Ticket]:
    """The requests still being worked (the tickets app's open statuses), oldest first."""
    return sorted((t for t in requests if t.status in OPEN_STATUSES), key=lambda t: (t.created_at, t.pk))


@dataclass(frozen=True)
class TimelineItem:
    """One line of a server's service history: an audit entry or a service request."""

    at: datetime.datetime
    entry: AuditEntry | None = None
    request: Ticket | None = None


def service_timeline(*, history: list[AuditEntry], requests: list[Ticket]) -> list[TimelineItem]:
    """Audit and component entries merged with (all of) the server's service requests, newest first."""
    items = [TimelineItem(at=e.created_at, entry=e) for e in history]
    items += [TimelineItem(at=t.created_at, request=t) for t in requests]
    items.sort(key=lambda item: item.at, reverse=True)
    return items


def lifecycle_servers(*, actor: Actor, today: datetime.date | None = None) -> QuerySet[Server]:
    """Servers reaching EOL, EOSL or warranty end within the next 12 months (not decommissioned)."""
    start = today or timezone.localdate()
    end = add_months(start, 12)
    window = (
        Q(model__eol_date__range=(start, end))
        | Q(model__eosl_date__range=(start, end))
        | Q(warranty_end__range=(start, end))
    )
    return (
        servers_visible_to(actor=actor)
        .exclude(status=ServerStatus.DECOMMISSIONED)
        .filter(window)
        .order_by("organisation__name", "warranty_end", "serial")
    )


def lifecycle_by_customer(*, servers: QuerySet[Server], today: datetime.date) -> list[dict[str, Any]]:
    """Per customer: how many of ``servers`` reach EOL, EOSL or warranty end in the window."""
    end = add_months(today, 12)
    rows = (
        servers.order_by()
        .values("organisation_id", "organisation__name")
        .annotate(
            total=Count("pk"),
            eol=Count("pk", filter=Q(model__eol_date__range=(today, end))),
            eosl=Count("pk", filter=Q(model__eosl_date__range=(today, end))),
            warranty=Count("pk", filter=Q(warranty_end__range=(today, end))),
        )
        .order_by("-total", "organisation__name")
    )
    return [dict(row) for row in rows]


def next_lifecycle_event(server: Server, today: datetime.date) -> tuple[str, datetime.date] | None:
    """The earliest upcoming of EOL, EOSL and warranty end, as (kind, date)."""
    events = [
        ("eol", server.model.eol_date),
        ("eosl", server.model.eosl_date),
        ("warranty_end", server.warranty_end),
    ]
    upcoming = [(kind, day) for kind, day in events if day is not None and day >= today]
    return min(upcoming, key=lambda e: e[1]) if upcoming else None


@dataclass(frozen=True)
class CustomerOverview:
    organisation: Organisation
    server_count: int
    by_model: list[dict[str, Any]]
    by_site: list[dict[str, Any]]
    by_status: list[dict[str, Any]]
    expiring_warranties: list[Server]
    eosl_past: int
    eosl_within_year: int
    warranty_expired: int
    open_requests: int = 0
    open_by_priority: list[dict[str, Any]] = field(default_factory=list)
    servers_with_open_requests: list[dict[str, Any]] = field(default_factory=list)


def customer_overview(*, actor: Actor, organisation: Organisation, today: datetime.date) -> CustomerOverview:
    """The 360° figures of one organisation's fleet; a fixed number of aggregate queries."""
    servers = servers_visible_to(actor=actor).filter(organisation=organisation)
    live = servers.exclude(status=ServerStatus.DECOMMISSIONED)
    year = add_months(today, 12)
    counts = live.aggregate(
        total=Count("pk"),
        eosl_past=Count("pk", filter=Q(model__eosl_date__lt=today)),
        eosl_year=Count("pk", filter=Q(model__eosl_date__range=(today, year))),
        expired=Count("pk", filter=Q(warranty_end__lt=today)),
    )
    by_model: list[dict[str, Any]] = [
        dict(row)
        for row in live.values("model__id", "model__vendor__name", "model__name", "model__eosl_date")
        .annotate(count=Count("pk"))
        .order_by("-count", "model__name")
    ]
    by_site: list[dict[str, Any]] = [
        dict(row)
        for row in live.values("site__id", "site__name", "site__city")
        .annotate(count=Count("pk"))
        .order_by("-count")
    ]
    by_status: list[dict[str, Any]] = [
        dict(row) for row in servers.values("status").annotate(count=Count("pk")).order_by("status")
    ]
    labels = dict(ServerStatus.choices)
    for row in by_status:
        row["label"] = labels.get(row["status"], row["status"])
    expiring = list(
        live.filter(warranty_end__range=(today, today + datetime.timedelta(days=EXPIRING_DAYS))).order_by(
            "warranty_end", "serial"
        )[:50]
    )
    requests = open_request_counts(actor=actor, organisation=organisation)
    return CustomerOverview(
        organisation=organisation,
        server_count=counts["total"],
        by_model=by_model,
        by_site=by_site,
        by_status=by_status,
        expiring_warranties=expiring,
        eosl_past=counts["eosl_past"],
        eosl_within_year=counts["eosl_year"],
        warranty_expired=counts["expired"],
        open_requests=sum(row["count"] for row in requests["by_priority"]),
        open_by_priority=requests["by_priority"],
        servers_with_open_requests=requests["by_server"],
    )


def open_request_counts(*, actor: Actor, organisation: Organisation) -> dict[str, list[dict[str, Any]]]:
    """Open service requests of one organisation: per priority, and the servers with the most.

    Two aggregate queries, scoped by the tickets app like every other read of requests.
    """
    open_tickets = (
        ticket_selectors.tickets_visible_to(actor=actor)
        .filter(organisation=organisation, status__in=OPEN_STATUSES)
        .order_by()
    )
    labels = dict(Priority.choices)
    by_priority: list[dict[str, Any]] = [
        {
            "priority": row["priority"],
            "label": labels.get(row["priority"], row["priority"]),
            "count": row["n"],
        }
        for row in open_tickets.values("priority").annotate(n=Count("pk")).order_by("priority")
    ]
    by_server: list[dict[str, Any]] = [
        dict(row)
        for row in open_tickets.filter(server__isnull=False)
        .values("server_id", "server__serial", "server__hostname")
        .annotate(count=Count("pk"))
        .order_by("-count", "server__serial")[:10]
    ]
    return {"by_priority": by_priority, "by_server": by_server}


def import_jobs_visible_to(*, actor: Actor) -> QuerySet[ImportJob]:
    """Import jobs are staff work; each user sees the jobs they started."""
    if not actor.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by_id=actor.pk).select_related("created_by")


def access_import_job(*, actor: Actor, job_id: int) -> ImportJob:
    return _get_or_not_found(import_jobs_visible_to(actor=actor), pk=job_id)
