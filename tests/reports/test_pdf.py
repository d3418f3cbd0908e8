"""Customer reports: the figures of one quarter, the recommendation rules and the PDF in both languages."""

import datetime
import io

import pytest
from pypdf import PdfReader

from sasms.reports import figures, rendering
from sasms.reports.models import ReportKind
from tests.reports.conftest import Quarter

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 24)


def _text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_qbr_figures_of_the_quarter(quarter: Quarter) -> None:
    period = figures.report_period(ReportKind.QBR, 2026, 3, today=TODAY)
    assert (period.start, period.end) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    data = figures.build(kind=ReportKind.QBR, organisation=quarter.customer_a, period=period)
    assert data.summary.created == 5
    assert [(b.label, b.value) for b in data.by_month] == [("2026-07", 2), ("2026-08", 2), ("2026-09", 1)]
    assert {b.label: b.value for b in data.by_category} == {
        "Hardware": 3,
        "Software": 1,
        "Network": 1,
        "Performance": 0,
        "Consultation": 0,
        "Other": 0,
    }
    assert {b.label: b.value for b in data.by_priority} == {
        "P1 urgent": 0,
        "P2 high": 1,
        "P3 normal": 3,
        "P4 low": 1,
    }
    targets = {t.key: (t.met, t.decided, t.percent) for t in data.targets}
    assert targets == {"response": (3, 4, 75.0), "resolution": (4, 4, 100.0)}
    assert [(r.model, r.repeats) for r in data.repeats] == [("PowerEdge R730", 2)]
    assert [(r.model, r.eosl_date, r.servers, r.past) for r in data.eosl] == [
        ("PowerEdge R730", datetime.date(2026, 6, 30), 2, True),
        ("PowerEdge R740", datetime.date(2027, 3, 31), 1, False),
    ]
    assert (data.eosl_past_servers, data.eosl_soon_servers) == (2, 1)
    assert data.summary.csat.value == 3.8  # (5 + 2.5) / 2 = 3.75, rounded to one place
    assert data.csat_answers == 2
    assert data.servers_total == 4
    assert data.warranty_expiring == 4  # every warranty ends on 2026-11-30, within 90 days of 09-30
    assert data.top_models[0].faults == 3
    assert "R730" in data.top_models[0].label
    assert data.top_components[0].faults == 3  # the three disk faults on A1
    rules = [r.rule for r in data.recommendations]
    assert rules == ["eosl_past", "eosl_soon", "sla_target", "repeat_model", "csat_low", "warranty"]


def test_no_rule_fires_on_a_quiet_estate(customer_b: object, quarter: Quarter) -> None:
    # Customer B in 2026 Q2: no request, one server of a model without an EOSL date.
    period = figures.report_period(ReportKind.QBR, 2026, 2, today=TODAY)
    data = figures.build(kind=ReportKind.QBR, organisation=quarter.customer_b, period=period)
    assert data.summary.created == 0
    assert data.recommendations == []


def test_health_check_looks_at_the_90_days_to_its_date(quarter: Quarter) -> None:
    period = figures.report_period(ReportKind.HEALTH, 2026, 3, today=TODAY)
    assert (period.start, period.end) == (datetime.date(2026, 7, 3), datetime.date(2026, 9, 30))
    data = figures.build(kind=ReportKind.HEALTH, organisation=quarter.customer_a, period=period)
    assert data.summary.created == 5 - 0  # the first request (07-06) is inside the window
    assert sum(b.count for b in data.ageing) == 1  # the open network request


def test_current_quarter_runs_to_today() -> None:
    period = figures.report_period(ReportKind.QBR, 2026, 4, today=TODAY)
    assert (period.start, period.end) == (datetime.date(2026, 10, 1), TODAY)


def test_english_pdf_has_the_headings_and_figures(quarter: Quarter) -> None:
    report = rendering.render_pdf(
        kind=ReportKind.QBR,
        organisation=quarter.customer_a,
        year=2026,
        quarter=3,
        language="en",
        period=figures.Period(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), ""),
    )
    assert report.content.startswith(b"%PDF")
    assert report.name == "qbr-cust-a-2026Q3-en.pdf"
    text = _text(report.content)
    for heading in (
        "Quarterly business review",
        "Key figures",
        "SLA attainment",
        "Request volume",
        "Top faults",
        "Customer satisfaction",
        "Estate and end-of-service-life exposure",
        "Repeat failures",
        "Recommendations",
    ):
        assert heading in text, heading
    assert "Customer A" in text
    assert "2026 Q3" in text
    assert "75.0 %" in text  # the response target
    assert "2026-06-30" in text  # R730's end of service life
    assert "PowerEdge R730" in text
    assert "Plan the refresh of servers past end of service life" in text
    assert "Review the First response target" in text
    assert "ZZSECRETB" not in text


def test_chinese_pdf_has_chinese_headings(quarter: Quarter) -> None:
    report = rendering.render_pdf(
        kind=ReportKind.QBR,
        organisation=quarter.customer_a,
        year=2026,
        quarter=3,
        language="zh-hans",
        period=figures.Period(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), ""),
    )
    text = _text(report.content)
    assert "季度业务回顾" in text
    assert "关键指标" in text
    assert "服务级别达成率" in text or "SLA 达成率" in text
    assert "建议" in text
    assert "甲银行" in text
    assert "75.0 %" in text
    assert "PowerEdge R730" in text


def test_health_check_pdf(quarter: Quarter) -> None:
    report = rendering.render_pdf(
        kind=ReportKind.HEALTH, organisation=quarter.customer_a, year=2026, quarter=3, language="en"
    )
    text = _text(report.content)
    assert "Health check" in text
    assert "Open requests by age" in text
    assert "As of 2026-09-30" in text
