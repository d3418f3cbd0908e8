"""Demo step of the reports app: the request forecast of the demo history and two subscriptions.

Runs after the analytics step. The service manager subscribes to the monthly QBR (in Chinese) of
the customer with the most requests, and a customer administrator (of that customer if it has
one) to a weekly KPI workbook of their own organisation (in English).
"""

import random
from typing import Any

from django.db.models import Count

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.accounts.roles import Role
from sasms.core.progress import Progress
from sasms.reports import services
from sasms.reports.forecasts import compute_request_forecasts
from sasms.reports.models import Frequency, ReportKind, ReportLanguage


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    progress("reports: request forecast", 0, 2)
    compute_request_forecasts()
    progress("reports: subscriptions", 1, 2)
    customer = (
        Organisation.objects.filter(kind=OrganisationKind.CUSTOMER)
        .annotate(n=Count("tickets"))
        .order_by("-n", "pk")
        .first()
    )
    manager = User.objects.filter(role=Role.SERVICE_MANAGER, is_active=True).order_by("pk").first()
    if customer is not None and manager is not None:
        services.create_subscription(
            actor=manager,
            name=f"QBR {customer.name}"[:120],
            kind=ReportKind.QBR,
            organisation=customer,
            language=ReportLanguage.ZH_HANS,
            frequency=Frequency.MONTHLY,
            recipients=[manager.email],
        )
    admins = User.objects.filter(role=Role.CUSTOMER_ADMIN, is_active=True).select_related("organisation")
    admin = admins.filter(organisation=customer).order_by("pk").first() or admins.order_by("pk").first()
    if admin is not None:
        services.create_subscription(
            actor=admin,
            name="Weekly KPI workbook",
            kind=ReportKind.KPI_WORKBOOK,
            organisation=admin.organisation,
            language=ReportLanguage.EN,
            frequency=Frequency.WEEKLY,
            recipients=[admin.email],
        )
    progress("reports: subscriptions", 2, 2)
