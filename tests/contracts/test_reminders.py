import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core import mail

from sasms.accounts import services as account_services
from sasms.accounts.roles import Role
from sasms.contracts import reminders, tasks
from sasms.contracts.models import ContractStatus, RenewalReminder
from sasms.core.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)  # 10:00 on 1 March in Shanghai


@pytest.fixture(autouse=True)
def _contact(admin_user, customer_a):
    account_services.add_contact(
        actor=admin_user, organisation=customer_a, name="王伟", email="wang@a.example", is_primary=True
    )
    account_services.add_contact(actor=admin_user, organisation=customer_a, name="李娜", email="li@a.example")


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(120, None), (91, None), (90, 90), (61, 90), (60, 60), (31, 60), (30, 30), (1, 30), (0, 30), (-1, None)],
)
def test_due_threshold(days_left, threshold):
    assert reminders.due_threshold(days_left) == threshold


def test_reminder_goes_to_primary_contact_and_service_managers_once(manager, customer_a, make_contract):
    contract = make_contract(customer_a, start=D(2025, 6, 1), end=D(2026, 5, 30))  # 90 days after 1 March
    first = reminders.run_sweep(now=NOW)
    second = reminders.run_sweep(now=NOW)
    assert (first.reminded, second.reminded) == (1, 0)
    reminder = RenewalReminder.objects.get()
    assert (reminder.contract, reminder.threshold_days, reminder.end_date) == (contract, 90, D(2026, 5, 30))
    assert reminder.recipients == ["wang@a.example", "manager@example.com"]
    # Each in the reader's language: the contact has no account (the default, Chinese), the
    # manager reads English.
    english, chinese = OutboxMessage.objects.order_by("idempotency_key")
    assert english.idempotency_key == f"contract-renewal:{contract.pk}:2026-05-30:90:en"
    assert chinese.idempotency_key == f"contract-renewal:{contract.pk}:2026-05-30:90:zh-hans"
    assert (chinese.payload["to"], english.payload["to"]) == (["wang@a.example"], ["manager@example.com"])
    assert contract.number in chinese.payload["subject"]
    assert "天" in chinese.payload["subject"]
    assert english.payload["subject"].startswith(f"Contract {contract.number} ends in 90 days")
    assert AuditEntry.objects.filter(action="contract.renewal_reminder").count() == 1


def test_each_threshold_exactly_once_through_the_task(manager, customer_a, make_contract, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    contract = make_contract(customer_a, start=D(2025, 6, 1), end=D(2026, 6, 30))
    for day in range(0, 130, 3):  # every third day from 1 March to past the end, twice a day
        for hour in (1, 13):
            reminders.run_sweep(now=NOW + datetime.timedelta(days=day, hours=hour - 2))
    assert sorted(RenewalReminder.objects.values_list("threshold_days", flat=True)) == [30, 60, 90]
    assert OutboxMessage.objects.count() == 3 * 2  # per threshold: one Chinese, one English e-mail
    # And the periodic task itself, run twice on the same day, adds nothing.
    tasks.contract_sweep.delay()
    tasks.contract_sweep.delay()
    assert OutboxMessage.objects.count() == 3 * 2
    contract.refresh_from_db()
    assert contract.status == ContractStatus.EXPIRED


def test_the_beat_schedule_runs_the_task():
    entries = [e["task"] for e in django_settings.CELERY_BEAT_SCHEDULE.values()]
    assert "sasms.contracts.tasks.contract_sweep" in entries


def test_missed_sweeps_send_only_the_tightest_threshold(manager, customer_a, make_contract):
    make_contract(customer_a, start=D(2025, 6, 1), end=D(2026, 3, 20))  # 19 days out
    assert reminders.run_sweep(now=NOW).reminded == 1
    assert list(RenewalReminder.objects.values_list("threshold_days", flat=True)) == [30]


def test_renewed_contract_is_reminded_again(manager, customer_a, make_contract):
    contract = make_contract(customer_a, start=D(2025, 6, 1), end=D(2026, 3, 20))
    reminders.run_sweep(now=NOW)
    contract.end_date = D(2027, 3, 20)
    contract.save()
    later = datetime.datetime(2027, 3, 1, 2, 0, tzinfo=datetime.UTC)
    assert reminders.run_sweep(now=later).reminded == 1
    assert RenewalReminder.objects.count() == 2


def test_only_active_contracts_are_reminded(manager, customer_a, make_contract):
    for status in (ContractStatus.DRAFT, ContractStatus.TERMINATED, ContractStatus.EXPIRED):
        make_contract(customer_a, status=status, start=D(2025, 6, 1), end=D(2026, 3, 20))
    assert reminders.run_sweep(now=NOW).reminded == 0
    assert not OutboxMessage.objects.exists()


def test_days_are_counted_in_the_customers_time_zone(manager, customer_a, make_contract):
    make_contract(customer_a, start=D(2025, 6, 1), end=D(2026, 5, 30))
    # 28 February 15:59 UTC is 23:59 in Shanghai, 91 days out; a minute later it is 90.
    assert reminders.run_sweep(now=datetime.datetime(2026, 2, 28, 15, 59, tzinfo=datetime.UTC)).reminded == 0
    assert reminders.run_sweep(now=datetime.datetime(2026, 2, 28, 16, 0, tzinfo=datetime.UTC)).reminded == 1


def test_sweep_expires_ended_contracts_only_after_the_local_end(manager, customer_a, make_contract):
    contract = make_contract(customer_a, start=D(2025, 3, 1), end=D(2026, 2, 28))
    assert reminders.run_sweep(now=datetime.datetime(2026, 2, 28, 15, 59, tzinfo=datetime.UTC)).expired == 0
    assert reminders.run_sweep(now=datetime.datetime(2026, 2, 28, 16, 0, tzinfo=datetime.UTC)).expired == 1
    contract.refresh_from_db()
    assert contract.status == ContractStatus.EXPIRED
    assert AuditEntry.objects.filter(action="contract.expired", actor__isnull=True).count() == 1


def test_customer_without_contacts_falls_back_to_the_organisation_address(manager, make_user, make_contract):
    org = account_services.create_organisation(
        actor=None, name="No contacts", code="nc", kind="customer", email="it@nc.example"
    )
    make_contract(org, start=D(2025, 6, 1), end=D(2026, 3, 20))
    make_user(Role.SERVICE_MANAGER, email="second.manager@example.com", language="en")
    reminders.run_sweep(now=NOW)
    assert OutboxMessage.objects.get(idempotency_key__endswith=":zh-hans").payload["to"] == ["it@nc.example"]
    assert OutboxMessage.objects.get(idempotency_key__endswith=":en").payload["to"] == [
        "manager@example.com",
        "second.manager@example.com",
    ]


def test_delivered_mail_reaches_the_inbox(manager, customer_a, make_contract, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_contract(customer_a, start=D(2025, 6, 1), end=D(2026, 3, 20))
    from sasms.core.outbox import deliver_pending

    reminders.run_sweep(now=NOW)
    deliver_pending()
    assert sorted(tuple(message.to) for message in mail.outbox) == [
        ("manager@example.com",),
        ("wang@a.example",),
    ]
