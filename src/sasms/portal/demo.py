"""Demo step of the portal: survey answers for many resolved requests, and some deflections.

Every resolved or closed request of the demo history gets its survey invitation; about 40 % of
them were answered, mostly well (4–5), with each engineer a little better or worse than the
average, lower marks where the request was reopened or slow, and now and then a comment. Answers
also appear on the request's timeline. Deflections are about a quarter of the requests opened in
the portal over the last half year, for customers with portal users. All rows are bulk-inserted.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count
from django.utils import timezone

from sasms.accounts.models import User
from sasms.accounts.roles import CUSTOMER_ROLES
from sasms.core.progress import Progress
from sasms.feedback.models import SCORE_FIELDS, AnswerChannel, Deflection, Survey, SurveyResponse
from sasms.tickets.choices import Channel, EventKind, Status
from sasms.tickets.demo.fastinsert import insert_rows
from sasms.tickets.models import Ticket

ANSWER_RATE = 0.4
BATCH = 2_000
DEFLECTION_DAYS = 180
COMMENTS_GOOD = [
    "工程师响应很快，问题当天解决，非常满意。",
    "备件到得及时，更换过程专业。",
    "Quick and professional, thank you.",
    "The engineer explained the root cause clearly.",
    "服务态度很好，沟通顺畅。",
]
COMMENTS_BAD = [
    "等待备件的时间太长了。",
    "问题反复出现，希望能彻底解决。",
    "Took too long to get a first answer.",
    "We had to chase for updates several times.",
]
QUERIES = [
    "RAID 降级 如何重建",
    "BMC 无法登录",
    "fan speed high after firmware update",
    "内存 ECC 报错",
    "iDRAC password reset",
    "电源冗余丢失",
    "how to collect logs for support",
    "硬盘 预故障 告警",
]


def _score(rng: random.Random, base: float) -> int:
    return max(1, min(5, round(base + rng.gauss(0, 0.6))))


def _surveys(rng: random.Random, now: datetime.datetime, progress: Progress) -> int:
    rows = list(
        Ticket.objects.filter(
            status__in=(Status.RESOLVED, Status.CLOSED), resolved_at__isnull=False, survey__isnull=True
        )
        .order_by("resolved_at")
        .values_list(
            "pk",
            "organisation_id",
            "assignee_id",
            "resolved_at",
            "created_at",
            "reopen_count",
            "requester__email",
        )
    )
    if not rows:
        return 0
    engineers = sorted({r[2] for r in rows if r[2]})
    skill = {pk: rng.uniform(-0.6, 0.4) for pk in engineers}
    respondents: dict[int, list[int]] = defaultdict(list)
    for pk, organisation_id in User.objects.filter(role__in=CUSTOMER_ROLES).values_list(
        "pk", "organisation_id"
    ):
        respondents[organisation_id].append(pk)
    surveys: list[Survey] = []
    answers: list[tuple[int, dict[str, Any]]] = []
    for index, (pk, organisation_id, engineer_id, resolved_at, created_at, reopened, email) in enumerate(
        rows
    ):
        assert resolved_at is not None  # filtered above
        survey = Survey(
            ticket_id=pk,
            organisation_id=organisation_id,
            engineer_id=engineer_id,
            recipient=email or "",
            invited_at=resolved_at,
            resolved_at=resolved_at,
        )
        answered_at = resolved_at + datetime.timedelta(minutes=rng.randint(20, 5 * 24 * 60))
        if rng.random() < ANSWER_RATE and answered_at < now:
            survey.answered_at = answered_at
            mood = rng.choices([4.8, 4.2, 3.2, 2.0], [50, 32, 12, 6])[0] + skill.get(engineer_id or 0, 0.0)
            hours = (resolved_at - created_at).total_seconds() / 3600
            values = {
                "response_speed": _score(rng, mood - (0.8 if hours > 72 else 0.0)),
                "expertise": _score(rng, mood + 0.1),
                "resolution": _score(rng, mood - (1.2 if reopened else 0.0)),
                "attitude": _score(rng, mood + 0.3),
            }
            average = (Decimal(sum(values.values())) / 4).quantize(Decimal("0.01"))
            comment = ""
            if rng.random() < 0.3:
                comment = rng.choice(COMMENTS_GOOD if average >= Decimal("3.5") else COMMENTS_BAD)
            people = respondents.get(organisation_id, [])
            channel = rng.choices([AnswerChannel.LINK, AnswerChannel.WEB, AnswerChannel.API], [60, 35, 5])[0]
            answers.append(
                (
                    index,
                    {
                        **values,
                        "average": average,
                        "comment": comment,
                        "channel": channel,
                        "respondent_id": rng.choice(people)
                        if people and channel != AnswerChannel.LINK
                        else None,
                        "created_at": answered_at,
                    },
                )
            )
        surveys.append(survey)
    Survey.objects.bulk_create(surveys, batch_size=BATCH)
    responses = []
    events = []
    for index, data in answers:
        survey = surveys[index]
        responses.append(
            SurveyResponse(
                survey_id=survey.pk,
                ticket_id=survey.ticket_id,
                organisation_id=survey.organisation_id,
                engineer_id=survey.engineer_id,
                **data,
            )
        )
        scores = {name: data[name] for name in SCORE_FIELDS}
        events.append(
            (
                survey.ticket_id,
                data["created_at"],
                data["respondent_id"],
                "system" if data["respondent_id"] is None else "",
                EventKind.SURVEY,
                False,
                data["comment"],
                {"survey": survey.pk, **scores, "average": str(data["average"]), "channel": data["channel"]},
            )
        )
    SurveyResponse.objects.bulk_create(responses, batch_size=BATCH)
    labels = dict(User.objects.filter(pk__in={e[2] for e in events if e[2]}).values_list("pk", "full_name"))
    events = [(*e[:3], labels.get(e[2], e[3]) or "system", *e[4:]) for e in events]
    insert_rows(
        apps.get_model("tickets", "TicketEvent"),
        ("ticket", "created_at", "actor", "actor_label", "kind", "public", "body", "data"),
        events,
    )
    progress("satisfaction surveys", len(surveys), len(surveys))
    return len(responses)


def _deflections(rng: random.Random, now: datetime.datetime, progress: Progress) -> int:
    try:
        article_model = apps.get_model("knowledge", "Article")
    except LookupError:
        return 0
    articles = list(article_model.objects.values_list("pk", "title")[:200])
    if not articles:
        return 0
    since = now - datetime.timedelta(days=DEFLECTION_DAYS)
    users: dict[int, list[int]] = defaultdict(list)
    for pk, organisation_id in User.objects.filter(role__in=CUSTOMER_ROLES).values_list(
        "pk", "organisation_id"
    ):
        users[organisation_id].append(pk)
    portal_requests = dict(
        Ticket.objects.filter(channel=Channel.PORTAL, created_at__gte=since, organisation_id__in=list(users))
        .values("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    rows = []
    for organisation_id, people in users.items():
        count = round(portal_requests.get(organisation_id, 0) * rng.uniform(0.2, 0.45))
        for _ in range(count):
            article_id, title = rng.choice(articles)
            rows.append(
                Deflection(
                    organisation_id=organisation_id,
                    user_id=rng.choice(people),
                    article_id=article_id,
                    article_title=str(title)[:300],
                    query=rng.choice(QUERIES),
                    created_at=since + datetime.timedelta(seconds=rng.uniform(0, DEFLECTION_DAYS * 86_400)),
                )
            )
    Deflection.objects.bulk_create(rows, batch_size=BATCH)
    progress("deflections", len(rows), len(rows))
    return len(rows)


def build_step(*, rng: random.Random, scale: int, progress: Progress, state: dict[str, Any]) -> None:
    now = timezone.now()
    answered = _surveys(rng, now, progress)
    deflections = _deflections(rng, now, progress)
    state["portal"] = {"survey_answers": answered, "deflections": deflections}
