from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import ApiToken, ApiTokenKind, Organisation, OrganisationKind, Team, TeamKind, User
from sasms.accounts.roles import Role
from sasms.accounts.selectors import organisations_visible_to
from sasms.core.filters import YesNoFilter


class SearchFilterSet(django_filters.FilterSet):
    """A free-text ``q`` over the fields named in ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(condition)


class OrganisationFilterSet(SearchFilterSet):
    search_fields = ("name", "code", "city")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)
    city = django_filters.CharFilter(label=_("City"), lookup_expr="icontains")
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "city", "is_active"]


class UserFilterSet(SearchFilterSet):
    search_fields = ("full_name", "email", "phone")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    is_active = YesNoFilter(label=_("Active"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The organisation choices are scoped too: a customer administrator sees only their own.
        actor = getattr(self.request, "user", None)
        self.filters["organisation"].queryset = (
            organisations_visible_to(actor=actor) if actor else Organisation.objects.none()
        )

    class Meta:
        model = User
        fields = ["q", "role", "organisation", "is_active"]


class TeamFilterSet(SearchFilterSet):
    search_fields = ("name", "region")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=TeamKind.choices)

    class Meta:
        model = Team
        fields = ["q", "kind"]


class TokenFilterSet(SearchFilterSet):
    search_fields = ("name", "prefix")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ApiTokenKind.choices)

    class Meta:
        model = ApiToken
        fields = ["q", "kind"]
