"""Panels other apps add to the request page (SLA clocks, dispatch, visits, parts, knowledge).

An app registers a :class:`TicketPanel` from its ``AppConfig.ready``; the request page asks each
panel for its context and includes its template in the named column. A panel returns ``None``
when it has nothing to show this reader (a customer, a closed request), and then it is left out.
Panels are ordered by ``order`` within their column.

A ``live`` panel shows something a reply changes (the SLA clocks: a reply meets the response
clock); after a reply sent with htmx the page swaps it in again out of band, so it is never stale.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.http import HttpRequest

from sasms.tickets.models import Ticket

PanelContext = Callable[[HttpRequest, Ticket], dict[str, Any] | None]


@dataclass(frozen=True)
class TicketPanel:
    key: str
    template: str
    context: PanelContext
    column: Literal["main", "side"] = "side"
    order: int = 100
    live: bool = False


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, TicketPanel] = {}


def register_panel(panel: TicketPanel) -> None:
    """Add (or replace, by key) a panel; called from an app's ``ready``."""
    _PANELS[panel.key] = panel


def panels_for(
    request: HttpRequest, ticket: Ticket, column: str | None = None, *, live_only: bool = False
) -> list[RenderedPanel]:
    """The panels of ``column`` (all columns: ``None``) that have something to show this reader."""
    rendered = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if (column is not None and panel.column != column) or (live_only and not panel.live):
            continue
        context = panel.context(request, ticket)
        if context is not None:
            rendered.append(RenderedPanel(panel.key, panel.template, context))
    return rendered
