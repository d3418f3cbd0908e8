"""Score factors that other apps contribute to engineer recommendations.

The dispatch app scores skills, certifications, travel, load, availability and first-time-fix
itself. A factor that needs another app's data (spare parts near the engineer) registers here from
that app's ``AppConfig.ready``; the recommender calls every registered factor once per
recommendation with all candidates, so a factor can answer with one query for the whole list.

A batch proposal scores many requests at once: a factor may also give ``score_many`` (every request
against every candidate, in request order) so that it can read its data for all requests together;
without it the batch calls ``score`` once per request.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from sasms.tickets.models import Ticket


@dataclass(frozen=True)
class EngineerCandidate:
    """What an external factor may know about a candidate engineer."""

    user_id: int
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class FactorScore:
    """``score`` from 0 (worst) to 1 (best); ``reason`` explains it to the dispatcher."""

    score: float
    reason: str


FactorFunction = Callable[["Ticket", Sequence[EngineerCandidate]], dict[int, FactorScore]]
BatchFactorFunction = Callable[
    [Sequence["Ticket"], Sequence[EngineerCandidate]], Sequence[dict[int, FactorScore]]
]


@dataclass(frozen=True)
class ExternalFactor:
    key: str
    label: str | Promise
    default_weight: float
    score: FactorFunction
    score_many: BatchFactorFunction | None = None


_EXTERNAL: dict[str, ExternalFactor] = {}


def register_external_factor(factor: ExternalFactor) -> None:
    _EXTERNAL[factor.key] = factor


def external_factors() -> list[ExternalFactor]:
    return sorted(_EXTERNAL.values(), key=lambda f: f.key)
