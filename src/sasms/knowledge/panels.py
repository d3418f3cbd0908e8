"""The request page's knowledge panels: ask the knowledge base; draft an article from a resolved request."""

from typing import Any

from django.http import HttpRequest

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.knowledge.models import ArticleStatus
from sasms.knowledge.selectors import articles_for_ticket, is_editor
from sasms.knowledge.services.from_ticket import DRAFTABLE
from sasms.tickets.models import Ticket
from sasms.tickets.panels import TicketPanel, register_panel


def knowledge_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    """Staff who edit knowledge, on resolved or closed requests only."""
    actor = request.user
    if ticket.status not in DRAFTABLE or not isinstance(actor, User):
        return None
    if not is_editor(actor) or not actor.can(Capability.WORK_TICKETS):
        return None
    articles = articles_for_ticket(actor=actor, ticket=ticket)
    return {
        "ticket": ticket,
        "articles": articles,
        "can_draft": not any(a.status != ArticleStatus.ARCHIVED for a in articles),
    }


def ask_panel(request: HttpRequest, ticket: Ticket) -> dict[str, Any] | None:
    """The agent's "ask the knowledge base" box, on every request a staff member works."""
    actor = request.user
    if not isinstance(actor, User) or not actor.can(Capability.WORK_TICKETS):
        return None
    return {"ticket": ticket, "question": ticket.title}


def register_panels() -> None:
    register_panel(
        TicketPanel(
            key="kb_ask", template="knowledge/_ask_panel.html", context=ask_panel, column="side", order=80
        )
    )
    register_panel(
        TicketPanel(
            key="knowledge",
            template="knowledge/_ticket_panel.html",
            context=knowledge_panel,
            column="main",
            order=60,
        )
    )
