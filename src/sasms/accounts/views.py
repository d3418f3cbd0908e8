"""Pages for signing in, the profile, organisations, users, teams and API tokens."""

import base64
import io
import json
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import is_ratelimited  # type: ignore[import-untyped]

from sasms.accounts import selectors, services
from sasms.accounts.filtersets import OrganisationFilterSet, TeamFilterSet, TokenFilterSet, UserFilterSet
from sasms.accounts.forms import (
    ContactForm,
    LoginForm,
    MachineTokenForm,
    OrganisationForm,
    OTPForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    ProfileForm,
    TeamForm,
    TokenForm,
    UserForm,
)
from sasms.accounts.limits import count_failure, failed_too_often
from sasms.accounts.models import User
from sasms.accounts.roles import Capability
from sasms.core import privacy
from sasms.core.errors import NotFound, ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.models import AuditEntry
from sasms.core.permissions import require

PENDING_USER_KEY = "sasms_pending_user_id"
PENDING_NEXT_KEY = "sasms_pending_next"


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    message = _("Too many failed sign-in attempts. The account is locked for a while; try again later.")
    return render(request, "accounts/login.html", {"form": form, "lockout_message": message}, status=429)


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _finish_sign_in(
    request: HttpRequest, user: User, next_url: str, device: TOTPDevice | None = None
) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    services.record_sign_in(user=user, second_factor=device is not None)
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax", secure=settings.PRODUCTION
    )
    return response


LOGIN_FAILURES = "login-failed-address"


def _address_failed_too_often(request: HttpRequest) -> bool:
    """Failed sign-ins per client address, whatever the user names (password spraying); django-axes
    separately locks each user name and address pair."""
    return failed_too_often(request, group=LOGIN_FAILURES, rate=settings.SASMS_LOGIN_ADDRESS_FAILURE_RATE)


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "POST" and _address_failed_too_often(request):
        # Refused before any password is checked: the address has failed with too many names.
        message = _("Too many failed sign-in attempts from this address; try again later.")
        form = LoginForm(request, initial={"username": request.POST.get("username", "")})
        context = {"form": form, "next": next_url, "lockout_message": message}
        return render(request, "accounts/login.html", context, status=429)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid() and form.user is not None:
        if user_has_device(form.user, confirmed=True):
            request.session[PENDING_USER_KEY] = form.user.pk
            request.session[PENDING_NEXT_KEY] = next_url
            return redirect("accounts:login_verify")
        return _finish_sign_in(request, form.user, next_url)
    if request.method == "POST":
        count_failure(request, group=LOGIN_FAILURES, rate=settings.SASMS_LOGIN_ADDRESS_FAILURE_RATE)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def login_verify_view(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_USER_KEY)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("accounts:login")
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _verify_any_device(user, form.cleaned_data["otp_token"])
        if device is not None:
            next_url = request.session.pop(PENDING_NEXT_KEY, reverse(settings.LOGIN_REDIRECT_URL))
            request.session.pop(PENDING_USER_KEY, None)
            return _finish_sign_in(request, user, next_url, device)
        form.add_error("otp_token", _("The code is not correct or has expired."))
    return render(request, "accounts/login_verify.html", {"form": form})


def _verify_any_device(user: User, code: str) -> TOTPDevice | None:
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


def password_reset_view(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and is_ratelimited(
        request, group="password-reset", key="ip", rate=settings.SASMS_PASSWORD_RESET_RATE, increment=True
    ):
        # Same answer whether the address exists or not; only the pace is refused.
        return render(request, "accounts/password_reset.html", {"form": form, "throttled": True}, status=429)
    if request.method == "POST" and form.is_valid():
        services.request_password_reset(email=form.cleaned_data["email"])
        return render(request, "accounts/password_reset_sent.html")
    return render(request, "accounts/password_reset.html", {"form": form})


class ResetConfirmView(PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")
    token_generator = default_token_generator

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            services.reset_password(user=form.user, new_password=form.cleaned_data["new_password1"])
        except ServiceError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        self.request.session.pop("_password_reset_token", None)
        messages.success(self.request, _("Your password has been set. You can sign in now."))
        return HttpResponseRedirect(str(self.success_url))


@require_POST
def set_language_view(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    next_url = _safe_next(request, request.POST.get("next"))
    if language not in dict(settings.LANGUAGES):
        return redirect(next_url)
    if request.user.is_authenticated:
        services.update_profile(actor=request.user, language=language)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.PRODUCTION,
    )
    return response


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            updated = services.update_profile(
                actor=user, **{f: form.cleaned_data[f] for f in ProfileForm.Meta.fields}
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            response = redirect("accounts:profile")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, updated.language, samesite="Lax", secure=settings.PRODUCTION
            )
            return response
    context = {
        "form": form,
        "has_two_factor": user_has_device(user, confirmed=True),
        "recent_activity": AuditEntry.objects.filter(actor=user).order_by("-created_at")[:10],
    }
    return render(request, "accounts/profile.html", context)


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.change_password(
                actor=request.user,  # type: ignore[arg-type]
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your password has been changed."))
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode()


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Enrol or remove the authenticator app (TOTP)."""
    user: User = request.user  # type: ignore[assignment]
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = OTPForm(request.POST or None)
    if confirmed is not None:
        if request.method == "POST" and form.is_valid():
            if confirmed.verify_token(form.cleaned_data["otp_token"]):
                services.remove_two_factor(actor=user)
                messages.success(request, _("Two-factor sign-in has been turned off."))
                return redirect("accounts:profile")
            form.add_error("otp_token", _("The code is not correct or has expired."))
        return render(request, "accounts/two_factor.html", {"form": form, "enrolled": True})
    device = services.pending_two_factor_device(actor=user)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            services.confirm_two_factor(actor=user, device=device)
            otp_login(request, device)
            messages.success(
                request, _("Two-factor sign-in is on. You will be asked for a code at every sign-in.")
            )
            return redirect("accounts:profile")
        form.add_error("otp_token", _("The code is not correct or has expired."))
    secret = base64.b32encode(device.bin_key).decode()
    context = {"form": form, "enrolled": False, "qr_svg": _qr_svg(device.config_url), "secret": secret}
    return render(request, "accounts/two_factor.html", context)


# --- Organisations -------------------------------------------------------------------------------


class OrganisationListView(ListPage):
    title = gettext_lazy("Organisations")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = OrganisationFilterSet
    export_name = "organisations"
    empty_message = gettext_lazy("No organisations match these filters.")
    create_url_name = "accounts:organisation_create"
    create_label = gettext_lazy("New organisation")
    columns = [
        Column(
            gettext_lazy("Name"),
            attr("name"),
            link=lambda o: reverse("accounts:organisation_detail", args=[o.pk]),
        ),
        Column(gettext_lazy("Code"), attr("code")),
        Column(gettext_lazy("Kind"), attr("get_kind_display")),
        Column(gettext_lazy("City"), attr("city")),
        Column(gettext_lazy("Users"), attr("user_count"), css="text-end"),
        Column(gettext_lazy("Contacts"), attr("contact_count"), css="text-end"),
        Column(gettext_lazy("Active"), attr("is_active")),
    ]

    def get_queryset(self) -> Any:
        return selectors.organisations_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return self.request.user.can(Capability.MANAGE_ORGANISATIONS)  # type: ignore[union-attr]


@login_required
def organisation_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.access_organisation(actor=request.user, organisation_id=pk)
    actor: User = request.user  # type: ignore[assignment]
    context = {
        "organisation": organisation,
        "contacts": selectors.contacts_of(actor=actor, organisation=organisation),
        "users": selectors.users_visible_to(actor=actor).filter(organisation=organisation)[:50],
        "can_edit": actor.can(Capability.MANAGE_ORGANISATIONS),
        "can_edit_contacts": actor.can(Capability.MANAGE_ORGANISATIONS)
        or (actor.can(Capability.MANAGE_OWN_ORGANISATION_USERS) and actor.organisation_id == organisation.pk),
        "history": AuditEntry.objects.filter(
            object_type="accounts.organisation", object_id=str(organisation.pk)
        )[:20]
        if actor.can(Capability.VIEW_AUDIT_TRAIL)
        else None,
    }
    return render(request, "accounts/organisation_detail.html", context)


@login_required
def organisation_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    require(actor, Capability.MANAGE_ORGANISATIONS)
    organisation = selectors.access_organisation(actor=actor, organisation_id=pk) if pk else None
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in OrganisationForm.Meta.fields}
        try:
            if organisation is None:
                organisation = services.create_organisation(actor=actor, **data)
            else:
                organisation = services.update_organisation(actor=actor, organisation=organisation, **data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Organisation “%s” saved.") % organisation.name)
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
def contact_form_view(request: HttpRequest, organisation_pk: int, pk: int | None = None) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    organisation = selectors.access_organisation(actor=actor, organisation_id=organisation_pk)
    contact = selectors.access_contact(actor=actor, contact_id=pk) if pk else None
    if contact is not None and contact.organisation_id != organisation.pk:
        contact = None
        return redirect("accounts:organisation_detail", pk=organisation.pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST":
        if "delete" in request.POST and contact is not None:
            services.remove_contact(actor=actor, contact=contact)
            messages.success(request, _("Contact removed."))
            return redirect("accounts:organisation_detail", pk=organisation.pk)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in ContactForm.Meta.fields}
            try:
                if contact is None:
                    services.add_contact(actor=actor, organisation=organisation, **data)
                else:
                    services.update_contact(actor=actor, contact=contact, **data)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Contact saved."))
                return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "accounts/contact_form.html",
        {
            "form": form,
            "organisation": organisation,
            "contact": contact,
            "can_handle_privacy": actor.can(Capability.MANAGE_ORGANISATIONS),
        },
    )


def _privacy_contact(request: HttpRequest, organisation_pk: int, pk: int) -> tuple[User, Any]:
    actor: User = request.user  # type: ignore[assignment]
    require(actor, Capability.MANAGE_ORGANISATIONS)
    organisation = selectors.access_organisation(actor=actor, organisation_id=organisation_pk)
    contact = selectors.access_contact(actor=actor, contact_id=pk)
    if contact.organisation_id != organisation.pk:
        raise NotFound(_("Not found."))
    return actor, contact


@login_required
def contact_privacy_export_view(request: HttpRequest, organisation_pk: int, pk: int) -> HttpResponse:
    """Everything held about the contact, as a JSON download."""
    actor, contact = _privacy_contact(request, organisation_pk, pk)
    data = privacy.export_contact(actor=actor, contact=contact)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="contact-{contact.pk}-personal-data.json"'
    return response


@login_required
@require_POST
def contact_privacy_erase_view(request: HttpRequest, organisation_pk: int, pk: int) -> HttpResponse:
    actor, contact = _privacy_contact(request, organisation_pk, pk)
    try:
        report = privacy.erase_contact(actor=actor, contact=contact, reason=request.POST.get("reason", ""))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Personal data erased (%(count)d records changed).") % {"count": report.total}
        )
    return redirect("accounts:contact_edit", organisation_pk=organisation_pk, pk=pk)


# --- Users ---------------------------------------------------------------------------------------


def _can_manage_users(user: Any) -> bool:
    return bool(user.can(Capability.MANAGE_USERS) or user.can(Capability.MANAGE_OWN_ORGANISATION_USERS))


class UserListView(ListPage):
    title = gettext_lazy("Users")
    filterset_class = UserFilterSet
    export_name = "users"
    empty_message = gettext_lazy("No users match these filters.")
    create_url_name = "accounts:user_create"
    create_label = gettext_lazy("New user")
    columns = [
        Column(
            gettext_lazy("Name"), attr("full_name"), link=lambda u: reverse("accounts:user_edit", args=[u.pk])
        ),
        Column(gettext_lazy("E-mail"), attr("email")),
        Column(gettext_lazy("Organisation"), attr("organisation.name")),
        Column(gettext_lazy("Role"), attr("get_role_display")),
        Column(gettext_lazy("Language"), attr("get_language_display")),
        Column(gettext_lazy("Last sign-in"), attr("last_login")),
        Column(gettext_lazy("Active"), attr("is_active")),
    ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not _can_manage_users(request.user):
            require(request.user, Capability.MANAGE_USERS)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return selectors.users_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return True


@login_required
def user_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    if not _can_manage_users(actor):
        require(actor, Capability.MANAGE_USERS)
    target = selectors.access_user(actor=actor, user_id=pk) if pk else None
    initial = {"organisation": actor.organisation_id} if actor.is_customer else {}
    form = UserForm(request.POST or None, instance=target, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in UserForm.Meta.fields}
        try:
            if target is None:
                target = services.create_user(actor=actor, **data)
                messages.success(request, _("User created; an invitation to choose a password was e-mailed."))
            else:
                target = services.update_user(actor=actor, user=target, **data)
                messages.success(request, _("User saved."))
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "target": target})


# --- Teams ---------------------------------------------------------------------------------------


class TeamListView(ListPage):
    title = gettext_lazy("Teams")
    capability = Capability.VIEW_ALL_ORGANISATIONS
    filterset_class = TeamFilterSet
    export_name = "teams"
    empty_message = gettext_lazy("No teams yet.")
    create_url_name = "accounts:team_create"
    create_label = gettext_lazy("New team")
    columns = [
        Column(gettext_lazy("Name"), attr("name"), link=lambda t: reverse("accounts:team_edit", args=[t.pk])),
        Column(gettext_lazy("Kind"), attr("get_kind_display")),
        Column(gettext_lazy("Region"), attr("region")),
        Column(gettext_lazy("Lead"), attr("lead.full_name")),
        Column(gettext_lazy("Members"), attr("member_count"), css="text-end"),
    ]

    def get_queryset(self) -> Any:
        return selectors.teams_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return self.request.user.can(Capability.MANAGE_TEAMS)  # type: ignore[union-attr]


@login_required
def team_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    team = selectors.teams_visible_to(actor=actor).filter(pk=pk).first() if pk else None
    if pk and team is None:
        from sasms.core.errors import NotFound

        raise NotFound(_("Not found."))
    can_edit = actor.can(Capability.MANAGE_TEAMS)
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST":
        require(actor, Capability.MANAGE_TEAMS)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in ("name", "kind", "region", "email", "lead")}
            try:
                if team is None:
                    team = services.create_team(actor=actor, **data)
                else:
                    team = services.update_team(actor=actor, team=team, **data)
                services.set_team_members(actor=actor, team=team, members=list(form.cleaned_data["members"]))
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Team saved."))
                return redirect("accounts:team_list")
    elif team is None:
        require(actor, Capability.MANAGE_TEAMS)
    return render(request, "accounts/team_form.html", {"form": form, "team": team, "can_edit": can_edit})


# --- API tokens ----------------------------------------------------------------------------------


class TokenListView(ListPage):
    title = gettext_lazy("API tokens")
    capability = Capability.USE_API
    filterset_class = TokenFilterSet
    template_name = "accounts/token_list.html"
    row_actions_template = "accounts/_token_actions.html"
    export_name = "api-tokens"
    empty_message = gettext_lazy("No API tokens yet. Create one to use the REST API from scripts.")
    columns = [
        Column(gettext_lazy("Name"), attr("name")),
        Column(gettext_lazy("Kind"), attr("get_kind_display")),
        Column(gettext_lazy("Account"), attr("user.full_name")),
        Column(gettext_lazy("Prefix"), attr("prefix")),
        Column(gettext_lazy("Created"), attr("created_at")),
        Column(gettext_lazy("Expires"), attr("expires_at")),
        Column(gettext_lazy("Last used"), attr("last_used_at")),
        Column(gettext_lazy("Revoked"), attr("revoked_at")),
    ]

    def get_queryset(self) -> Any:
        return selectors.tokens_visible_to(actor=self.request.user)

    def extra_context(self) -> dict[str, Any]:
        actor: Any = self.request.user
        return {
            "token_form": TokenForm(),
            "machine_form": MachineTokenForm() if actor.can(Capability.MANAGE_MACHINE_TOKENS) else None,
        }


@login_required
@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    machine = request.POST.get("kind") == "machine"
    form: TokenForm | MachineTokenForm = (
        MachineTokenForm(request.POST) if machine else TokenForm(request.POST)
    )
    if form.is_valid():
        try:
            if isinstance(form, MachineTokenForm):
                issued = services.issue_machine_token(
                    actor=actor,
                    name=form.cleaned_data["name"],
                    role=form.cleaned_data["role"],
                    organisation=form.cleaned_data["organisation"],
                )
            else:
                issued = services.issue_personal_token(
                    actor=actor,
                    name=form.cleaned_data["name"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            return render(request, "accounts/token_created.html", {"issued": issued})
    for field_errors in form.errors.values():
        for message in field_errors:
            messages.error(request, str(message))
    return redirect("accounts:token_list")


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor: User = request.user  # type: ignore[assignment]
    token = selectors.tokens_visible_to(actor=actor).filter(pk=pk).first()
    if token is None:
        from sasms.core.errors import NotFound

        raise NotFound(_("Not found."))
    services.revoke_token(actor=actor, token=token)
    messages.success(request, _("Token “%s” revoked.") % token.name)
    return redirect("accounts:token_list")
