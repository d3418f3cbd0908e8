"""Writing escalation policies: each edit replaces the policy's steps as a whole, audited."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.audit import record_audit
from sasms.core.errors import ServiceError
from sasms.core.permissions import require
from sasms.sla.clocks.policy import clear_policy_cache
from sasms.sla.models import ClockKind, EscalationAction, EscalationPolicy, EscalationStep
from sasms.tickets.choices import Priority

MAX_FRACTION = Decimal(5)


@dataclass(frozen=True)
class StepInput:
    clock_kind: str
    fraction: Decimal | str
    actions: Sequence[str]


def _fail(field: str, message: str) -> ServiceError:
    return ServiceError(_("Please correct the errors below."), fields={field: [message]})


def _clean_priorities(priorities: Sequence[str]) -> str:
    unknown = [p for p in priorities if p not in Priority.values]
    if unknown:
        raise _fail("priorities", _("Unknown priority: %(value)s.") % {"value": ", ".join(unknown)})
    return ",".join(p for p in Priority.values if p in priorities)


def _clean_steps(steps: Sequence[StepInput]) -> list[tuple[str, Decimal, list[str]]]:
    if not steps:
        raise _fail("steps", _("A policy needs at least one step."))
    cleaned: list[tuple[str, Decimal, list[str]]] = []
    seen: set[tuple[str, Decimal]] = set()
    for number, step in enumerate(steps, start=1):
        try:
            fraction = Decimal(str(step.fraction)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise _fail(
                "steps", _("Step %(n)d: enter the share of the target as a number.") % {"n": number}
            ) from None
        if not Decimal(0) < fraction <= MAX_FRACTION:
            raise _fail(
                "steps", _("Step %(n)d: the share must be above 0 and at most 5 (500 %%).") % {"n": number}
            )
        if step.clock_kind and step.clock_kind not in ClockKind.values:
            raise _fail("steps", _("Step %(n)d: unknown clock.") % {"n": number})
        actions = list(dict.fromkeys(step.actions))
        if not actions or any(a not in EscalationAction.values for a in actions):
            raise _fail("steps", _("Step %(n)d: choose one or more known actions.") % {"n": number})
        if (step.clock_kind, fraction) in seen:
            raise _fail(
                "steps", _("Step %(n)d repeats the share of another step for the same clock.") % {"n": number}
            )
        seen.add((step.clock_kind, fraction))
        cleaned.append((step.clock_kind, fraction, actions))
    return cleaned


def _steps_text(policy: EscalationPolicy) -> list[str]:
    return [f"{s.clock_kind or '*'}@{s.fraction}:{'+'.join(s.actions)}" for s in policy.steps.all()]


@transaction.atomic
def save_policy(
    *,
    actor: User,
    policy: EscalationPolicy | None = None,
    name: str,
    priorities: Sequence[str],
    around_the_clock: bool,
    is_active: bool,
    steps: Sequence[StepInput],
) -> EscalationPolicy:
    """Create a policy (``policy`` None) or replace an existing one's settings and steps."""
    require(actor, Capability.MANAGE_SLA)
    if not name.strip():
        raise _fail("name", _("This field is required."))
    priority_text = _clean_priorities(priorities)
    cleaned = _clean_steps(steps)
    creating = policy is None
    target = policy or EscalationPolicy()
    before = {} if creating else {"steps": _steps_text(target), "priorities": target.priorities}
    target.name = name.strip()[:120]
    target.priorities = priority_text
    target.around_the_clock = around_the_clock
    target.is_active = is_active
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise _fail("name", _("A policy with this name already exists.")) from None
    target.steps.all().delete()
    EscalationStep.objects.bulk_create(
        EscalationStep(policy=target, clock_kind=kind, fraction=fraction, actions=actions)
        for kind, fraction, actions in cleaned
    )
    after = {"steps": _steps_text(target), "priorities": target.priorities}
    record_audit(
        actor=actor,
        action="create" if creating else "update",
        target=target,
        changes={k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]},
    )
    transaction.on_commit(clear_policy_cache)
    clear_policy_cache()
    return target
