"""The search dictionary pages: the list (filter, page, export), the group form, the re-index job."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sasms.accounts.models import User
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.lists import Column, ListPage, attr
from sasms.knowledge import selectors
from sasms.knowledge.filtersets import SynonymGroupFilterSet
from sasms.knowledge.forms import SynonymGroupForm
from sasms.knowledge.models import SynonymGroup
from sasms.knowledge.services import dictionary as services


def manager_of(request: HttpRequest) -> User:
    """The signed-in knowledge manager; everyone else gets 403 on the dictionary pages."""
    user = request.user
    if not isinstance(user, User) or not selectors.is_manager(user):
        raise PermissionDenied(_("You do not have permission to do this."))
    return user


def _group_link(group: SynonymGroup) -> str:
    return reverse("knowledge:synonym_edit", args=[group.pk])


def _terms(group: SynonymGroup) -> str:
    return " / ".join(group.term_list)


def _active(group: SynonymGroup) -> str:
    return _("Yes") if group.is_active else _("No")


class SynonymListView(ListPage):
    title = gettext_lazy("Search dictionary")
    filterset_class = SynonymGroupFilterSet
    template_name = "knowledge/synonym_list.html"
    export_name = "search-dictionary"
    empty_message = gettext_lazy("No synonym groups match these filters.")
    create_url_name = "knowledge:synonym_create"
    create_label = gettext_lazy("New group")
    paginate_by = 50
    columns = [
        Column(gettext_lazy("Key"), attr("key"), link=_group_link),
        Column(gettext_lazy("Terms"), _terms),
        Column(gettext_lazy("Note"), attr("note")),
        Column(gettext_lazy("Active"), _active),
        Column(gettext_lazy("Updated"), attr("updated_at")),
    ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        manager_of(request)
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return selectors.synonym_groups_visible_to(actor=self.request.user)

    def can_create(self) -> bool:
        return True

    def extra_context(self) -> dict[str, Any]:
        return {"job": selectors.latest_reindex()}


@login_required
def synonym_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = manager_of(request)
    group = selectors.access_synonym_group(actor=actor, group_id=pk) if pk is not None else None
    initial: dict[str, Any] = (
        {"key": group.key, "terms": group.terms, "note": group.note, "is_active": group.is_active}
        if group is not None
        else {"is_active": True}
    )
    form = SynonymGroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            if group is None:
                group = services.create_synonym_group(actor=actor, **values)
            else:
                group = services.update_synonym_group(actor=actor, group=group, **values)
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Group “%(key)s” saved. Queries use it now; re-index so that documents use it too.")
                % {"key": group.key},
            )
            return redirect("knowledge:synonym_list")
    context = {
        "title": _("Edit synonym group") if group else _("New synonym group"),
        "form": form,
        "group": group,
    }
    return render(request, "knowledge/synonym_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def reindex_view(request: HttpRequest) -> HttpResponse:
    actor = manager_of(request)
    services.start_reindex(actor=actor)
    messages.success(request, _("Re-indexing started."))
    return redirect("knowledge:synonym_list")


@login_required
@require_GET
def reindex_progress_view(request: HttpRequest) -> HttpResponse:
    """The job card alone, polled while the job runs."""
    manager_of(request)
    return render(request, "knowledge/_reindex_job.html", {"job": selectors.latest_reindex()})
