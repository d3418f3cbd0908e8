"""Batch assignment: compute a proposal for the open unassigned requests, then apply all or part.

Each applied row is its own transaction: under the row's lock (two dispatchers applying the same
proposal), the request's lock (still open and unassigned?) and the engineer's lock (still room?)
it assigns through ``assign_ticket`` and records the explanation on the timeline. A row whose
request was taken meanwhile is skipped with the reason, never assigned twice.
"""

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict, ServiceError
from sasms.dispatch.access import require_dispatcher
from sasms.dispatch.choices import ProposalStatus, RowOutcome
from sasms.dispatch.engine.facts import TICKET_RELATED, facts_for
from sasms.dispatch.engine.optimise import Problem, quality, solve
from sasms.dispatch.engine.pool import ftfr_table, load_pool
from sasms.dispatch.engine.reasons import Reason
from sasms.dispatch.engine.scoring import ScoreMatrix, score_matrix
from sasms.dispatch.factors import external_factors
from sasms.dispatch.locks import lock_profile, lock_row
from sasms.dispatch.models import BatchProposal, ProposalRow
from sasms.dispatch.selectors import current_settings
from sasms.dispatch.services.assign import MODE_BATCH, record_dispatch
from sasms.sla.clocks.selectors import with_time_to_breach
from sasms.tickets.choices import OPEN_STATUSES
from sasms.tickets.locks import lock_ticket
from sasms.tickets.models import Ticket
from sasms.tickets.services import assign_ticket

MAX_REQUESTS = 2000


def _open_unassigned(limit: int) -> list[Ticket]:
    from django.db.models import F

    queryset = Ticket.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=True).select_related(
        *TICKET_RELATED
    )
    ordered = with_time_to_breach(queryset).order_by(
        F("next_due").asc(nulls_last=True), "priority", "created_at"
    )
    return list(ordered[:limit])


def _nobody_reasons(matrix: ScoreMatrix, i: int) -> list[dict[str, object]]:
    if not len(matrix.pool):
        return [{"code": "decision.nobody", "params": {}}]
    feasible = (matrix.excluded[i] & ~1) == 0
    if feasible.any():
        return [{"code": "decision.nobody_capacity", "params": {}}]
    counts: Counter[str] = Counter()
    examples: dict[str, Reason] = {}
    for j in range(len(matrix.pool)):
        for reason in matrix.exclusions(i, j):
            counts[reason.code] += 1
            examples.setdefault(reason.code, reason)
    reasons: list[dict[str, object]] = [{"code": "decision.nobody", "params": {}}]
    reasons += [examples[code].as_json() for code, _count in counts.most_common(3)]
    return reasons


@transaction.atomic
def create_proposal(
    *, actor: User | None, ticket_ids: Sequence[int] | None = None, limit: int = 1000
) -> BatchProposal:
    """Solve the batch for the open unassigned requests (the most urgent ``limit``) and keep it."""
    if actor is not None:
        require_dispatcher(actor)
    limit = max(1, min(limit, MAX_REQUESTS))
    now = timezone.now()
    settings = current_settings()
    started = time.perf_counter()
    tickets = _open_unassigned(limit)
    if ticket_ids is not None:
        wanted = set(ticket_ids)
        tickets = [t for t in tickets if t.pk in wanted]
    pool = load_pool(settings=settings, now=now)
    facts = facts_for(tickets, settings=settings, now=now)
    ftfr = ftfr_table(
        window_days=settings.ftfr_window_days, now=now, categories={t.category for t in tickets}
    )
    matrix = score_matrix(facts, pool, settings=settings, ftfr=ftfr, external=external_factors())
    problem = Problem.from_matrix(matrix)
    solved_at = time.perf_counter()
    result = solve(problem)
    solver_ms = (time.perf_counter() - solved_at) * 1000
    measured = quality(matrix, problem, result)
    BatchProposal.objects.filter(status=ProposalStatus.OPEN).update(status=ProposalStatus.DISCARDED)
    proposal = BatchProposal.objects.create(
        created_by=actor if actor is not None and actor.pk else None,
        created_at=now,
        settings_version=settings.version,
        summary={
            "requests": len(tickets),
            "engineers": len(pool),
            "proposed": measured.assigned,
            "unassigned": measured.unassigned,
            "travel_minutes": round(measured.travel_minutes, 1),
            "deadlines_at_risk": measured.breaches,
            "beyond_travel_limit": sum(
                1 for i in range(len(tickets)) if matrix.travel_relaxed[i] and int(result.engineer[i]) >= 0
            ),
            "load_std": round(measured.load_std, 3),
            "solver_ms": round(solver_ms, 1),
            "total_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    order = sorted(range(len(tickets)), key=lambda i: (-facts[i].urgency, tickets[i].created_at))
    rows = []
    for position, i in enumerate(order):
        j = int(result.engineer[i])
        fact = facts[i]
        row = ProposalRow(
            proposal=proposal,
            ticket=tickets[i],
            position=position,
            urgency=round(fact.urgency, 3),
            due_at=fact.due_at,
        )
        if j >= 0:
            k = int(result.slot[i])
            explained = matrix.explain(i, j, extra_load=k)
            row.engineer_id = pool.user_ids[j]
            row.score = round(100 * float(problem.score[i, j] - k * problem.step[i, j]), 1)
            row.travel_minutes = (
                None if matrix.travel[i, j] != matrix.travel[i, j] else round(float(matrix.travel[i, j]), 1)
            )
            row.distance_km = (
                None
                if matrix.distance[i, j] != matrix.distance[i, j]
                else round(float(matrix.distance[i, j]), 1)
            )
            row.factors = [f.as_json() for f in explained]
            if matrix.travel_relaxed[i]:
                row.reasons = [{"code": "decision.travel_relaxed", "params": {}}]
        else:
            row.reasons = _nobody_reasons(matrix, i)
        rows.append(row)
    ProposalRow.objects.bulk_create(rows, batch_size=500)
    record_audit(
        actor=actor,
        action="dispatch.proposal.create",
        target=proposal,
        changes={"requests": [None, len(tickets)], "proposed": [None, measured.assigned]},
    )
    return proposal


@dataclass(frozen=True)
class ApplyResult:
    applied: int
    skipped: int
    failed: int


def _apply_row(actor: User, row_id: int) -> str:
    with transaction.atomic():
        row = lock_row(row_id)
        if row.outcome != RowOutcome.PENDING or row.engineer_id is None:
            return ""  # decided meanwhile by someone else applying the same rows
        ticket = lock_ticket(row.ticket_id)
        note: dict[str, object] = {}
        if ticket.assignee_id is not None:
            outcome, note = (
                RowOutcome.SKIPPED,
                {"code": "skip.assigned", "params": {"name": str(ticket.assignee)}},
            )
        elif ticket.status not in OPEN_STATUSES:
            outcome, note = RowOutcome.SKIPPED, {"code": "skip.closed", "params": {"status": ticket.status}}
        else:
            profile = lock_profile(row.engineer_id)
            open_count = Ticket.objects.filter(assignee_id=row.engineer_id, status__in=OPEN_STATUSES).count()
            if profile is None or not profile.is_dispatchable or not profile.user.is_active:
                outcome, note = RowOutcome.FAILED, {"code": "skip.not_dispatchable", "params": {}}
            elif open_count >= profile.max_concurrent:
                outcome = RowOutcome.SKIPPED
                note = {
                    "code": "skip.capacity",
                    "params": {"open": open_count, "capacity": profile.max_concurrent},
                }
            else:
                try:
                    assign_ticket(actor=actor, ticket=ticket, assignee=profile.user)
                except ServiceError as error:
                    outcome, note = (
                        RowOutcome.FAILED,
                        {"code": "skip.refused", "params": {"text": error.message}},
                    )
                else:
                    record_dispatch(
                        ticket=ticket,
                        actor=actor,
                        mode=MODE_BATCH,
                        engineer=profile.user,
                        score=round(row.score) if row.score is not None else None,
                        factors=row.factors,
                        proposal=row.proposal_id,
                    )
                    outcome = RowOutcome.APPLIED
        row.outcome, row.outcome_note = outcome, note
        row.applied_at, row.applied_by = timezone.now(), actor
        row.save(update_fields=["outcome", "outcome_note", "applied_at", "applied_by"])
        return str(outcome)


def apply_proposal(
    *, actor: User, proposal: BatchProposal, row_ids: Sequence[int] | None = None
) -> ApplyResult:
    """Apply the chosen rows (all pending ones when ``row_ids`` is ``None``), each on its own."""
    require_dispatcher(actor)
    if proposal.status == ProposalStatus.DISCARDED:
        raise Conflict(_("This proposal was discarded; compute a new one."), code="discarded")
    pending = ProposalRow.objects.filter(
        proposal=proposal, outcome=RowOutcome.PENDING, engineer__isnull=False
    )
    if row_ids is not None:
        wanted = {int(r) for r in row_ids}
        if not wanted:
            message = _("Choose at least one row.")
            raise ServiceError(message, fields={"rows": [message]})
        known = set(ProposalRow.objects.filter(proposal=proposal, pk__in=wanted).values_list("pk", flat=True))
        if wanted - known:
            message = _("Some rows do not belong to this proposal.")
            raise ServiceError(message, fields={"rows": [message]})
        pending = pending.filter(pk__in=wanted)
    outcomes = Counter(
        _apply_row(actor, row_id) for row_id in pending.order_by("position").values_list("pk", flat=True)
    )
    with transaction.atomic():
        left = ProposalRow.objects.filter(
            proposal=proposal, outcome=RowOutcome.PENDING, engineer__isnull=False
        ).exists()
        status = ProposalStatus.PARTIAL if left else ProposalStatus.APPLIED
        BatchProposal.objects.filter(pk=proposal.pk).exclude(status=ProposalStatus.DISCARDED).update(
            status=status
        )
        result = ApplyResult(
            applied=outcomes[RowOutcome.APPLIED],
            skipped=outcomes[RowOutcome.SKIPPED],
            failed=outcomes[RowOutcome.FAILED],
        )
        record_audit(
            actor=actor,
            action="dispatch.proposal.apply",
            target=proposal,
            changes={
                "applied": [None, result.applied],
                "skipped": [None, result.skipped],
                "failed": [None, result.failed],
            },
        )
    proposal.status = status
    return result


@transaction.atomic
def discard_proposal(*, actor: User, proposal: BatchProposal) -> BatchProposal:
    require_dispatcher(actor)
    if proposal.status != ProposalStatus.DISCARDED:
        previous = proposal.status
        BatchProposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.DISCARDED)
        proposal.status = ProposalStatus.DISCARDED
        record_audit(
            actor=actor,
            action="dispatch.proposal.discard",
            target=proposal,
            changes={"status": [previous, proposal.status]},
        )
    return proposal
