"""Escalation policies as the clocks use them: the ordered steps for a priority and a clock.

Policies change rarely and are read on every timeline event and every swept clock, so they are
kept in a short-lived process cache; the policy services clear it on every edit, and another
process sees an edit within ``CACHE_SECONDS``.
"""

import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from sasms.sla.models import EscalationPolicy, EscalationStep

CACHE_SECONDS = 10.0


@dataclass(frozen=True)
class Step:
    key: str
    policy_name: str
    fraction: Decimal
    actions: tuple[str, ...]
    around_the_clock: bool


@dataclass(frozen=True)
class _Loaded:
    policies: tuple[tuple[frozenset[str], tuple[tuple[str, Step], ...]], ...]
    loaded_at: float


_lock = threading.Lock()
_cache: dict[str, _Loaded] = {}


def clear_policy_cache() -> None:
    with _lock:
        _cache.clear()


def _load() -> _Loaded:
    steps_by_policy: dict[int, list[tuple[str, Step]]] = {}
    for step in EscalationStep.objects.filter(policy__is_active=True).select_related("policy"):
        policy = step.policy
        steps_by_policy.setdefault(policy.pk, []).append(
            (
                step.clock_kind,
                Step(
                    key=f"{policy.pk}:{step.pk}",
                    policy_name=policy.name,
                    fraction=step.fraction,
                    actions=tuple(str(a) for a in step.actions),
                    around_the_clock=policy.around_the_clock,
                ),
            )
        )
    policies = []
    # Policies naming priorities come before catch-all ones, so the most specific one wins.
    for policy in sorted(
        EscalationPolicy.objects.filter(is_active=True, pk__in=steps_by_policy),
        key=lambda p: (not p.priorities.strip(), p.name),
    ):
        wanted = frozenset(p.strip().upper() for p in policy.priorities.split(",") if p.strip())
        policies.append((wanted, tuple(steps_by_policy[policy.pk])))
    return _Loaded(tuple(policies), time.monotonic())


def _loaded() -> _Loaded:
    with _lock:
        current = _cache.get("policies")
        if current is not None and time.monotonic() - current.loaded_at < CACHE_SECONDS:
            return current
    fresh = _load()
    with _lock:
        _cache["policies"] = fresh
    return fresh


def steps_for(*, priority: str, clock_kind: str) -> list[Step]:
    """The steps of the policy that governs ``priority``, for one clock, in fraction order."""
    for wanted, steps in _loaded().policies:
        if not wanted or priority in wanted:
            chosen = [step for kind, step in steps if kind in ("", clock_kind)]
            return sorted(chosen, key=lambda s: (s.fraction, s.key))
    return []
