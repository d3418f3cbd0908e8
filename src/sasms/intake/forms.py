"""Forms of the intake pages; the services validate again and their field errors land here too."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import Organisation
from sasms.assets.models import Server
from sasms.intake.alerts import ServerRef
from sasms.intake.choices import BmcAuth, BmcScheme, MailSecurity, MinSeverity, SourceKind
from sasms.intake.selectors import match_server
from sasms.tickets.models import Ticket


def _organisations() -> Any:
    return Organisation.objects.filter(is_active=True).order_by("name")


class MailboxForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    address = forms.EmailField(label=_("E-mail address"), help_text=_("The address customers write to."))
    host = forms.CharField(label=_("IMAP server"), max_length=253)
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=993)
    security = forms.ChoiceField(
        label=_("Connection security"), choices=MailSecurity.choices, initial=MailSecurity.SSL
    )
    username = forms.CharField(label=_("User name"), max_length=254)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted. Leave empty to keep the current password."),
    )
    folder = forms.CharField(label=_("Folder"), max_length=200, initial="INBOX")
    organisation = forms.ModelChoiceField(
        label=_("Default customer"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Senders are looked up at this customer only, and triage suggests it."),
    )
    reply_to = forms.BooleanField(label=_("Replies to notifications come here"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()  # type: ignore[attr-defined]
        if creating:
            self.fields["password"].required = True
            self.fields["password"].help_text = _("Stored encrypted.")


class AlertSourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Format"), choices=SourceKind.choices)
    organisation = forms.ModelChoiceField(
        label=_("Default customer"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Servers are matched at this customer only, and triage suggests it."),
    )
    min_severity = forms.ChoiceField(
        label=_("Opens requests for"), choices=MinSeverity.choices, initial=MinSeverity.WARNING
    )
    correlation_minutes = forms.IntegerField(
        label=_("Correlation window (min)"),
        min_value=1,
        max_value=7 * 24 * 60,
        initial=240,
        help_text=_(
            "Alerts on a server join its open monitoring request while the last alert is this recent."
        ),
    )
    auto_resolve = forms.BooleanField(
        label=_("Resolve untouched requests when every alert has cleared"), required=False, initial=True
    )
    time_zone = forms.CharField(
        label=_("Time zone of the sender"),
        max_length=64,
        initial="Asia/Shanghai",
        help_text=_("Zabbix sends local times."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()  # type: ignore[attr-defined]


def find_server(text: str) -> Server:
    """A server by serial number, asset tag or host name (exactly one), for the forms."""
    value = text.strip()
    refs = (
        ServerRef("serial", value.upper()),
        ServerRef("asset_tag", value.upper()),
        ServerRef("hostname", value.lower()),
    )
    server = match_server(refs) if value else None
    if server is None:
        raise forms.ValidationError(_("No single server has this serial number, asset tag or host name."))
    return server


class BmcEndpointForm(forms.Form):
    server = forms.CharField(
        label=_("Server"), max_length=253, help_text=_("Serial number, asset tag or host name.")
    )
    address = forms.CharField(label=_("BMC address"), max_length=253, help_text=_("Host name or IP address."))
    scheme = forms.ChoiceField(label=_("Protocol"), choices=BmcScheme.choices, initial=BmcScheme.HTTPS)
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, required=False)
    username = forms.CharField(label=_("User name"), max_length=120)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted. Leave empty to keep the current password."),
    )
    auth = forms.ChoiceField(label=_("Log-in method"), choices=BmcAuth.choices, initial=BmcAuth.SESSION)
    verify_tls = forms.BooleanField(label=_("Verify the TLS certificate"), required=False, initial=True)
    poll_interval_minutes = forms.IntegerField(
        label=_("Poll every (min)"), min_value=1, max_value=1440, initial=10
    )
    log_since = forms.DateTimeField(
        label=_("Read log entries since"),
        required=False,
        help_text=_("Older log entries are history, not new faults. Empty on a new endpoint: from now."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.creating = creating

    def clean_server(self) -> Server:
        return find_server(self.cleaned_data["server"])


class TriageCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Customer"), queryset=Organisation.objects.none())
    server = forms.CharField(
        label=_("Server"), required=False, help_text=_("Serial number, asset tag or host name (optional).")
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Empty: the subject or the alert.")
    )
    add_contact = forms.BooleanField(label=_("Add the sender as a contact of the customer"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()  # type: ignore[attr-defined]

    def clean_server(self) -> Server | None:
        text = self.cleaned_data.get("server", "")
        return find_server(text) if text.strip() else None


class TriageAttachForm(forms.Form):
    number = forms.CharField(label=_("SR number"), max_length=20)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_number(self) -> Ticket:
        number = self.cleaned_data["number"].strip().upper()
        ticket = Ticket.objects.filter(number=number).first()
        if ticket is None:
            raise forms.ValidationError(_("There is no request with this number."))
        return ticket


class TriageDiscardForm(forms.Form):
    note = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
