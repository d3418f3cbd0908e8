"""Rendering a report to its file: the QBR and the health check as PDF (WeasyPrint, Noto Sans CJK
for Chinese, charts as CSS bars since WeasyPrint runs no JavaScript), the KPI workbook as XLSX.

The PDF renderer may read ``data:`` URLs only, so nothing in the figures can make it fetch a file
or a network address.
"""

import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook

from sasms.accounts.models import Organisation, OrganisationKind
from sasms.analytics import kpis
from sasms.core import exports
from sasms.reports import figures
from sasms.reports.models import ReportKind
from sasms.sla.models import ClockKind

LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RenderedReport:
    name: str
    content: bytes
    content_type: str


def _language(language: str) -> str:
    return language if language in LANGUAGES else str(settings.LANGUAGE_CODE)


def render_pdf(
    *, kind: str, organisation: Organisation, year: int, quarter: int, language: str, period: Any = None
) -> RenderedReport:
    """The QBR or health check of ``organisation`` for the quarter, in ``language``.

    ``period`` (a :class:`figures.Period`) overrides the quarter's default window (scheduled
    reports use the quarter to the end of the period they cover).
    """
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    language = _language(language)
    with translation.override(language):
        if period is None:
            period = figures.report_period(kind, year, quarter)
        else:
            period = figures.Period(period.start, period.end, figures.quarter_label(year, quarter))
        data = figures.build(kind=kind, organisation=organisation, period=period)
        provider = Organisation.objects.filter(kind=OrganisationKind.PROVIDER).order_by("id").first()
        html = render_to_string(
            "reports/report_pdf.html",
            {
                "data": data,
                "language": language,
                "provider": provider,
                "generated_at": timezone.localtime(),
                "title": _("Quarterly business review") if kind == ReportKind.QBR else _("Health check"),
            },
        )
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()
    assert isinstance(pdf, bytes)
    stem = "qbr" if kind == ReportKind.QBR else "health-check"
    code = slugify(organisation.code) or str(organisation.pk)
    return RenderedReport(f"{stem}-{code}-{year}Q{quarter}-{language}.pdf", pdf, PDF)


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    exports.append_row(sheet, header)
    for row in rows:
        exports.append_row(sheet, row)


def _ratio(ratio: kpis.Ratio) -> list[Any]:
    return [ratio.percent, ratio.numerator, ratio.denominator]


def _mean(mean: kpis.Mean) -> list[Any]:
    return [mean.value, mean.total, mean.count]


def render_workbook(*, kpi_filter: kpis.KpiFilter, language: str, include_engineers: bool) -> RenderedReport:
    """The KPI summary and the dashboard's tables, one sheet each."""
    language = _language(language)
    with translation.override(language):
        board = kpis.dashboard(kpi_filter)
        s = board.summary
        workbook = Workbook()
        workbook.remove(workbook.active)
        summary_rows: list[list[Any]] = [
            [_("Period"), f"{kpi_filter.start} – {kpi_filter.end}", "", ""],
            [_("Requests created"), s.created, "", ""],
            [_("Requests resolved"), s.resolved, "", ""],
            [_("Backlog at period end"), s.backlog, "", ""],
            [_("MTTA, wall clock (min)"), *_mean(s.mtta_wall)],
            [_("MTTA, business time (min)"), *_mean(s.mtta_business)],
            [_("MTTR, wall clock (min)"), *_mean(s.mttr_wall)],
            [_("MTTR, business time (min)"), *_mean(s.mttr_business)],
            [_("SLA attainment (%)"), *_ratio(s.sla)],
            [_("First-time-fix rate (%)"), *_ratio(s.first_time_fix)],
            [_("Repeat-failure rate (%)"), *_ratio(s.repeat_failure)],
            [_("Reopen rate (%)"), *_ratio(s.reopen)],
            [_("CSAT (1–5)"), *_mean(s.csat)],
            [_("Satisfied answers (%)"), *_ratio(s.csat_satisfied)],
            [_("Labour cost (CNY)"), float(s.cost_labour), "", ""],
            [_("Parts cost (CNY)"), float(s.cost_parts), "", ""],
            [_("Travel cost (CNY)"), float(s.cost_travel), "", ""],
            [
                _("Cost per resolved request (CNY)"),
                None if s.cost_per_request is None else float(s.cost_per_request),
                "",
                "",
            ],
        ]
        targets = dict(ClockKind.choices)
        for kind, ratio in sorted(s.sla_by_kind.items()):
            label = str(targets.get(kind, kind))
            summary_rows.append([_("SLA attainment, %(target)s (%%)") % {"target": label}, *_ratio(ratio)])
        _sheet(
            workbook,
            _("Summary"),
            [_("Figure"), _("Value"), _("Numerator / sum"), _("Denominator / count")],
            summary_rows,
        )
        _sheet(
            workbook,
            _("Volume"),
            [_("Day"), _("Created"), _("Resolved")],
            [[p.day, p.created, p.resolved] for p in board.volume],
        )
        _sheet(
            workbook,
            _("Backlog ageing"),
            [_("Age"), _("Open requests")],
            [[b.label, b.count] for b in board.ageing],
        )
        for title, rows in (
            (_("Faults by vendor"), board.by_vendor),
            (_("Faults by model"), board.by_model),
            (_("Faults by component"), board.by_component),
        ):
            _sheet(workbook, title, [_("Name"), _("Faults")], [[r.label, r.faults] for r in rows])
        _sheet(
            workbook,
            _("Failure rate per model"),
            [_("Vendor"), _("Model"), _("Faults"), _("Server-years"), _("Installed"), _("AFR (%)")],
            [
                [r.vendor, r.model, r.faults, round(r.server_years, 2), r.installed, r.afr_percent]
                for r in board.afr
            ],
        )
        if include_engineers:
            _sheet(
                workbook,
                _("Engineers"),
                [
                    _("Engineer"),
                    _("Open assigned"),
                    _("Resolved"),
                    _("Work (min)"),
                    _("Visits"),
                    _("FTF (%)"),
                    _("CSAT"),
                ],
                [
                    [
                        r.engineer,
                        r.open_assigned,
                        r.resolved,
                        r.work_minutes,
                        r.visits,
                        r.first_time_fix.percent,
                        r.csat.value,
                    ]
                    for r in board.engineers
                ],
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return RenderedReport(
        f"kpi-{kpi_filter.start:%Y%m%d}-{kpi_filter.end:%Y%m%d}-{language}.xlsx", buffer.getvalue(), XLSX
    )
