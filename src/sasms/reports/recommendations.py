"""Recommendations of a customer report, each from one explicit rule on the report's figures.

The rules (documented in docs/reports.md, in this order):

- ``eosl_past``: servers whose model is past its end of service life → a refresh plan;
- ``eosl_soon``: servers whose model reaches EOSL within 12 months → budget the refresh;
- ``sla_target``: a target with decided clocks and attainment below 95 % → review it;
- ``repeat_model``: a model with at least 2 repeat failures (same server and component within
  30 days) → proactive replacement / firmware review;
- ``csat_low``: mean CSAT below 4.0 (of 5) → a follow-up with the customer;
- ``backlog_old``: open requests older than 30 days → escalation review;
- ``warranty``: servers whose warranty ends within 90 days → renew coverage.

When no rule fires, the report says so.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from sasms.reports.figures import ReportData

SLA_THRESHOLD = 95.0
REPEAT_THRESHOLD = 2
CSAT_THRESHOLD = 4.0
OLD_BACKLOG_BUCKETS = ("gt30d",)


@dataclass(frozen=True)
class Recommendation:
    rule: str
    severity: str  # "high", "medium", "low"
    title: str
    detail: str


def _eosl(data: "ReportData") -> list[Recommendation]:
    found = []
    past = [r for r in data.eosl if r.past]
    soon = [r for r in data.eosl if not r.past]
    if past:
        models = ", ".join(f"{r.vendor} {r.model}" for r in past)
        found.append(
            Recommendation(
                "eosl_past",
                "high",
                _("Plan the refresh of servers past end of service life"),
                ngettext(
                    "%(count)d server (%(models)s) is past its end of service life: parts and vendor "
                    "support are no longer assured. Agree a refresh plan.",
                    "%(count)d servers (%(models)s) are past their end of service life: parts and "
                    "vendor support are no longer assured. Agree a refresh plan.",
                    data.eosl_past_servers,
                )
                % {"count": data.eosl_past_servers, "models": models},
            )
        )
    if soon:
        first = min(r.eosl_date for r in soon)
        found.append(
            Recommendation(
                "eosl_soon",
                "medium",
                _("Budget the refresh of servers reaching end of service life"),
                ngettext(
                    "%(count)d server reaches its end of service life within 12 months (first on "
                    "%(date)s). Include it in next year's refresh budget.",
                    "%(count)d servers reach their end of service life within 12 months (first on "
                    "%(date)s). Include them in next year's refresh budget.",
                    data.eosl_soon_servers,
                )
                % {"count": data.eosl_soon_servers, "date": first.isoformat()},
            )
        )
    return found


def _sla(data: "ReportData") -> list[Recommendation]:
    return [
        Recommendation(
            "sla_target",
            "high",
            _("Review the %(target)s target") % {"target": row.label},
            _(
                "Attainment of the %(target)s target was %(percent)s %% (%(met)d of %(decided)d), "
                "below %(threshold)s %%. Review staffing, dispatch and parts logistics for it."
            )
            % {
                "target": row.label,
                "percent": f"{row.percent:.1f}",
                "met": row.met,
                "decided": row.decided,
                "threshold": f"{SLA_THRESHOLD:.0f}",
            },
        )
        for row in data.targets
        if row.percent is not None and row.percent < SLA_THRESHOLD
    ]


def _repeats(data: "ReportData") -> list[Recommendation]:
    return [
        Recommendation(
            "repeat_model",
            "medium",
            _("Proactive replacement on %(model)s") % {"model": f"{row.vendor} {row.model}"},
            _(
                "%(count)d repeat failures (same server and component within 30 days) on "
                "%(model)s. Consider proactive replacement of the failing components and a "
                "firmware review for the model."
            )
            % {"count": row.repeats, "model": f"{row.vendor} {row.model}"},
        )
        for row in data.repeats
        if row.repeats >= REPEAT_THRESHOLD
    ]


def _csat(data: "ReportData") -> list[Recommendation]:
    mean = data.summary.csat.value
    if mean is None or mean >= CSAT_THRESHOLD:
        return []
    return [
        Recommendation(
            "csat_low",
            "medium",
            _("Follow up on customer satisfaction"),
            _(
                "Mean satisfaction was %(mean)s of 5 over %(count)d answers, below %(threshold)s. "
                "Arrange a follow-up with the customer on the low-rated requests."
            )
            % {"mean": f"{mean:.1f}", "count": data.summary.csat.count, "threshold": f"{CSAT_THRESHOLD:.1f}"},
        )
    ]


def _backlog(data: "ReportData") -> list[Recommendation]:
    old = sum(b.count for b in data.ageing if b.key in OLD_BACKLOG_BUCKETS)
    if not old:
        return []
    return [
        Recommendation(
            "backlog_old",
            "medium",
            _("Review long-open requests"),
            ngettext(
                "%(count)d request has been open for more than 30 days. Review it with the "
                "escalation manager.",
                "%(count)d requests have been open for more than 30 days. Review them with the "
                "escalation manager.",
                old,
            )
            % {"count": old},
        )
    ]


def _warranty(data: "ReportData") -> list[Recommendation]:
    if not data.warranty_expiring:
        return []
    return [
        Recommendation(
            "warranty",
            "low",
            _("Renew expiring coverage"),
            ngettext(
                "The warranty of %(count)d server ends within 90 days. Renew the service contract "
                "to keep it covered.",
                "The warranty of %(count)d servers ends within 90 days. Renew the service contracts "
                "to keep them covered.",
                data.warranty_expiring,
            )
            % {"count": data.warranty_expiring},
        )
    ]


RULES = (_eosl, _sla, _repeats, _csat, _backlog, _warranty)


def recommend(data: "ReportData") -> list[Recommendation]:
    """Every rule's recommendations, in rule order."""
    return [item for rule in RULES for item in rule(data)]
