"""The service report: a PDF in the customer's language with Chinese set in Noto Sans CJK SC,
stored privately, made once, and e-mailed to the customer through the outbox."""

import re
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from tests.field.conftest import signature_png

from sasms.accounts.models import Contact, User
from sasms.accounts.roles import Role
from sasms.core.models import OutboxMessage
from sasms.core.outbox import deliver_pending
from sasms.field import services
from sasms.field.models import Visit
from sasms.field.report import generate_and_send, render_report_pdf, report_language_for
from sasms.field.tasks import report_sweep

pytestmark = pytest.mark.django_db


def pdf_streams(pdf: bytes) -> list[bytes]:
    """Every compressed stream of the PDF, inflated (fonts, object streams, ToUnicode tables)."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return streams


def embedded_fonts(pdf: bytes) -> set[str]:
    names = re.findall(rb"/FontName\s*/[A-Z]{6}\+([^\s/>]+)", b"\n".join([pdf, *pdf_streams(pdf)]))
    return {name.decode() for name in names}


def pdf_text_codepoints(pdf: bytes) -> set[str]:
    """The characters the PDF's fonts map back to text (their ToUnicode tables)."""
    chars: set[str] = set()
    for data in pdf_streams(pdf):
        if b"begincmap" not in data:
            continue
        for hexcode in re.findall(rb"<([0-9A-Fa-f]{4,8})>\s*(?:\n|$)", data):
            try:
                chars.add(bytes.fromhex(hexcode.decode()).decode("utf-16-be"))
            except (UnicodeDecodeError, ValueError):
                continue
        for hexcode in re.findall(rb"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4,8})>", data):
            try:
                chars.add(bytes.fromhex(hexcode.decode()).decode("utf-16-be"))
            except (UnicodeDecodeError, ValueError):
                continue
    return chars


@pytest.fixture
def finished(visit: Visit, field_engineer: User, walk: Callable[..., Visit]) -> Visit:
    visit = walk(visit, "on_site")
    services.add_note(actor=field_engineer, visit=visit, body="更换 3 号硬盘，阵列重建完成。")
    services.add_part(
        actor=field_engineer, visit=visit, part_number="ST4000NM000A", serial="ZC1A", removed_serial="ZC0B"
    )
    visit = services.sign_visit(actor=field_engineer, visit=visit, signer_name="王伟", image=signature_png())
    return services.check_out(actor=field_engineer, visit=visit, summary="硬盘已更换")


def test_chinese_report_is_set_in_noto_sans_cjk(finished: Visit) -> None:
    pdf = render_report_pdf(finished, "zh-hans")
    assert pdf.startswith(b"%PDF-")
    assert "Noto-Sans-CJK-SC" in embedded_fonts(pdf)  # the Chinese font is embedded (as a subset)
    text = pdf_text_codepoints(pdf)
    for char in "客户更换硬盘王伟":  # a label in Chinese ("Customer"), the note and the signer
        assert char in text, char
    assert b"/Subtype /Image" in pdf  # the signature


def test_english_report_reads_in_english(finished: Visit) -> None:
    pdf = render_report_pdf(finished, "en")
    text = pdf_text_codepoints(pdf)
    assert set("Service report Customer") <= text
    assert "客" not in text  # the labels are not in Chinese …
    assert "换" in text  # … but the engineer's Chinese note is, in the CJK font


def test_language_follows_the_contact_then_the_customer(
    finished: Visit, make_user: Callable[..., User], contact_a: Contact
) -> None:
    assert report_language_for(finished) == "zh-hans"  # nobody to ask: the site default
    make_user(Role.CUSTOMER, email="wang@a.example", language="en")
    assert report_language_for(finished) == "en"  # the contact's own log-in reads English
    finished.report_language = "zh-hans"
    assert report_language_for(finished) == "zh-hans"  # chosen when scheduling


def test_report_made_once_and_emailed_with_the_pdf(finished: Visit, contact_a: Contact) -> None:
    assert generate_and_send(finished.pk) is True
    assert generate_and_send(finished.pk) is False  # made once
    visit = Visit.objects.get(pk=finished.pk)
    assert visit.report_file.startswith("private/field/reports/")
    assert visit.report_sent_to == "wang@a.example"
    assert visit.report_sent_language == "zh-hans"
    message = OutboxMessage.objects.get(idempotency_key=f"field:visit:{visit.pk}:report")
    assert message.payload["to"] == ["wang@a.example"]
    [attachment] = message.payload["attachments"]
    assert attachment["content_type"] == "application/pdf"
    assert attachment["storage_path"] == visit.report_file
    with default_storage.open(visit.report_file, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert deliver_pending() >= 1
    sent = [m for m in mail.outbox if m.to == ["wang@a.example"] and m.attachments]
    assert len(sent) == 1
    assert visit.ticket.number in sent[0].subject
    name, content, content_type = sent[0].attachments[0]
    assert name.endswith(".pdf")
    assert content_type == "application/pdf"
    assert content[:5] == b"%PDF-"


def test_checking_out_after_signing_makes_the_report_on_commit(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit], django_capture_on_commit_callbacks: Any
) -> None:
    visit = walk(visit, "on_site")
    visit = services.sign_visit(actor=field_engineer, visit=visit, signer_name="王伟", image=signature_png())
    with django_capture_on_commit_callbacks(execute=True):
        services.check_out(actor=field_engineer, visit=visit)
    visit.refresh_from_db()
    assert visit.report_generated_at is not None
    assert OutboxMessage.objects.filter(idempotency_key=f"field:visit:{visit.pk}:report").count() == 1


def test_sweep_makes_reports_that_were_missed(finished: Visit) -> None:
    assert Visit.objects.get(pk=finished.pk).report_generated_at is None  # the commit hook never ran here
    assert report_sweep() == 1
    assert report_sweep() == 0
