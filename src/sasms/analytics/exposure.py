"""Installed server-years: the denominator of the annualised failure rate.

A server counts from its installation date; servers without one, and decommissioned servers (no
decommission date is recorded, so their service time cannot be bounded), are left out. Only the
organisation, vendor and model filters apply: the fleet has no team, priority or engineer.
"""

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, DateField, DurationField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Greatest

from sasms.assets.models import Server, ServerStatus

if TYPE_CHECKING:
    from sasms.analytics.kpis import KpiFilter

DAYS_PER_YEAR = 365.25


def installed_exposure(kpi_filter: "KpiFilter") -> dict[int, tuple[float, int]]:
    """Per model id: (server-years installed within the period, servers installed at its end)."""
    start: datetime.date = kpi_filter.start
    end: datetime.date = kpi_filter.end
    servers = Server.objects.filter(installation_date__isnull=False, installation_date__lte=end).exclude(
        status=ServerStatus.DECOMMISSIONED
    )
    for name in ("organisation_id", "vendor_id", "model_id"):
        value = getattr(kpi_filter, name)
        if value is not None:
            servers = servers.filter(**{name: value})
    # Days from max(installation, first day) to the last day, summed in the database; +1 per
    # server makes both ends inclusive.
    first_day = Greatest(F("installation_date"), Value(start, output_field=DateField()))
    span = ExpressionWrapper(Value(end, output_field=DateField()) - first_day, output_field=DurationField())
    rows = servers.values("model_id").annotate(n=Count("id"), days=Sum(span)).order_by()
    return {
        row["model_id"]: ((row["days"].days + row["n"]) / DAYS_PER_YEAR, row["n"])
        for row in rows
        if row["days"] is not None
    }
