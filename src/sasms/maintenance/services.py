"""The only writers of preventive maintenance: one function per use case, each one transaction.

Pages, the API and the demo call these. Requests and field visits are made through the tickets and
field apps' own services (``create_ticket``, ``schedule_visit``, ``reschedule_visit``), never by
writing their rows here.
"""

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Capability
from sasms.assets.models import Server, ServerModel, ServerStatus, Site
from sasms.contracts.models import Contract, ContractStatus
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict, NotFound, PermissionDenied, ServiceError
from sasms.core.permissions import require
from sasms.field.choices import MOVABLE_STATUSES
from sasms.field.services import reschedule_visit, schedule_visit
from sasms.maintenance import planning
from sasms.maintenance.choices import (
    FINDING_RESULTS,
    TICKET_COMPONENT,
    Component,
    DateRequestStatus,
    PlanStatus,
    PmVisitStatus,
    Result,
)
from sasms.maintenance.models import (
    BlackoutWindow,
    ChecklistAnswer,
    ChecklistItem,
    ChecklistTemplate,
    DateRequest,
    ModelDuration,
    PmPlan,
    PmVisit,
)
from sasms.sla.calendar_math import CalendarSpec
from sasms.sla.clocks.store import calendar_ids_by_coverage
from sasms.sla.specs import calendar_spec_for
from sasms.tickets.choices import Category, Level, TicketType
from sasms.tickets.models import Ticket
from sasms.tickets.services import create_ticket

DEFAULT_MINUTES_PER_SERVER = 45
DEFAULT_CAPACITY_MINUTES = 480
MAX_CAPACITY_MINUTES = 720


def _invalid(field: str, message: str) -> ServiceError:
    return ServiceError(message, fields={field: [message]})


def _is_own_customer(actor: User, organisation_id: int) -> bool:
    return actor.can(Capability.VIEW_PORTAL) and actor.organisation_id == organisation_id


# --- Blackout windows ------------------------------------------------------------------------


def _require_blackout_rights(actor: User, organisation: Organisation) -> None:
    """Dispatchers keep every customer's blackouts; a customer keeps their own."""
    if actor.can(Capability.DISPATCH) or _is_own_customer(actor, organisation.pk):
        return
    raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def create_blackout(
    *,
    actor: User,
    organisation: Organisation,
    start_date: datetime.date,
    end_date: datetime.date,
    site: Site | None = None,
    reason: str = "",
) -> BlackoutWindow:
    """Days on which no PM visit is planned at the customer (or at one of their sites)."""
    _require_blackout_rights(actor, organisation)
    if end_date < start_date:
        raise _invalid("end_date", _("The window must end on or after its first day."))
    if (end_date - start_date).days > 366:
        raise _invalid("end_date", _("A blackout window can be at most a year long."))
    if site is not None and site.organisation_id != organisation.pk:
        raise _invalid("site", _("The site belongs to another customer."))
    blackout = BlackoutWindow.objects.create(
        organisation=organisation,
        site=site,
        start_date=start_date,
        end_date=end_date,
        reason=reason.strip()[:200],
        created_by=actor,
    )
    record_audit(
        actor=actor, action="maintenance.blackout.create", target=blackout, organisation=organisation
    )
    return blackout


@transaction.atomic
def delete_blackout(*, actor: User, blackout: BlackoutWindow) -> None:
    _require_blackout_rights(actor, blackout.organisation)
    record_audit(
        actor=actor, action="maintenance.blackout.delete", target=blackout, organisation=blackout.organisation
    )
    blackout.delete()


def blackouts_for(organisation_id: int, start: datetime.date, end: datetime.date) -> list[planning.Blackout]:
    rows = BlackoutWindow.objects.filter(
        organisation_id=organisation_id, start_date__lte=end, end_date__gte=start
    ).values_list("site_id", "start_date", "end_date")
    return [planning.Blackout(site_id, first, last) for site_id, first, last in rows]


# --- Durations and checklist templates --------------------------------------------------------


@transaction.atomic
def set_model_duration(*, actor: User, server_model: ServerModel, minutes: int) -> ModelDuration:
    require(actor, Capability.DISPATCH)
    if not 5 <= minutes <= MAX_CAPACITY_MINUTES:
        raise _invalid("minutes", _("Between 5 and 720 minutes."))
    row, _created = ModelDuration.objects.update_or_create(
        server_model=server_model, defaults={"minutes": minutes}
    )
    record_audit(
        actor=actor, action="maintenance.duration.set", target=row, changes={"minutes": [None, minutes]}
    )
    return row


@transaction.atomic
def save_template(
    *,
    actor: User,
    name: str,
    items: Sequence[dict[str, Any]],
    template: ChecklistTemplate | None = None,
    server_model: ServerModel | None = None,
) -> ChecklistTemplate:
    """Create or rewrite a checklist template. ``items``: ``{component, label_en, label_zh,
    asks_value}`` in order. Lines already answered on a visit are kept (answers point at them) and
    renumbered after the new ones; lines never answered are replaced."""
    require(actor, Capability.DISPATCH)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("This field is required.")]
    if not items:
        errors["items"] = [_("A checklist needs at least one line.")]
    for index, item in enumerate(items):
        if item.get("component") not in Component.values:
            errors["items"] = [_("Line %(n)d: unknown component.") % {"n": index + 1}]
        elif not str(item.get("label_en", "")).strip():
            errors["items"] = [_("Line %(n)d: the English wording is required.") % {"n": index + 1}]
    if server_model is not None:
        taken = ChecklistTemplate.objects.filter(server_model=server_model)
        if template is not None:
            taken = taken.exclude(pk=template.pk)
        if taken.exists():
            errors["server_model"] = [_("This model has a template already.")]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    if template is None:
        template = ChecklistTemplate(is_default=False)
    template.name = name.strip()[:120]
    if not template.is_default:
        template.server_model = server_model
    template.updated_at = timezone.now()
    template.save()
    template.items.filter(answers__isnull=True).delete()
    kept = list(template.items.order_by("position", "id"))
    for position, item in enumerate(items):
        ChecklistItem.objects.create(
            template=template,
            position=position,
            component=item["component"],
            label_en=str(item["label_en"]).strip()[:200],
            label_zh=str(item.get("label_zh", "")).strip()[:200],
            asks_value=bool(item.get("asks_value")),
        )
    for offset, old in enumerate(kept, start=len(items)):
        old.position = 1000 + offset  # retired lines sort last and are no longer offered
        old.save(update_fields=["position"])
    record_audit(actor=actor, action="maintenance.template.save", target=template)
    return template


def template_for(server: Server) -> ChecklistTemplate | None:
    by_model = ChecklistTemplate.objects.filter(server_model_id=server.model_id).first()
    return by_model or ChecklistTemplate.objects.filter(is_default=True).first()


def active_items(template: ChecklistTemplate | None) -> list[ChecklistItem]:
    if template is None:
        return []
    return list(template.items.filter(position__lt=1000).order_by("position", "id"))


# --- Plans ------------------------------------------------------------------------------------


def contract_calendar(contract: Contract, years: tuple[int, int]) -> tuple[str, CalendarSpec]:
    """The business calendar of the contract's coverage hours (the SLA app's, read-only)."""
    coverage = contract.product.coverage_hours
    calendar_id = calendar_ids_by_coverage().get(coverage)
    if calendar_id is None:
        raise _invalid("contract", _("No business calendar for the contract's coverage hours."))
    return str(settings.SASMS_SLA_CALENDARS.get(coverage, coverage)), calendar_spec_for(
        calendar_id, years=years
    )


def _minutes_by_model(model_ids: set[int]) -> dict[int, int]:
    return dict(
        ModelDuration.objects.filter(server_model_id__in=model_ids).values_list("server_model_id", "minutes")
    )


def _current_year_start(contract: Contract, today: datetime.date) -> datetime.date:
    """The start of the contract year that contains ``today`` (or the first one)."""
    start = contract.start_date
    while True:
        _first, last = planning.contract_year(start, contract.end_date)
        if last >= today or last >= contract.end_date:
            return start
        start = last + datetime.timedelta(days=1)


@transaction.atomic
def propose_plan(
    *,
    actor: User,
    contract: Contract,
    year_start: datetime.date | None = None,
    capacity_minutes: int = DEFAULT_CAPACITY_MINUTES,
    today: datetime.date | None = None,
) -> PmPlan:
    """Propose the PM visits of one contract year (see :mod:`sasms.maintenance.planning`).

    Visits go no earlier than tomorrow, so a plan made mid-year spreads over what is left of it.
    """
    require(actor, Capability.DISPATCH)
    today = today or timezone.localdate()
    product = contract.product
    if product.pm_visits_per_year <= 0:
        raise _invalid("contract", _("The contract's service product includes no preventive maintenance."))
    if contract.status not in (ContractStatus.ACTIVE, ContractStatus.DRAFT):
        raise _invalid("contract", _("Only draft or active contracts get a PM plan."))
    if not 60 <= capacity_minutes <= MAX_CAPACITY_MINUTES:
        raise _invalid("capacity_minutes", _("Between 60 and 720 minutes."))
    year_start = year_start or _current_year_start(contract, today)
    if not contract.start_date <= year_start <= contract.end_date:
        raise _invalid("year_start", _("The contract year must start within the contract."))
    first, last = planning.contract_year(year_start, contract.end_date)
    if last < today:
        raise _invalid("year_start", _("This contract year is over."))
    if (
        PmPlan.objects.filter(contract=contract, year_start=first)
        .exclude(status=PlanStatus.CANCELLED)
        .exists()
    ):
        raise Conflict(
            _("This contract year has a PM plan already."), fields={"year_start": [_("Planned already.")]}
        )
    servers = list(
        Server.objects.filter(coverage__contract=contract)
        .exclude(status=ServerStatus.DECOMMISSIONED)
        .order_by("site_id", "model_id", "serial")
    )
    if not servers:
        raise _invalid("contract", _("The contract covers no servers."))
    minutes = _minutes_by_model({s.model_id for s in servers})
    work = [
        planning.ServerWork(s.pk, s.site_id, minutes.get(s.model_id, DEFAULT_MINUTES_PER_SERVER))
        for s in servers
    ]
    code, spec = contract_calendar(contract, (first.year, last.year))
    proposal = planning.propose(
        spec=spec,
        year_start=first,
        year_end=last,
        rounds=product.pm_visits_per_year,
        work=work,
        capacity=capacity_minutes,
        blackouts=blackouts_for(contract.organisation_id, first, last),
        earliest=today + datetime.timedelta(days=1),
    )
    warnings = [
        {"round": v.round, "site": v.site_id, "servers": len(v.server_ids), "code": "no_day"}
        for v in proposal.unplaced
    ]
    plan = PmPlan.objects.create(
        contract=contract,
        organisation_id=contract.organisation_id,
        year_start=first,
        year_end=last,
        visits_per_year=product.pm_visits_per_year,
        capacity_minutes=capacity_minutes,
        calendar_code=code,
        warnings=warnings,
        created_by=actor,
    )
    for planned in proposal.visits:
        assert planned.day is not None
        assert planned.window_start
        assert planned.window_end
        assert planned.due_date
        visit = PmVisit.objects.create(
            plan=plan,
            organisation_id=contract.organisation_id,
            site_id=planned.site_id,
            round=planned.round,
            planned_date=planned.day,
            due_date=planned.due_date,
            window_start=planned.window_start,
            window_end=planned.window_end,
            minutes=planned.minutes,
        )
        visit.servers.set(planned.server_ids)
    record_audit(
        actor=actor,
        action="maintenance.plan.propose",
        target=plan,
        organisation=contract.organisation,
        changes={"visits": [None, len(proposal.visits)]},
    )
    return plan


def _editable(plan: PmPlan) -> None:
    if plan.status != PlanStatus.PROPOSED:
        raise Conflict(_("Only a proposed plan can be changed."))


def _check_engineer(engineer: User | None) -> None:
    if engineer is not None and not (engineer.is_active and engineer.can(Capability.FIELD_VISITS)):
        raise _invalid("engineer", _("This person cannot be sent on a visit."))


@transaction.atomic
def update_pm_visit(
    *,
    actor: User,
    pm_visit: PmVisit,
    planned_date: datetime.date | None = None,
    engineer: User | None = None,
    clear_engineer: bool = False,
) -> PmVisit:
    """Move a visit of a proposed plan to another day (held to the same rules as the proposal:
    working hours, holidays, blackouts) and/or name its engineer."""
    require(actor, Capability.DISPATCH)
    pm_visit = (
        PmVisit.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__contract__product")
        .get(pk=pm_visit.pk)
    )
    _editable(pm_visit.plan)
    _check_engineer(engineer)
    before = {"planned_date": pm_visit.planned_date, "engineer": pm_visit.engineer_id}
    if planned_date is not None and planned_date != pm_visit.planned_date:
        _place_on(pm_visit, planned_date)
    if engineer is not None:
        pm_visit.engineer = engineer
    elif clear_engineer:
        pm_visit.engineer = None
    pm_visit.save()
    record_audit(
        actor=actor,
        action="maintenance.visit.update",
        target=pm_visit,
        organisation=pm_visit.plan.organisation,
        changes={
            "planned_date": [before["planned_date"], pm_visit.planned_date],
            "engineer": [before["engineer"], pm_visit.engineer_id],
        },
    )
    return pm_visit


def _place_on(pm_visit: PmVisit, day: datetime.date, field: str = "planned_date") -> None:
    plan = pm_visit.plan
    if not plan.year_start <= day <= plan.year_end:
        raise _invalid(field, _("The day must lie within the plan's contract year."))
    if day <= timezone.localdate():
        raise _invalid(field, _("The day must be in the future."))
    _code, spec = contract_calendar(plan.contract, (day.year, day.year))
    blackouts = blackouts_for(plan.organisation_id, day, day)
    if any(b.covers(day, pm_visit.site_id) for b in blackouts):
        raise _invalid(field, _("The customer has a blackout window on that day."))
    span = planning.fits(spec, day, pm_visit.minutes)
    if span is None:
        raise _invalid(
            field, _("That day has no working hours long enough on the contract's calendar (holiday?).")
        )
    placed = planning.place(
        planning.PlannedVisit(pm_visit.round, pm_visit.site_id, [], pm_visit.minutes), day, spec, span
    )
    assert placed.window_start
    assert placed.window_end
    pm_visit.planned_date, pm_visit.due_date = day, planning.month_end(day)
    pm_visit.window_start, pm_visit.window_end = placed.window_start, placed.window_end


def _contact_for(organisation_id: int) -> Contact | None:
    return (
        Contact.objects.filter(organisation_id=organisation_id, erased_at__isnull=True)
        .order_by("-is_primary", "id")
        .first()
    )


def _site_label(site: Site | None) -> str:
    return site.name if site is not None else "—"


@transaction.atomic
def confirm_plan(*, actor: User, plan: PmPlan, engineer: User | None = None) -> PmPlan:
    """The dispatcher confirms: each planned visit becomes a preventive-maintenance request with a
    field visit for its engineer (``engineer`` stands in for visits without one), with the
    customer's contact and the site's access notes. All or nothing."""
    require(actor, Capability.DISPATCH)
    plan = (
        PmPlan.objects.select_for_update(of=("self",))
        .select_related("contract", "organisation")
        .get(pk=plan.pk)
    )
    _editable(plan)
    _check_engineer(engineer)
    visits = list(
        plan.visits.select_related("site", "engineer").prefetch_related("servers").order_by("planned_date")
    )
    if not visits:
        raise Conflict(_("The plan has no visits to schedule."))
    if engineer is None and any(v.engineer is None for v in visits):
        raise _invalid("engineer", _("Choose an engineer for the visits without one."))
    contact = _contact_for(plan.organisation_id)
    for pm_visit in visits:
        servers = sorted(pm_visit.servers.all(), key=lambda s: s.serial)
        site = pm_visit.site
        lines = [f"{s.serial} {s.hostname}".strip() for s in servers]
        ticket = create_ticket(
            actor=actor,
            organisation=plan.organisation,
            title=(
                f"预防性维护 Preventive maintenance · {_site_label(site)} · "
                f"{pm_visit.round}/{plan.visits_per_year} · {plan.contract.number}"
            )[:200],
            description="\n".join(lines),
            requester=contact,
            server=servers[0] if servers else None,
            type=TicketType.PREVENTIVE,
            category=Category.HARDWARE,
            impact=Level.LOW,
            urgency=Level.LOW,
        )
        field_visit = schedule_visit(
            actor=actor,
            ticket=ticket,
            engineer=pm_visit.engineer or engineer,  # type: ignore[arg-type]
            window_start=pm_visit.window_start,
            window_end=pm_visit.window_end,
            contact=contact,
            access_notes=site.access_notes if site is not None else "",
        )
        pm_visit.engineer = field_visit.engineer
        pm_visit.ticket, pm_visit.field_visit = ticket, field_visit
        pm_visit.status = PmVisitStatus.SCHEDULED
        pm_visit.save(update_fields=["engineer", "ticket", "field_visit", "status"])
    plan.status, plan.confirmed_by, plan.confirmed_at = PlanStatus.CONFIRMED, actor, timezone.now()
    plan.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    record_audit(actor=actor, action="maintenance.plan.confirm", target=plan, organisation=plan.organisation)
    return plan


@transaction.atomic
def cancel_plan(*, actor: User, plan: PmPlan) -> PmPlan:
    """Drop a proposed plan (a new one may then be proposed for the same year)."""
    require(actor, Capability.DISPATCH)
    plan = PmPlan.objects.select_for_update().get(pk=plan.pk)
    _editable(plan)
    plan.status = PlanStatus.CANCELLED
    plan.save(update_fields=["status"])
    plan.visits.update(status=PmVisitStatus.CANCELLED)
    record_audit(actor=actor, action="maintenance.plan.cancel", target=plan, organisation=plan.organisation)
    return plan


# --- On site: the checklist ---------------------------------------------------------------------


def require_checklist_rights(actor: User, pm_visit: PmVisit) -> None:
    """The visit's engineer fills the checklist in; a dispatcher may correct it."""
    field_visit = pm_visit.field_visit
    if field_visit is None or pm_visit.status == PmVisitStatus.CANCELLED:
        raise Conflict(_("This PM visit is not scheduled."))
    if actor.can(Capability.DISPATCH):
        return
    if actor.can(Capability.FIELD_VISITS) and field_visit.engineer_id == actor.pk:
        return
    raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def record_answer(
    *,
    actor: User,
    pm_visit: PmVisit,
    server_id: Any,
    item_id: Any,
    result: str,
    value: str = "",
    note: str = "",
    key: uuid.UUID | None = None,
    occurred_at: datetime.datetime | None = None,
) -> tuple[ChecklistAnswer, bool]:
    """Store one checklist answer; ``(answer, duplicate)``. The same ``key`` sent again (a phone
    that lost the reply) returns the stored answer; an older answer never overwrites a newer one."""
    require_checklist_rights(actor, pm_visit)
    if key is not None:
        existing = ChecklistAnswer.objects.filter(key=key).first()
        if existing is not None:
            if existing.pm_visit_id != pm_visit.pk:
                raise _invalid("key", _("This key was used for another visit."))
            return existing, True
    errors: dict[str, list[str]] = {}
    server = pm_visit.servers.filter(pk=server_id).first() if str(server_id).isdigit() else None
    if server is None:
        errors["server"] = [_("This server is not on this visit.")]
    item = ChecklistItem.objects.filter(pk=item_id).first() if str(item_id).isdigit() else None
    if item is None:
        errors["item"] = [_("Unknown checklist line.")]
    if result not in Result.values:
        errors["result"] = [_("Choose a result.")]
    if len(value) > 200:
        errors["value"] = [_("At most 200 characters.")]
    if len(note) > 2000:
        errors["note"] = [_("At most 2000 characters.")]
    now = timezone.now()
    if occurred_at is not None and (
        timezone.is_naive(occurred_at) or occurred_at > now + datetime.timedelta(minutes=5)
    ):
        errors["occurred_at"] = [_("The time must carry its time zone and not lie in the future.")]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    assert server is not None
    assert item is not None
    occurred_at = occurred_at or now
    answer = (
        ChecklistAnswer.objects.select_for_update(of=("self",))
        .filter(pm_visit=pm_visit, server=server, item=item)
        .first()
    )
    if answer is not None and answer.occurred_at > occurred_at:
        return answer, True
    if answer is None:
        answer = ChecklistAnswer(pm_visit=pm_visit, server=server, item=item)
    answer.component, answer.result = item.component, result
    answer.value, answer.note = value.replace("\x00", "").strip(), note.replace("\x00", "").strip()
    answer.key, answer.occurred_at, answer.answered_by = key or uuid.uuid4(), occurred_at, actor
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError as exc:  # the same key raced in from another tab: stored once
        raise Conflict(_("This answer is being stored already.")) from exc
    return answer, False


@transaction.atomic
def raise_finding(*, actor: User, answer: ChecklistAnswer) -> Ticket:
    """A finding becomes a request in one tap: the server, the component and the evidence (the
    reading and the engineer's note) go with it. Raised once per answer."""
    pm_visit = answer.pm_visit
    require_checklist_rights(actor, pm_visit)
    answer = (
        ChecklistAnswer.objects.select_for_update(of=("self",))
        .select_related("item", "server")
        .get(pk=answer.pk)
    )
    if answer.finding_ticket_id is not None:
        raise Conflict(_("A request was raised for this finding already."))
    if answer.result not in FINDING_RESULTS:
        raise _invalid("result", _("Only a line that needs attention or failed becomes a request."))
    item, server = answer.item, answer.server
    evidence = [
        f"{item.label_en} / {item.label_zh}".strip(" /"),
        f"{_('Result')}: {Result(answer.result).label}",
    ]
    if answer.value:
        evidence.append(f"{_('Reading')}: {answer.value}")
    if answer.note:
        evidence.append(answer.note)
    ticket_number = pm_visit.ticket.number if pm_visit.ticket else ""
    evidence.append(_("Found during preventive maintenance %(number)s.") % {"number": ticket_number})
    ticket = create_ticket(
        actor=actor,
        organisation=server.organisation,
        title=f"{Component(answer.component).label}: {item.label_en} — {server.serial}"[:200],
        description="\n".join(evidence),
        requester=pm_visit.field_visit.contact if pm_visit.field_visit else None,
        server=server,
        component=TICKET_COMPONENT.get(answer.component, "other"),
        urgency=Level.HIGH if answer.result == Result.FAULT else Level.MEDIUM,
    )
    answer.finding_ticket = ticket
    answer.save(update_fields=["finding_ticket"])
    record_audit(
        actor=actor,
        action="maintenance.finding.raise",
        target=answer,
        organisation=server.organisation,
        changes={"ticket": [None, ticket.number]},
    )
    return ticket


# --- The customer asks for another date ---------------------------------------------------------


def _upcoming(pm_visit: PmVisit) -> bool:
    field_visit = pm_visit.field_visit
    if pm_visit.status not in (PmVisitStatus.PLANNED, PmVisitStatus.SCHEDULED):
        return False
    return field_visit is None or field_visit.status in MOVABLE_STATUSES


@transaction.atomic
def request_other_date(
    *, actor: User, pm_visit: PmVisit, requested_date: datetime.date, reason: str = ""
) -> DateRequest:
    """A customer user asks for another day; the dispatcher accepts or declines."""
    if not (_is_own_customer(actor, pm_visit.organisation_id) or actor.can(Capability.DISPATCH)):
        raise NotFound(_("Not found."))
    pm_visit = (
        PmVisit.objects.select_for_update(of=("self",))
        .select_related("plan", "field_visit")
        .get(pk=pm_visit.pk)
    )
    if pm_visit.plan.status != PlanStatus.CONFIRMED or not _upcoming(pm_visit):
        raise Conflict(_("Only an upcoming, confirmed PM visit can be moved."))
    if requested_date <= timezone.localdate():
        raise _invalid("requested_date", _("The day must be in the future."))
    if not pm_visit.plan.year_start <= requested_date <= pm_visit.plan.year_end:
        raise _invalid("requested_date", _("The day must lie within the plan's contract year."))
    if requested_date == pm_visit.planned_date:
        raise _invalid("requested_date", _("That is the planned day already."))
    if pm_visit.date_requests.filter(status=DateRequestStatus.PENDING).exists():
        raise Conflict(_("A request for another date is waiting for an answer already."))
    request = DateRequest.objects.create(
        pm_visit=pm_visit,
        organisation_id=pm_visit.organisation_id,
        requested_date=requested_date,
        reason=reason.replace("\x00", "").strip()[:300],
        requested_by=actor,
    )
    record_audit(
        actor=actor,
        action="maintenance.date_request.create",
        target=request,
        organisation=pm_visit.organisation,
        changes={"requested_date": [pm_visit.planned_date, requested_date]},
    )
    return request


@transaction.atomic
def decide_date_request(
    *, actor: User, date_request: DateRequest, accept: bool, note: str = ""
) -> DateRequest:
    """Accept (the visit moves to the asked day, same hours, through the field app's reschedule)
    or decline (with the reason the customer reads)."""
    require(actor, Capability.DISPATCH)
    date_request = (
        DateRequest.objects.select_for_update(of=("self",)).select_related("pm_visit").get(pk=date_request.pk)
    )
    if date_request.status != DateRequestStatus.PENDING:
        raise Conflict(_("This request was answered already."))
    note = note.replace("\x00", "").strip()[:300]
    if not accept and not note:
        raise _invalid("note", _("Tell the customer why."))
    if accept:
        pm_visit = (
            PmVisit.objects.select_for_update(of=("self",))
            .select_related("plan", "plan__contract__product", "field_visit")
            .get(pk=date_request.pm_visit_id)
        )
        if not _upcoming(pm_visit):
            raise Conflict(_("The visit has started or is over; it cannot move."))
        _place_on(pm_visit, date_request.requested_date, field="requested_date")
        pm_visit.save()
        if pm_visit.field_visit is not None:
            reschedule_visit(
                actor=actor,
                visit=pm_visit.field_visit,
                window_start=pm_visit.window_start,
                window_end=pm_visit.window_end,
            )
    date_request.status = DateRequestStatus.ACCEPTED if accept else DateRequestStatus.DECLINED
    date_request.decided_by, date_request.decided_at = actor, timezone.now()
    date_request.decision_note = note
    date_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record_audit(
        actor=actor,
        action=f"maintenance.date_request.{date_request.status}",
        target=date_request,
        organisation=date_request.organisation,
    )
    return date_request


def pending_request_q() -> Q:
    return Q(date_requests__status=DateRequestStatus.PENDING)
