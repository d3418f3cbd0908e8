"""Forms of the parts pages. They parse input only; the services decide what is allowed."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.assets.models import ServerModel, Vendor
from sasms.parts.choices import (
    USABLE_CONDITIONS,
    Condition,
    DepotKind,
    PartKind,
    RmaStatus,
    ServiceTier,
)
from sasms.parts.models import Depot

USABLE_CHOICES = [(c.value, c.label) for c in Condition if c in USABLE_CONDITIONS]


DEPOT_LABEL = _("Depot")


def _depot_field(label: Any = DEPOT_LABEL, required: bool = True) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        label=label, queryset=Depot.objects.filter(is_active=True).order_by("name"), required=required
    )


def split_serials(text: str) -> list[str]:
    return [s for s in re.split(r"[\s,;]+", text or "") if s]


class PartForm(forms.Form):
    part_number = forms.CharField(label=_("Part number (FRU)"), max_length=64)
    description = forms.CharField(label=_("Description"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=PartKind.choices)
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    compatible_models = forms.ModelMultipleChoiceField(
        label=_("Compatible server models"),
        queryset=ServerModel.objects.select_related("vendor").order_by("vendor__name", "name"),
        required=False,
    )
    unit_cost = forms.DecimalField(label=_("Unit cost (CNY)"), min_value=0, max_digits=12, decimal_places=2)
    serialised = forms.BooleanField(label=_("Serialised (one serial number per unit)"), required=False)
    lead_time_days = forms.IntegerField(
        label=_("Purchase lead time (days)"), min_value=0, max_value=365, initial=14
    )
    return_days = forms.IntegerField(
        label=_("Defective return due (days)"), min_value=1, max_value=365, initial=10
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class SubstituteForm(forms.Form):
    substitute = forms.CharField(label=_("Substitute part number"), max_length=64)
    both_ways = forms.BooleanField(label=_("Substitutes each other"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DepotForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=DepotKind.choices)
    service_tier = forms.ChoiceField(label=_("Service tier"), choices=ServiceTier.choices)
    city = forms.CharField(label=_("City"), max_length=80)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6)
    email = forms.EmailField(label=_("E-mail for stock alerts"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class PartNumberForm(forms.Form):
    part = forms.CharField(label=_("Part number"), max_length=64)


class ReceiveForm(PartNumberForm):
    depot = _depot_field()
    quantity = forms.IntegerField(label=_("Quantity"))
    condition = forms.ChoiceField(label=_("Condition"), choices=USABLE_CHOICES, initial=Condition.NEW)
    serials = forms.CharField(
        label=_("Serial numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Serialised parts: one serial number per unit, separated by spaces or new lines."),
    )
    unit_cost = forms.DecimalField(
        label=_("Unit cost (CNY)"), required=False, max_digits=12, decimal_places=2
    )
    reference = forms.CharField(label=_("Delivery note / order reference"), max_length=300, required=False)


class ReturnGoodForm(PartNumberForm):
    depot = _depot_field()
    quantity = forms.IntegerField(label=_("Quantity"))
    condition = forms.ChoiceField(label=_("Condition"), choices=USABLE_CHOICES, initial=Condition.NEW)
    serials = forms.CharField(
        label=_("Serial numbers"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    ticket = forms.CharField(label=_("SR number"), max_length=20, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class AdjustForm(PartNumberForm):
    depot = _depot_field()
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    change = forms.IntegerField(label=_("Change (negative takes stock off)"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ScrapForm(PartNumberForm):
    depot = _depot_field()
    condition = forms.ChoiceField(
        label=_("Condition"), choices=Condition.choices, initial=Condition.DEFECTIVE
    )
    quantity = forms.IntegerField(label=_("Quantity"), initial=1)
    serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class TransferForm(PartNumberForm):
    from_depot = _depot_field(_("From depot"))
    to_depot = _depot_field(_("To depot"))
    quantity = forms.IntegerField(label=_("Quantity"))
    condition = forms.ChoiceField(label=_("Condition"), choices=USABLE_CHOICES, initial=Condition.NEW)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=80, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=80, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReceiveReturnForm(forms.Form):
    depot = _depot_field(_("Received at"), required=False)
    serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    open_rma = forms.BooleanField(label=_("Open an RMA to the vendor at once"), required=False)


class RmaOpenForm(PartNumberForm):
    depot = _depot_field()
    quantity = forms.IntegerField(label=_("Quantity"), initial=1)
    serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RmaAdvanceForm(forms.Form):
    status = forms.ChoiceField(label=_("Next step"), choices=RmaStatus.choices)
    carrier = forms.CharField(label=_("Carrier"), max_length=80, required=False)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=80, required=False)
    vendor_reference = forms.CharField(label=_("Vendor RMA reference"), max_length=80, required=False)
    replacement_serial = forms.CharField(label=_("Serial received back"), max_length=64, required=False)
    depot = _depot_field(_("Back into depot"), required=False)

    def __init__(self, *args: Any, allowed: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed:
            self.fields["status"].choices = [(s, RmaStatus(s).label) for s in allowed]  # type: ignore[attr-defined]


class PolicyForm(PartNumberForm):
    depot = _depot_field()
    min_quantity = forms.IntegerField(label=_("Minimum"), min_value=0)
    max_quantity = forms.IntegerField(label=_("Maximum"), min_value=0)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("What was done"), max_length=300)


class ReserveForm(forms.Form):
    part = forms.IntegerField(widget=forms.HiddenInput)
    depot = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), initial=1, min_value=1, max_value=999)


class TransferRequestForm(forms.Form):
    part = forms.IntegerField(widget=forms.HiddenInput)
    from_depot = forms.IntegerField(widget=forms.HiddenInput)
    to_depot = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), initial=1, min_value=1, max_value=999)
