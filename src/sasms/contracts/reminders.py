"""The daily contract sweep: renewal reminders at 90/60/30 days and expiry of ended contracts.

Run by a periodic task (hourly, so every time zone's new day is seen soon after local midnight).
Exactly once per contract, end date and threshold: a :class:`RenewalReminder` row under a unique
constraint plus the outbox idempotency key. When a sweep is missed for weeks, only the tightest
threshold reached is sent (no burst of stale 90- and 60-day mails for a contract 20 days out).
"""

import datetime
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.accounts.selectors import languages_by_address
from sasms.contracts.models import Contract, ContractStatus, RenewalReminder
from sasms.core.audit import record_audit
from sasms.core.outbox import enqueue_email
from sasms.core.zones import zone_named

logger = logging.getLogger(__name__)
THRESHOLDS = (90, 60, 30)


def organisation_zone(organisation: Organisation) -> ZoneInfo:
    return zone_named(organisation.time_zone)


def due_threshold(days_left: int) -> int | None:
    """The tightest threshold reached with ``days_left`` days to go (0 = ends today), if any."""
    if days_left < 0:
        return None
    reached = [t for t in THRESHOLDS if days_left <= t]
    return min(reached) if reached else None


def reminder_recipients(contract: Contract) -> list[str]:
    """The customer's primary contact (or the organisation's address) and every service manager."""
    primary = (
        Contact.objects.filter(organisation_id=contract.organisation_id, is_primary=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .first()
    )
    customer = primary or contract.organisation.email
    managers = User.objects.filter(role=Role.SERVICE_MANAGER, is_active=True, is_machine=False).values_list(
        "email", flat=True
    )
    return list(dict.fromkeys([e for e in [customer, *managers] if e]))


def _message(contract: Contract, threshold: int, days_left: int, language: str) -> tuple[str, str]:
    with override(language):
        subject = _("Contract %(number)s ends in %(days)d days (%(end)s)") % {
            "number": contract.number,
            "days": days_left,
            "end": contract.end_date.isoformat(),
        }
        body = _(
            "The service contract %(number)s of %(customer)s (%(product)s, %(servers)d servers) ends on "
            "%(end)s — %(days)d days from today. Please contact us to renew it so that coverage "
            "continues without a gap.\n\n%(url)s"
        ) % {
            "number": contract.number,
            "customer": contract.organisation.name,
            "product": contract.product.name,
            "servers": contract.coverage.count(),
            "end": contract.end_date.isoformat(),
            "days": days_left,
            "url": settings.SASMS_BASE_URL.rstrip("/")
            + reverse("contracts:contract_detail", args=[contract.pk]),
        }
    return subject, body


@dataclass
class SweepResult:
    reminded: int = 0
    expired: int = 0


def _remind(contract: Contract, threshold: int, days_left: int) -> bool:
    recipients = reminder_recipients(contract)
    try:
        with transaction.atomic():
            reminder = RenewalReminder.objects.create(
                contract=contract, threshold_days=threshold, end_date=contract.end_date, recipients=recipients
            )
            # One e-mail per language among the recipients, each in that language.
            languages = languages_by_address(recipients)
            for language in sorted(set(languages.values())):
                subject, body = _message(contract, threshold, days_left, language)
                enqueue_email(
                    to=[address for address in recipients if languages[address.lower()] == language],
                    subject=subject,
                    body=body,
                    idempotency_key=(
                        f"contract-renewal:{contract.pk}:{contract.end_date}:{threshold}:{language}"
                    ),
                )
            record_audit(
                actor=None,
                action="contract.renewal_reminder",
                target=contract,
                changes={"reminder": [None, f"{threshold}d"]},
                organisation=contract.organisation,
            )
    except IntegrityError:
        return False  # another worker sent this one first
    return reminder.pk is not None


def run_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Remind about active contracts ending within 90 days and expire those that have ended."""
    instant = now or timezone.now()
    result = SweepResult()
    # A generous UTC window first (index on status, end_date); the exact day is per time zone.
    horizon = instant.date() + datetime.timedelta(days=max(THRESHOLDS) + 1)
    candidates = Contract.objects.filter(status=ContractStatus.ACTIVE, end_date__lte=horizon).select_related(
        "organisation", "product"
    )
    sent = set(
        RenewalReminder.objects.filter(contract__in=candidates).values_list(
            "contract_id", "end_date", "threshold_days"
        )
    )
    for contract in candidates.iterator(chunk_size=500):
        today = instant.astimezone(organisation_zone(contract.organisation)).date()
        days_left = (contract.end_date - today).days
        if days_left < 0:
            result.expired += _expire(contract, today)
            continue
        threshold = due_threshold(days_left)
        if threshold is None or (contract.pk, contract.end_date, threshold) in sent:
            continue
        if _remind(contract, threshold, days_left):
            result.reminded += 1
    if result.reminded or result.expired:
        logger.info("contract sweep: %d reminders, %d expired", result.reminded, result.expired)
    return result


def _expire(contract: Contract, today: datetime.date) -> int:
    from sasms.contracts.services import transition_contract

    with transaction.atomic():
        changed = Contract.objects.filter(pk=contract.pk, status=ContractStatus.ACTIVE, end_date__lt=today)
        if not changed.exists():
            return 0
        transition_contract(
            actor=None, contract=contract, status=ContractStatus.EXPIRED, reason=_("End date passed.")
        )
    return 1
