from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Organisation, OrganisationKind
from sasms.integrations.choices import ROBOT_EVENTS, WEBHOOK_EVENTS, EventType, ReviewDecision, RobotKind
from sasms.tickets.choices import Category, ComponentArea, Priority


def _customers() -> Any:
    return Organisation.objects.filter(kind=OrganisationKind.CUSTOMER, is_active=True).order_by("name")


def _event_choices(allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, str(EventType(value).label)) for value in allowed]


class RobotForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Platform"), choices=RobotKind.choices)
    webhook_url = forms.CharField(
        label=_("Webhook address"),
        max_length=1000,
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
        help_text=_("The robot's address from the group settings, with its token."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("DingTalk (SEC…) and Feishu robots with signature verification; WeCom robots have none."),
    )
    remove_secret = forms.BooleanField(label=_("Remove the signing secret"), required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Only for customer"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All customers"),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        events: Any = self.fields["events"]
        events.choices = _event_choices(ROBOT_EVENTS)
        organisation: Any = self.fields["organisation"]
        organisation.queryset = _customers()
        if editing:
            self.fields["webhook_url"].required = False
            self.fields["webhook_url"].help_text = _("Leave empty to keep the current address.")
            self.fields["secret"].help_text = _("Leave empty to keep the current secret.")
        else:
            del self.fields["remove_secret"]


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    url = forms.CharField(label=_("URL"), max_length=1000, widget=forms.URLInput())
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to have one generated."),
    )
    rotate_secret = forms.BooleanField(label=_("Generate a new secret"), required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("Only for customer"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("All customers"),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        events: Any = self.fields["events"]
        events.choices = _event_choices(WEBHOOK_EVENTS)
        organisation: Any = self.fields["organisation"]
        organisation.queryset = _customers()
        if editing:
            self.fields["secret"].help_text = _("Leave empty to keep the current secret.")
        else:
            del self.fields["rotate_secret"]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices], required=False)
    component = forms.ChoiceField(
        label=_("Component"), choices=[("", "—"), *ComponentArea.choices], required=False
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=[("", "—"), *Priority.choices], required=False)
