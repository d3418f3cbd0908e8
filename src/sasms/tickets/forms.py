from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.accounts.forms import ContactChoiceField
from sasms.accounts.models import Contact, Organisation, Team, User
from sasms.accounts.roles import STAFF_ROLES
from sasms.core.forms import CleanTextMixin
from sasms.core.parsing import parse_id
from sasms.tickets.choices import (
    Category,
    Channel,
    ComponentArea,
    Level,
    Priority,
    ResolutionCode,
    ServiceKind,
    TicketType,
    Tier,
    TimeAndMaterials,
)


def staff_users() -> Any:
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True, is_machine=False).order_by("full_name")


class IntakeForm(CleanTextMixin, forms.Form):
    """Phone intake: caller, server, what is wrong, how bad."""

    organisation = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Organisation.objects.filter(kind="customer", is_active=True).order_by("name"),
    )
    requester = ContactChoiceField(label=_("Caller"), queryset=Contact.objects.none(), required=False)
    server_identifier = forms.CharField(
        label=_("Server (serial, hostname or asset tag)"), required=False, max_length=253
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    component = forms.ChoiceField(
        label=_("Component"), choices=[("", "—"), *ComponentArea.choices], required=False
    )
    impact = forms.ChoiceField(label=_("Impact"), choices=Level.choices, initial=Level.MEDIUM)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Level.choices, initial=Level.MEDIUM)
    service_kind = forms.ChoiceField(
        label=_("SOP"), choices=[("", _("Automatic")), *ServiceKind.choices], required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class CommentForm(CleanTextMixin, forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000)
    internal = forms.BooleanField(label=_("Internal note (not shown to the customer)"), required=False)


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=30)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    confirmed = forms.BooleanField(label=_("The customer confirmed the resolution"), required=False)
    resolution_code = forms.ChoiceField(
        label=_("Resolution code"), choices=[("", "—"), *ResolutionCode.choices], required=False
    )
    resolution_summary = forms.CharField(
        label=_("Resolution summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    root_cause = forms.CharField(
        label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    why1 = forms.CharField(label=_("Why? (1)"), required=False, max_length=500)
    why2 = forms.CharField(label=_("Why? (2)"), required=False, max_length=500)
    why3 = forms.CharField(label=_("Why? (3)"), required=False, max_length=500)
    why4 = forms.CharField(label=_("Why? (4)"), required=False, max_length=500)
    why5 = forms.CharField(label=_("Why? (5)"), required=False, max_length=500)
    work_minutes = forms.IntegerField(
        label=_("Work time (min)"), required=False, min_value=0, max_value=100_000
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assignee"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()  # type: ignore[attr-defined]


class TierForm(forms.Form):
    tier = forms.TypedChoiceField(label=_("Tier"), choices=Tier.choices, coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class PriorityForm(forms.Form):
    impact = forms.ChoiceField(label=_("Impact"), choices=Level.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Level.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    internal = forms.BooleanField(label=_("Internal"), required=False)


class LinkForm(forms.Form):
    target = forms.CharField(label=_("SR number"), max_length=20)
    kind = forms.ChoiceField(
        label=_("Link"),
        choices=[
            ("related", _("Related to")),
            ("duplicate_of", _("Duplicate of")),
            ("parent_of", _("Parent of")),
            ("merge", _("Merge into (close as duplicate)")),
        ],
    )


class TimeAndMaterialsForm(forms.Form):
    """An explicit choice (no default), confirmed; a correction of a recorded one needs a reason."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("", _("— choose —")),
            (TimeAndMaterials.ACCEPTED, TimeAndMaterials.ACCEPTED.label),
            (TimeAndMaterials.DECLINED, TimeAndMaterials.DECLINED.label),
        ],
    )
    confirmed = forms.BooleanField(label=_("I confirmed this decision with the customer"))
    reason = forms.CharField(label=_("Reason for the correction"), required=False, max_length=2000)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        choices=[
            ("assign", _("Assign")),
            ("priority", _("Set priority")),
            ("close", _("Close (customer confirmed)")),
        ]
    )
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    priority = forms.ChoiceField(choices=[("", "—"), *Priority.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()  # type: ignore[attr-defined]

    def ticket_ids(self) -> list[int]:
        """The checked rows (``ticket`` repeated), at most 500 at a time."""
        values = self.data.getlist("ticket") if hasattr(self.data, "getlist") else []
        return [pk for pk in (parse_id(v) for v in values) if pk is not None][:500]
