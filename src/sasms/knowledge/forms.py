from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import User
from sasms.accounts.roles import ROLE_CAPABILITIES, Capability
from sasms.assets.models import ServerModel, Vendor
from sasms.core.search.models import Audience
from sasms.knowledge.markdown import MAX_BODY_CHARS
from sasms.knowledge.models import ArticleLanguage, Category
from sasms.knowledge.services.workflow import ACTIONS, COMMENT_CHARS
from sasms.tickets.choices import ComponentArea

COMPONENT_CHOICES = [("", "—"), *ComponentArea.choices]


def editor_users() -> Any:
    """Active people who may edit (and so review) knowledge articles."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if Capability.EDIT_KNOWLEDGE in caps]
    return User.objects.filter(role__in=roles, is_active=True, is_machine=False).order_by(
        "full_name", "email"
    )


class ArticleForm(forms.Form):
    """The editor: text in Markdown, audience, classification and links."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        max_length=MAX_BODY_CHARS,
        help_text=_("Markdown: ## headings, **bold**, lists, `code`, tables. HTML is shown as text."),
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.INTERNAL)
    language = forms.ChoiceField(label=_("Language"), choices=ArticleLanguage.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    component = forms.ChoiceField(label=_("Component"), choices=COMPONENT_CHOICES, required=False)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=1000, help_text=_("Separate tags with commas.")
    )
    vendors = forms.ModelMultipleChoiceField(
        label=_("Vendors"), queryset=Vendor.objects.all(), required=False
    )
    server_models = forms.ModelMultipleChoiceField(
        label=_("Server models"), queryset=ServerModel.objects.select_related("vendor"), required=False
    )
    change_note = forms.CharField(label=_("Change note"), max_length=300, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["server_models"].label_from_instance = lambda m: f"{m.vendor.name} {m.name}"  # type: ignore[attr-defined]
        for name in ("vendors", "server_models"):
            self.fields[name].widget.attrs["size"] = 6

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        data["component"] = data.get("component") or ""
        data["vendors"] = list(data.get("vendors") or [])
        data["server_models"] = list(data.get("server_models") or [])
        return data


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, max_length=MAX_BODY_CHARS)


class WorkflowForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, a.label) for name, a in ACTIONS.items()])
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"), queryset=User.objects.none(), required=False
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=COMMENT_CHARS, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].queryset = editor_users()  # type: ignore[attr-defined]


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Did this help?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
    )
    comment = forms.CharField(
        label=_("What was missing? (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.SlugField(label=_("Code"), max_length=40)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=100)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=256, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    component = forms.ChoiceField(label=_("Component"), choices=COMPONENT_CHOICES, required=False)
    include_drafts = forms.BooleanField(
        label=_("Include drafts"),
        required=False,
        help_text=_("Rank unpublished versions with the published articles; otherwise they come last."),
    )


class SynonymGroupForm(forms.Form):
    key = forms.CharField(
        label=_("Key"),
        max_length=40,
        help_text=_("Lower-case letters and digits, starting with a letter; names the group in the index."),
    )
    terms = forms.CharField(
        label=_("Terms"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=5000,
        help_text=_("One term a line, in any language: words, phrases, abbreviations, common misspellings."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
