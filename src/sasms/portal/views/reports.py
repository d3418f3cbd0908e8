"""Staff-facing reports of the portal: survey answers with averages, and self-service deflections.

Customer administrators (who may read reports) see their own organisation's rows only.
"""

import datetime
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from sasms.accounts.roles import Capability
from sasms.core.lists import Column, ListPage, attr
from sasms.feedback import selectors as feedback_selectors
from sasms.feedback.models import Deflection, SurveyResponse
from sasms.portal.filtersets import DeflectionFilterSet, SurveyResponseFilterSet


def _score_badge(value: int) -> str:
    return "success" if value >= 4 else "warning" if value == 3 else "danger"


class SurveyResultsView(ListPage):
    title = gettext_lazy("Satisfaction surveys")
    capability = Capability.VIEW_REPORTS
    filterset_class = SurveyResponseFilterSet
    template_name = "portal/survey_results.html"
    export_name = "satisfaction-surveys"
    empty_message = gettext_lazy("No survey answers match these filters.")
    columns = [
        Column(gettext_lazy("Answered"), attr("created_at"), css="text-nowrap"),
        Column(
            gettext_lazy("SR number"),
            attr("ticket.number"),
            link=lambda r: reverse("tickets:detail", args=[r.ticket.number]),
            css="text-nowrap",
        ),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("Engineer"), attr("engineer.full_name")),
        Column(
            gettext_lazy("Response speed"),
            attr("response_speed"),
            badge=lambda r: _score_badge(r.response_speed),
        ),
        Column(gettext_lazy("Expertise"), attr("expertise"), badge=lambda r: _score_badge(r.expertise)),
        Column(gettext_lazy("Resolution"), attr("resolution"), badge=lambda r: _score_badge(r.resolution)),
        Column(gettext_lazy("Attitude"), attr("attitude"), badge=lambda r: _score_badge(r.attitude)),
        Column(gettext_lazy("Average"), attr("average"), css="text-end"),
        Column(gettext_lazy("Comment"), attr("comment"), css="small text-break"),
        Column(gettext_lazy("Answered through"), attr("get_channel_display")),
    ]

    def get_queryset(self) -> QuerySet[SurveyResponse]:
        return feedback_selectors.survey_answers_visible_to(actor=self.request.user)

    def extra_context(self) -> dict[str, Any]:
        filterset = SurveyResponseFilterSet(
            self.request.GET or None, queryset=self.get_queryset(), request=self.request
        )
        answers = filterset.qs if filterset.is_bound and filterset.is_valid() else self.get_queryset()
        invited = feedback_selectors.surveys_visible_to(actor=self.request.user)
        data = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
        if data.get("organisation"):
            invited = invited.filter(organisation=data["organisation"])
        if data.get("engineer"):
            invited = invited.filter(engineer=data["engineer"])
        if data.get("since"):
            invited = invited.filter(invited_at__date__gte=data["since"])
        if data.get("until"):
            invited = invited.filter(invited_at__date__lte=data["until"])
        invited_count = invited.order_by().count()
        answered_count = invited.filter(answered_at__isnull=False).order_by().count()
        return {
            "summary": feedback_selectors.survey_summary(answers),
            "invited_count": invited_count,
            "answered_count": answered_count,
            "response_percent": round(100 * answered_count / invited_count) if invited_count else None,
        }


class DeflectionReportView(ListPage):
    title = gettext_lazy("Self-service deflections")
    capability = Capability.VIEW_REPORTS
    filterset_class = DeflectionFilterSet
    template_name = "portal/deflection_report.html"
    export_name = "deflections"
    empty_message = gettext_lazy("No deflections match these filters.")
    columns = [
        Column(gettext_lazy("Time"), attr("created_at"), css="text-nowrap"),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(gettext_lazy("User"), attr("user.full_name")),
        Column(gettext_lazy("Article"), attr("article_id"), css="text-end"),
        Column(gettext_lazy("Article title"), attr("article_title"), css="text-break"),
        Column(gettext_lazy("What the customer typed"), attr("query"), css="small text-break"),
    ]

    def get_queryset(self) -> QuerySet[Deflection]:
        return feedback_selectors.deflections_visible_to(actor=self.request.user)

    def extra_context(self) -> dict[str, Any]:
        filterset = DeflectionFilterSet(
            self.request.GET or None, queryset=self.get_queryset(), request=self.request
        )
        data = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
        organisation = data.get("organisation")
        since: datetime.date | None = data.get("since")
        until: datetime.date | None = data.get("until")
        return {
            "rate": feedback_selectors.deflection_rate(
                actor=self.request.user,
                since=since,
                until=until,
                organisation_id=organisation.pk if organisation else None,
            )
        }
