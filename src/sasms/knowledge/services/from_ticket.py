"""One click on a resolved request drafts an article: symptom, cause and solution from its record.

The draft is internal (the request's text may name the customer, hosts or addresses) and goes
through review like any other article; the request's timeline says it was drafted.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core.errors import Conflict
from sasms.core.permissions import require
from sasms.core.search.models import Audience
from sasms.knowledge.models import Article, ArticleStatus, Category
from sasms.knowledge.services.articles import TITLE_CHARS, create_article
from sasms.knowledge.services.common import detect_language
from sasms.tickets.choices import EventKind, Status
from sasms.tickets.events import record_event
from sasms.tickets.locks import lock_ticket
from sasms.tickets.models import Ticket
from sasms.tickets.services.common import require_participant

DRAFTABLE = frozenset({Status.RESOLVED, Status.CLOSED})
# Section headings in the article's own language (content, not interface text).
HEADINGS = {
    "zh-hans": {"symptom": "症状", "cause": "原因", "solution": "解决方法", "environment": "适用环境"},
    "en": {"symptom": "Symptom", "cause": "Cause", "solution": "Solution", "environment": "Applies to"},
}
NO_CAUSE = {"zh-hans": "（待补充）", "en": "(to be completed)"}


class AlreadyDrafted(Conflict):
    """The request already has an article that is not archived: open that one instead."""

    def __init__(self, article: Article) -> None:
        super().__init__(_("An article was already drafted from this request."), code="already_drafted")
        self.article = article


def draft_body(ticket: Ticket, language: str) -> str:
    """Markdown with the symptom, cause and solution sections of a resolved request."""
    words = HEADINGS[language]
    symptom = ticket.description.strip() or ticket.title
    causes = [ticket.root_cause.strip()] if ticket.root_cause.strip() else []
    whys = [str(w).strip() for w in (ticket.five_whys or []) if str(w).strip()]
    cause = "\n\n".join(causes)
    if whys:
        cause = (cause + "\n\n" if cause else "") + "\n".join(f"{i}. {w}" for i, w in enumerate(whys, 1))
    parts = [f"## {words['symptom']}\n\n{symptom}", f"## {words['cause']}\n\n{cause or NO_CAUSE[language]}"]
    parts.append(f"## {words['solution']}\n\n{ticket.resolution_summary.strip() or NO_CAUSE[language]}")
    environment = []
    if ticket.server is not None:
        environment.append(f"- {ticket.server.model.vendor.name} {ticket.server.model.name}")
    if ticket.component:
        environment.append(f"- {ticket.get_component_display()}")
    if environment:
        parts.append(f"## {words['environment']}\n\n" + "\n".join(environment))
    return "\n\n".join(parts)


@transaction.atomic
def draft_article_from_ticket(*, actor: User, ticket: Ticket) -> Article:
    """A draft article from a resolved or closed request, linked to it, its server model and component."""
    require(actor, Capability.EDIT_KNOWLEDGE)
    require(actor, Capability.WORK_TICKETS)
    require_participant(actor, ticket)
    # Locked: a double click waits for the first draft and then finds it.
    ticket = lock_ticket(ticket.pk)
    if ticket.status not in DRAFTABLE:
        raise Conflict(
            _("Only a resolved or closed request can be turned into an article."), code="not_resolved"
        )
    existing = (
        Article.objects.filter(source_ticket=ticket)
        .exclude(status=ArticleStatus.ARCHIVED)
        .order_by("-pk")
        .first()
    )
    if existing is not None:
        raise AlreadyDrafted(existing)
    server = ticket.server
    if server is not None:
        server = type(server).objects.select_related("model__vendor").get(pk=server.pk)
        ticket.server = server
    text = " ".join([ticket.title, ticket.description, ticket.resolution_summary, ticket.root_cause])
    language = detect_language(text)
    article = create_article(
        actor=actor,
        title=ticket.title[:TITLE_CHARS],
        body=draft_body(ticket, language),
        audience=Audience.INTERNAL,
        language=language,
        category=Category.objects.filter(code=ticket.component).first() if ticket.component else None,
        component=ticket.component,
        vendors=[server.model.vendor] if server is not None else [],
        server_models=[server.model] if server is not None else [],
        change_note=_("Drafted from service request %(number)s.") % {"number": ticket.number},
        source_ticket=ticket,
    )
    record_event(
        ticket=ticket,
        actor=actor,
        kind=EventKind.KNOWLEDGE,
        public=False,
        # The kind says "Knowledge" in each reader's language; the line itself needs no translation.
        body=f"{article.number} · {article.title}",
        data={"article": article.pk, "number": article.number, "action": "drafted"},
    )
    return article
