"""The parts clerk closes a problem once the stock is put right."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.core.errors import Conflict
from sasms.parts.access import require_clerk
from sasms.parts.models import Problem
from sasms.parts.services.common import audit, clean_text


@transaction.atomic
def resolve_problem(*, actor: User, problem: Problem, resolution: str) -> Problem:
    require_clerk(actor)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.resolved_at is not None:
        raise Conflict(_("This problem is already resolved."))
    problem.resolution = clean_text(resolution, field="resolution", limit=300, required=True)
    problem.resolved_at, problem.resolved_by = timezone.now(), actor
    problem.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    audit(actor, "problem.resolve", problem, {"resolution": [None, problem.resolution]})
    return problem
