from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Organisation, Team, User
from sasms.accounts.roles import STAFF_ROLES
from sasms.core.filters import YesNoFilter
from sasms.tickets.choices import Category, Channel, ComponentArea, Priority, Status, TicketType, Tier
from sasms.tickets.models import Ticket
from sasms.tickets.search import search_tickets

SORTS = [
    ("-created_at", _("Newest first")),
    ("created_at", _("Oldest first")),
    ("priority", _("Priority")),
    ("-updated_at", _("Recently updated")),
    ("status", _("Status")),
    ("next_due", _("Time to breach")),
]


def _attrs(attrs: dict[str, Any]) -> str:
    """What Django's ``attrs.html`` writes: ``name="value"``, a bare name for True, nothing for False."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
        for name, value in attrs.items()
        if value is not False
    )


class _PlainSelectMixin:
    """Render a select in Python, to the same HTML as Django's widget templates.

    Measured on the queue (cProfile, 20 000 requests): rendering the filter drop-downs through the
    form renderer — one template include per option, for every customer, team and engineer — was
    three quarters of the page's template time.
    """

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    option["value"],
                    _attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part above is escaped by format_html)


class PlainSelect(_PlainSelectMixin, forms.Select):
    pass


class PlainSelectMultiple(_PlainSelectMixin, forms.SelectMultiple):
    pass


PLAIN_WIDGETS: dict[type, type] = {forms.Select: PlainSelect, forms.SelectMultiple: PlainSelectMultiple}


def with_next_due(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Annotate ``next_due``: the earliest due time of a running, not yet breached SLA clock."""
    from sasms.sla.models import SlaClock  # the SLA app builds on tickets, not the reverse

    clocks = SlaClock.objects.filter(ticket=OuterRef("pk"), state="running", breached_at__isnull=True)
    return queryset.annotate(next_due=Subquery(clocks.order_by("due_at").values("due_at")[:1]))


class TicketOrdering(django_filters.OrderingFilter):
    """The usual sorts plus ``next_due`` (time to breach), which needs its annotation first;
    requests without a running clock sort last either way."""

    def filter(self, qs: Any, value: Any) -> Any:
        if not value or not any(v.lstrip("-") == "next_due" for v in value):
            return super().filter(qs, value)
        ordering = []
        for param in value:
            if param == "next_due":
                ordering.append(F("next_due").asc(nulls_last=True))
            elif param == "-next_due":
                ordering.append(F("next_due").desc(nulls_last=True))
            else:
                ordering.append(self.get_ordering_value(param))
        if "next_due" not in qs.query.annotations:
            qs = with_next_due(qs)
        return qs.order_by(*ordering, "pk")


class TicketFilterSet(django_filters.FilterSet):
    """Filters of the queues and of the API list; ``q`` is the full-text search, ranked by relevance."""

    q = django_filters.CharFilter(label=_("Search"), method="full_text")
    # No multi-valued relation is filtered, so no DISTINCT: it would make every page sort all matches.
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices, distinct=False)
    priority = django_filters.MultipleChoiceFilter(
        label=_("Priority"), choices=Priority.choices, distinct=False
    )
    type = django_filters.ChoiceFilter(label=_("Type"), choices=TicketType.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    component = django_filters.ChoiceFilter(label=_("Component"), choices=ComponentArea.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=Tier.choices)
    organisation = django_filters.ModelChoiceFilter(label=_("Customer"), queryset=Organisation.objects.none())
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.none())
    assignee = django_filters.ModelChoiceFilter(label=_("Assignee"), queryset=User.objects.none())
    entitled = YesNoFilter(label=_("Entitled"))
    created_after = django_filters.DateFilter(
        label=_("Created from"), field_name="created_at", lookup_expr="date__gte"
    )
    created_before = django_filters.DateFilter(
        label=_("Created until"), field_name="created_at", lookup_expr="date__lte"
    )
    sort = TicketOrdering(
        label=_("Sort"),
        fields=(
            ("created_at", "created_at"),
            ("priority", "priority"),
            ("updated_at", "updated_at"),
            ("status", "status"),
            ("next_due", "next_due"),
        ),
        field_labels={
            "created_at": _("Created"),
            "priority": _("Priority"),
            "updated_at": _("Updated"),
            "status": _("Status"),
            "next_due": _("Time to breach"),
        },
    )

    class Meta:
        model = Ticket
        fields = [
            "q",
            "status",
            "priority",
            "type",
            "category",
            "component",
            "channel",
            "tier",
            "organisation",
            "team",
            "assignee",
            "entitled",
            "created_after",
            "created_before",
            "sort",
        ]

    def get_form_class(self) -> Any:  # (the class body shadows the name `type`: a filter)
        base = super().get_form_class()

        class Form(base):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                for field in self.fields.values():  # exact classes only: subclasses render their own way
                    plain = PLAIN_WIDGETS.get(type(field.widget))
                    if plain is not None:
                        field.widget.__class__ = plain

        return Form

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = getattr(self.request, "user", None)
        staff = bool(actor is not None and actor.is_authenticated and actor.is_service_staff)
        # Choices are scoped like the rows: a customer sees only their own organisation and no staff.
        self.filters["organisation"].queryset = (
            Organisation.objects.order_by("name")
            if staff
            else Organisation.objects.filter(pk__in=[getattr(actor, "organisation_id", 0) or 0])
        )
        self.filters["team"].queryset = Team.objects.order_by("name") if staff else Team.objects.none()
        self.filters["assignee"].queryset = (
            User.objects.filter(role__in=STAFF_ROLES, is_active=True, is_machine=False).order_by("full_name")
            if staff
            else User.objects.none()
        )

    def full_text(self, queryset: QuerySet[Ticket], name: str, value: str) -> QuerySet[Ticket]:
        """Full-text search through the search kernel, best matches first (see ``search_tickets``).

        An explicit ``sort`` is applied after this and wins over the relevance order.
        """
        actor = getattr(self.request, "user", None) or AnonymousUser()
        return search_tickets(queryset, actor=actor, query=value)


class TicketApiFilterSet(TicketFilterSet):
    """The API list's filters: ``search`` is accepted as another name for ``q``."""

    search = django_filters.CharFilter(label=_("Search"), method="full_text")

    class Meta(TicketFilterSet.Meta):
        fields = [*TicketFilterSet.Meta.fields, "search"]
