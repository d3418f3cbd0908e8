"""Training the classifier, choosing the active model, and classifying automatic requests.

A request that arrived by e-mail, monitoring, BMC or API is classified after its creation
commits (through the outbox, so it happens even if the process stops in between): confident
predictions are applied as the system, the rest go to the triage list, and the suggestion is
noted on the request's timeline either way.
"""

import datetime
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core import outbox
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict, ServiceError
from sasms.core.permissions import require
from sasms.integrations.cache import classifier_active, forget_classifier
from sasms.integrations.choices import (
    AUTOMATIC_CHANNELS,
    TARGETS,
    ModelStatus,
    ReviewDecision,
    ReviewStatus,
    TrainingTrigger,
)
from sasms.integrations.classifier import evaluation, store, training
from sasms.integrations.classifier.predict import Prediction, classify, confidence_threshold
from sasms.integrations.models import ClassificationReview, ClassifierModel
from sasms.integrations.services.corrections import record_corrections
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import Category, ComponentArea, EventKind, Priority, Status
from sasms.tickets.events import record_event
from sasms.tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)
CLASSIFY_TOPIC = "integrations.classify"
STALE_TRAINING = datetime.timedelta(hours=1)
# A new model replaces the active one unless its mean macro-F1 is clearly worse.
ACTIVATION_TOLERANCE = 0.02
KEEP_MODEL_FILES = 5


# --- training ----------------------------------------------------------------------------------


def _audit_model(
    actor: User | None, action: str, model: ClassifierModel, changes: dict[str, list[Any]]
) -> None:
    record_audit(actor=actor, action=f"integrations.classifier.{action}", target=model, changes=changes)


def _start_run(actor: User | None, trigger: str) -> ClassifierModel:
    with transaction.atomic():
        running = ClassifierModel.objects.filter(
            status=ModelStatus.TRAINING, created_at__gte=timezone.now() - STALE_TRAINING
        ).exists()
        if running:
            message = _("A training run is already in progress.")
            raise Conflict(message, fields={"trigger": [message]})
        version = (ClassifierModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        try:
            with transaction.atomic():
                return ClassifierModel.objects.create(
                    version=version, trigger=trigger, started_by=actor, status=ModelStatus.TRAINING
                )
        except IntegrityError as exc:
            message = _("A training run is already in progress.")
            raise Conflict(message, fields={"trigger": [message]}) from exc


def eval_macro_f1(model: ClassifierModel) -> float | None:
    """Mean macro-F1 of the three targets on the evaluation set, if the run measured it."""
    targets = (model.report or {}).get("evaluation", {}).get("targets", {})
    values = [targets[t]["macro_f1"] for t in TARGETS if t in targets]
    return sum(values) / len(values) if len(values) == len(TARGETS) else None


def _should_activate(model: ClassifierModel) -> bool:
    current = ClassifierModel.objects.filter(is_active=True).exclude(pk=model.pk).first()
    if current is None:
        return True
    # Texts the models never saw judge them best; the held-out split only when one lacks them.
    new, old = eval_macro_f1(model), eval_macro_f1(current)
    if new is None or old is None:
        new, old = model.mean_macro_f1, current.mean_macro_f1
    return old is None or (new is not None and new >= old - ACTIVATION_TOLERANCE)


def _activate(model: ClassifierModel) -> None:
    ClassifierModel.objects.filter(is_active=True).exclude(pk=model.pk).update(is_active=False)
    ClassifierModel.objects.filter(pk=model.pk).update(is_active=True)
    model.is_active = True
    forget_classifier()


def _prune_files() -> None:
    """Keep the files of the active model and the newest few; older rows stay as history."""
    keep = set(
        ClassifierModel.objects.filter(status=ModelStatus.TRAINED)
        .exclude(file_name="")
        .order_by("-version")
        .values_list("pk", flat=True)[:KEEP_MODEL_FILES]
    )
    old = ClassifierModel.objects.filter(is_active=False).exclude(file_name="").exclude(pk__in=keep)
    for model in old:
        store.delete_file(model.file_name)
        ClassifierModel.objects.filter(pk=model.pk).update(file_name="", file_size=0)


def train_classifier(
    *,
    actor: User | None,
    trigger: str = TrainingTrigger.COMMAND,
    max_samples: int = training.DEFAULT_MAX_SAMPLES,
    min_samples: int | None = None,
    seed: int = training.DEFAULT_SEED,
    base_examples: int = training.DEFAULT_BASE_EXAMPLES,
    progress: training.Progress | None = None,
) -> ClassifierModel:
    """Train from the newest resolved requests, record the figures, and activate the new model
    unless the active one is clearly better. Returns the run's row: ``trained``, ``skipped``
    (too little data; the classifier stays as it was) or ``failed`` (the error is in ``message``).

    Each step is written to the running row's ``message`` (the classifier page shows it) and told
    to ``progress`` (the command prints it)."""
    if actor is not None:
        require(actor, Capability.MANAGE_SLA)
    if trigger not in TrainingTrigger.values:
        raise ServiceError(_("Unknown trigger."), fields={"trigger": [_("Unknown trigger.")]})
    if max_samples < 1:
        raise ServiceError(_("Must be positive."), fields={"max_samples": [_("Must be positive.")]})
    if base_examples < 0:
        message = _("Must not be negative.")
        raise ServiceError(message, fields={"base_examples": [message]})
    model = _start_run(actor, trigger)
    steps = training.FIT_STEPS + 2  # reading the requests, fitting, measuring on the evaluation set

    def note_step(number: int, what: str) -> None:
        text = _("Step %(step)d of %(steps)d: %(what)s") % {"step": number, "steps": steps, "what": what}
        ClassifierModel.objects.filter(pk=model.pk).update(message=text[:2000])
        if progress is not None:
            progress(number, steps, what)

    try:
        note_step(1, "reading resolved requests")
        samples = training.load_samples(limit=max_samples)
        # The built-in examples widen what is learnt; the classifier still waits for enough of
        # the deployment's own resolved requests before it switches on.
        enough = len(samples) >= (training.min_samples() if min_samples is None else min_samples)
        if base_examples and enough:
            samples += training.base_examples(base_examples, seed=seed)
        result = training.fit(
            samples,
            seed=seed,
            minimum=min_samples,
            progress=lambda number, _total, what: note_step(number + 1, f"{what} ({len(samples)} samples)"),
        )
        if result.bundle is not None:
            note_step(steps, "measuring on the evaluation set")
        measured = (
            evaluation.evaluate(
                result.bundle, evaluation.load_eval_set(), threshold=confidence_threshold()
            ).as_json()
            if result.bundle is not None
            else None
        )
    except Exception as exc:  # recorded on the run; the active model keeps serving
        logger.exception("training classifier v%s failed", model.version)
        ClassifierModel.objects.filter(pk=model.pk).update(status=ModelStatus.FAILED, message=str(exc)[:2000])
        model.refresh_from_db()
        return model
    with transaction.atomic():
        model = ClassifierModel.objects.select_for_update().get(pk=model.pk)
        model.message = ""  # the last step's progress note
        model.sample_count = result.sample_count
        model.duration_seconds = round(result.seconds, 3)
        if result.bundle is None:
            model.status = ModelStatus.SKIPPED
            model.message = result.skipped_reason
            model.save()
            _audit_model(actor, "train", model, {"status": [None, model.status]})
            return model
        model.file_name, model.sha256, model.file_size = store.save_bundle(
            result.bundle, version=model.version
        )
        model.status = ModelStatus.TRAINED
        model.trained_at = timezone.now()
        model.train_count, model.test_count = result.train_count, result.test_count
        for target, report in result.reports.items():
            setattr(model, f"{target}_accuracy", round(report.accuracy, 4))
            setattr(model, f"{target}_macro_f1", round(report.macro_f1, 4))
        model.report = {
            "targets": {target: report.as_json() for target, report in result.reports.items()},
            "parameters": {**result.parameters, "base_examples": base_examples},
            "evaluation": measured,
        }
        model.save()
        if _should_activate(model):
            _activate(model)
        else:
            model.message = _("Kept the active model: its macro-F1 is clearly better.")
            model.save(update_fields=["message"])
        _audit_model(
            actor,
            "train",
            model,
            {"status": [None, model.status], "is_active": [None, model.is_active]},
        )
        _prune_files()
    return model


@transaction.atomic
def activate_model(*, actor: User | None, model: ClassifierModel) -> ClassifierModel:
    """Make a trained model the one that answers (e.g. to go back to an earlier version)."""
    if actor is not None:
        require(actor, Capability.MANAGE_SLA)
    model = ClassifierModel.objects.select_for_update().get(pk=model.pk)
    if model.status != ModelStatus.TRAINED or not model.file_name:
        message = _("Only a trained model whose file is kept can be activated.")
        raise Conflict(message, fields={"model": [message]})
    if model.is_active:
        return model
    previous = ClassifierModel.objects.filter(is_active=True).first()
    _activate(model)
    _audit_model(
        actor,
        "activate",
        model,
        {"is_active": [False, True], "replaced": [previous.version if previous else None, None]},
    )
    return model


# --- automatic requests ----------------------------------------------------------------------------


def on_ticket_event(event: TicketEvent) -> None:
    """Timeline listener: a new automatic request is classified once its creation commits; a
    staff change of a classified request's category, component or priority is a correction."""
    if event.kind in (EventKind.UPDATED, EventKind.PRIORITY):
        record_corrections(event)
        return
    if event.kind != EventKind.CREATED or str(event.data.get("channel", "")) not in AUTOMATIC_CHANNELS:
        return
    if not classifier_active():
        return  # the classifier is off: nothing to suggest, nothing queued
    outbox.enqueue(
        topic=CLASSIFY_TOPIC,
        payload={"ticket_id": event.ticket_id},
        idempotency_key=f"{CLASSIFY_TOPIC}:{event.ticket_id}",
    )


@outbox.register_handler(CLASSIFY_TOPIC)
def _classify_handler(payload: Mapping[str, Any], idempotency_key: str) -> None:
    classify_request(ticket_id=int(payload["ticket_id"]))


def apply_priority() -> bool:
    """Whether confident priority suggestions are applied too (off: priority follows the
    entitlement and impact × urgency, and the suggestion is only shown)."""
    return bool(getattr(settings, "SASMS_CLASSIFIER_APPLY_PRIORITY", False))


def _label(target: str, value: str) -> str:
    choices: Any = {"category": Category, "component": ComponentArea, "priority": Priority}[target]
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _note(prediction: Prediction, applied: list[str], review: bool) -> str:
    parts = [
        _("%(target)s %(value)s (%(percent)d %%)")
        % {
            "target": {"category": _("category"), "component": _("component"), "priority": _("priority")}[t],
            "value": _label(t, prediction.value(t)),
            "percent": round(prediction.confidence[t] * 100),
        }
        for t in TARGETS
    ]
    text = _("Auto-classification (model v%(version)s): %(parts)s.") % {
        "version": prediction.model_version,
        "parts": ", ".join(parts),
    }
    if applied:
        text += " " + _("Applied: %s.") % ", ".join(_label_of_target(t) for t in applied)
    if review:
        text += " " + _("Not sure enough: sent to classification triage.")
    return text


def _label_of_target(target: str) -> str:
    return {"category": _("category"), "component": _("component"), "priority": _("priority")}[target]


def classify_request(*, ticket_id: int) -> ClassificationReview | None:
    """Classify one automatic request, once. Returns its review row (``applied`` or ``pending``),
    or ``None`` when the classifier is off or the request is already closed."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None or ticket.status in (Status.CLOSED, Status.CANCELLED):
            return None
        existing = ClassificationReview.objects.filter(ticket=ticket).first()
        if existing is not None:
            return existing  # delivered twice: classified already
        role = ticket.server.business_role if ticket.server is not None else ""
        prediction = classify(ticket.title, ticket.description, server_role=role)
        if prediction is None:
            return None
        considered = ["category"]
        # A component the intake adapter already named (from the BMC, the alert) is kept.
        if ticket.component in ("", ComponentArea.OTHER):
            considered.append("component")
        if apply_priority() and ticket.is_open:
            considered.append("priority")
        # Applied only when every target considered is confident: a request with anything under
        # review goes to triage whole, so nobody has to undo a half-applied guess.
        needs_review = not all(prediction.confident(t) for t in considered)
        applied: list[str] = []
        if not needs_review:
            changes = {
                t: prediction.value(t)
                for t in considered
                if t != "priority" and prediction.value(t) != getattr(ticket, t)
            }
            if changes:
                ticket = ticket_services.update_ticket(actor=None, ticket=ticket, **changes)
                applied += list(changes)
            # The text may raise the priority the entitlement gave, never lower it.
            if "priority" in considered and prediction.priority < ticket.priority:
                ticket_services.change_priority(
                    actor=None,
                    ticket=ticket,
                    priority=prediction.priority,
                    reason=_("Suggested by the auto-classification."),
                )
                applied.append("priority")
        review = ClassificationReview.objects.create(
            ticket=ticket,
            organisation_id=ticket.organisation_id,
            model_id=prediction.model_id,
            category=prediction.category,
            category_confidence=prediction.confidence["category"],
            component=prediction.component,
            component_confidence=prediction.confidence["component"],
            priority=prediction.priority,
            priority_confidence=prediction.confidence["priority"],
            applied_fields=applied,
            status=ReviewStatus.PENDING if needs_review else ReviewStatus.APPLIED,
        )
        record_event(
            ticket=ticket,
            actor=None,
            kind=EventKind.NOTE,
            public=False,
            body=_note(prediction, applied, needs_review),
            data={
                "source": "classifier",
                "review_id": review.pk,
                "model_version": prediction.model_version,
                "prediction": {t: prediction.value(t) for t in TARGETS},
                "confidence": prediction.confidence,
                "applied": applied,
                "threshold": confidence_threshold(),
            },
        )
        return review


# --- triage --------------------------------------------------------------------------------------


def _check_value(target: str, value: str, errors: dict[str, list[str]]) -> None:
    choices: Any = {"category": Category, "component": ComponentArea, "priority": Priority}[target]
    if value not in choices.values:
        errors[target] = [_("Unknown value.")]


@transaction.atomic
def resolve_review(
    *,
    actor: User,
    review: ClassificationReview,
    decision: str,
    category: str = "",
    component: str = "",
    priority: str = "",
) -> ClassificationReview:
    """Accept the suggestion, apply the reviewer's own values, or dismiss it; once per review."""
    require(actor, Capability.WORK_TICKETS)
    errors: dict[str, list[str]] = {}
    if decision not in ReviewDecision.values:
        errors["decision"] = [_("Unknown decision.")]
    chosen: dict[str, str] = {}
    if decision == ReviewDecision.ACCEPT:
        chosen = {"category": review.category, "component": review.component, "priority": review.priority}
    elif decision == ReviewDecision.OVERRIDE:
        chosen = {
            k: v for k, v in (("category", category), ("component", component), ("priority", priority)) if v
        }
        for target, value in chosen.items():
            _check_value(target, value, errors)
        if not chosen and not errors:
            errors["category"] = [_("Choose at least one value to apply.")]
    if errors:
        raise ServiceError(_("Please correct the errors below."), fields=errors)
    review = (
        ClassificationReview.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .get(pk=review.pk)
    )
    if review.status != ReviewStatus.PENDING:
        message = _("This suggestion has been reviewed already.")
        raise Conflict(message, fields={"decision": [message]})
    ticket = review.ticket
    details = {k: v for k, v in chosen.items() if k != "priority" and getattr(ticket, k) != v}
    if details:
        ticket = ticket_services.update_ticket(actor=actor, ticket=ticket, **details)
    if chosen.get("priority") and chosen["priority"] != ticket.priority:
        ticket_services.change_priority(
            actor=actor, ticket=ticket, priority=chosen["priority"], reason=_("Classification triage")
        )
    review.status = {
        ReviewDecision.ACCEPT: ReviewStatus.ACCEPTED,
        ReviewDecision.OVERRIDE: ReviewStatus.OVERRIDDEN,
        ReviewDecision.DISMISS: ReviewStatus.DISMISSED,
    }[ReviewDecision(decision)]
    review.reviewed_by = actor
    review.reviewed_at = timezone.now()
    review.final = chosen
    review.save(update_fields=["status", "reviewed_by", "reviewed_at", "final"])
    record_audit(
        actor=actor,
        action="integrations.classification.review",
        target=review,
        changes={
            "status": [ReviewStatus.PENDING, review.status],
            **{k: [None, v] for k, v in chosen.items()},
        },
        organisation=review.ticket.organisation,
    )
    return review
