"""Answering a survey: signed in from the request page, or from the e-mail's signed link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sasms.core.errors import NotFound, ServiceError
from sasms.core.forms import add_service_error
from sasms.feedback import selectors as feedback_selectors
from sasms.feedback import services as feedback_services
from sasms.feedback.models import AnswerChannel, Survey
from sasms.feedback.tokens import TokenExpired, TokenInvalid, read_token
from sasms.portal import selectors
from sasms.portal.forms import SurveyForm
from sasms.portal.views.common import portal_actor


def _render(
    request: HttpRequest, survey: Survey, form: SurveyForm, status: int = 200, **extra: object
) -> HttpResponse:
    context = {"title": _("How did we do?"), "survey": survey, "ticket": survey.ticket, "form": form, **extra}
    return render(request, "portal/survey.html", context, status=status)


def _answer(request: HttpRequest, survey: Survey, *, signed_in: bool) -> HttpResponse | None:
    """Record a posted answer; ``None`` on success, else the page with the errors (nothing saved)."""
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            feedback_services.answer_survey(
                actor=request.user if signed_in else None,  # type: ignore[arg-type]
                survey=survey,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                channel=AnswerChannel.WEB,
            )
        except ServiceError as error:
            if error.code in ("already_answered", "reopened"):
                return _render(request, survey, SurveyForm(), status=409, refused=error.message)
            add_service_error(form, error)
        else:
            return None
    return _render(request, survey, form, status=422)


@login_required
def survey_view(request: HttpRequest, number: str) -> HttpResponse:
    """The survey of one of the customer's own requests (signed in)."""
    actor = portal_actor(request)
    ticket = selectors.access_portal_request(actor=actor, number=number)
    survey = feedback_selectors.survey_of(ticket=ticket)
    if survey is None:
        raise NotFound(_("Not found."))
    survey.ticket = ticket
    if request.method == "POST":
        refused = _answer(request, survey, signed_in=True)
        if refused is not None:
            return refused
        messages.success(request, _("Thank you for your feedback!"))
        return redirect("portal:request_detail", number=ticket.number)
    return _render(request, survey, SurveyForm())


def survey_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """The survey from the e-mail: the signed token stands in for signing in, for this survey only."""
    try:
        survey_id = read_token(token)
    except TokenExpired:
        return render(
            request,
            "portal/survey_link_invalid.html",
            {"title": _("How did we do?"), "expired": True},
            status=410,
        )
    except TokenInvalid:
        return render(request, "portal/survey_link_invalid.html", {"title": _("How did we do?")}, status=404)
    survey = Survey.objects.select_related("ticket").filter(pk=survey_id).first()
    if survey is None:
        return render(request, "portal/survey_link_invalid.html", {"title": _("How did we do?")}, status=404)
    if request.method == "POST":
        refused = _answer(request, survey, signed_in=False)
        if refused is not None:
            return refused
        return render(request, "portal/survey_thanks.html", {"title": _("Thank you!"), "survey": survey})
    return _render(request, survey, SurveyForm())
