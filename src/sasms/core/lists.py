"""The list triad every page of rows reuses: filter, paginate, export.

A :class:`ListPage` serves the full page, its htmx partial (the table alone, swapped on filter and
page changes) and CSV/XLSX exports of the filtered rows from one definition: a selector for the
rows, a filterset for the filters and the columns to show.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import django_filters
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.text import slugify
from django.views import View

from sasms.accounts.roles import Capability
from sasms.core import exports
from sasms.core.permissions import require

EXPORT_ROW_LIMIT = 100_000


@dataclass(frozen=True)
class Column:
    label: str | Promise
    value: Callable[[Any], Any]
    link: Callable[[Any], str] | None = None
    css: str = ""
    exported: bool = True
    badge: Callable[[Any], str] | None = None


def attr(path: str) -> Callable[[Any], Any]:
    """Read a dotted attribute path; a trailing ``()``-less ``get_x_display`` is called."""

    def read(obj: Any) -> Any:
        value = obj
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                return ""
            if callable(value) and not isinstance(value, Model):
                value = value()
        return value

    return read


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%Y-%m-%d %H:%M")
    return value if isinstance(value, str) else f"{localize(value)}"


@dataclass
class TableRow:
    obj: Any
    cells: list[tuple[str, str | None, str, str]] = field(default_factory=list)


class ListPage(LoginRequiredMixin, View):
    title: ClassVar[str | Promise] = ""
    columns: ClassVar[list[Column]] = []
    filterset_class: ClassVar[type[django_filters.FilterSet] | None] = None
    capability: ClassVar[Capability | None] = None
    paginate_by: ClassVar[int] = 25
    template_name: ClassVar[str] = "core/list.html"
    partial_template_name: ClassVar[str] = "core/_list_table.html"
    empty_message: ClassVar[str | Promise] = ""
    create_url_name: ClassVar[str | None] = None
    create_label: ClassVar[str | Promise] = ""
    export_name: ClassVar[str] = "export"
    row_actions_template: ClassVar[str | None] = None

    def get_queryset(self) -> QuerySet[Any]:
        raise ImproperlyConfigured(f"{type(self).__name__} must name its selector in get_queryset().")

    def can_create(self) -> bool:
        return False

    def extra_context(self) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if self.capability is not None:
            require(request.user, self.capability)
        queryset = self.get_queryset()
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
            queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        if not queryset.ordered:
            queryset = queryset.order_by("-pk")  # stable pages even for selectors without an order
        export = request.GET.get("export")
        if export == "csv":
            return self.export_csv(queryset)
        if export == "xlsx":
            return self.export_xlsx(queryset)
        page_size = self.paginate_by
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(request.GET.get("page"))
        rows = [self._row(obj) for obj in page.object_list]
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "title": self.title,
            "columns": self.columns,
            "filterset": filterset,
            "page": page,
            "rows": rows,
            "querystring": query.urlencode(),
            "empty_message": self.empty_message,
            "create_url_name": self.create_url_name if self.can_create() else None,
            "create_label": self.create_label,
            "row_actions_template": self.row_actions_template,
            "is_filtered": bool(
                filterset is not None
                and filterset.is_bound
                and any(request.GET.get(k) for k in filterset.form.fields)
            ),
            **self.extra_context(),
        }
        # History restores ask for the whole page; other htmx requests get the table alone.
        htmx = getattr(request, "htmx", None)
        partial = htmx is not None and bool(htmx) and not htmx.history_restore_request
        response = render(request, self.partial_template_name if partial else self.template_name, context)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def _row(self, obj: Any) -> TableRow:
        row = TableRow(obj=obj)
        for column in self.columns:
            value = column.value(obj)
            link = column.link(obj) if column.link else None
            badge = column.badge(obj) if column.badge else ""
            row.cells.append((_cell_text(value), link, badge, column.css))
        return row

    def _export_rows(self, queryset: QuerySet[Any]) -> Iterator[list[str]]:
        columns = [c for c in self.columns if c.exported]
        yield [str(c.label) for c in columns]
        for obj in queryset[:EXPORT_ROW_LIMIT].iterator(chunk_size=2000):
            yield [_cell_text(c.value(obj)) for c in columns]

    def _filename(self, extension: str) -> str:
        return f"{slugify(self.export_name) or 'export'}-{timezone.localdate():%Y%m%d}.{extension}"

    def export_csv(self, queryset: QuerySet[Any]) -> HttpResponseBase:
        return exports.csv_streaming_response(self._export_rows(queryset), self._filename("csv"))

    def export_xlsx(self, queryset: QuerySet[Any]) -> HttpResponse:
        title = slugify(self.export_name) or "export"
        return exports.xlsx_response([(title, self._export_rows(queryset))], self._filename("xlsx"))


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    return render(request, template, context or {}, status=status)
