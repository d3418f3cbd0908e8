"""KPI cards and tables built from the figures: every number carries the link to its requests."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sasms.accounts.models import User
from sasms.analytics.kpis import AfrRow, DistributionRow, EngineerRow, KpiFilter, KpiSummary, Mean, Ratio
from sasms.analytics.views.common import Table, TableRow, drill_url
from sasms.sla.models import ClockKind


@dataclass
class Detail:
    text: str
    link: str | None = None


@dataclass
class Card:
    key: str
    label: str | Promise
    value: str
    link: str | None = None
    details: list[Detail] = field(default_factory=list)


def count_text(count: int) -> str:
    """A count grouped in thousands, 1,556 in Chinese as in English (see sasms.formats)."""
    return number_format(count, force_grouping=True)


def duration_text(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 120:
        return _("%(n)s min") % {"n": number_format(round(minutes))}
    if minutes < 48 * 60:
        return _("%(n)s h") % {"n": number_format(round(minutes / 60, 1), 1)}
    return _("%(n)s d") % {"n": number_format(round(minutes / 1440, 1), 1)}


def percent_text(ratio: Ratio) -> str:
    return "—" if ratio.percent is None else f"{number_format(ratio.percent, 1)} %"


def mean_text(mean: Mean) -> str:
    return "—" if mean.value is None else number_format(mean.value, 1)


def money_text(value: Decimal | None) -> str:
    return "—" if value is None else number_format(value, 2, force_grouping=True)


def of_text(ratio: Ratio) -> str:
    return _("%(numerator)s of %(denominator)s") % {
        "numerator": count_text(ratio.numerator),
        "denominator": count_text(ratio.denominator),
    }


class Cards:
    """Builds the cards of one filter for one reader (links keep the reader's filters)."""

    def __init__(self, kpi_filter: KpiFilter, actor: User, summary: KpiSummary) -> None:
        self.f = kpi_filter
        self.actor = actor
        self.s = summary

    def link(self, metric: str, **extra: object) -> str:
        return drill_url(self.f, self.actor, metric, **extra)

    def created(self) -> Card:
        return Card(
            "created", pgettext_lazy("count", "Opened"), count_text(self.s.created), self.link("created")
        )

    def resolved(self) -> Card:
        return Card("resolved", gettext_lazy("Resolved"), count_text(self.s.resolved), self.link("resolved"))

    def backlog(self) -> Card:
        return Card(
            "backlog",
            gettext_lazy("Backlog"),
            count_text(self.s.backlog),
            self.link("backlog"),
            [Detail(_("open on %(day)s") % {"day": self.f.end.isoformat()})],
        )

    def mtta(self) -> Card:
        s = self.s
        return Card(
            "mtta",
            gettext_lazy("MTTA (business time)"),
            duration_text(s.mtta_business.value),
            self.link("responded"),
            [
                Detail(_("wall time %(value)s") % {"value": duration_text(s.mtta_wall.value)}),
                Detail(
                    _("%(count)s responded") % {"count": count_text(s.mtta_wall.count)},
                    self.link("responded"),
                ),
            ],
        )

    def mttr(self) -> Card:
        s = self.s
        return Card(
            "mttr",
            gettext_lazy("MTTR (business time)"),
            duration_text(s.mttr_business.value),
            self.link("resolved"),
            [
                Detail(_("wall time %(value)s") % {"value": duration_text(s.mttr_wall.value)}),
                Detail(
                    _("%(count)s resolved") % {"count": count_text(s.mttr_wall.count)}, self.link("resolved")
                ),
            ],
        )

    def sla(self) -> Card:
        ratio = self.s.sla
        breached = ratio.denominator - ratio.numerator
        return Card(
            "sla",
            gettext_lazy("SLA attainment"),
            percent_text(ratio),
            self.link("sla_breached"),
            [
                Detail(of_text(ratio)),
                Detail(_("%(count)s breached") % {"count": count_text(breached)}, self.link("sla_breached")),
            ],
        )

    def ftf(self) -> Card:
        ratio = self.s.first_time_fix
        missed = ratio.denominator - ratio.numerator
        return Card(
            "ftf",
            gettext_lazy("First-time fix"),
            percent_text(ratio),
            self.link("ftf"),
            [
                Detail(of_text(ratio), self.link("ftf")),
                Detail(
                    _("%(count)s not fixed first time") % {"count": count_text(missed)},
                    self.link("ftf_missed"),
                ),
            ],
        )

    def repeat(self) -> Card:
        ratio = self.s.repeat_failure
        return Card(
            "repeat",
            gettext_lazy("Repeat failures"),
            percent_text(ratio),
            self.link("repeat"),
            [Detail(of_text(ratio), self.link("repeat"))],
        )

    def reopen(self) -> Card:
        ratio = self.s.reopen
        return Card(
            "reopen",
            gettext_lazy("Reopen rate"),
            percent_text(ratio),
            self.link("reopened"),
            [Detail(of_text(ratio), self.link("reopened"))],
        )

    def csat(self) -> Card:
        s = self.s
        low = s.csat_satisfied.denominator - s.csat_satisfied.numerator
        return Card(
            "csat",
            gettext_lazy("CSAT (1–5)"),
            mean_text(s.csat),
            self.link("csat_low"),
            [
                Detail(_("%(percent)s satisfied") % {"percent": percent_text(s.csat_satisfied)}),
                Detail(_("%(count)s below 4") % {"count": count_text(low)}, self.link("csat_low")),
            ],
        )

    def cost(self) -> Card:
        s = self.s
        return Card(
            "cost",
            gettext_lazy("Cost per request (CNY)"),
            money_text(s.cost_per_request),
            self.link("resolved"),
            [
                Detail(_("labour %(value)s") % {"value": money_text(s.cost_labour)}),
                Detail(_("parts %(value)s") % {"value": money_text(s.cost_parts)}),
                Detail(_("travel %(value)s") % {"value": money_text(s.cost_travel)}),
            ],
        )


# --- Tables ----------------------------------------------------------------------------------------


def sla_table(cards: Cards) -> Table:
    rows = []
    for kind, ratio in cards.s.sla_by_kind.items():
        label = str(ClockKind(kind).label) if kind in ClockKind.values else kind
        breached_link = cards.link("sla_breached", kind=kind)
        rows.append(
            TableRow(
                [
                    label,
                    ratio.denominator,
                    ratio.numerator,
                    ratio.denominator - ratio.numerator,
                    ratio.percent,
                ],
                [None, None, None, breached_link, None],
            )
        )
    return Table(
        "sla",
        gettext_lazy("SLA attainment per target"),
        [
            gettext_lazy("Target"),
            gettext_lazy("Decided"),
            gettext_lazy("Met"),
            gettext_lazy("Breached"),
            gettext_lazy("Attainment %"),
        ],
        rows,
    )


def afr_table(rows: list[AfrRow], cards: Cards) -> Table:
    return Table(
        "afr",
        gettext_lazy("Annualised failure rate per model"),
        [
            gettext_lazy("Model"),
            gettext_lazy("Vendor"),
            gettext_lazy("Faults"),
            gettext_lazy("Server-years"),
            gettext_lazy("Installed"),
            gettext_lazy("AFR %"),
        ],
        [
            TableRow(
                [r.model, r.vendor, r.faults, round(r.server_years, 2), r.installed, r.afr_percent],
                [None, None, cards.link("faults", bucket=f"model:{r.model_id}"), None, None, None],
            )
            for r in rows
        ],
        numeric_from=2,
    )


def engineer_table(rows: list[EngineerRow], cards: Cards) -> Table:
    return Table(
        "engineers",
        gettext_lazy("Engineer workload"),
        [
            gettext_lazy("Engineer"),
            gettext_lazy("Open assigned"),
            gettext_lazy("Resolved"),
            gettext_lazy("Work hours"),
            gettext_lazy("Visits"),
            gettext_lazy("First-time fix %"),
            gettext_lazy("CSAT"),
        ],
        [
            TableRow(
                [
                    r.engineer,
                    r.open_assigned,
                    r.resolved,
                    round(r.work_minutes / 60, 1),
                    r.visits,
                    r.first_time_fix.percent,
                    r.csat.value,
                ],
                [
                    None,
                    cards.link("backlog", engineer=r.engineer_id),
                    cards.link("resolved", engineer=r.engineer_id),
                    None,
                    None,
                    cards.link("ftf", engineer=r.engineer_id),
                    None,
                ],
            )
            for r in rows
        ],
    )


DIMENSION_TITLES = {
    "vendor": (gettext_lazy("Faults by vendor"), gettext_lazy("Vendor")),
    "model": (gettext_lazy("Faults by model"), gettext_lazy("Model")),
    "component": (gettext_lazy("Faults by component"), gettext_lazy("Component")),
}


def distribution_links(rows: list[DistributionRow], by: str, cards: Cards) -> list[str]:
    return [cards.link("faults", bucket=f"{by}:{row.key}") for row in rows]


def distribution_table(rows: list[DistributionRow], by: str, cards: Cards) -> Table:
    title, column = DIMENSION_TITLES[by]
    links = distribution_links(rows, by, cards)
    return Table(
        by,
        title,
        [column, gettext_lazy("Faults")],
        [TableRow([r.label, r.faults], [None, link]) for r, link in zip(rows, links, strict=True)],
    )
