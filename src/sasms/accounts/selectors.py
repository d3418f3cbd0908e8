"""Reads for accounts, scoped to what the acting user may see."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from sasms.accounts.models import ApiToken, Contact, Organisation, Team, User
from sasms.accounts.roles import Capability
from sasms.core.tenancy import get_for_actor, scope_to_actor


def organisations_visible_to(*, actor: User | AnonymousUser) -> QuerySet[Organisation]:
    queryset = Organisation.objects.annotate(
        user_count=Count("users", filter=Q(users__is_machine=False), distinct=True),
        contact_count=Count("contacts", distinct=True),
    )
    return scope_to_actor(queryset, actor=actor, organisation_field="self")


def access_organisation(*, actor: User | AnonymousUser, organisation_id: int) -> Organisation:
    return get_for_actor(
        Organisation.objects.all(), actor=actor, organisation_field="self", pk=organisation_id
    )


def contacts_of(*, actor: User | AnonymousUser, organisation: Organisation) -> QuerySet[Contact]:
    return scope_to_actor(Contact.objects.filter(organisation=organisation), actor=actor)


def access_contact(*, actor: User | AnonymousUser, contact_id: int) -> Contact:
    return get_for_actor(Contact.objects.select_related("organisation"), actor=actor, pk=contact_id)


def users_visible_to(*, actor: User | AnonymousUser) -> QuerySet[User]:
    """Administrators see everyone; customer administrators their own organisation; others nobody."""
    queryset = User.objects.select_related("organisation").filter(is_machine=False)
    if not actor.is_authenticated:
        return queryset.none()
    if actor.can(Capability.MANAGE_USERS):
        return queryset
    if actor.can(Capability.MANAGE_OWN_ORGANISATION_USERS):
        return queryset.filter(organisation_id=actor.organisation_id)
    return queryset.none()


def access_user(*, actor: User | AnonymousUser, user_id: int) -> User:
    return get_for_actor(
        users_visible_to(actor=actor), actor=actor, organisation_field="organisation", pk=user_id
    )


def teams_visible_to(*, actor: User | AnonymousUser) -> QuerySet[Team]:
    if not actor.is_authenticated or not actor.can(Capability.VIEW_ALL_ORGANISATIONS):
        return Team.objects.none()
    return Team.objects.select_related("lead").annotate(member_count=Count("members"))


def tokens_visible_to(*, actor: User | AnonymousUser) -> QuerySet[ApiToken]:
    """Own personal tokens; administrators also see every machine token."""
    if not actor.is_authenticated:
        return ApiToken.objects.none()
    queryset = ApiToken.objects.select_related("user", "user__organisation")
    if actor.can(Capability.MANAGE_MACHINE_TOKENS):
        return queryset.filter(Q(user=actor) | Q(user__is_machine=True))
    return queryset.filter(user=actor)


def languages_by_address(addresses: Iterable[str]) -> dict[str, str]:
    """The language each e-mail address reads in: its user's profile language, else the site's
    default (a contact without an account, an organisation's shared mailbox). Keys are lower-case."""
    wanted = {address.lower() for address in addresses if address}
    known = {
        email.lower(): language
        for email, language in User.objects.filter(email__in=wanted).values_list("email", "language")
    }
    return {address: known.get(address) or settings.LANGUAGE_CODE for address in wanted}
