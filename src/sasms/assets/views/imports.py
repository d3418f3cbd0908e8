"""Bulk import pages: upload, preview with per-row errors, confirm, progress."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sasms.accounts.roles import Capability
from sasms.assets import imports, selectors, tasks
from sasms.assets.forms import ImportUploadForm
from sasms.assets.importplan import SERVER_DATES, SERVER_TEXT
from sasms.assets.models import ImportKind
from sasms.assets.views.common import actor_of
from sasms.core.errors import ServiceError
from sasms.core.forms import add_service_error
from sasms.core.permissions import require

TEMPLATE_COLUMNS = {
    ImportKind.SERVERS: ["vendor", "model", "serial", "organisation", "site", "status", "rack", "rack_unit"]
    + [c for c in SERVER_TEXT if c not in ("rack",)]
    + list(SERVER_DATES),
    ImportKind.COMPONENTS: [
        "vendor",
        "server_serial",
        "kind",
        "slot",
        "part_number",
        "serial",
        "capacity",
        "firmware",
        "description",
    ],
}


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, Capability.MANAGE_ASSETS)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.start_import(
                actor=actor,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                skip_bad_rows=form.cleaned_data["skip_bad_rows"],
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            # Runs on a worker (broker) or in a background thread (embedded): the job page polls.
            tasks.schedule_check(job.pk)
            return redirect("assets:import_job", pk=job.pk)
    context = {
        "form": form,
        "jobs": selectors.import_jobs_visible_to(actor=actor)[:10],
        "template_columns": TEMPLATE_COLUMNS,
    }
    return render(request, "assets/import.html", context)


@login_required
def import_template_view(request: HttpRequest, kind: str) -> HttpResponse:
    """An empty CSV with the expected header row."""
    columns = TEMPLATE_COLUMNS.get(ImportKind(kind) if kind in ImportKind.values else ImportKind.SERVERS)
    buffer = io.StringIO()
    csv.writer(buffer).writerow(columns or [])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sasms-{kind}-template.csv"'
    return response


@login_required
def import_job_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    job = selectors.access_import_job(actor=actor, job_id=pk)
    context = {"job": job}
    if getattr(request, "htmx", False):
        return render(request, "assets/_import_progress.html", context)
    return render(request, "assets/import_job.html", context)


@require_POST
@login_required
def import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    job = selectors.access_import_job(actor=actor, job_id=pk)
    job = imports.confirm_import(actor=actor, job=job)
    tasks.schedule_apply(job.pk)
    return redirect("assets:import_job", pk=job.pk)
