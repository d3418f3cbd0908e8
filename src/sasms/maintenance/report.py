"""The PM report (巡检报告): the checklist of one PM visit, server by server, as a PDF in the
customer's language, e-mailed through the outbox.

Rendered like the field service report (WeasyPrint, Noto Sans CJK SC, ``data:`` URLs only) from
``maintenance/report.html``; the language rule is the field report's (``report_language_for``).
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import Organisation, OrganisationKind, User
from sasms.core.audit import record_audit
from sasms.core.errors import Conflict
from sasms.core.outbox import enqueue_email
from sasms.field.report import report_language_for
from sasms.field.storage import save_private
from sasms.maintenance.choices import FINDING_RESULTS, PmVisitStatus
from sasms.maintenance.models import PmVisit
from sasms.maintenance.selectors import answers_of
from sasms.maintenance.services import active_items, require_checklist_rights, template_for

LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def report_context(pm_visit: PmVisit, language: str) -> dict[str, Any]:
    answers = list(answers_of(pm_visit))
    by_server: dict[int, dict[int, Any]] = {}
    for answer in answers:
        by_server.setdefault(answer.server_id, {})[answer.item_id] = answer
    servers = []
    for server in pm_visit.servers.select_related("model", "model__vendor").order_by("serial"):
        given = by_server.get(server.pk, {})
        lines = [
            {"item": item, "label": item.label_for(language), "answer": given.get(item.pk)}
            for item in active_items(template_for(server))
        ]
        servers.append({"server": server, "lines": lines})
    findings = [a for a in answers if a.result in FINDING_RESULTS]
    return {
        "pm_visit": pm_visit,
        "plan": pm_visit.plan,
        "field_visit": pm_visit.field_visit,
        "site": pm_visit.site,
        "organisation": pm_visit.organisation,
        "provider": Organisation.objects.filter(kind=OrganisationKind.PROVIDER).order_by("id").first(),
        "servers": servers,
        "findings": findings,
        "answered": len(answers),
        "generated_at": timezone.now(),
        "language": language,
    }


def render_pm_report_pdf(pm_visit: PmVisit, language: str) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    if language not in LANGUAGES:
        language = str(settings.LANGUAGE_CODE)
    with translation.override(language):
        html = render_to_string("maintenance/report.html", report_context(pm_visit, language))
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def report_language(pm_visit: PmVisit) -> str:
    if pm_visit.field_visit is not None:
        return report_language_for(pm_visit.field_visit)
    return str(settings.LANGUAGE_CODE)


def send_pm_report(*, actor: User, pm_visit: PmVisit) -> PmVisit:
    """Render the report of a checked-out PM visit and e-mail it to the visit's customer contact.

    Sending again makes a new report (the checklist may have been corrected) with its own key.
    """
    require_checklist_rights(actor, pm_visit)
    field_visit = pm_visit.field_visit
    if field_visit is None or field_visit.checked_out_at is None:
        raise Conflict(_("The report is sent once the engineer has checked out."))
    language = report_language(pm_visit)
    pdf = render_pm_report_pdf(pm_visit, language)
    path = save_private("pm-reports", pdf, ".pdf")
    contact = field_visit.contact
    address = contact.email if contact is not None and contact.email else ""
    if not address:
        raise Conflict(_("The visit's contact has no e-mail address."))
    with transaction.atomic():
        locked = PmVisit.objects.select_for_update().get(pk=pm_visit.pk)
        now = timezone.now()
        locked.report_file, locked.report_sent_at, locked.report_sent_to = path, now, address
        locked.status = PmVisitStatus.DONE
        locked.save(update_fields=["report_file", "report_sent_at", "report_sent_to", "status"])
        suffix = "pm-report" if language == "en" else "xunjian-baogao"
        with translation.override(language):
            number = pm_visit.ticket.number if pm_visit.ticket else f"PM{pm_visit.pk}"
            enqueue_email(
                to=[address],
                subject=_("Preventive maintenance report %(number)s") % {"number": number},
                body="\n\n".join(
                    [
                        _("Dear %(name)s,") % {"name": contact.name} if contact else "",
                        _("Attached is the report of the preventive maintenance at %(site)s on %(day)s.")
                        % {
                            "site": pm_visit.site.name if pm_visit.site else "—",
                            "day": pm_visit.planned_date,
                        },
                        _("Thank you for your trust."),
                    ]
                ),
                idempotency_key=f"maintenance:pm:{pm_visit.pk}:report:{now.timestamp():.0f}",
                attachments=[
                    {
                        "name": f"{number}-PM{pm_visit.pk}-{suffix}.pdf",
                        "storage_path": path,
                        "content_type": "application/pdf",
                    }
                ],
            )
        record_audit(
            actor=actor,
            action="maintenance.report.send",
            target=locked,
            organisation=pm_visit.organisation,
            changes={"report_sent_to": [None, address]},
        )
    pm_visit.refresh_from_db()
    return pm_visit
