"""Page forms: they parse and display input; the services decide what is allowed."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.accounts.forms import TIME_ZONE_CHOICES
from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.assets.models import Component, ImportKind, Server, ServerModel, Site, SiteKind, Vendor
from sasms.assets.selectors import server_models_visible_to, sites_visible_to
from sasms.core.tenancy import scope_to_actor

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _NoUniqueCheck:
    def validate_unique(self) -> None:
        pass  # the service reports duplicates, for pages and the API alike


class VendorForm(_NoUniqueCheck, forms.ModelForm[Vendor]):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Vendor
        fields = ["name", "code", "website", "support_phone"]


class ServerModelForm(_NoUniqueCheck, forms.ModelForm[ServerModel]):
    class Meta:
        model = ServerModel
        fields = ["vendor", "name", "generation", "form_factor", "release_date", "eol_date", "eosl_date"]
        widgets = {"release_date": DATE, "eol_date": DATE, "eosl_date": DATE}


def _customer_choices(actor: User) -> Any:
    organisations = Organisation.objects.exclude(kind=OrganisationKind.PARTNER).order_by("name")
    return scope_to_actor(organisations, actor=actor, organisation_field="self")


class SiteForm(_NoUniqueCheck, forms.ModelForm[Site]):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Asia/Shanghai")

    class Meta:
        model = Site
        fields = [
            "organisation",
            "kind",
            "parent",
            "name",
            "address",
            "city",
            "latitude",
            "longitude",
            "time_zone",
            "access_notes",
        ]
        widgets = {"access_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_field: Any = self.fields["organisation"]
        organisation_field.queryset = _customer_choices(actor)
        parent_field: Any = self.fields["parent"]
        parent_field.queryset = sites_visible_to(actor=actor).filter(kind=SiteKind.DATA_CENTRE)


class ServerForm(_NoUniqueCheck, forms.ModelForm[Server]):
    class Meta:
        model = Server
        fields = [
            "model",
            "serial",
            "asset_tag",
            "hostname",
            "organisation",
            "site",
            "rack",
            "rack_unit",
            "bmc_address",
            "operating_system",
            "business_role",
            "status",
            "installation_date",
            "warranty_start",
            "warranty_end",
            "notes",
        ]
        widgets = {
            "installation_date": DATE,
            "warranty_start": DATE,
            "warranty_end": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field: Any = self.fields["model"]
        model_field.queryset = server_models_visible_to(actor=actor)
        organisation_field: Any = self.fields["organisation"]
        organisation_field.queryset = _customer_choices(actor)
        site_field: Any = self.fields["site"]
        site_field.queryset = sites_visible_to(actor=actor)

    def _post_clean(self) -> None:
        # The vendor follows the model and is set by the service; skip model validation here.
        pass


class ComponentForm(forms.ModelForm[Component]):
    class Meta:
        model = Component
        fields = ["kind", "slot", "part_number", "serial", "capacity", "firmware", "description"]


class ReplaceComponentForm(forms.Form):
    removal_reason = forms.CharField(label=_("Why was it replaced?"), max_length=300)
    service_request_ref = forms.CharField(label=_("Service request"), max_length=40, required=False)
    serial = forms.CharField(label=_("New part's serial number"), max_length=64, required=False)
    part_number = forms.CharField(label=_("New part's part number (FRU)"), max_length=64, required=False)
    firmware = forms.CharField(label=_("New part's firmware version"), max_length=60, required=False)


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("CSV or Excel file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    skip_bad_rows = forms.BooleanField(
        label=_("Import the good rows and skip rows with errors"),
        required=False,
        help_text=_("Unticked, one bad row stops the whole import and nothing changes."),
    )
