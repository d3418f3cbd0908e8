"""Health checks: make one for a customer, turn a recommendation into a request, render and send the PDF."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Capability
from sasms.assets.selectors import add_months
from sasms.contracts.models import Contract
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict, ServiceError
from sasms.core.outbox import enqueue_email
from sasms.core.permissions import require
from sasms.proactive import health
from sasms.proactive.models import Frequency, HealthCheck, HealthCheckSchedule, ServerHealth
from sasms.reports.services import clean_recipients

LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
ACTION_TICKET = {
    "replace": ("hardware", ""),
    "upgrade_firmware": ("hardware", "firmware"),
    "renew": ("consultation", ""),
    "refresh": ("consultation", ""),
    "follow_up": ("other", ""),
    "check_bmc": ("network", "bmc"),
}


def _require_staff(actor: User | None) -> None:
    """Staff who read reports make health checks (customers read theirs in the portal)."""
    if actor is not None:
        require(actor, Capability.VIEW_ALL_ORGANISATIONS)
        require(actor, Capability.VIEW_REPORTS)


@transaction.atomic
def run_health_check(
    *,
    actor: User | None,
    organisation: Organisation,
    now: datetime.datetime | None = None,
    scheduled: bool = False,
) -> HealthCheck:
    """Grade every server of the customer and keep the result (``actor`` None: the scheduler)."""
    _require_staff(actor)
    if organisation.kind != OrganisationKind.CUSTOMER:
        message = _("Health checks are made for customers.")
        raise ServiceError(message, fields={"organisation": [message]})
    now = now or timezone.now()
    today = timezone.localdate(now)
    facts = health.gather(organisation.pk, today=today, now=now)
    check = HealthCheck.objects.create(
        organisation=organisation, created_at=now, created_by=actor, servers=len(facts), scheduled=scheduled
    )
    rows: list[ServerHealth] = []
    counts = {"green": 0, "amber": 0, "red": 0}
    for fact in facts:
        grade, reasons = health.score(fact, today=today, now=now)
        counts[grade] += 1
        rows.append(
            ServerHealth(
                health_check=check,
                server_id=fact.server_id,
                organisation=organisation,
                grade=grade,
                reasons=reasons,
            )
        )
    ServerHealth.objects.bulk_create(rows, batch_size=2000)
    HealthCheck.objects.filter(pk=check.pk).update(**counts)
    check.green, check.amber, check.red = counts["green"], counts["amber"], counts["red"]
    record_audit(
        actor=actor,
        action="health_check",
        target=check,
        organisation=organisation,
        changes={"servers": [None, len(facts)]},
    )
    return check


@transaction.atomic
def raise_request(*, actor: User, result: ServerHealth, index: int) -> Any:
    """The recommendation ``index`` of a server's result as a service request for that server."""
    require(actor, Capability.WORK_TICKETS)
    from sasms.tickets.services import create_ticket

    reasons = [r for r in result.reasons if r.get("action")]
    if not 0 <= index < len(reasons):
        message = _("No such recommendation.")
        raise ServiceError(message, fields={"index": [message]})
    reason = reasons[index]
    if reason.get("ticket"):
        raise Conflict(_("A request was already raised for this recommendation."), code="already_raised")
    category, component = ACTION_TICKET.get(reason["action"], ("other", ""))
    server = result.server
    ticket = create_ticket(
        actor=actor,
        organisation=server.organisation,
        server=server,
        title=f"{health.action_label(reason['action'])}: {server.serial}"[:200],
        description=_("From the health check of %(date)s: %(reason)s")
        % {
            "date": timezone.localtime(result.health_check.created_at).strftime("%Y-%m-%d"),
            "reason": health.describe(reason),
        },
        channel="monitoring",  # found by SASMS itself, not reported by the customer
        type="service_request",
        category=category,
        component=component,
    )
    all_reasons = list(result.reasons)
    position = all_reasons.index(reason)
    all_reasons[position] = {**reason, "ticket": ticket.number}
    result.reasons = all_reasons
    result.save(update_fields=["reasons"])
    record_audit(
        actor=actor,
        action="raise_request",
        target=result,
        organisation=result.organisation,
        changes={"ticket": [None, ticket.number]},
    )
    return ticket


def pdf_context(check: HealthCheck, *, limit: int = 500) -> dict[str, Any]:
    results = list(
        ServerHealth.objects.filter(health_check=check)
        .exclude(grade="green")
        .select_related("server", "server__model", "server__site")
        .order_by("-grade", "server__serial")[:limit]
    )
    # "red" sorts after "amber": put red first explicitly.
    results.sort(key=lambda r: (r.grade != "red", r.server.serial))
    provider = Organisation.objects.filter(kind=OrganisationKind.PROVIDER).order_by("id").first()
    return {"check": check, "results": results, "provider": provider, "shown_limit": limit}


def render_pdf(check: HealthCheck, language: str) -> bytes:
    """The health check as a PDF in ``language`` (WeasyPrint and the reports' fonts, ``data:`` URLs only)."""
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    language = language if language in LANGUAGES else str(settings.LANGUAGE_CODE)
    with translation.override(language):
        context = pdf_context(check)
        for result in context["results"]:
            result.texts = [
                (r["grade"], health.describe(r), health.action_label(r["action"]) if r.get("action") else "")
                for r in result.reasons
            ]
        html = render_to_string(
            "proactive/health_pdf.html",
            {**context, "language": language, "generated_at": timezone.localtime()},
        )
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def pdf_name(check: HealthCheck, language: str) -> str:
    code = slugify(check.organisation.code) or str(check.organisation_id)
    return f"health-check-{code}-{timezone.localtime(check.created_at):%Y%m%d}-{language}.pdf"


# --- Schedules ---------------------------------------------------------------------------------------


def _next_run(frequency: str, after: datetime.date) -> datetime.date:
    months = 1 if frequency == Frequency.MONTHLY else 3
    return add_months(after.replace(day=1), months)


@transaction.atomic
def save_schedule(
    *, actor: User, contract: Contract, frequency: str, recipients: str, language: str = "zh-hans"
) -> HealthCheckSchedule:
    """A contract's monthly or quarterly health check, e-mailed as PDF (first on the next period start)."""
    require(actor, Capability.MANAGE_SLA)
    if frequency not in Frequency.values:
        message = _("Choose monthly or quarterly.")
        raise ServiceError(message, fields={"frequency": [message]})
    if language not in LANGUAGES:
        message = _("Unknown language.")
        raise ServiceError(message, fields={"language": [message]})
    addresses = clean_recipients(recipients)
    schedule, _created = HealthCheckSchedule.objects.update_or_create(
        contract=contract,
        defaults={
            "organisation_id": contract.organisation_id,
            "frequency": frequency,
            "language": language,
            "recipients": ", ".join(addresses),
            "next_run": _next_run(frequency, timezone.localdate()),
        },
    )
    record_audit(
        actor=actor, action="schedule_health_check", target=schedule, organisation=contract.organisation
    )
    return schedule


def run_due_schedules(*, today: datetime.date | None = None, limit: int = 20) -> int:
    """Make and send the health checks whose day has come (each schedule once per period)."""
    today = today or timezone.localdate()
    sent = 0
    due = list(
        HealthCheckSchedule.objects.filter(next_run__lte=today, contract__status="active")
        .select_related("organisation")
        .order_by("next_run", "pk")[:limit]
    )
    for schedule in due:
        with transaction.atomic():
            locked = (
                HealthCheckSchedule.objects.select_for_update()
                .filter(pk=schedule.pk, next_run__lte=today)
                .first()
            )
            if locked is None:
                continue
            check = run_health_check(actor=None, organisation=schedule.organisation, scheduled=True)
            content = render_pdf(check, locked.language)
            name = pdf_name(check, locked.language)
            path = default_storage.save(f"proactive/health/{check.pk}/{name}", ContentFile(content))
            with translation.override(locked.language):
                subject = _("Health check: %(green)s healthy, %(amber)s need attention, %(red)s at risk") % {
                    "green": check.green,
                    "amber": check.amber,
                    "red": check.red,
                }
                body = _("The health check of %(customer)s is attached.") % {
                    "customer": schedule.organisation.name
                }
            enqueue_email(
                to=[a.strip() for a in locked.recipients.split(",") if a.strip()],
                subject=subject,
                body=body,
                idempotency_key=f"proactive:health:{locked.pk}:{locked.next_run:%Y%m%d}",
                attachments=[{"name": name, "storage_path": path, "content_type": "application/pdf"}],
            )
            locked.last_check = check
            locked.next_run = _next_run(locked.frequency, today)
            locked.save(update_fields=["last_check", "next_run"])
            sent += 1
    return sent
