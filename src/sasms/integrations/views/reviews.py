"""Classification triage: automatic requests whose classification the model was not sure of."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasms.accounts.roles import Capability
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.permissions import require
from sasms.integrations import selectors, services
from sasms.integrations.choices import ReviewDecision, ReviewStatus
from sasms.integrations.classifier.predict import confidence_threshold
from sasms.integrations.filtersets import ReviewFilterSet
from sasms.integrations.forms import ReviewForm
from sasms.integrations.models import ClassificationReview
from sasms.integrations.views.common import actor_of


def _with_confidence(label: str, confidence: float) -> str:
    return f"{label} ({round(confidence * 100)} %)"


class ReviewListView(ListPage):
    title = gettext_lazy("Classification triage")
    capability = Capability.WORK_TICKETS
    filterset_class = ReviewFilterSet
    export_name = "classification-triage"
    empty_message = gettext_lazy("No suggestions match these filters.")
    columns = [
        Column(
            gettext_lazy("SR number"),
            attr("ticket.number"),
            link=lambda r: reverse("integrations:review_detail", args=[r.pk]),
        ),
        Column(gettext_lazy("Title"), attr("ticket.title")),
        Column(gettext_lazy("Customer"), attr("organisation.name")),
        Column(
            gettext_lazy("Category"),
            lambda r: _with_confidence(r.get_category_display(), r.category_confidence),
        ),
        Column(
            gettext_lazy("Component"),
            lambda r: _with_confidence(r.get_component_display(), r.component_confidence),
        ),
        Column(
            gettext_lazy("Priority"),
            lambda r: _with_confidence(r.get_priority_display(), r.priority_confidence),
        ),
        Column(
            gettext_lazy("Status"),
            attr("get_status_display"),
            badge=lambda r: "warning" if r.status == ReviewStatus.PENDING else "light",
        ),
        Column(gettext_lazy("Suggested"), attr("created_at")),
        Column(gettext_lazy("Reviewed by"), attr("reviewed_by.full_name")),
    ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        require(request.user, Capability.WORK_TICKETS)
        if "status" not in request.GET:  # the triage list proper: what still waits
            query = request.GET.copy()
            query["status"] = ReviewStatus.PENDING
            return redirect(f"{request.path}?{query.urlencode()}")
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return selectors.reviews_visible_to(actor=self.request.user)


def _rows(review: ClassificationReview) -> list[dict[str, Any]]:
    threshold = confidence_threshold()
    rows = []
    for target, label in (
        ("category", review.get_category_display()),
        ("component", review.get_component_display()),
        ("priority", review.get_priority_display()),
    ):
        confidence = float(getattr(review, f"{target}_confidence"))
        rows.append(
            {
                "target": target,
                "value": getattr(review, target),
                "label": label,
                "percent": round(confidence * 100),
                "confident": confidence >= threshold,
                "fill_json": json.dumps(
                    {target: getattr(review, target), "decision": ReviewDecision.OVERRIDE}
                ),
            }
        )
    return rows


@login_required
def review_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    review: ClassificationReview = selectors.access_review(actor=actor, review_id=pk)
    form = ReviewForm(
        request.POST or None,
        initial={
            "decision": ReviewDecision.ACCEPT,
            "category": review.category,
            "component": review.component,
            "priority": review.priority,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_review(actor=actor, review=review, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Classification of %(number)s saved.") % {"number": review.ticket.number}
            )
            return redirect("integrations:review_list")
    ticket = review.ticket
    context = {
        "review": review,
        "ticket": ticket,
        "form": form,
        "title": _("Classification of %(number)s") % {"number": ticket.number},
        "pending": review.status == ReviewStatus.PENDING,
        "prediction": review,
        "rows": _rows(review),
    }
    return render(request, "integrations/review_detail.html", context, status=400 if form.errors else 200)
