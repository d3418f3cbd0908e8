"""Satisfaction surveys: invitation on resolution, the signed e-mail link, answering once, results."""

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.core.errors import Conflict, NotFound, ServiceError
from sasms.core.models import AuditEntry, OutboxMessage
from sasms.feedback import services
from sasms.feedback.models import Survey, SurveyResponse
from sasms.feedback.tokens import make_token
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
GOOD = {"response_speed": 5, "expertise": 4, "resolution": 4, "attitude": 5}


def _post_scores(**overrides: object) -> dict[str, object]:
    return {**GOOD, "comment": "Quick and friendly.", **overrides}


def _link_path(message: OutboxMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/portal/survey/[^\s]+/)", message.payload["body"])
    assert match is not None, message.payload["body"]
    return match.group(1)


def test_resolving_invites_the_requester_once_by_email(
    resolved: Ticket, engineer: User, customer_user: User
) -> None:
    survey = Survey.objects.get(ticket=resolved)
    assert survey.engineer == engineer
    assert survey.organisation_id == resolved.organisation_id
    assert survey.recipient == customer_user.email
    assert survey.language == "en"  # the customer's own language
    assert survey.rounds == 1
    message = OutboxMessage.objects.get(idempotency_key=f"portal:survey:{survey.pk}:invitation:1")
    assert message.payload["to"] == [customer_user.email]
    assert resolved.number in message.payload["subject"]
    assert "How did we do" in message.payload["subject"]
    assert _link_path(message).startswith("/portal/survey/")
    assert AuditEntry.objects.filter(action="survey.invite", object_id=str(survey.pk)).count() == 1


def test_reopen_and_resolve_again_renews_an_unanswered_invitation(
    resolved: Ticket,
    resolve: Callable[[Ticket, User], Ticket],
    customer_user: User,
    make_user: Callable[..., User],
) -> None:
    ticket_services.transition_ticket(
        actor=customer_user, ticket=resolved, action="reopen", reason="Still beeping"
    )
    other = make_user("engineer", full_name="Engineer Wu")
    ticket_services.assign_ticket(actor=other, ticket=Ticket.objects.get(pk=resolved.pk), assignee=other)
    resolve(resolved, other)
    survey = Survey.objects.get(ticket=resolved)
    assert survey.rounds == 2
    assert survey.engineer == other
    assert Survey.objects.count() == 1
    keys = set(
        OutboxMessage.objects.filter(idempotency_key__startswith="portal:survey:").values_list(
            "idempotency_key", flat=True
        )
    )
    assert keys == {f"portal:survey:{survey.pk}:invitation:1", f"portal:survey:{survey.pk}:invitation:2"}


def test_an_answered_survey_is_not_sent_again_after_a_reopen(
    resolved: Ticket, resolve: Callable[[Ticket, User], Ticket], customer_user: User, engineer: User
) -> None:
    survey = Survey.objects.get(ticket=resolved)
    services.answer_survey(actor=customer_user, survey=survey, scores=GOOD)
    ticket_services.transition_ticket(actor=customer_user, ticket=resolved, action="reopen", reason="Again")
    resolve(resolved, engineer)
    survey.refresh_from_db()
    assert survey.rounds == 1
    assert OutboxMessage.objects.filter(idempotency_key__startswith="portal:survey:").count() == 1


def test_answer_is_stored_for_analytics_and_on_the_internal_timeline(
    resolved: Ticket, customer_user: User, engineer: User, customer_a: Organisation
) -> None:
    survey = Survey.objects.get(ticket=resolved)
    answer = services.answer_survey(actor=customer_user, survey=survey, scores=GOOD, comment=" Great ")
    assert answer.average == Decimal("4.50")
    assert (answer.engineer, answer.organisation, answer.respondent, answer.channel) == (
        engineer,
        customer_a,
        customer_user,
        "web",
    )
    assert answer.comment == "Great"
    survey.refresh_from_db()
    assert survey.answered_at is not None
    event = TicketEvent.objects.get(ticket=resolved, kind="survey")
    assert event.public is False
    assert event.body == "Great"
    assert event.data["average"] == "4.50"
    assert event.data["expertise"] == 4
    assert AuditEntry.objects.filter(action="survey.answer").count() == 1


def test_answering_twice_is_refused_and_changes_nothing(resolved: Ticket, customer_user: User) -> None:
    survey = Survey.objects.get(ticket=resolved)
    services.answer_survey(actor=customer_user, survey=survey, scores=GOOD)
    with pytest.raises(Conflict) as refused:
        services.answer_survey(actor=customer_user, survey=survey, scores={**GOOD, "attitude": 1})
    assert refused.value.code == "already_answered"
    assert SurveyResponse.objects.get().attitude == 5
    assert TicketEvent.objects.filter(kind="survey").count() == 1


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({**GOOD, "expertise": 6}, "expertise"),
        ({**GOOD, "resolution": 0}, "resolution"),
        ({k: v for k, v in GOOD.items() if k != "attitude"}, "attitude"),
        ({**GOOD, "response_speed": "5"}, "response_speed"),
        ({**GOOD, "mood": 3}, "mood"),
    ],
)
def test_bad_scores_are_refused_by_field(
    resolved: Ticket, customer_user: User, scores: dict[str, object], field: str
) -> None:
    survey = Survey.objects.get(ticket=resolved)
    with pytest.raises(ServiceError) as refused:
        services.answer_survey(actor=customer_user, survey=survey, scores=scores)
    assert field in refused.value.fields
    assert not SurveyResponse.objects.exists()


def test_staff_and_other_customers_cannot_answer(
    resolved: Ticket, engineer: User, customer_b_user: User
) -> None:
    survey = Survey.objects.get(ticket=resolved)
    for actor in (engineer, customer_b_user):
        with pytest.raises(NotFound):
            services.answer_survey(actor=actor, survey=survey, scores=GOOD)
    assert not SurveyResponse.objects.exists()


def test_a_reopened_request_cannot_be_rated_until_resolved_again(
    resolved: Ticket, customer_user: User
) -> None:
    ticket_services.transition_ticket(actor=customer_user, ticket=resolved, action="reopen", reason="No")
    with pytest.raises(Conflict) as refused:
        services.answer_survey(actor=customer_user, survey=Survey.objects.get(ticket=resolved), scores=GOOD)
    assert refused.value.code == "reopened"


# --- The signed e-mail link -----------------------------------------------------------------------


def test_the_email_link_answers_without_signing_in(resolved: Ticket) -> None:
    path = _link_path(OutboxMessage.objects.get(idempotency_key__startswith="portal:survey:"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(path)
    assert page.status_code == 200
    assert resolved.number in page.content.decode()
    assert "How quickly did we respond?" in page.content.decode()
    done = client.post(path, _post_scores())
    assert done.status_code == 200
    assert "Thank you" in done.content.decode()
    answer = SurveyResponse.objects.get()
    assert (answer.channel, answer.respondent, answer.comment) == ("link", None, "Quick and friendly.")
    again = client.post(path, _post_scores(attitude=1))
    assert again.status_code == 409
    assert "already been answered" in again.content.decode()
    assert SurveyResponse.objects.get().attitude == 5


def test_the_link_page_speaks_chinese(resolved: Ticket) -> None:
    path = reverse("portal:survey_link", args=[make_token(Survey.objects.get().pk)])
    body = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(path).content.decode()
    assert 'lang="zh-hans"' in body


def test_out_of_range_scores_show_errors_on_their_fields(resolved: Ticket) -> None:
    path = reverse("portal:survey_link", args=[make_token(Survey.objects.get().pk)])
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(path, _post_scores(expertise="9", attitude=""))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'data-testid="error-expertise"' in body
    assert 'data-testid="error-attitude"' in body
    assert 'data-testid="error-resolution"' not in body
    assert not SurveyResponse.objects.exists()


def test_an_expired_link_is_refused(resolved: Ticket) -> None:
    path = reverse("portal:survey_link", args=[make_token(Survey.objects.get().pk)])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        response = Client(HTTP_ACCEPT_LANGUAGE="en").post(path, _post_scores())
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "forge",
    [
        lambda pk: "nonsense",
        lambda pk: make_token(pk)[:-2] + "xx",
        lambda pk: signing.dumps({"s": pk}, salt="another.purpose"),
        lambda pk: signing.dumps({"s": pk}, salt="sasms.portal.survey", key="not-the-site-key"),
        lambda pk: signing.dumps({"s": str(pk)}, salt="sasms.portal.survey"),
        lambda pk: make_token(pk + 1000),
    ],
)
def test_a_forged_link_is_refused(resolved: Ticket, forge: Callable[[int], str]) -> None:
    token = forge(Survey.objects.get().pk)
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("portal:survey_link", args=[token]), _post_scores()
    )
    assert response.status_code == 404
    assert "not valid" in response.content.decode()
    assert not SurveyResponse.objects.exists()


# --- Signed in ------------------------------------------------------------------------------------


def test_signed_in_customer_answers_from_the_request_page(
    resolved: Ticket, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    detail = client.get(reverse("portal:request_detail", args=[resolved.number])).content.decode()
    assert 'data-testid="survey-prompt"' in detail
    url = reverse("portal:survey", args=[resolved.number])
    response = client.post(url, _post_scores())
    assert response.status_code == 302
    assert SurveyResponse.objects.get().respondent == customer_user
    detail = client.get(reverse("portal:request_detail", args=[resolved.number])).content.decode()
    assert 'data-testid="survey-done"' in detail
    assert "Quick and friendly." not in detail  # the answer is on the internal timeline only
    assert client.post(url, _post_scores()).status_code == 409


def test_survey_panel_on_the_staff_request_page(
    resolved: Ticket, customer_user: User, engineer: User, client_for: Callable[[User], Client]
) -> None:
    services.answer_survey(actor=customer_user, survey=Survey.objects.get(), scores=GOOD, comment="Nice work")
    body = client_for(engineer).get(reverse("tickets:detail", args=[resolved.number])).content.decode()
    assert 'data-testid="survey-panel"' in body
    assert "Average 4.50 of 5" in body
    assert "Nice work" in body


# --- Results --------------------------------------------------------------------------------------


def test_results_list_filters_averages_and_exports(
    portal_request: Callable[..., Ticket],
    resolve: Callable[[Ticket, User], Ticket],
    engineer: User,
    make_user: Callable[..., User],
    manager: User,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    other = make_user("engineer", full_name="Engineer Wu")
    first = resolve(portal_request(), engineer)
    second = resolve(portal_request(title="Fan noise"), other)
    resolve(portal_request(title="Unanswered"), other)
    services.answer_survey(actor=customer_user, survey=Survey.objects.get(ticket=first), scores=GOOD)
    low = {"response_speed": 2, "expertise": 3, "resolution": 1, "attitude": 2}
    services.answer_survey(
        actor=customer_user, survey=Survey.objects.get(ticket=second), scores=low, comment="Slow"
    )
    client = client_for(manager)
    url = reverse("portal:survey_results")
    body = client.get(url).content.decode()
    assert first.number in body
    assert second.number in body
    assert 'data-testid="summary-answers">2<' in body
    assert 'data-testid="summary-overall">3.25<' in body
    assert "67 % answered (2 of 3 invited)" in body
    filtered = client.get(url, {"engineer": other.pk}).content.decode()
    assert second.number in filtered
    assert first.number not in filtered
    assert 'data-testid="summary-overall">2.00<' in filtered
    low_only = client.get(url, {"at_most": "3"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in low_only
    assert second.number in low_only
    assert first.number not in low_only
    export = client.get(url, {"export": "csv", "commented": "true"})
    content = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert "Slow" in content
    assert first.number not in content
    assert client.get(url, {"export": "xlsx"})["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(customer_user).get(url).status_code == 403
    assert client_for(engineer).get(url).status_code == 403  # no reports for engineers


def test_results_page_queries_do_not_grow_with_rows(
    portal_request: Callable[..., Ticket],
    resolve: Callable[[Ticket, User], Ticket],
    engineer: User,
    manager: User,
    customer_user: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: object,
) -> None:
    client = client_for(manager)
    url = reverse("portal:survey_results")
    ticket = resolve(portal_request(), engineer)
    services.answer_survey(actor=customer_user, survey=Survey.objects.get(ticket=ticket), scores=GOOD)
    with django_assert_max_num_queries(20) as few:  # type: ignore[operator]
        client.get(url)
    for index in range(6):
        ticket = resolve(portal_request(title=f"More {index}"), engineer)
        services.answer_survey(actor=customer_user, survey=Survey.objects.get(ticket=ticket), scores=GOOD)
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        client.get(url)
