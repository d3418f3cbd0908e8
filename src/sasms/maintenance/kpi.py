"""PM attainment on the analytics dashboards: one table built from :func:`pm_attainment`, in the
dashboards' own table shape (shown, and exported as CSV/XLSX with the page's filters)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasms.accounts.models import User
from sasms.analytics.kpis import KpiFilter
from sasms.analytics.views.common import Table, TableRow
from sasms.maintenance.attainment import AttainmentRow, pm_attainment


def _cells(label: str, row: AttainmentRow) -> TableRow:
    rate = None if row.rate is None else round(row.rate * 100, 1)
    return TableRow([label, row.planned, row.done, row.on_time, rate])


def pm_attainment_table(kpi_filter: KpiFilter, actor: User) -> Table:
    """Planned vs done-on-time PM visits due in the period, per month, with the total last.

    Follows the dashboard's period and customer filter; the other dimensions (team, model …)
    describe requests, not PM visits, and do not apply."""
    result = pm_attainment(
        actor=actor, start=kpi_filter.start, end=kpi_filter.end, organisation_id=kpi_filter.organisation_id
    )
    rows = [_cells(row.label, row) for row in result.by_month]
    rows.append(_cells(_("Total"), result.total))
    return Table(
        "pm-attainment",
        gettext_lazy("Preventive maintenance attainment"),
        [
            gettext_lazy("Month due"),
            gettext_lazy("Planned"),
            gettext_lazy("Done"),
            gettext_lazy("Done on time"),
            gettext_lazy("Attainment %"),
        ],
        rows,
    )
