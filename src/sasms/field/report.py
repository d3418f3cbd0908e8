"""The service report (服务报告) of a visit: a PDF in the customer's language, e-mailed to them.

Rendered by WeasyPrint from ``field/report.html``; Chinese text is set in Noto Sans CJK SC. The
renderer may read ``data:`` URLs only (the signature and photos are inlined), so nothing a user
typed can make it fetch a file or a network address.
"""

import base64
import datetime
import logging
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasms.accounts.models import Contact, Organisation, OrganisationKind, User
from sasms.core.outbox import enqueue_email
from sasms.core.zones import first_zone
from sasms.field.choices import VisitStatus
from sasms.field.images import thumbnail_jpeg
from sasms.field.models import Visit
from sasms.field.storage import delete_private, read_private, save_private
from sasms.tickets.services.attachments import attachment_storage

logger = logging.getLogger(__name__)
LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)
REPORT_PHOTOS = 6


def report_contact(visit: Visit) -> Contact | None:
    return visit.contact or visit.ticket.requester


def report_language_for(visit: Visit) -> str:
    """The visit's chosen language; else the contact's own (their log-in's); else what most of the
    customer's users read; else the site default."""
    if visit.report_language in LANGUAGES:
        return visit.report_language
    contact = report_contact(visit)
    if contact is not None and contact.email:
        user = User.objects.filter(email__iexact=contact.email, is_active=True).only("language").first()
        if user is not None and user.language in LANGUAGES:
            return user.language
    row = (
        User.objects.filter(organisation_id=visit.ticket.organisation_id, is_active=True)
        .values("language")
        .annotate(n=Count("id"))
        .order_by("-n", "language")
        .first()
    )
    if row is not None and row["language"] in LANGUAGES:
        return str(row["language"])
    return str(settings.LANGUAGE_CODE)


def _zone(visit: Visit) -> ZoneInfo:
    server = visit.ticket.server
    site_zone = server.site.time_zone if server is not None and server.site is not None else ""
    return first_zone(site_zone, visit.ticket.organisation.time_zone)


def _data_url(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def _photos(visit: Visit) -> list[dict[str, Any]]:
    photos = []
    storage = attachment_storage()
    for photo in visit.photos.select_related("attachment")[:REPORT_PHOTOS]:
        try:
            with storage.open(photo.attachment.storage_name, "rb") as handle:
                data = thumbnail_jpeg(handle.read())
        except OSError:
            logger.warning("photo %s of visit %s is missing", photo.pk, visit.pk)
            continue
        photos.append(
            {"src": _data_url("image/jpeg", data), "caption": photo.caption, "at": photo.occurred_at}
        )
    return photos


def report_context(visit: Visit) -> dict[str, Any]:
    ticket = visit.ticket
    server = ticket.server
    signature = ""
    if visit.signature_file:
        try:
            signature = _data_url("image/png", read_private(visit.signature_file))
        except OSError:
            logger.warning("signature of visit %s is missing", visit.pk)
    provider = Organisation.objects.filter(kind=OrganisationKind.PROVIDER).order_by("id").first()
    return {
        "visit": visit,
        "ticket": ticket,
        "server": server,
        "site": server.site if server is not None else None,
        "contact": report_contact(visit),
        "provider": provider,
        "notes": list(visit.notes.all()),
        "parts": list(visit.parts.all()),
        "photos": _photos(visit),
        "photo_count": visit.photos.count(),
        "signature": signature,
        "generated_at": timezone.now(),
        "zone": _zone(visit),
    }


def render_report_pdf(visit: Visit, language: str) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    if language not in LANGUAGES:
        language = str(settings.LANGUAGE_CODE)
    context = report_context(visit)
    with translation.override(language), timezone.override(context["zone"]):
        html = render_to_string("field/report.html", {**context, "language": language})
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def report_filename(visit: Visit, language: str) -> str:
    suffix = "service-report" if language == "en" else "fuwu-baogao"
    return f"{visit.ticket.number}-V{visit.pk}-{suffix}.pdf"


def generate_and_send(visit_id: int) -> bool:
    """Make the report of a finished, signed visit and e-mail it to the customer contact, once.

    Rendering happens outside any transaction; the row is then claimed under its lock, so two
    workers racing on one visit store and send one report. Returns whether this call made it.
    """
    visit = (
        Visit.objects.select_related(
            "ticket",
            "ticket__organisation",
            "ticket__server",
            "ticket__server__site",
            "ticket__server__model",
            "engineer",
            "contact",
            "ticket__requester",
        )
        .filter(pk=visit_id)
        .first()
    )
    if visit is None or visit.report_generated_at is not None:
        return False
    if visit.status != VisitStatus.CHECKED_OUT or visit.signed_at is None:
        return False
    language = report_language_for(visit)
    pdf = render_report_pdf(visit, language)
    path = save_private("reports", pdf, ".pdf")
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit_id)
        if locked.report_generated_at is not None:
            transaction.on_commit(lambda: delete_private(path))
            return False
        contact = report_contact(visit)
        address = contact.email if contact is not None else ""
        locked.report_file, locked.report_generated_at = path, timezone.now()
        locked.report_sent_to, locked.report_sent_language = address, language
        locked.save(
            update_fields=["report_file", "report_generated_at", "report_sent_to", "report_sent_language"]
        )
        if address:
            _email_report(visit, path, language, address)
    return True


def _email_report(visit: Visit, path: str, language: str, address: str) -> None:
    ticket = visit.ticket
    with translation.override(language), timezone.override(_zone(visit)):
        contact = report_contact(visit)
        greeting = _("Dear %(name)s,") % {"name": contact.name} if contact is not None else ""
        checked_in = _local(visit.checked_in_at)
        body = "\n\n".join(
            part
            for part in (
                greeting,
                _(
                    "Attached is the service report of the visit for service request %(number)s "
                    "(%(title)s), on site from %(start)s to %(end)s, signed by %(signer)s."
                )
                % {
                    "number": ticket.number,
                    "title": ticket.title,
                    "start": checked_in,
                    "end": _local(visit.checked_out_at),
                    "signer": visit.signer_name,
                },
                _("Thank you for your trust."),
            )
            if part
        )
        subject = _("Service report %(number)s") % {"number": ticket.number}
        enqueue_email(
            to=[address],
            subject=subject,
            body=body,
            idempotency_key=f"field:visit:{visit.pk}:report",
            attachments=[
                {
                    "name": report_filename(visit, language),
                    "storage_path": path,
                    "content_type": "application/pdf",
                }
            ],
        )


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment is not None else "—"
