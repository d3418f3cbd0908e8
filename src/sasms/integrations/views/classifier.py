"""The classifier for managers (figures, history, retrain) and its suggestions while typing."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sasms.accounts.roles import Capability
from sasms.core.errors import ServiceError
from sasms.core.lists import Column, ListPage, attr
from sasms.core.permissions import require
from sasms.integrations import selectors, services
from sasms.integrations.choices import TARGETS, ModelStatus, TrainingTrigger
from sasms.integrations.classifier.predict import classifier_state, classify, confidence_threshold
from sasms.integrations.filtersets import ClassifierModelFilterSet
from sasms.integrations.models import ClassifierModel
from sasms.integrations.tasks import retrain_classifier
from sasms.integrations.views.common import actor_of
from sasms.tickets.priority import priority_matrix


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f} %"


def _status_badge(model: ClassifierModel) -> str:
    return {
        ModelStatus.TRAINED: "success" if model.is_active else "secondary",
        ModelStatus.TRAINING: "info",
        ModelStatus.SKIPPED: "warning",
        ModelStatus.FAILED: "danger",
    }.get(ModelStatus(model.status), "light")


class ClassifierView(ListPage):
    title = gettext_lazy("Auto-classification")
    capability = Capability.MANAGE_SLA
    filterset_class = ClassifierModelFilterSet
    template_name = "integrations/classifier.html"
    export_name = "classifier-models"
    empty_message = gettext_lazy("No training runs match these filters.")
    row_actions_template = "integrations/_model_actions.html"
    columns = [
        Column(gettext_lazy("Version"), lambda m: f"v{m.version}"),
        Column(gettext_lazy("Status"), attr("get_status_display"), badge=_status_badge),
        Column(gettext_lazy("Active"), attr("is_active")),
        Column(gettext_lazy("Trained"), attr("trained_at")),
        Column(gettext_lazy("Trigger"), attr("get_trigger_display")),
        Column(gettext_lazy("Samples"), attr("sample_count"), css="text-end"),
        Column(gettext_lazy("Held out"), attr("test_count"), css="text-end"),
        Column(gettext_lazy("Category accuracy"), lambda m: _percent(m.category_accuracy), css="text-end"),
        Column(gettext_lazy("Category macro-F1"), lambda m: _percent(m.category_macro_f1), css="text-end"),
        Column(gettext_lazy("Component accuracy"), lambda m: _percent(m.component_accuracy), css="text-end"),
        Column(gettext_lazy("Component macro-F1"), lambda m: _percent(m.component_macro_f1), css="text-end"),
        Column(gettext_lazy("Priority accuracy"), lambda m: _percent(m.priority_accuracy), css="text-end"),
        Column(gettext_lazy("Priority macro-F1"), lambda m: _percent(m.priority_macro_f1), css="text-end"),
        Column(gettext_lazy("Duration (s)"), attr("duration_seconds"), css="text-end"),
        Column(gettext_lazy("Note"), attr("message")),
    ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.GET.get("card"):  # polled while a training run is in progress
            require(request.user, Capability.MANAGE_SLA)
            return render(request, "integrations/_active_model.html", self.extra_context())
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return selectors.models_visible_to(actor=self.request.user)

    def extra_context(self) -> dict[str, Any]:
        state = classifier_state()
        active = state.active
        report = (active.report.get("targets", {}) if active is not None else {}) or {}
        return {
            "state": state,
            "active": active,
            "targets": [
                {
                    "name": target,
                    "accuracy": _percent(getattr(active, f"{target}_accuracy")) if active else "",
                    "macro_f1": _percent(getattr(active, f"{target}_macro_f1")) if active else "",
                    "classes": len(report.get(target, {}).get("classes", [])),
                }
                for target in TARGETS
            ],
            "threshold": round(confidence_threshold() * 100),
            # The running row: its message is the step it is at.
            "training": ClassifierModel.objects.filter(status=ModelStatus.TRAINING)
            .order_by("-version")
            .first(),
        }


@login_required
@require_POST
def retrain_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.MANAGE_SLA)
    # Runs at once without a broker (a few seconds), on an ml worker with one.
    retrain_classifier.delay(trigger=TrainingTrigger.BUTTON, actor_id=actor.pk)
    latest = ClassifierModel.objects.order_by("-version").first()
    if latest is None or latest.status == ModelStatus.TRAINING:
        messages.info(request, _("Retraining has started; the figures appear here when it is done."))
    elif latest.status == ModelStatus.TRAINED:
        messages.success(request, _("Model v%(version)s trained.") % {"version": latest.version})
    else:
        messages.warning(request, latest.message or latest.get_status_display())
    return redirect("integrations:classifier")


@login_required
@require_POST
def activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    model = selectors.access_model(actor=actor, model_id=pk)
    try:
        services.activate_model(actor=actor, model=model)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Model v%(version)s is now active.") % {"version": model.version})
    return redirect("integrations:classifier")


# --- suggestions while typing ----------------------------------------------------------------------


def _levels_for(priority: str) -> tuple[str, str] | None:
    """Impact and urgency that give ``priority`` in the configured matrix (closest to balanced)."""
    cells = [key for key, value in priority_matrix().items() if value == priority]
    if not cells:
        return None
    best = min(cells, key=lambda key: (abs(int(key[0]) - int(key[1])), key))
    return best[0], best[1]


def suggestions_for(title: str, description: str) -> dict[str, Any]:
    prediction = classify(title, description)
    if prediction is None:
        state = classifier_state()
        return {"prediction": None, "state": state, "typed": bool((title + description).strip())}
    rows = []
    threshold = confidence_threshold()
    for target in TARGETS:
        fill: dict[str, str] = {target: prediction.value(target)}
        if target == "priority":
            levels = _levels_for(prediction.priority)
            fill = (
                {"impact": levels[0], "urgency": levels[1], "priority": prediction.priority}
                if levels
                else fill
            )
        rows.append(
            {
                "target": target,
                "value": prediction.value(target),
                "label": prediction.label(target),
                "percent": round(prediction.confidence[target] * 100),
                "confident": prediction.confidence[target] >= threshold,
                "fill_json": json.dumps(fill),
            }
        )
    return {"prediction": prediction, "rows": rows}


@login_required
@require_GET
def suggest_view(request: HttpRequest) -> HttpResponse:
    """The classifier's suggestions for the text being typed: a fragment for the intake form."""
    actor = actor_of(request)
    require(actor, Capability.WORK_TICKETS)
    title = request.GET.get("title", "")[:200]
    description = request.GET.get("description", "")[:20_000]
    context = suggestions_for(title, description)
    context["classifier_url"] = reverse("integrations:classifier") if actor.can(Capability.MANAGE_SLA) else ""
    return render(request, "integrations/_suggestions.html", context)
