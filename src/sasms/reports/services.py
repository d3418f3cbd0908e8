"""Writes of the reports app: subscriptions (each with its audit entry) and the scheduled sending."""

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Capability
from sasms.analytics import kpis
from sasms.core.audit import changed_fields, record_audit, snapshot
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.core.outbox import enqueue_email
from sasms.core.tenancy import sees_all_organisations
from sasms.reports import figures, rendering, schedule
from sasms.reports.models import PDF_KINDS, Frequency, ReportKind, ReportLanguage, ReportSubscription
from sasms.reports.selectors import may_change_subscription, require_reports

logger = logging.getLogger(__name__)
FIELDS = ("name", "kind", "organisation", "language", "frequency", "recipients", "active")
MAX_RECIPIENTS = 20
SEND_BATCH = 50


def _refuse(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def clean_recipients(value: str | Iterable[str]) -> list[str]:
    """A list of distinct, valid e-mail addresses (1 to 20); a string is split on commas,
    semicolons, spaces and new lines."""
    items = (
        value.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",")
        if isinstance(value, str)
        else value
    )
    addresses: list[str] = []
    for item in items:
        address = str(item).strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError as exc:
            raise _refuse(
                "recipients", _("“%(address)s” is not a valid e-mail address.") % {"address": address[:80]}
            ) from exc
        if address.lower() not in {a.lower() for a in addresses}:
            addresses.append(address)
    if not addresses:
        raise _refuse("recipients", _("Enter at least one e-mail address."))
    if len(addresses) > MAX_RECIPIENTS:
        raise _refuse("recipients", _("At most %(limit)d recipients.") % {"limit": MAX_RECIPIENTS})
    return addresses


def _check(actor: User, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    elif len(name) > 120:
        errors["name"] = [_("At most %(limit)d characters.") % {"limit": 120}]
    if values.get("kind") not in ReportKind.values:
        errors["kind"] = [_("Choose a valid report.")]
    if values.get("frequency") not in Frequency.values:
        errors["frequency"] = [_("Choose a valid frequency.")]
    if values.get("language") not in ReportLanguage.values:
        errors["language"] = [_("Choose a valid language.")]
    organisation = values.get("organisation")
    if organisation is not None and not isinstance(organisation, Organisation):
        errors["organisation"] = [_("Choose a valid customer.")]
        organisation = None
    if organisation is not None and organisation.kind != OrganisationKind.CUSTOMER:
        errors["organisation"] = [_("Choose a customer organisation.")]
    # A customer administrator reports on their own organisation only.
    own_only = not sees_all_organisations(actor)
    if own_only and (organisation is None or organisation.pk != actor.organisation_id):
        errors["organisation"] = [_("Choose your own organisation.")]
    if organisation is None and values.get("kind") in PDF_KINDS and "organisation" not in errors:
        errors["organisation"] = [_("A customer report needs a customer.")]
    try:
        recipients = clean_recipients(values.get("recipients") or [])
    except ServiceError as error:
        errors.update(error.fields)
        recipients = []
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    return {**values, "name": name, "recipients": recipients, "active": bool(values.get("active", True))}


@transaction.atomic
def create_subscription(
    *,
    actor: User,
    name: str,
    kind: str,
    frequency: str,
    recipients: str | Iterable[str],
    organisation: Organisation | None = None,
    language: str = ReportLanguage.ZH_HANS,
    active: bool = True,
) -> ReportSubscription:
    require_reports(actor)
    values = _check(
        actor,
        {
            "name": name,
            "kind": kind,
            "organisation": organisation,
            "language": language,
            "frequency": frequency,
            "recipients": recipients,
            "active": active,
        },
    )
    subscription = ReportSubscription(
        owner=actor, next_run_at=schedule.next_run_after(values["frequency"], timezone.now()), **values
    )
    subscription.save()
    record_audit(
        actor=actor,
        action="reports.subscription.create",
        target=subscription,
        changes=changed_fields({}, snapshot(subscription, FIELDS)),
        organisation=subscription.organisation,
    )
    return subscription


def _require_may_change(actor: User, subscription: ReportSubscription) -> None:
    # Seeing a colleague's subscription is not owning it: re-addressing a manager's report to
    # someone else or deleting it is for its owner and administrators.
    if not may_change_subscription(actor=actor, subscription=subscription):
        raise PermissionDenied(_("Only its owner or an administrator may change this subscription."))


@transaction.atomic
def update_subscription(
    *, actor: User, subscription: ReportSubscription, **changes: Any
) -> ReportSubscription:
    require_reports(actor)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ServiceError(
            _("Unknown fields."), fields={n: [_("This field cannot be changed.")] for n in sorted(unknown)}
        )
    locked = ReportSubscription.objects.select_for_update().get(pk=subscription.pk)
    _require_may_change(actor, locked)
    before = snapshot(locked, FIELDS)
    current = {name: getattr(locked, name) for name in FIELDS}
    values = _check(actor, {**current, **changes})
    for name, value in values.items():
        setattr(locked, name, value)
    diff = changed_fields(before, snapshot(locked, FIELDS))
    if "frequency" in diff or ("active" in diff and locked.active):
        locked.next_run_at = schedule.next_run_after(locked.frequency, timezone.now())
    if diff:
        locked.save()
        record_audit(
            actor=actor,
            action="reports.subscription.update",
            target=locked,
            changes=diff,
            organisation=locked.organisation,
        )
    return locked


@transaction.atomic
def delete_subscription(*, actor: User, subscription: ReportSubscription) -> None:
    require_reports(actor)
    locked = ReportSubscription.objects.select_for_update().get(pk=subscription.pk)
    _require_may_change(actor, locked)
    record_audit(
        actor=actor,
        action="reports.subscription.delete",
        target=locked,
        changes=changed_fields(snapshot(locked, FIELDS), {}),
        organisation=locked.organisation,
    )
    locked.delete()


# --- Scheduled sending ---------------------------------------------------------------------------


def _owner_may_send(subscription: ReportSubscription) -> bool:
    owner = subscription.owner
    if not owner.is_active or not owner.can(Capability.VIEW_REPORTS):
        return False
    if sees_all_organisations(owner):
        return True
    return subscription.organisation_id is not None and subscription.organisation_id == owner.organisation_id


def render_for_period(
    subscription: ReportSubscription, window: schedule.ReportWindow
) -> rendering.RenderedReport:
    """The subscription's report for ``window``: a PDF covers the quarter to the window's end (a
    health check the 90 days to it), the workbook exactly the window."""
    if subscription.kind in PDF_KINDS:
        assert subscription.organisation is not None
        year, quarter = figures.quarter_of(window.end)
        quarter_start, _end = figures.quarter_bounds(year, quarter)
        start = (
            quarter_start
            if subscription.kind == ReportKind.QBR
            else window.end - datetime.timedelta(days=figures.HEALTH_WINDOW_DAYS - 1)
        )
        return rendering.render_pdf(
            kind=subscription.kind,
            organisation=subscription.organisation,
            year=year,
            quarter=quarter,
            language=subscription.language,
            period=figures.Period(start, window.end, ""),
        )
    # The owner's filter: a customer owner is pinned to their own organisation whatever the row says.
    kpi_filter = kpis.KpiFilter.for_actor(
        subscription.owner, start=window.start, end=window.end, organisation_id=subscription.organisation_id
    )
    return rendering.render_workbook(
        kpi_filter=kpi_filter,
        language=subscription.language,
        include_engineers=sees_all_organisations(subscription.owner),
    )


def period_key(subscription: ReportSubscription, window: schedule.ReportWindow) -> str:
    """One e-mail per subscription and period: a retry or a second worker reuses this key."""
    return f"reports:subscription:{subscription.pk}:{subscription.frequency}:{window.start.isoformat()}"


def _email(
    subscription: ReportSubscription,
    window: schedule.ReportWindow,
    report: rendering.RenderedReport,
    path: str,
) -> None:
    with translation.override(subscription.language):
        customer = subscription.organisation.name if subscription.organisation else _("all customers")
        subject = _("%(report)s: %(customer)s, %(start)s – %(end)s") % {
            "report": subscription.name,
            "customer": customer,
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
        }
        body = _(
            "Attached is the report “%(report)s” (%(kind)s) for %(customer)s, covering the period from "
            "%(start)s to %(end)s.\n\nYou receive it because you are on the recipient list of this "
            "scheduled report in SASMS."
        ) % {
            "report": subscription.name,
            "kind": subscription.get_kind_display(),
            "customer": customer,
            "start": window.start.isoformat(),
            "end": window.end.isoformat(),
        }
    enqueue_email(
        to=list(subscription.recipients),
        subject=subject,
        body=body,
        idempotency_key=period_key(subscription, window),
        attachments=[{"name": report.name, "storage_path": path, "content_type": report.content_type}],
    )


def send_subscription(subscription_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Send one due subscription's report for the period that ended last, once.

    The report is rendered and stored outside any transaction; the row is then claimed under its
    lock, so of two workers racing on it only one enqueues the e-mail and moves ``next_run_at``
    on (and the e-mail's idempotency key makes even a repeated enqueue a no-op). Returns whether
    this call queued the e-mail.
    """
    now = now or timezone.now()
    subscription = (
        ReportSubscription.objects.select_related("owner", "organisation").filter(pk=subscription_id).first()
    )
    if subscription is None or not subscription.active or subscription.next_run_at > now:
        return False
    window = schedule.previous_period(subscription.frequency, timezone.localdate(now))
    sendable = _owner_may_send(subscription) and subscription.last_period != window.start
    path = ""
    report = None
    if sendable:
        report = render_for_period(subscription, window)
        path = default_storage.save(
            f"reports/subscriptions/{subscription.pk}/{window.start:%Y%m%d}-{report.name}",
            ContentFile(report.content),
        )
    with transaction.atomic():
        locked = ReportSubscription.objects.select_for_update().filter(pk=subscription_id).first()
        if (
            locked is None
            or not locked.active
            or locked.next_run_at > now
            or locked.last_period == window.start
        ):
            if path:
                transaction.on_commit(lambda: default_storage.delete(path))
            if locked is not None and locked.active and locked.next_run_at <= now:
                locked.next_run_at = schedule.next_run_after(locked.frequency, now)
                locked.save(update_fields=["next_run_at"])
            return False
        locked.next_run_at = schedule.next_run_after(locked.frequency, now)
        if not sendable or report is None:
            logger.warning("report subscription %s skipped: its owner may no longer send it", locked.pk)
            locked.save(update_fields=["next_run_at"])
            return False
        locked.last_sent_at, locked.last_period = now, window.start
        locked.save(update_fields=["next_run_at", "last_sent_at", "last_period"])
        _email(subscription, window, report, path)
    return True


def send_due_reports(*, now: datetime.datetime | None = None, limit: int = SEND_BATCH) -> int:
    """Send every due subscription (oldest due first); one failing report does not stop the rest
    and is tried again on the next run. Returns how many e-mails were queued."""
    now = now or timezone.now()
    due = ReportSubscription.objects.filter(active=True, next_run_at__lte=now).order_by("next_run_at", "pk")
    sent = 0
    for subscription_id in list(due.values_list("pk", flat=True)[:limit]):
        try:
            sent += send_subscription(subscription_id, now=now)
        except Exception:  # one broken report must not hold back the others
            logger.exception(
                "report subscription %s failed; it is tried again on the next run", subscription_id
            )
    return sent
