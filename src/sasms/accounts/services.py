"""Writes for accounts: organisations, contacts, users, teams, profiles and API tokens.

Every function is one use case in one transaction, checks the actor's permission itself and leaves
an audit entry. Pages, the API and the CLI call these and nothing else to change accounts.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import override

from sasms.accounts.models import (
    ApiToken,
    ApiTokenKind,
    Contact,
    Organisation,
    OrganisationKind,
    Team,
    TeamKind,
    User,
)
from sasms.accounts.roles import CUSTOMER_ROLES, STAFF_ROLES, Capability, Role
from sasms.core.audit import changed_fields, record_audit, snapshot
from sasms.core.errors import PermissionDenied, ServiceError
from sasms.core.outbox import enqueue_email
from sasms.core.permissions import require
from sasms.core.writes import TIME_ZONES, apply_changes, full_clean_or_refuse, save_or_conflict

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

ORGANISATION_FIELDS = ("name", "code", "kind", "city", "address", "phone", "email", "time_zone", "is_active")
CONTACT_FIELDS = ("name", "title", "email", "phone", "is_primary")
USER_FIELDS = ("email", "full_name", "phone", "organisation", "role", "language", "time_zone", "is_active")
PROFILE_FIELDS = ("full_name", "phone", "language", "time_zone")
TEAM_FIELDS = ("name", "kind", "region", "email", "lead")
TOKEN_PREFIX = "sasms_"


def _check_time_zone(value: str, field: str = "time_zone") -> None:
    if value not in TIME_ZONES:
        raise ServiceError(_("Unknown time zone."), fields={field: [_("Unknown time zone: %s") % value]})


# --- Organisations and contacts ------------------------------------------------------------------


@transaction.atomic
def create_organisation(
    *, actor: User | None, name: str, code: str, kind: str, **details: Any
) -> Organisation:
    if actor is not None:
        require(actor, Capability.MANAGE_ORGANISATIONS)
    organisation = Organisation(name=name.strip(), code=code.strip(), kind=kind)
    apply_changes(organisation, ORGANISATION_FIELDS, details)
    _check_time_zone(organisation.time_zone)
    full_clean_or_refuse(organisation)
    save_or_conflict(organisation, _("An organisation with this name already exists."), "name")
    record_audit(
        actor=actor,
        action="organisation.create",
        target=organisation,
        changes=changed_fields({}, snapshot(organisation, ORGANISATION_FIELDS)),
        organisation=organisation,
    )
    return organisation


@transaction.atomic
def update_organisation(*, actor: User, organisation: Organisation, **changes: Any) -> Organisation:
    require(actor, Capability.MANAGE_ORGANISATIONS)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if "kind" in changes and changes["kind"] != organisation.kind and organisation.users.exists():
        raise ServiceError(
            _("The kind of an organisation with users cannot change."),
            fields={"kind": [_("The kind of an organisation with users cannot change.")]},
        )
    diff = apply_changes(organisation, ORGANISATION_FIELDS, changes)
    if not diff:
        return organisation
    _check_time_zone(organisation.time_zone)
    full_clean_or_refuse(organisation)
    save_or_conflict(organisation, _("An organisation with this name already exists."), "name")
    record_audit(
        actor=actor,
        action="organisation.update",
        target=organisation,
        changes=diff,
        organisation=organisation,
    )
    return organisation


def _require_org_manager(actor: User, organisation: Organisation) -> None:
    if actor.can(Capability.MANAGE_ORGANISATIONS):
        return
    if actor.can(Capability.MANAGE_OWN_ORGANISATION_USERS) and actor.organisation_id == organisation.pk:
        return
    raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def add_contact(*, actor: User, organisation: Organisation, name: str, **details: Any) -> Contact:
    _require_org_manager(actor, organisation)
    contact = Contact(organisation=organisation, name=name.strip())
    apply_changes(contact, CONTACT_FIELDS, details)
    full_clean_or_refuse(contact)
    if contact.is_primary:
        Contact.objects.filter(organisation=organisation, is_primary=True).update(is_primary=False)
    contact.save()
    record_audit(
        actor=actor,
        action="contact.create",
        target=contact,
        changes=changed_fields({}, snapshot(contact, CONTACT_FIELDS)),
        organisation=organisation,
    )
    return contact


@transaction.atomic
def update_contact(*, actor: User, contact: Contact, **changes: Any) -> Contact:
    _require_org_manager(actor, contact.organisation)
    diff = apply_changes(contact, CONTACT_FIELDS, changes)
    full_clean_or_refuse(contact)
    if contact.is_primary and "is_primary" in diff:
        Contact.objects.filter(organisation_id=contact.organisation_id, is_primary=True).exclude(
            pk=contact.pk
        ).update(is_primary=False)
    contact.save()
    record_audit(
        actor=actor, action="contact.update", target=contact, changes=diff, organisation=contact.organisation
    )
    return contact


@transaction.atomic
def remove_contact(*, actor: User, contact: Contact) -> None:
    _require_org_manager(actor, contact.organisation)
    record_audit(
        actor=actor,
        action="contact.delete",
        target=contact,
        changes=changed_fields(snapshot(contact, CONTACT_FIELDS), {}),
        organisation=contact.organisation,
    )
    contact.delete()


# --- Users ---------------------------------------------------------------------------------------


def _check_role_fits_organisation(role: str, organisation: Organisation) -> None:
    if role not in Role.values:
        raise ServiceError(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    if role in STAFF_ROLES and organisation.kind != OrganisationKind.PROVIDER:
        message = _("Staff roles are only for users of the service provider.")
        raise ServiceError(message, fields={"role": [message]})
    if role in CUSTOMER_ROLES and organisation.kind == OrganisationKind.PROVIDER:
        message = _("Customer roles are only for users of customer or partner organisations.")
        raise ServiceError(message, fields={"role": [message]})


def _require_user_manager(actor: User, *, organisation: Organisation, role: str) -> None:
    if actor.can(Capability.MANAGE_USERS):
        return
    if (
        actor.can(Capability.MANAGE_OWN_ORGANISATION_USERS)
        and organisation.pk == actor.organisation_id
        and role in CUSTOMER_ROLES
    ):
        return
    raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def create_user(
    *,
    actor: User | None,
    email: str,
    full_name: str,
    organisation: Organisation,
    role: str,
    password: str | None = None,
    send_invitation: bool = True,
    **details: Any,
) -> User:
    """Create a user; without a password an invitation to choose one is e-mailed."""
    if actor is not None:
        _require_user_manager(actor, organisation=organisation, role=role)
    _check_role_fits_organisation(role, organisation)
    email = (email or "").strip().lower()
    user = User(email=email, full_name=full_name.strip(), organisation=organisation, role=role)
    apply_changes(user, USER_FIELDS, details)
    _check_time_zone(user.time_zone)
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ServiceError(_("The password is too weak."), fields={"password": exc.messages}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    full_clean_or_refuse(user, exclude=["password"])
    save_or_conflict(user, _("A user with this e-mail address already exists."), "email")
    record_audit(
        actor=actor,
        action="user.create",
        target=user,
        changes=changed_fields({}, snapshot(user, USER_FIELDS)),
        organisation=organisation,
    )
    if not password and send_invitation:
        _send_password_link(user, purpose="invitation")
    return user


@transaction.atomic
def update_user(*, actor: User, user: User, **changes: Any) -> User:
    user = User.objects.select_for_update().select_related("organisation").get(pk=user.pk)
    _require_user_manager(actor, organisation=user.organisation, role=user.role)
    new_org = changes.get("organisation", user.organisation)
    new_role = changes.get("role", user.role)
    _require_user_manager(actor, organisation=new_org, role=new_role)
    _check_role_fits_organisation(new_role, new_org)
    if user.pk == actor.pk and ("role" in changes or changes.get("is_active") is False):
        message = _("You cannot change your own role or deactivate yourself.")
        raise ServiceError(message, fields={"role": [message]})
    if "email" in changes:
        changes["email"] = str(changes["email"]).strip().lower()
    diff = apply_changes(user, USER_FIELDS, changes)
    if not diff:
        return user
    _check_time_zone(user.time_zone)
    full_clean_or_refuse(user, exclude=["password"])
    save_or_conflict(user, _("A user with this e-mail address already exists."), "email")
    if "is_active" in diff and not user.is_active:
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record_audit(actor=actor, action="user.update", target=user, changes=diff, organisation=user.organisation)
    return user


@transaction.atomic
def update_profile(*, actor: User, **changes: Any) -> User:
    """The signed-in user's own name, phone, language and time zone."""
    user = User.objects.select_for_update().get(pk=actor.pk)
    diff = apply_changes(user, PROFILE_FIELDS, changes)
    if not diff:
        return user
    _check_time_zone(user.time_zone)
    full_clean_or_refuse(user, exclude=["password"])
    user.save(update_fields=list(diff))
    record_audit(
        actor=actor, action="profile.update", target=user, changes=diff, organisation=user.organisation
    )
    return user


@transaction.atomic
def change_password(*, actor: User, current_password: str, new_password: str) -> User:
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(current_password):
        message = _("Your current password is not correct.")
        raise ServiceError(message, fields={"current_password": [message]})
    _set_password(user, new_password)
    record_audit(actor=actor, action="password.change", target=user, organisation=user.organisation)
    return user


def _set_password(user: User, new_password: str) -> None:
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ServiceError(_("The password is too weak."), fields={"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Tokens minted by sessions of the old password must not outlive it (a stolen password's
    # tokens would otherwise keep working after the owner changes it).
    revoked = ApiToken.objects.filter(user=user, kind=ApiTokenKind.PERSONAL, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        record_audit(
            actor=user,
            action="token.revoke_all",
            target=user,
            changes={"personal_tokens_revoked": [None, revoked]},
            organisation=user.organisation,
        )


@transaction.atomic
def reset_password(*, user: User, new_password: str) -> User:
    """Set a password through a valid reset or invitation link (the link is the authority)."""
    _set_password(user, new_password)
    record_audit(actor=user, action="password.reset", target=user, organisation=user.organisation)
    return user


def _send_password_link(user: User, *, purpose: str) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SASMS_BASE_URL.rstrip("/") + reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}
    )
    with override(user.language):
        if purpose == "invitation":
            subject = _("Your SASMS account")
            body = _(
                "Hello %(name)s,\n\nan account was created for you in SASMS. "
                "Choose your password here:\n\n%(link)s\n"
            ) % {"name": user.full_name, "link": link}
        else:
            subject = _("Reset your SASMS password")
            body = _(
                "Hello %(name)s,\n\nsomeone asked to reset the password of this account. "
                "If it was you, choose a new password here:\n\n%(link)s\n\n"
                "If it was not you, ignore this message; your password stays the same.\n"
            ) % {"name": user.full_name, "link": link}
    enqueue_email(
        to=[user.email],
        subject=str(subject),
        body=str(body),
        idempotency_key=f"password-{purpose}:{user.pk}:{token}",
    )


@transaction.atomic
def request_password_reset(*, email: str) -> None:
    """E-mail a reset link if an active account with a usable password has this address.

    Says nothing either way to the caller, so the form cannot be used to probe for accounts.
    """
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True, is_machine=False).first()
    if user is None:
        return
    _send_password_link(user, purpose="reset")
    record_audit(actor=None, action="password.reset_requested", target=user, organisation=user.organisation)


# --- Teams ---------------------------------------------------------------------------------------


@transaction.atomic
def create_team(*, actor: User | None, name: str, kind: str, **details: Any) -> Team:
    if actor is not None:
        require(actor, Capability.MANAGE_TEAMS)
    if kind not in TeamKind.values:
        raise ServiceError(_("Unknown team kind."), fields={"kind": [_("Unknown team kind.")]})
    team = Team(name=name.strip(), kind=kind)
    apply_changes(team, TEAM_FIELDS, details)
    full_clean_or_refuse(team)
    save_or_conflict(team, _("A team with this name already exists."), "name")
    record_audit(
        actor=actor,
        action="team.create",
        target=team,
        changes=changed_fields({}, snapshot(team, TEAM_FIELDS)),
    )
    return team


@transaction.atomic
def update_team(*, actor: User, team: Team, **changes: Any) -> Team:
    require(actor, Capability.MANAGE_TEAMS)
    diff = apply_changes(team, TEAM_FIELDS, changes)
    full_clean_or_refuse(team)
    save_or_conflict(team, _("A team with this name already exists."), "name")
    record_audit(actor=actor, action="team.update", target=team, changes=diff)
    return team


@transaction.atomic
def set_team_members(*, actor: User | None, team: Team, members: list[User]) -> Team:
    if actor is not None:
        require(actor, Capability.MANAGE_TEAMS)
    not_staff = [m.email for m in members if not m.is_service_staff]
    if not_staff:
        message = _("Only the provider's staff can be team members: %s") % ", ".join(not_staff)
        raise ServiceError(message, fields={"members": [message]})
    before = sorted(team.members.values_list("pk", flat=True))
    team.members.set(members)
    after = sorted(m.pk for m in members)
    if before != after:
        record_audit(actor=actor, action="team.members", target=team, changes={"members": [before, after]})
    return team


# --- API tokens ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the user once, never stored


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


TOKEN_LIFETIME_CAP_DAYS = 365


def token_max_days() -> int:
    """The longest a token may live: ``SASMS_API_TOKEN_MAX_DAYS``, never more than a year."""
    return max(1, min(int(settings.SASMS_API_TOKEN_MAX_DAYS), TOKEN_LIFETIME_CAP_DAYS))


def _issue(*, actor: User, user: User, name: str, kind: str, expires_in_days: int | None) -> IssuedToken:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the token a name."), fields={"name": [_("This field is required.")]})
    # Every token expires: "no expiry" means the longest allowed lifetime.
    longest = token_max_days()
    if expires_in_days is None:
        expires_in_days = longest
    if not 1 <= expires_in_days <= longest:
        message = _("Expiry must be between 1 and %(days)d days.") % {"days": longest}
        raise ServiceError(message, fields={"expires_in_days": [message]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        kind=kind,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(secret),
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
    )
    record_audit(
        actor=actor,
        action="token.create",
        target=token,
        changes={"name": [None, token.name], "kind": [None, kind], "user": [None, user.pk]},
        organisation=user.organisation,
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def issue_personal_token(*, actor: User, name: str, expires_in_days: int | None = 90) -> IssuedToken:
    require(actor, Capability.USE_API)
    return _issue(
        actor=actor, user=actor, name=name, kind=ApiTokenKind.PERSONAL, expires_in_days=expires_in_days
    )


@transaction.atomic
def issue_machine_token(
    *, actor: User, name: str, role: str, organisation: Organisation, expires_in_days: int | None = None
) -> IssuedToken:
    """A token for an integration, on a machine account of its own so its writes are attributable."""
    require(actor, Capability.MANAGE_MACHINE_TOKENS)
    _check_role_fits_organisation(role, organisation)
    slug = secrets.token_hex(4)
    machine = User(
        email=f"machine-{slug}@machines.sasms.invalid",
        full_name=f"{name.strip()[:100]} (machine)",
        organisation=organisation,
        role=role,
        is_machine=True,
    )
    machine.set_unusable_password()
    machine.save()
    record_audit(
        actor=actor,
        action="user.create",
        target=machine,
        changes=changed_fields({}, snapshot(machine, USER_FIELDS)),
        organisation=organisation,
    )
    return _issue(
        actor=actor, user=machine, name=name, kind=ApiTokenKind.MACHINE, expires_in_days=expires_in_days
    )


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        require(actor, Capability.MANAGE_MACHINE_TOKENS)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_audit(
        actor=actor,
        action="token.revoke",
        target=token,
        changes={"revoked_at": [None, token.revoked_at]},
        organisation=token.user.organisation,
    )
    return token


def authenticate_token(secret: str) -> ApiToken | None:
    """The usable token for ``secret``, touching its last-use time at most once a minute."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(digest=token_digest(secret))
        .first()
    )
    if token is None or not token.is_usable() or not token.user.is_active:
        return None
    now = timezone.now()
    # Tokens made before lifetimes were bounded (or under a longer limit) end at today's limit.
    if token.created_at < now - datetime.timedelta(days=token_max_days()):
        return None
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def purge_expired_tokens(*, older_than_days: int = 90) -> int:
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    deleted, _details = ApiToken.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


# --- Sign-in events ------------------------------------------------------------------------------


def record_sign_in(*, user: User, second_factor: bool) -> None:
    record_audit(
        actor=user,
        action="session.sign_in",
        target=user,
        changes={"second_factor": [None, second_factor]},
        organisation=user.organisation,
    )


# --- Two-factor sign-in --------------------------------------------------------------------------


def pending_two_factor_device(*, actor: User) -> "TOTPDevice":
    """The unconfirmed authenticator being enrolled, created on first visit and kept until confirmed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=_("Authenticator app"), confirmed=False)
    return device


@transaction.atomic
def confirm_two_factor(*, actor: User, device: "TOTPDevice") -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=actor, confirmed=False).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_audit(
        actor=actor,
        action="two_factor.enable",
        target=actor,
        changes={"two_factor": [False, True]},
        organisation=actor.organisation,
    )


@transaction.atomic
def remove_two_factor(*, actor: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=actor).delete()
    record_audit(
        actor=actor,
        action="two_factor.disable",
        target=actor,
        changes={"two_factor": [True, False]},
        organisation=actor.organisation,
    )
