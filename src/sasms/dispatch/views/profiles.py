"""Engineer profiles: list, page, edit; skills, certifications and on-call duties; regions."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sasms.accounts.models import User
from sasms.core.errors import NotFound, ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.core.models import AuditEntry
from sasms.dispatch import selectors, services
from sasms.dispatch.access import require_dispatcher
from sasms.dispatch.choices import Language
from sasms.dispatch.filtersets import ProfileFilterSet, RegionFilterSet
from sasms.dispatch.forms import (
    CertificationForm,
    OnCallForm,
    ProfileForm,
    RegionForm,
    SkillsForm,
    skill_field_name,
)
from sasms.dispatch.models import Certification, EngineerProfile, OnCallEntry, ServiceRegion


def _languages(profile: EngineerProfile) -> str:
    labels = dict(Language.choices)
    return ", ".join(str(labels.get(code, code)) for code in profile.languages)


def _regions(profile: EngineerProfile) -> str:
    return ", ".join(r.name for r in profile.regions.all())


class ProfileListView(ListPage):
    title = gettext_lazy("Engineers")
    filterset_class = ProfileFilterSet
    export_name = "engineers"
    empty_message = gettext_lazy("No engineers match these filters.")
    create_url_name = "dispatch:profile_create"
    create_label = gettext_lazy("New profile")
    template_name = "dispatch/profile_list.html"
    columns = [
        Column(
            gettext_lazy("Engineer"),
            attr("user.full_name"),
            link=lambda p: reverse("dispatch:profile_detail", args=[p.pk]),
        ),
        Column(gettext_lazy("Role"), attr("user.get_role_display")),
        Column(
            gettext_lazy("Open requests"), lambda p: f"{p.open_count} / {p.max_concurrent}", css="text-end"
        ),
        Column(gettext_lazy("Working shifts"), attr("calendar.name")),
        Column(gettext_lazy("Home base"), attr("home_label")),
        Column(gettext_lazy("Service regions"), _regions),
        Column(gettext_lazy("Languages"), _languages),
        Column(gettext_lazy("Last check-in"), attr("position_at")),
        Column(gettext_lazy("Takes new work"), attr("is_dispatchable")),
    ]

    def get_queryset(self) -> Any:
        return selectors.profiles_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return True


@login_required
def profile_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_dispatcher(request.user)
    profile = selectors.access_profile(actor=actor, profile_id=pk)
    return _render_detail(request, profile)


def _render_detail(
    request: HttpRequest,
    profile: EngineerProfile,
    *,
    cert_form: CertificationForm | None = None,
    on_call_form: OnCallForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "profile": profile,
        "title": str(profile.user),
        "skills": list(profile.skills.all()),
        "certifications": list(profile.certifications.all()),
        "on_call": list(profile.on_call.all()),
        "today": today,
        "languages": _languages(profile),
        "regions": list(profile.regions.all()),
        "cert_form": cert_form or CertificationForm(),
        "on_call_form": on_call_form or OnCallForm(),
        "history": AuditEntry.objects.filter(
            object_type="dispatch.engineerprofile", object_id=str(profile.pk)
        )[:10],
    }
    return render(request, "dispatch/profile_detail.html", context, status=status)


@login_required
def profile_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = require_dispatcher(request.user)
    profile = selectors.access_profile(actor=actor, profile_id=pk) if pk else None
    users = None if profile is not None else selectors.engineers_without_profile(actor=actor)
    initial: dict[str, Any] = {"is_dispatchable": True, "max_concurrent": 5}
    if profile is not None:
        initial = {n: getattr(profile, n) for n in services.profiles.PROFILE_FIELDS}
        initial["regions"] = list(profile.regions.all())
    else:
        initial["user"] = request.GET.get("user")
    form = ProfileForm(request.POST or None, initial=initial, users=users)
    skills = SkillsForm(
        request.POST or None,
        initial={
            skill_field_name(k, c): level
            for (k, c), level in (services.profiles.skill_levels(profile) if profile else {}).items()
        },
    )
    if request.method == "POST" and form.is_valid() and skills.is_valid():
        data = dict(form.cleaned_data)
        regions = list(data.pop("regions"))
        try:
            if profile is None:
                user: User = data.pop("user")
                profile = services.create_profile(actor=actor, user=user, regions=regions, **data)
            else:
                profile = services.update_profile(actor=actor, profile=profile, regions=regions, **data)
            services.set_skills(actor=actor, profile=profile, levels=skills.levels())
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Profile of %s saved.") % profile.user)
            return redirect("dispatch:profile_detail", pk=profile.pk)
    status = 400 if form.errors or skills.errors else 200
    context = {"form": form, "skills": skills, "profile": profile}
    return render(request, "dispatch/profile_form.html", context, status=status)


@login_required
@require_POST
def certification_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_dispatcher(request.user)
    profile = selectors.access_profile(actor=actor, profile_id=pk)
    form = CertificationForm(request.POST)
    if form.is_valid():
        try:
            services.add_certification(actor=actor, profile=profile, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Certification added."))
            return redirect("dispatch:profile_detail", pk=profile.pk)
    return _render_detail(request, profile, cert_form=form, status=400)


@login_required
@require_POST
def certification_remove_view(request: HttpRequest, pk: int, cert_pk: int) -> HttpResponse:
    actor = require_dispatcher(request.user)
    profile = selectors.access_profile(actor=actor, profile_id=pk)
    certification = Certification.objects.filter(pk=cert_pk, profile=profile).first()
    if certification is None:
        raise NotFound(_("Not found."))
    services.remove_certification(actor=actor, certification=certification)
    messages.success(request, _("Certification removed."))
    return redirect("dispatch:profile_detail", pk=profile.pk)


@login_required
@require_POST
def on_call_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = require_dispatcher(request.user)
    profile = selectors.access_profile(actor=actor, profile_id=pk)
    form = OnCallForm(request.POST)
    if form.is_valid():
        try:
            services.add_on_call(actor=actor, profile=profile, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("On-call duty added."))
            return redirect("dispatch:profile_detail", pk=profile.pk)
    return _render_detail(request, profile, on_call_form=form, status=400)


@login_required
@require_POST
def on_call_remove_view(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    actor = require_dispatcher(request.user)
    profile = selectors.access_profile(actor=actor, profile_id=pk)
    entry = OnCallEntry.objects.filter(pk=entry_pk, profile=profile).first()
    if entry is None:
        raise NotFound(_("Not found."))
    services.remove_on_call(actor=actor, entry=entry)
    messages.success(request, _("On-call duty removed."))
    return redirect("dispatch:profile_detail", pk=profile.pk)


class RegionListView(ListPage):
    title = gettext_lazy("Service regions")
    filterset_class = RegionFilterSet
    export_name = "service-regions"
    empty_message = gettext_lazy("No regions match these filters.")
    create_url_name = "dispatch:region_create"
    create_label = gettext_lazy("New region")
    columns = [
        Column(
            gettext_lazy("Name"), attr("name"), link=lambda r: reverse("dispatch:region_edit", args=[r.pk])
        ),
        Column(gettext_lazy("Code"), attr("code")),
        Column(gettext_lazy("Latitude"), attr("latitude"), css="text-end"),
        Column(gettext_lazy("Longitude"), attr("longitude"), css="text-end"),
        Column(gettext_lazy("Radius (km)"), attr("radius_km"), css="text-end"),
        Column(gettext_lazy("Engineers"), attr("engineer_count"), css="text-end"),
    ]

    def get_queryset(self) -> Any:
        return selectors.regions_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return True


@login_required
def region_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = require_dispatcher(request.user)
    region: ServiceRegion | None = selectors.access_region(actor=actor, region_id=pk) if pk else None
    initial = {n: getattr(region, n) for n in services.profiles.REGION_FIELDS} if region is not None else {}
    form = RegionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if region is None:
                region = services.create_region(actor=actor, **form.cleaned_data)
            else:
                region = services.update_region(actor=actor, region=region, **form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Region “%s” saved.") % region.name)
            return redirect("dispatch:region_list")
    return render(
        request,
        "dispatch/region_form.html",
        {"form": form, "region": region},
        status=400 if form.errors else 200,
    )
