"""On site: checklist answers (idempotent, as the offline queue sends them), a finding raised as a
request in one tap, the PM report PDF in both languages, and PM attainment."""

import datetime
import io
import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import OutboxMessage
from sasms.field import services as field_services
from sasms.maintenance import planning, services
from sasms.maintenance.attainment import pm_attainment
from sasms.maintenance.models import ChecklistItem, PmPlan, PmVisit
from sasms.maintenance.report import render_pm_report_pdf, send_pm_report
from sasms.tickets.choices import TicketType

pytestmark = pytest.mark.django_db


def first_visit(plan: PmPlan) -> PmVisit:
    visit = plan.visits.select_related("field_visit", "ticket", "site").order_by("planned_date").first()
    assert visit is not None
    return visit


def items() -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(template__is_default=True).order_by("position"))


def walk_through(pm_visit: PmVisit, engineer: User) -> None:
    visit = pm_visit.field_visit
    assert visit is not None
    field_services.accept_visit(actor=engineer, visit=visit)
    field_services.check_in(actor=engineer, visit=visit)
    field_services.check_out(actor=engineer, visit=visit, summary="PM done")


def test_the_default_checklist_is_seeded_with_every_component() -> None:
    components = {item.component for item in items()}
    assert components == {"fans", "psu", "drives", "memory", "bmc_log", "firmware", "environment", "cabling"}
    assert all(item.label_zh for item in items())


def test_answers_are_stored_once_per_key_and_the_newest_wins(confirmed: PmPlan, engineer: User) -> None:
    pm_visit = first_visit(confirmed)
    server = pm_visit.servers.order_by("serial").first()
    assert server is not None
    fans = items()[0]
    key = uuid.uuid4()
    now = timezone.now()
    answer, duplicate = services.record_answer(
        actor=engineer,
        pm_visit=pm_visit,
        server_id=server.pk,
        item_id=fans.pk,
        result="ok",
        key=key,
        occurred_at=now,
    )
    assert not duplicate
    again, duplicate = services.record_answer(
        actor=engineer, pm_visit=pm_visit, server_id=server.pk, item_id=fans.pk, result="fault", key=key
    )
    assert duplicate
    assert again.pk == answer.pk
    assert again.result == "ok"
    # An older answer arriving late (queued on another phone) does not overwrite a newer one.
    older, duplicate = services.record_answer(
        actor=engineer,
        pm_visit=pm_visit,
        server_id=server.pk,
        item_id=fans.pk,
        result="fault",
        key=uuid.uuid4(),
        occurred_at=now - datetime.timedelta(hours=1),
    )
    assert duplicate
    assert older.result == "ok"
    assert pm_visit.answers.count() == 1


def test_bad_answers_name_the_field_and_store_nothing(
    confirmed: PmPlan, engineer: User, make_user: Callable[..., User]
) -> None:
    pm_visit = first_visit(confirmed)
    with pytest.raises(ServiceError) as caught:
        services.record_answer(
            actor=engineer, pm_visit=pm_visit, server_id="x", item_id=999999, result="maybe"
        )
    assert set(caught.value.fields) == {"server", "item", "result"}
    other = make_user(Role.FIELD_ENGINEER)
    server = pm_visit.servers.first()
    assert server is not None
    with pytest.raises(PermissionDenied):
        services.record_answer(
            actor=other, pm_visit=pm_visit, server_id=server.pk, item_id=items()[0].pk, result="ok"
        )
    assert not pm_visit.answers.exists()


def test_a_finding_becomes_a_request_with_component_and_evidence(confirmed: PmPlan, engineer: User) -> None:
    pm_visit = first_visit(confirmed)
    server = pm_visit.servers.order_by("serial").first()
    assert server is not None
    raid = next(i for i in items() if i.component == "drives" and "RAID" in i.label_en)
    answer, _dup = services.record_answer(
        actor=engineer,
        pm_visit=pm_visit,
        server_id=server.pk,
        item_id=raid.pk,
        result="fault",
        value="VD0 degraded, slot 3 rebuilding",
        note="Amber LED on bay 3",
    )
    ticket = services.raise_finding(actor=engineer, answer=answer)
    assert ticket.server == server
    assert ticket.component == "disk"
    assert ticket.type == TicketType.INCIDENT
    assert "VD0 degraded, slot 3 rebuilding" in ticket.description
    assert "Amber LED on bay 3" in ticket.description
    assert pm_visit.ticket is not None
    assert pm_visit.ticket.number in ticket.description
    answer.refresh_from_db()
    assert answer.finding_ticket == ticket
    with pytest.raises(Conflict):
        services.raise_finding(actor=engineer, answer=answer)
    ok, _dup = services.record_answer(
        actor=engineer, pm_visit=pm_visit, server_id=server.pk, item_id=items()[0].pk, result="ok"
    )
    with pytest.raises(ServiceError):
        services.raise_finding(actor=engineer, answer=ok)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_pm_report_pdf_in_english_and_chinese(confirmed: PmPlan, engineer: User) -> None:
    pm_visit = first_visit(confirmed)
    server = pm_visit.servers.order_by("serial").first()
    assert server is not None
    fans, psu = items()[0], items()[1]
    services.record_answer(
        actor=engineer, pm_visit=pm_visit, server_id=server.pk, item_id=fans.pk, result="ok"
    )
    services.record_answer(
        actor=engineer,
        pm_visit=pm_visit,
        server_id=server.pk,
        item_id=psu.pk,
        result="attention",
        value="PSU2 absent",
    )
    walk_through(pm_visit, engineer)
    pm_visit = first_visit(confirmed)
    english = _pdf_text(render_pm_report_pdf(pm_visit, "en"))
    assert "Preventive maintenance report" in english
    assert "Fans spinning, no fan alarm" in english
    assert "Needs attention" in english
    assert "PSU2 absent" in english
    assert server.serial in english
    assert confirmed.contract.number in english
    chinese = _pdf_text(render_pm_report_pdf(pm_visit, "zh-hans"))
    # The checklist speaks Chinese from the template's own wording; the headings from the catalogue.
    assert "客户" in chinese
    assert "合同" in chinese
    assert "Fans spinning" not in chinese
    assert "风扇运转正常" in chinese
    assert server.serial in chinese


def test_the_report_goes_to_the_customer_contact_through_the_outbox(
    confirmed: PmPlan, engineer: User
) -> None:
    pm_visit = first_visit(confirmed)
    with pytest.raises(Conflict):
        send_pm_report(actor=engineer, pm_visit=pm_visit)  # not checked out yet
    walk_through(pm_visit, engineer)
    pm_visit = send_pm_report(actor=engineer, pm_visit=first_visit(confirmed))
    assert pm_visit.status == "done"
    assert pm_visit.report_sent_to == "wang@a.example"
    message = OutboxMessage.objects.filter(
        idempotency_key__startswith=f"maintenance:pm:{pm_visit.pk}:report"
    ).get()
    assert message.payload["to"] == ["wang@a.example"]
    assert message.payload["attachments"][0]["content_type"] == "application/pdf"


def test_attainment_counts_planned_done_and_on_time_per_contract_customer_and_month(
    confirmed: PmPlan, engineer: User, dispatcher: User, customer_a: object
) -> None:
    visits = list(confirmed.visits.select_related("field_visit").order_by("planned_date"))
    first, second = visits[0], visits[1]
    walk_through(first, engineer)  # done now, long before its due date: on time
    walk_through(second, engineer)
    # The second was due before it was done: late.
    PmVisit.objects.filter(pk=second.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    result = pm_attainment(actor=dispatcher, start=datetime.date(2026, 1, 1), end=datetime.date(2027, 12, 31))
    assert (result.total.planned, result.total.done, result.total.on_time) == (8, 2, 1)
    assert result.total.percent == "12%"
    (contract_row,) = result.by_contract
    assert contract_row.label == "PM-2027-A"
    assert contract_row.planned == 8
    (customer_row,) = result.by_customer
    assert customer_row.on_time == 1
    assert sum(row.planned for row in result.by_month) == 8
    late_month = timezone.localdate().replace(day=1)
    assert [(r.planned, r.done, r.on_time) for r in result.by_month if r.key == late_month] == [(1, 1, 0)]
    # A customer user of another organisation sees nothing of it.
    empty = pm_attainment(
        actor=_other_customer(confirmed), start=datetime.date(2026, 1, 1), end=datetime.date(2027, 12, 31)
    )
    assert empty.total.planned == 0
    assert empty.total.rate is None


def _other_customer(plan: PmPlan) -> User:
    from sasms.accounts.models import Organisation
    from sasms.accounts.services import create_organisation, create_user

    other = create_organisation(actor=None, name="Other", code="other-c", kind="customer")
    assert isinstance(other, Organisation)
    return create_user(
        actor=None, email="c@other.example", full_name="C", organisation=other, role=Role.CUSTOMER
    )


def test_customer_asks_for_another_date_and_the_dispatcher_accepts_or_declines(
    confirmed: PmPlan, dispatcher: User, make_user: Callable[..., User], customer_b: object
) -> None:
    customer = make_user(Role.CUSTOMER)
    visits = list(confirmed.visits.select_related("field_visit").order_by("planned_date"))
    pm_visit = visits[-1]
    new_day = pm_visit.planned_date - datetime.timedelta(days=7)
    while not planning.fits(
        services.contract_calendar(confirmed.contract, (2027, 2027))[1], new_day, pm_visit.minutes
    ) or new_day in {v.planned_date for v in visits}:
        new_day -= datetime.timedelta(days=1)
    request = services.request_other_date(
        actor=customer, pm_visit=pm_visit, requested_date=new_day, reason="Audit week"
    )
    with pytest.raises(Conflict):
        services.request_other_date(actor=customer, pm_visit=pm_visit, requested_date=new_day)
    # Another customer's user cannot ask for it (it does not exist for them).
    b_user = make_user(Role.CUSTOMER, organisation=customer_b)
    with pytest.raises(ServiceError) as caught:
        services.request_other_date(actor=b_user, pm_visit=pm_visit, requested_date=new_day)
    assert caught.value.status == 404
    with pytest.raises(PermissionDenied):
        services.decide_date_request(actor=customer, date_request=request, accept=True)
    services.decide_date_request(actor=dispatcher, date_request=request, accept=True)
    pm_visit.refresh_from_db()
    assert pm_visit.planned_date == new_day
    field_visit = pm_visit.field_visit
    assert field_visit is not None
    field_visit.refresh_from_db()
    assert field_visit.window_start == pm_visit.window_start
    assert timezone.localtime(field_visit.window_start).date() == new_day
    # A second request, declined with a reason; the visit stays.
    second = services.request_other_date(
        actor=customer, pm_visit=pm_visit, requested_date=new_day + datetime.timedelta(days=1)
    )
    with pytest.raises(ServiceError) as caught:
        services.decide_date_request(actor=dispatcher, date_request=second, accept=False)
    assert "note" in caught.value.fields
    services.decide_date_request(actor=dispatcher, date_request=second, accept=False, note="Engineer booked")
    pm_visit.refresh_from_db()
    assert pm_visit.planned_date == new_day
