"""What every parts page shares: the reader check (customers get 404), the tab bar, form pages."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sasms.accounts.models import User
from sasms.core.errors import NotFound, ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import ListPage
from sasms.parts import selectors
from sasms.parts.access import is_clerk, require_reader
from sasms.parts.models import Part


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    url_name: str


TABS = [
    Tab("stock", _("Stock"), "parts:stock_list"),
    Tab("movements", _("Movements"), "parts:movement_list"),
    Tab("reservations", _("Reservations"), "parts:reservation_list"),
    Tab("transfers", _("Transfers"), "parts:transfer_list"),
    Tab("returns", _("Defective returns"), "parts:return_list"),
    Tab("rma", _("RMA"), "parts:rma_list"),
    Tab("catalogue", _("Catalogue"), "parts:part_list"),
    Tab("depots", _("Depots"), "parts:depot_list"),
    Tab("planning", _("Min/max & purchasing"), "parts:policy_list"),
    Tab("forecasts", _("Forecasts"), "parts:forecast_list"),
    Tab("reports", _("Reports"), "parts:stock_report"),
    Tab("problems", _("Problems"), "parts:problem_list"),
]


@dataclass(frozen=True)
class Action:
    label: str | Promise
    url_name: str
    icon: str = "plus-lg"


def reader(request: HttpRequest) -> User:
    """The signed-in staff member; customers (and anyone else) get "not found"."""
    require_reader(request.user)
    return request.user  # type: ignore[return-value]


def tab_context(request: HttpRequest, tab: str, actions: list[Action] | None = None) -> dict[str, Any]:
    clerk = is_clerk(request.user)
    return {
        "tabs": TABS,
        "tab": tab,
        "actions": [(a.label, reverse(a.url_name), a.icon) for a in actions or []] if clerk else [],
        "open_problems": selectors.open_problem_count(),
        "is_clerk": clerk,
    }


class PartsListPage(ListPage):
    template_name = "parts/list.html"
    tab: ClassVar[str] = ""
    actions: ClassVar[list[Action]] = []

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            require_reader(request.user)
        return super().get(request, *args, **kwargs)

    def extra_context(self) -> dict[str, Any]:
        return tab_context(self.request, self.tab, self.actions)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str | Promise,
    tab: str,
    on_valid: Callable[[dict[str, Any]], HttpResponse],
    cancel_url: str,
    template: str = "parts/form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render ``form``; on a valid POST call ``on_valid`` — a refused use case shows on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            return on_valid(form.cleaned_data)
        except ServiceError as error:
            add_service_error(form, error)
    context = {
        "form": form,
        "title": title,
        "cancel_url": cancel_url,
        **tab_context(request, tab),
        **(extra or {}),
    }
    return render(request, template, context, status=400 if form.errors else 200)


def part_from(actor: User, number: str) -> Part:
    """The part a form names by part number; unknown numbers are refused on the ``part`` field."""
    try:
        return selectors.part_by_number(actor=actor, part_number=number)
    except NotFound as exc:
        message = str(_("Unknown part number."))
        raise ServiceError(message, fields={"part": [message]}) from exc
