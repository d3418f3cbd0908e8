"""The survey panel on the request page: staff see the answer, the customer a link to answer."""

from typing import Any

from django.http import HttpRequest

from sasms.accounts.roles import Capability
from sasms.feedback.selectors import survey_of
from sasms.tickets.choices import Status
from sasms.tickets.models import Ticket


def survey_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    user: Any = request.user
    staff = bool(user.is_authenticated and user.can(Capability.WORK_TICKETS))
    if not staff and ticket.status not in (Status.RESOLVED, Status.CLOSED):
        return None
    survey = survey_of(ticket=ticket)
    if survey is None or (not staff and survey.is_answered):
        return None
    return {"survey": survey, "ticket": ticket, "is_staff": staff}
