"""Staff corrections of the classifier: recorded as they happen, learnt from at once, reviewed.

When a staff member changes the category, component or priority of an open request the classifier
classified, and the new value is not what the classifier said, the correction is recorded (who, from
what, to what, on which text). The classifier's correction memory
(:mod:`sasms.integrations.classifier.memory`) uses it from then on; a person may accept it for the
evaluation set (``sasms classifier eval --add-corrections``) or reject it (then it is forgotten).
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict
from sasms.core.permissions import require
from sasms.integrations.choices import CorrectionStatus
from sasms.integrations.classifier import memory
from sasms.integrations.classifier.training import Sample
from sasms.integrations.models import ClassificationCorrection, ClassificationReview
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent

CORRECTABLE = ("category", "component", "priority")


def _targets(event: TicketEvent) -> list[str]:
    data = event.data or {}
    if event.kind == EventKind.UPDATED:
        fields = data.get("fields") or []
        return [t for t in ("category", "component") if t in fields]
    if event.kind == EventKind.PRIORITY:
        return ["priority"] if "priority" in data else []
    return []


def record_corrections(event: TicketEvent) -> list[ClassificationCorrection]:
    """Timeline follower: a staff change of a classified request's category, component or priority.

    Runs in the transaction of the change. A change back to the classifier's own value withdraws
    the earlier correction; changes by the system or a machine account are not corrections.
    """
    actor = event.actor
    targets = _targets(event)
    if not targets or actor is None or getattr(actor, "is_machine", False):
        return []
    review = ClassificationReview.objects.filter(ticket_id=event.ticket_id).first()
    if review is None:
        return []
    ticket = Ticket.objects.only("id", "status", "title", "description", *CORRECTABLE).get(pk=event.ticket_id)
    if not ticket.is_open:
        return []
    recorded: list[ClassificationCorrection] = []
    for target in targets:
        predicted, now = str(getattr(review, target)), str(getattr(ticket, target))
        if predicted == now:
            if ClassificationCorrection.objects.filter(ticket=ticket, target=target).delete()[0]:
                memory.forget()
            continue
        correction, _created = ClassificationCorrection.objects.update_or_create(
            ticket=ticket,
            target=target,
            defaults={
                "review": review,
                "from_value": predicted,
                "to_value": now,
                "title": ticket.title[:200],
                "description": ticket.description[:4000],
                "corrected_by": actor,
                "corrected_at": timezone.now(),
                "status": CorrectionStatus.NEW,
                "reviewed_by": None,
                "reviewed_at": None,
            },
        )
        recorded.append(correction)
    if recorded:
        # This process reads the new row at once; others (and this one) again once it commits.
        memory.forget()
        transaction.on_commit(memory.forget)
    return recorded


@transaction.atomic
def review_correction(
    *, actor: User, correction: ClassificationCorrection, accept: bool
) -> ClassificationCorrection:
    """Accept a correction for the evaluation set, or reject it (the memory forgets it)."""
    require(actor, Capability.MANAGE_SLA)
    correction = (
        ClassificationCorrection.objects.select_for_update().select_related("ticket").get(pk=correction.pk)
    )
    status = CorrectionStatus.ACCEPTED if accept else CorrectionStatus.REJECTED
    if correction.status == status:
        message = _("This correction has this status already.")
        raise Conflict(message, fields={"status": [message]})
    before = correction.status
    correction.status = status
    correction.reviewed_by = actor
    correction.reviewed_at = timezone.now()
    correction.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    record_audit(
        actor=actor,
        action="integrations.classification.correction_review",
        target=correction,
        changes={"status": [before, status]},
        organisation=correction.ticket.organisation,
    )
    memory.forget()
    transaction.on_commit(memory.forget)
    return correction


def accepted_samples() -> list[Sample]:
    """The requests of accepted corrections as evaluation samples, labelled with the request's
    values now (what staff settled on), one per request."""
    rows = (
        ClassificationCorrection.objects.filter(status=CorrectionStatus.ACCEPTED)
        .select_related("ticket")
        .order_by("ticket_id", "pk")
    )
    samples: dict[int, Sample] = {}
    for row in rows:
        ticket = row.ticket
        samples.setdefault(
            ticket.pk,
            Sample(row.title, row.description, ticket.category, ticket.component, ticket.priority),
        )
    return list(samples.values())


def memory_without(tickets: Sequence[int] = ()) -> memory.CorrectionMemory:
    """The memory of every correction not rejected, leaving out those of ``tickets`` (measured on)."""
    rows = (
        ClassificationCorrection.objects.exclude(status=CorrectionStatus.REJECTED)
        .exclude(ticket_id__in=list(tickets))
        .order_by("-corrected_at", "-id")
        .values_list("title", "description", "target", "to_value")
    )
    return memory.CorrectionMemory(memory.examples_of(rows[: memory.MAX_EXAMPLES]))
