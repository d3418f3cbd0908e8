from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Contact, Organisation, Team, User
from sasms.accounts.roles import CUSTOMER_ROLES, Role
from sasms.accounts.selectors import organisations_visible_to
from sasms.core.forms import CleanTextMixin

TIME_ZONE_CHOICES = [
    (tz, tz) for tz in sorted(available_timezones()) if "/" in tz and not tz.startswith("Etc/")
]


class ContactChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice among one organisation's contacts: the label leaves the organisation out, so the
    list costs one query however many contacts there are."""

    def label_from_instance(self, obj: Any) -> str:
        assert isinstance(obj, Contact)
        return f"{obj.name} · {obj.title}" if obj.title else obj.name


class LoginForm(forms.Form):
    username = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, password = data.get("username"), data.get("password")
        if email and password:
            user = authenticate(self.request, username=email.lower(), password=password)
            if user is None or not user.is_active or getattr(user, "is_machine", False):
                raise forms.ValidationError(
                    _("The e-mail address or password is not correct."), code="invalid_login"
                )
            self.user = user
        return data


class OTPForm(forms.Form):
    otp_token = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\d{6,8}$",
        error_messages={"invalid": _("Enter the 6-digit code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)
    new_password_again = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return data


class ProfileForm(CleanTextMixin, forms.ModelForm[User]):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    class Meta:
        model = User
        fields = ["full_name", "phone", "language", "time_zone"]


class OrganisationForm(CleanTextMixin, forms.ModelForm[Organisation]):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Asia/Shanghai")

    class Meta:
        model = Organisation
        fields = ["name", "code", "kind", "city", "address", "phone", "email", "time_zone", "is_active"]

    def validate_unique(self) -> None:
        pass  # the service reports duplicates, for pages and the API alike


class ContactForm(CleanTextMixin, forms.ModelForm[Contact]):
    class Meta:
        model = Contact
        fields = ["name", "title", "email", "phone", "is_primary"]


class UserForm(CleanTextMixin, forms.ModelForm[User]):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="zh-hans")
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Asia/Shanghai")

    class Meta:
        model = User
        fields = ["email", "full_name", "phone", "organisation", "role", "language", "time_zone", "is_active"]

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_field: Any = self.fields["organisation"]
        organisation_field.queryset = organisations_visible_to(actor=actor).order_by("name")
        if actor.is_customer:
            role_field: Any = self.fields["role"]
            role_field.choices = [(r.value, r.label) for r in Role if r in CUSTOMER_ROLES]

    def validate_unique(self) -> None:
        pass


class TeamForm(CleanTextMixin, forms.ModelForm[Team]):
    class Meta:
        model = Team
        fields = ["name", "kind", "region", "email", "lead", "members"]
        widgets = {"members": forms.SelectMultiple(attrs={"size": 10})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(
            role__in=[r.value for r in Role if r not in CUSTOMER_ROLES], is_machine=False, is_active=True
        )
        lead_field: Any = self.fields["lead"]
        members_field: Any = self.fields["members"]
        lead_field.queryset = staff
        members_field.queryset = staff

    def validate_unique(self) -> None:
        pass


class TokenForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires"),
        coerce=int,
        choices=[(30, _("in 30 days")), (90, _("in 90 days")), (365, _("in one year"))],
        initial=90,
    )


class MachineTokenForm(CleanTextMixin, forms.Form):
    name = forms.CharField(label=_("Integration name"), max_length=100)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(is_active=True)
    )
    role = forms.ChoiceField(label=_("Acts as role"), choices=Role.choices, initial=Role.AGENT)
