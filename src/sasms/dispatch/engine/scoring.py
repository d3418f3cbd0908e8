"""Scores of every (request, engineer) pair, factor by factor, as arrays — and why.

Each factor scores 0 (worst) to 1 (best), or NaN where it does not apply (no server vendor, a site
without coordinates, an external factor that has nothing to say). The total is the weighted mean
over the factors that apply. Hard constraints (capacity, a required certification, no shift or
on-call duty before the deadline, a trip beyond the configured maximum) exclude a pair;
:meth:`ScoreMatrix.explain` and :meth:`ScoreMatrix.exclusions` give the reasons in words.

Availability counts the trip: an engineer is on site at ``max(now, available from) + travel``,
and that moment is compared with the request's arrival deadline (its on-site clock, else its
resolution clock). :meth:`ScoreMatrix.order` ranks those who make it before those who do not.
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone
from django.utils.functional import Promise

from sasms.dispatch.choices import (
    AVAILABILITY,
    BUILTIN_FACTORS,
    CERTIFICATION,
    FACTOR_LABELS,
    FTFR,
    LOAD,
    SKILL,
    TRAVEL,
    SkillKind,
)
from sasms.dispatch.engine.facts import TicketFacts
from sasms.dispatch.engine.pool import CertInfo, EngineerPool
from sasms.dispatch.engine.ranking import IntArray, rank_order
from sasms.dispatch.engine.reasons import Reason
from sasms.dispatch.factors import EngineerCandidate, ExternalFactor, FactorScore
from sasms.dispatch.geo import FloatArray, distance_matrix_km, travel_minutes
from sasms.dispatch.models import DispatchSettings

# Exclusion bits.
EXCLUDE_CAPACITY, EXCLUDE_CERT, EXCLUDE_SHIFT, EXCLUDE_TRAVEL = 1, 2, 4, 8
# Certification states.
CERT_NONE, CERT_EXPIRED, CERT_GENERIC, CERT_VALID = 0, 1, 2, 3
CERT_SCORE = {CERT_NONE: 0.0, CERT_EXPIRED: 0.0, CERT_GENERIC: 0.5, CERT_VALID: 1.0}
# Availability states.
AVAIL_NONE, AVAIL_SHIFT, AVAIL_CALL, AVAIL_LATER = 0, 1, 2, 3
ON_CALL_SCORE = 0.85
LATE_ARRIVAL_FACTOR = 0.3
OUTSIDE_REGION_FACTOR = 0.8
FTFR_PRIOR_WEIGHT = 5.0
FTFR_DEFAULT_PRIOR = 0.7
SKILL_COMPONENT_SHARE = 0.65


def factor_label(key: str) -> str | Promise:
    """The label of a built-in or registered factor (the key itself once a factor is gone)."""
    if key in FACTOR_LABELS:
        return FACTOR_LABELS[key]
    from sasms.dispatch.factors import external_factors

    return next((f.label for f in external_factors() if f.key == key), key)


def factor_weights(settings: DispatchSettings, external: Sequence[ExternalFactor]) -> dict[str, float]:
    weights = {key: max(0.0, float(getattr(settings, f"weight_{key}"))) for key in BUILTIN_FACTORS}
    for factor in external:
        value = settings.external_weights.get(factor.key, factor.default_weight)
        weights[factor.key] = max(0.0, float(value))
    return weights


@dataclass(frozen=True)
class FactorExplanation:
    key: str
    label: str | Promise
    weight: float
    score: float | None
    reason: Reason

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)

    def as_json(self) -> dict[str, object]:
        return {"key": self.key, "weight": self.weight, "score": self.score, "reason": self.reason.as_json()}


@dataclass
class ScoreMatrix:
    facts: list[TicketFacts]
    pool: EngineerPool
    keys: list[str]
    labels: dict[str, str | Promise]
    weights: FloatArray  # (F,)
    scores: FloatArray  # (F, n, m), NaN = does not apply
    total: FloatArray  # (n, m) weighted mean, 0..1
    weight_sum: FloatArray  # (n, m) sum of the weights that apply
    excluded: np.ndarray  # (n, m) exclusion bits
    distance: FloatArray
    travel: FloatArray
    availability: np.ndarray
    late_minutes: FloatArray
    window_end: list[datetime.datetime]
    overdue: list[bool]
    in_region: np.ndarray
    skill_levels: dict[tuple[str, str], np.ndarray]
    cert_detail: dict[int, list[tuple[int, CertInfo | None]]]
    ftfr_counts: dict[str, tuple[np.ndarray, np.ndarray, float]]
    external_reasons: dict[str, list[dict[int, FactorScore]]] = field(default_factory=dict)
    horizon_hours: int = 8
    # (n, m) earliest arrival on site, epoch seconds (NaN: where from is unknown).
    arrival: FloatArray | None = None
    # Per request: the arrival deadline, and whether the travel limit gave way (nobody within it).
    arrival_deadline: list[datetime.datetime | None] = field(default_factory=list)
    travel_relaxed: list[bool] = field(default_factory=list)
    max_travel_km: int = 0
    max_travel_minutes: int = 0

    def order(self, i: int) -> IntArray:
        """Engineer columns for request ``i``, best first (see :mod:`.ranking`)."""
        deadline = self.arrival_deadline[i] if self.arrival_deadline else None
        arrival = self.arrival[i] if self.arrival is not None else np.full(len(self.pool), np.nan)
        return rank_order(
            self.total[i],
            arrival,
            deadline.timestamp() if deadline is not None else None,
            self.pool.now.timestamp(),
        )

    def arrival_at(self, i: int, j: int) -> datetime.datetime | None:
        if self.arrival is None or not math.isfinite(float(self.arrival[i, j])):
            return None
        return datetime.datetime.fromtimestamp(float(self.arrival[i, j]), tz=datetime.UTC)

    # --- words --------------------------------------------------------------------------------

    def explain(self, i: int, j: int, *, extra_load: int = 0) -> list[FactorExplanation]:
        """Every factor of request ``i`` for engineer ``j`` (``extra_load``: requests added before)."""
        result = []
        for f, key in enumerate(self.keys):
            value = self.scores[f, i, j]
            score: float | None = None if math.isnan(value) else float(value)
            reason = self._reason(key, i, j, extra_load)
            if key == LOAD and extra_load:
                score = self.load_score(j, extra_load)
            result.append(FactorExplanation(key, self.labels[key], float(self.weights[f]), score, reason))
        return result

    def load_score(self, j: int, extra: int = 0) -> float:
        capacity = int(self.pool.capacity[j])
        return float(max(0.0, 1.0 - (int(self.pool.open_count[j]) + extra) / capacity))

    def exclusions(self, i: int, j: int) -> list[Reason]:
        bits = int(self.excluded[i, j])
        reasons = []
        if bits & EXCLUDE_CAPACITY:
            reasons.append(
                Reason(
                    "exclude.capacity",
                    {"open": int(self.pool.open_count[j]), "capacity": int(self.pool.capacity[j])},
                )
            )
        if bits & EXCLUDE_CERT:
            state, cert = self._cert(i, j)
            vendor = self.facts[i].vendor_name
            if state == CERT_EXPIRED and cert is not None:
                reasons.append(
                    Reason(
                        "exclude.cert_expired",
                        {"vendor": vendor, "valid_until_on": cert.valid_until.isoformat()},
                    )
                )
            else:
                reasons.append(Reason("exclude.cert_missing", {"vendor": vendor}))
        if bits & EXCLUDE_SHIFT:
            reasons.append(Reason("exclude.shift", {"due_at": self.window_end[i].isoformat()}))
        if bits & EXCLUDE_TRAVEL:
            distance, minutes = float(self.distance[i, j]), float(self.travel[i, j])
            if self.max_travel_km and distance > self.max_travel_km:
                reasons.append(
                    Reason(
                        "exclude.travel_km", {"distance": round(distance, 1), "limit_km": self.max_travel_km}
                    )
                )
            else:
                reasons.append(
                    Reason(
                        "exclude.travel_time",
                        {"travel_minutes": minutes, "limit_minutes": float(self.max_travel_minutes)},
                    )
                )
        return reasons

    def _cert(self, i: int, j: int) -> tuple[int, CertInfo | None]:
        vendor_id = self.facts[i].vendor_id
        if vendor_id is None:
            return CERT_NONE, None
        return self.cert_detail[vendor_id][j]

    def _reason(self, key: str, i: int, j: int, extra_load: int) -> Reason:
        facts = self.facts[i]
        if key == SKILL:
            category = self.skill_levels[(SkillKind.CATEGORY, facts.category)][j]
            component = self.skill_levels[(SkillKind.COMPONENT, facts.component)][j] if facts.component else 0
            params = {
                "category": facts.category,
                "component": facts.component,
                "category_level": int(category),
                "component_level": int(component),
            }
            if not category and not component:
                return Reason("skill.none", params)
            return Reason("skill.both" if facts.component else "skill.category", params)
        if key == CERTIFICATION:
            if facts.vendor_id is None:
                return Reason("cert.na")
            state, cert = self._cert(i, j)
            if cert is not None and state in (CERT_VALID, CERT_EXPIRED, CERT_GENERIC):
                code = {CERT_VALID: "cert.valid", CERT_EXPIRED: "cert.expired", CERT_GENERIC: "cert.generic"}[
                    state
                ]
                return Reason(
                    code,
                    {
                        "name": cert.name,
                        "vendor": facts.vendor_name,
                        "valid_until_on": cert.valid_until.isoformat(),
                    },
                )
            return Reason("cert.none", {"vendor": facts.vendor_name})
        if key == TRAVEL:
            if math.isnan(facts.site_lat):
                return Reason("travel.na")
            distance = float(self.distance[i, j])
            if math.isnan(distance):
                return Reason("travel.unknown_origin")
            params = {"distance": round(distance, 1), "travel_minutes": float(self.travel[i, j])}
            if not self.in_region[i, j]:
                return Reason("travel.outside_regions", params)
            if self.pool.from_position[j]:
                return Reason("travel.from_position", params)
            return Reason("travel.from_home", {**params, "home": self.pool.profiles[j].home_label or "—"})
        if key == LOAD:
            return Reason(
                "load.count",
                {"open": int(self.pool.open_count[j]) + extra_load, "capacity": int(self.pool.capacity[j])},
            )
        if key == AVAILABILITY:
            return self._availability_reason(i, j)
        if key == FTFR:
            fixed, total, prior = self.ftfr_counts[facts.category]
            if total[j]:
                rate = round(100 * fixed[j] / total[j])
                return Reason(
                    "ftfr.history",
                    {
                        "fixed": int(fixed[j]),
                        "total": int(total[j]),
                        "category": facts.category,
                        "rate": rate,
                    },
                )
            return Reason("ftfr.no_history", {"category": facts.category, "rate": round(prior * 100)})
        found = self.external_reasons.get(key, [{}] * (i + 1))[i].get(self.pool.user_ids[j])
        return Reason("external", {"text": found.reason if found is not None else "—"})

    def _availability_reason(self, i: int, j: int) -> Reason:
        deadline = self.arrival_deadline[i] if self.arrival_deadline else None
        arrival = self.arrival_at(i, j)
        state = int(self.availability[i, j])
        if deadline is not None and arrival is not None and state != AVAIL_NONE:
            params: dict[str, object] = {"arrival_at": arrival.isoformat(), "due_at": deadline.isoformat()}
            if deadline <= self.pool.now:
                return Reason("avail.overdue_arrival", params)
            if self.late_minutes[i, j] > 0:
                return Reason(
                    "avail.late_arrival_at", {**params, "late_minutes": float(self.late_minutes[i, j])}
                )
            if state == AVAIL_SHIFT:
                return Reason("avail.on_shift_arrival", params)
            if state == AVAIL_CALL:
                return Reason("avail.on_call_arrival", params)
            available = self.pool.available_from[j]
            return Reason(
                "avail.later_arrival",
                {
                    **params,
                    "available_at": datetime.datetime.fromtimestamp(available, tz=datetime.UTC).isoformat(),
                },
            )
        if self.late_minutes[i, j] > 0:
            return Reason("avail.late_arrival", {"late_minutes": float(self.late_minutes[i, j])})
        if state == AVAIL_SHIFT:
            return Reason("avail.on_shift")
        if state == AVAIL_CALL:
            return Reason("avail.on_call")
        if self.overdue[i]:
            return Reason("avail.overdue", {"horizon_minutes": self.horizon_hours * 60})
        available = self.pool.available_from[j]
        params = {
            "available_at": datetime.datetime.fromtimestamp(available, tz=datetime.UTC).isoformat()
            if math.isfinite(available)
            else None,
            "due_at": self.window_end[i].isoformat(),
        }
        if state == AVAIL_LATER and self.facts[i].due_at is None:
            return Reason("avail.later_no_deadline", params)
        return Reason("avail.later", params)


def _skill_vectors(facts: Sequence[TicketFacts], pool: EngineerPool) -> dict[tuple[str, str], np.ndarray]:
    wanted = {(SkillKind.CATEGORY.value, f.category) for f in facts}
    wanted |= {(SkillKind.COMPONENT.value, f.component) for f in facts if f.component}
    return {key: np.array([levels.get(key, 0) for levels in pool.skills], dtype=np.float64) for key in wanted}


def _cert_state(
    certs: list[CertInfo], vendor_id: int, vendor_name: str, today: datetime.date
) -> tuple[int, CertInfo | None]:
    own = [
        c
        for c in certs
        if c.vendor_id == vendor_id or (c.vendor_id is None and c.vendor_name.lower() == vendor_name.lower())
    ]
    valid = [c for c in own if c.valid_until >= today]
    if valid:
        return CERT_VALID, max(valid, key=lambda c: c.valid_until)
    generic = [c for c in certs if c.vendor_id is None and c not in own and c.valid_until >= today]
    if generic:
        return CERT_GENERIC, max(generic, key=lambda c: c.valid_until)
    if own:
        return CERT_EXPIRED, max(own, key=lambda c: c.valid_until)
    return CERT_NONE, None


def _in_regions(facts: Sequence[TicketFacts], pool: EngineerPool) -> np.ndarray:
    """(n, m): the site lies in one of the engineer's regions, or the engineer has none."""
    n, m = len(facts), len(pool)
    if not pool.regions:
        return np.ones((n, m), dtype=bool)
    region_keys = sorted(pool.regions)
    column = {key: index for index, key in enumerate(region_keys)}
    centres = np.array([pool.regions[k][1:3] for k in region_keys], dtype=np.float64)
    radius = np.array([pool.regions[k][3] for k in region_keys], dtype=np.float64)
    site_lat = np.array([f.site_lat for f in facts], dtype=np.float64)
    site_lon = np.array([f.site_lon for f in facts], dtype=np.float64)
    inside = (distance_matrix_km(site_lat, site_lon, centres[:, 0], centres[:, 1]) <= radius[None, :]).astype(
        np.float64
    )
    membership = np.zeros((len(region_keys), m), dtype=np.float64)
    for j, ids in enumerate(pool.region_ids):
        for region_id in ids:
            membership[column[region_id], j] = 1.0
    has_regions = membership.sum(axis=0) > 0
    covered = (inside @ membership) > 0
    unknown_site = np.isnan(site_lat)[:, None]
    result: np.ndarray = covered | ~has_regions[None, :] | unknown_site
    return result


def score_matrix(
    facts: list[TicketFacts],
    pool: EngineerPool,
    *,
    settings: DispatchSettings,
    ftfr: dict[str, dict[int, tuple[int, int]]],
    external: Sequence[ExternalFactor] = (),
) -> ScoreMatrix:
    now = pool.now
    n, m = len(facts), len(pool)
    weights_by_key = factor_weights(settings, external)
    keys = [*BUILTIN_FACTORS, *(factor.key for factor in external)]
    labels: dict[str, str | Promise] = {**FACTOR_LABELS, **{factor.key: factor.label for factor in external}}
    scores = np.full((len(keys), n, m), np.nan)
    index = {key: f for f, key in enumerate(keys)}

    # Skill.
    skill_levels = _skill_vectors(facts, pool)
    for i, fact in enumerate(facts):
        category = skill_levels[(SkillKind.CATEGORY, fact.category)] / 5.0
        if fact.component:
            component = skill_levels[(SkillKind.COMPONENT, fact.component)] / 5.0
            scores[index[SKILL], i] = (
                1 - SKILL_COMPONENT_SHARE
            ) * category + SKILL_COMPONENT_SHARE * component
        else:
            scores[index[SKILL], i] = category

    # Certification.
    today = timezone.localdate(now)
    excluded = np.zeros((n, m), dtype=np.int64)
    cert_detail: dict[int, list[tuple[int, CertInfo | None]]] = {}
    for fact in facts:
        if fact.vendor_id is not None and fact.vendor_id not in cert_detail:
            cert_detail[fact.vendor_id] = [
                _cert_state(certs, fact.vendor_id, fact.vendor_name, today) for certs in pool.certifications
            ]
    for i, fact in enumerate(facts):
        if fact.vendor_id is None:
            continue
        states = np.array([state for state, _cert in cert_detail[fact.vendor_id]], dtype=np.int64)
        scores[index[CERTIFICATION], i] = (
            np.vectorize(CERT_SCORE.get, otypes=[np.float64])(states) if m else []
        )
        if fact.needs_certification:
            excluded[i] |= np.where(states == CERT_VALID, 0, EXCLUDE_CERT)

    # Travel.
    site_lat = np.array([f.site_lat for f in facts], dtype=np.float64)
    site_lon = np.array([f.site_lon for f in facts], dtype=np.float64)
    distance = distance_matrix_km(site_lat, site_lon, pool.lat, pool.lon)
    travel = travel_minutes(distance, road_factor=settings.road_factor, speed_kmh=settings.average_speed_kmh)
    in_region = _in_regions(facts, pool)
    travel_score = 1.0 / (1.0 + np.maximum(travel, 0.0) / max(settings.travel_half_minutes, 1))
    travel_score = np.where(in_region, travel_score, travel_score * OUTSIDE_REGION_FACTOR)
    travel_score = np.where(np.isnan(travel), 0.0, travel_score)  # origin unknown: worst
    travel_score[np.isnan(site_lat)] = np.nan  # site unknown: does not apply
    scores[index[TRAVEL]] = travel_score

    # Load.
    capacity = np.maximum(pool.capacity, 1).astype(np.float64)
    scores[index[LOAD]] = np.clip(1.0 - pool.open_count / capacity, 0.0, 1.0)[None, :]
    excluded |= np.where(pool.open_count >= pool.capacity, EXCLUDE_CAPACITY, 0)[None, :]

    # Availability within the SLA window.
    horizon = datetime.timedelta(hours=settings.horizon_hours)
    availability = np.zeros((n, m), dtype=np.int64)
    avail_score = np.zeros((n, m))
    late = np.zeros((n, m))
    arrival = np.full((n, m), np.nan)
    arrival_deadline: list[datetime.datetime | None] = []
    window_end: list[datetime.datetime] = []
    overdue: list[bool] = []
    now_ts = now.timestamp()
    start = np.maximum(pool.available_from, now_ts)
    for i, fact in enumerate(facts):
        passed = fact.due_at is not None and fact.due_at <= now
        end = fact.due_at if fact.due_at is not None and not passed else now + horizon
        window_end.append(end)
        overdue.append(passed)
        end_ts = end.timestamp()
        later = np.isfinite(pool.available_from) & (pool.available_from <= end_ts)
        state = np.where(
            pool.on_shift,
            AVAIL_SHIFT,
            np.where(pool.on_call, AVAIL_CALL, np.where(later, AVAIL_LATER, AVAIL_NONE)),
        )
        availability[i] = state
        span = max(end_ts - now_ts, 60.0)
        waiting = np.clip(1.0 - (start - now_ts) / span, 0.0, 1.0)
        avail_score[i] = np.where(
            state == AVAIL_SHIFT,
            1.0,
            np.where(
                state == AVAIL_CALL,
                ON_CALL_SCORE,
                np.where(state == AVAIL_LATER, np.clip(0.7 * waiting, 0.05, 0.7), 0.0),
            ),
        )
        excluded[i] |= np.where(state == AVAIL_NONE, EXCLUDE_SHIFT, 0)
        # On site at the earliest: when free, plus the trip (no trip to a site without coordinates).
        trip = np.zeros(m) if math.isnan(fact.site_lat) else travel[i] * 60.0
        arrival[i] = start + trip
        deadline = fact.onsite_due_at or fact.arrival_due_at
        arrival_deadline.append(deadline)
        if deadline is None:
            continue
        if deadline > now:
            overshoot = (arrival[i] - deadline.timestamp()) / 60.0
            late[i] = np.where(np.isfinite(overshoot) & (overshoot > 0), overshoot, 0.0)
            avail_score[i] = np.where(late[i] > 0, avail_score[i] * LATE_ARRIVAL_FACTOR, avail_score[i])
        else:
            # Too late for everyone: the sooner on site, the better.
            wait = np.nan_to_num((arrival[i] - now_ts) / 60.0, nan=np.inf)
            avail_score[i] = avail_score[i] / (
                1.0 + np.maximum(wait, 0.0) / max(settings.travel_half_minutes, 1)
            )
    scores[index[AVAILABILITY]] = avail_score

    # The longest trip allowed: a hard limit unless nobody within it could take the request.
    too_far = np.zeros((n, m), dtype=bool)
    if settings.max_travel_km:
        too_far |= np.nan_to_num(distance, nan=0.0) > settings.max_travel_km
    if settings.max_travel_minutes:
        too_far |= np.nan_to_num(travel, nan=0.0) > settings.max_travel_minutes
    travel_relaxed: list[bool] = []
    for i in range(n):
        if not too_far[i].any():
            travel_relaxed.append(False)
            continue
        qualifies = (excluded[i] == 0) & ~too_far[i]
        relaxed = not bool(qualifies.any()) and bool(((excluded[i] == 0) & too_far[i]).any())
        travel_relaxed.append(relaxed)
        if not relaxed:
            excluded[i] |= np.where(too_far[i], EXCLUDE_TRAVEL, 0)

    # First-time-fix rate, smoothed towards the category's rate over everyone.
    ftfr_counts: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
    for ftfr_category in {f.category for f in facts}:
        by_engineer = ftfr.get(ftfr_category, {})
        fixed = np.array([by_engineer.get(u, (0, 0))[0] for u in pool.user_ids], dtype=np.float64)
        total = np.array([by_engineer.get(u, (0, 0))[1] for u in pool.user_ids], dtype=np.float64)
        all_total = sum(t for _f, t in by_engineer.values())
        prior = sum(f for f, _t in by_engineer.values()) / all_total if all_total else FTFR_DEFAULT_PRIOR
        ftfr_counts[ftfr_category] = (fixed, total, prior)
    for i, fact in enumerate(facts):
        fixed, total, prior = ftfr_counts[fact.category]
        scores[index[FTFR], i] = (fixed + FTFR_PRIOR_WEIGHT * prior) / (total + FTFR_PRIOR_WEIGHT)

    # Factors of other apps: one call per request with every candidate.
    external_reasons: dict[str, list[dict[int, FactorScore]]] = {}
    if external and m:
        candidates = [
            EngineerCandidate(
                user_id=user_id,
                latitude=None if math.isnan(pool.lat[j]) else float(pool.lat[j]),
                longitude=None if math.isnan(pool.lon[j]) else float(pool.lon[j]),
            )
            for j, user_id in enumerate(pool.user_ids)
        ]
        column = {user_id: j for j, user_id in enumerate(pool.user_ids)}
        for factor in external:
            answers: list[dict[int, FactorScore]] = []
            if weights_by_key[factor.key] <= 0:
                continue  # switched off: not asked at all
            if factor.score_many is not None and n > 1:
                answers = list(factor.score_many([f.ticket for f in facts], candidates))
            else:
                answers = [factor.score(fact.ticket, candidates) for fact in facts]
            for i, answer in enumerate(answers):
                for user_id, result in answer.items():
                    j = column.get(user_id)
                    if j is not None:
                        scores[index[factor.key], i, j] = min(1.0, max(0.0, float(result.score)))
            external_reasons[factor.key] = answers

    weights = np.array([weights_by_key[key] for key in keys], dtype=np.float64)
    applies = ~np.isnan(scores) & (weights[:, None, None] > 0)
    weight_sum = np.where(applies, weights[:, None, None], 0.0).sum(axis=0)
    weighted = np.where(applies, np.nan_to_num(scores) * weights[:, None, None], 0.0).sum(axis=0)
    total_score = np.divide(weighted, weight_sum, out=np.zeros_like(weighted), where=weight_sum > 0)
    return ScoreMatrix(
        facts=facts,
        pool=pool,
        keys=keys,
        labels=labels,
        weights=weights,
        scores=scores,
        total=total_score,
        weight_sum=weight_sum,
        excluded=excluded,
        distance=distance,
        travel=travel,
        availability=availability,
        late_minutes=late,
        window_end=window_end,
        overdue=overdue,
        in_region=in_region,
        skill_levels=skill_levels,
        cert_detail=cert_detail,
        ftfr_counts=ftfr_counts,
        external_reasons=external_reasons,
        horizon_hours=settings.horizon_hours,
        arrival=arrival,
        arrival_deadline=arrival_deadline,
        travel_relaxed=travel_relaxed,
        max_travel_km=int(settings.max_travel_km),
        max_travel_minutes=int(settings.max_travel_minutes),
    )
