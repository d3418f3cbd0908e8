"""Report subscriptions: validation, audit, scoping, the pages and the scheduled sending."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from openpyxl import load_workbook
from pypdf import PdfReader

from sasms.accounts.models import Organisation, User
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.core.models import AuditEntry, OutboxMessage
from sasms.core.outbox import deliver_pending
from sasms.reports import schedule, services
from sasms.reports.models import ReportSubscription
from sasms.reports.tasks import send_due_reports
from tests.reports.conftest import Quarter

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _subscribe(actor: User, org: Organisation | None, **fields: object) -> ReportSubscription:
    values: dict[str, object] = {
        "name": "Monthly QBR",
        "kind": "qbr",
        "organisation": org,
        "language": "en",
        "frequency": "monthly",
        "recipients": "cio@bank-a.example, ops@bank-a.example",
    }
    values.update(fields)
    return services.create_subscription(actor=actor, **values)  # type: ignore[arg-type]


# --- Schedule ----------------------------------------------------------------------------------


def test_periods_and_next_runs() -> None:
    wednesday = datetime.date(2026, 11, 25)
    assert schedule.previous_period("weekly", wednesday) == schedule.ReportWindow(
        datetime.date(2026, 11, 16), datetime.date(2026, 11, 22)
    )
    assert schedule.previous_period("monthly", wednesday) == schedule.ReportWindow(
        datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)
    )
    assert schedule.previous_period("quarterly", datetime.date(2026, 1, 1)) == schedule.ReportWindow(
        datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)
    )
    moment = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=SH)
    assert schedule.next_run_after("weekly", moment) == datetime.datetime(2026, 11, 30, 6, 0, tzinfo=SH)
    assert schedule.next_run_after("monthly", moment) == datetime.datetime(2026, 12, 1, 6, 0, tzinfo=SH)
    assert schedule.next_run_after("quarterly", moment) == datetime.datetime(2027, 1, 1, 6, 0, tzinfo=SH)


# --- Services ----------------------------------------------------------------------------------


def test_create_validates_and_audits(quarter: Quarter, manager: User) -> None:
    subscription = _subscribe(manager, quarter.customer_a, recipients="a@x.example; b@x.example\nA@x.example")
    assert subscription.recipients == ["a@x.example", "b@x.example"]
    assert subscription.owner == manager
    assert subscription.next_run_at > datetime.datetime.now(tz=SH)
    entry = AuditEntry.objects.get(action="reports.subscription.create", object_id=str(subscription.pk))
    assert entry.changes["kind"] == [None, "qbr"]
    assert entry.organisation == quarter.customer_a


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"recipients": "not-an-address"}, "recipients"),
        ({"recipients": ""}, "recipients"),
        ({"recipients": ",".join(f"u{i}@x.example" for i in range(21))}, "recipients"),
        ({"name": "  "}, "name"),
        ({"frequency": "daily"}, "frequency"),
        ({"kind": "pptx"}, "kind"),
        ({"language": "fr"}, "language"),
        ({"organisation": None}, "organisation"),  # a PDF report needs a customer
    ],
)
def test_create_refuses_bad_input(
    quarter: Quarter, manager: User, fields: dict[str, object], field: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        _subscribe(manager, quarter.customer_a, **fields)
    assert field in refused.value.fields
    assert not ReportSubscription.objects.exists()


def test_provider_organisation_is_refused(quarter: Quarter, manager: User, provider: Organisation) -> None:
    with pytest.raises(ServiceError) as refused:
        _subscribe(manager, provider)
    assert "organisation" in refused.value.fields


def test_staff_workbook_may_cover_all_customers(manager: User) -> None:
    subscription = _subscribe(manager, None, kind="kpi_xlsx", frequency="weekly")
    assert subscription.organisation is None


def test_customer_admin_subscribes_for_their_own_organisation_only(
    quarter: Quarter, customer_admin_a: User
) -> None:
    assert _subscribe(customer_admin_a, quarter.customer_a).organisation == quarter.customer_a
    for org in (quarter.customer_b, None):
        with pytest.raises(ServiceError) as refused:
            _subscribe(customer_admin_a, org, kind="kpi_xlsx")
        assert "organisation" in refused.value.fields


def test_customer_without_reports_capability_is_refused(quarter: Quarter, customer_user: User) -> None:
    with pytest.raises(PermissionDenied):
        _subscribe(customer_user, quarter.customer_a)


def test_update_and_delete_are_audited(quarter: Quarter, manager: User) -> None:
    subscription = _subscribe(manager, quarter.customer_a)
    first_run = subscription.next_run_at
    updated = services.update_subscription(actor=manager, subscription=subscription, frequency="weekly")
    assert updated.next_run_at <= first_run
    entry = AuditEntry.objects.get(action="reports.subscription.update")
    assert entry.changes == {"frequency": ["monthly", "weekly"]}
    with pytest.raises(ServiceError):
        services.update_subscription(actor=manager, subscription=subscription, recipients="nope")
    subscription.refresh_from_db()
    assert subscription.recipients == ["cio@bank-a.example", "ops@bank-a.example"]
    services.delete_subscription(actor=manager, subscription=subscription)
    assert not ReportSubscription.objects.exists()
    assert AuditEntry.objects.filter(
        action="reports.subscription.delete", object_id=str(subscription.pk)
    ).exists()


# --- Sending -----------------------------------------------------------------------------------


def _due(subscription: ReportSubscription, now: datetime.datetime) -> None:
    ReportSubscription.objects.filter(pk=subscription.pk).update(
        next_run_at=now - datetime.timedelta(minutes=1)
    )


def test_due_report_is_sent_once_per_period(quarter: Quarter, manager: User, settings: object) -> None:
    now = datetime.datetime(2026, 10, 1, 7, 0, tzinfo=SH)  # the morning after 2026 Q3 ended
    subscription = _subscribe(manager, quarter.customer_a, frequency="quarterly")
    _due(subscription, now)
    assert services.send_due_reports(now=now) == 1
    assert services.send_due_reports(now=now) == 0  # the second run finds nothing due
    # Even when the row is due again for the same period (a retry, a second worker that read it
    # before the first moved it on), no second e-mail is queued.
    _due(subscription, now)
    assert services.send_due_reports(now=now) == 0
    messages = OutboxMessage.objects.filter(topic="email")
    assert messages.count() == 1
    message = messages.get()
    assert message.idempotency_key == f"reports:subscription:{subscription.pk}:quarterly:2026-07-01"
    subscription.refresh_from_db()
    assert subscription.last_period == datetime.date(2026, 7, 1)
    assert subscription.last_sent_at == now
    assert subscription.next_run_at == datetime.datetime(2027, 1, 1, 6, 0, tzinfo=SH)
    deliver_pending()
    deliver_pending()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["cio@bank-a.example", "ops@bank-a.example"]
    assert "2026-07-01 – 2026-09-30" in email.subject
    name, content, content_type = email.attachments[0]
    assert (name, content_type) == ("qbr-cust-a-2026Q3-en.pdf", "application/pdf")
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    assert "Quarterly business review" in text
    assert "Customer A" in text
    path = message.payload["attachments"][0]["storage_path"]
    assert default_storage.exists(path)
    default_storage.delete(path)


def test_next_period_is_sent_again(quarter: Quarter, manager: User) -> None:
    subscription = _subscribe(manager, quarter.customer_a, frequency="monthly", kind="health")
    for day in (datetime.datetime(2026, 9, 1, 7, tzinfo=SH), datetime.datetime(2026, 10, 1, 7, tzinfo=SH)):
        _due(subscription, day)
        assert services.send_due_reports(now=day) == 1
    keys = sorted(OutboxMessage.objects.values_list("idempotency_key", flat=True))
    assert keys == [
        f"reports:subscription:{subscription.pk}:monthly:2026-08-01",
        f"reports:subscription:{subscription.pk}:monthly:2026-09-01",
    ]
    for message in OutboxMessage.objects.all():
        default_storage.delete(message.payload["attachments"][0]["storage_path"])


def test_workbook_subscription_sends_the_kpi_workbook(quarter: Quarter, customer_admin_a: User) -> None:
    now = datetime.datetime(2026, 7, 27, 7, tzinfo=SH)  # a Monday: the week of 07-20 to 07-26
    subscription = _subscribe(customer_admin_a, quarter.customer_a, kind="kpi_xlsx", frequency="weekly")
    _due(subscription, now)
    assert services.send_due_reports(now=now) == 1
    attachment = OutboxMessage.objects.get().payload["attachments"][0]
    assert attachment["name"] == "kpi-20260720-20260726-en.xlsx"
    with default_storage.open(attachment["storage_path"], "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    default_storage.delete(attachment["storage_path"])
    assert "Summary" in workbook.sheetnames
    assert "Engineers" not in workbook.sheetnames  # a customer's workbook names no engineers
    rows = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert rows["Requests created"] == 1  # the disk fault of 2026-07-20


def test_the_task_run_twice_sends_once(quarter: Quarter, manager: User) -> None:
    subscription = _subscribe(manager, quarter.customer_a, kind="kpi_xlsx", organisation=None)
    _due(subscription, datetime.datetime.now(tz=SH))
    send_due_reports.delay()
    send_due_reports.delay()
    assert OutboxMessage.objects.filter(topic="email").count() == 1
    attachment = OutboxMessage.objects.get().payload["attachments"][0]
    with default_storage.open(attachment["storage_path"], "rb") as handle:
        workbook = load_workbook(io.BytesIO(handle.read()))
    default_storage.delete(attachment["storage_path"])
    assert "Engineers" in workbook.sheetnames  # staff owners get the engineer table


def test_owner_who_lost_access_sends_nothing(quarter: Quarter, customer_admin_a: User) -> None:
    now = datetime.datetime(2026, 10, 1, 7, tzinfo=SH)
    subscription = _subscribe(customer_admin_a, quarter.customer_a)
    _due(subscription, now)
    User.objects.filter(pk=customer_admin_a.pk).update(role="customer")
    assert services.send_due_reports(now=now) == 0
    assert not OutboxMessage.objects.exists()
    subscription.refresh_from_db()
    assert subscription.next_run_at > now
    assert subscription.last_sent_at is None
