"""Inbound e-mail through the services: new requests, replies, triage, machine mail, exactly once."""

from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from django.core import mail

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.core import outbox
from sasms.core.models import OutboxMessage
from sasms.intake.actors import ROBOT_EMAIL
from sasms.intake.choices import Direction, Outcome, TriageReason, TriageStatus
from sasms.intake.email.outbound import root_message_id
from sasms.intake.models import Mailbox, MailThread, ProcessedMessage, TriageItem
from sasms.intake.services import mail as mail_services
from sasms.intake.services.mail import receive_email
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import Channel, EventKind, Status
from sasms.tickets.models import Attachment, Ticket, TicketEvent
from tests.intake.conftest import email_fixture

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def build(
    *,
    sender: str = "wang.wei@a.example",
    name: str = "王伟",
    subject: str = "服务器硬盘故障 disk 3 failed",
    body: str = "您好，db01 的 3 号盘亮黄灯。\nPlease replace it.",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    charset: str = "utf-8",
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>"
    message["To"] = "support@sasms.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="a.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(body, charset=charset)
    for filename, data, ctype in attachments:
        maintype, subtype = ctype.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


@pytest.fixture
def locmem_mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "SASMS <noreply@sasms.example>"


def deliver() -> list[Any]:
    mail.outbox.clear()
    outbox.deliver_pending()
    return list(mail.outbox)


def test_new_message_from_a_contact_opens_a_request_with_its_files(contact_a: Contact, mailbox: Mailbox):
    raw = build(
        sender="WANG.WEI@A.EXAMPLE",
        attachments=(
            ("diag.pdf", PDF, "application/pdf"),
            ("sel.log", b"SEL: drive 3 fault\n", "text/plain"),
        ),
    )
    received = receive_email(raw=raw, mailbox=mailbox)
    record = received.record
    assert not received.duplicate
    assert record.outcome == Outcome.CREATED
    ticket = record.ticket
    assert ticket is not None
    assert (ticket.channel, ticket.requester, ticket.organisation_id) == (
        Channel.EMAIL,
        contact_a,
        contact_a.organisation_id,
    )
    assert ticket.title == "服务器硬盘故障 disk 3 failed"
    assert "3 号盘亮黄灯" in ticket.description
    assert sorted(Attachment.objects.filter(ticket=ticket).values_list("original_name", "content_type")) == [
        ("diag.pdf", "application/pdf"),
        ("sel.log", "text/plain"),
    ]
    assert MailThread.objects.get(ticket=ticket).direction == Direction.INBOUND
    assert mail_services.load_raw(record) == raw  # the original is kept


def test_the_same_message_is_processed_once(contact_a: Contact, mailbox: Mailbox):
    raw = build()
    first = receive_email(raw=raw, mailbox=mailbox)
    again = receive_email(raw=raw, mailbox=None)
    assert again.duplicate
    assert again.record.pk == first.record.pk
    assert Ticket.objects.count() == 1
    assert ProcessedMessage.objects.count() == 1


def test_acknowledgement_carries_threading_headers(contact_a: Contact, mailbox: Mailbox, locmem_mail: None):
    original = "<first.report@a.example>"
    ticket = receive_email(raw=build(message_id=original), mailbox=mailbox).record.ticket
    assert ticket is not None
    [ack] = deliver()
    assert ack.to == ["wang.wei@a.example"]
    assert ticket.number in ack.subject
    headers = ack.message()
    assert headers["In-Reply-To"] == original
    assert headers["References"].split() == [root_message_id(ticket.number), original]
    assert headers["Reply-To"] == "support@sasms.example"
    assert headers["Message-ID"].startswith(f"<sasms.{ticket.pk}.")
    outbound = MailThread.objects.get(ticket=ticket, direction=Direction.OUTBOUND)
    assert f"<{outbound.message_id.strip('<>')}>" == headers["Message-ID"]
    # A retry of the same outbox row sends the same Message-ID.
    OutboxMessage.objects.update(status="pending")
    [again] = deliver()
    assert again.message()["Message-ID"] == headers["Message-ID"]


def test_reply_to_a_notification_is_threaded_by_in_reply_to(
    contact_a: Contact, mailbox: Mailbox, locmem_mail: None
):
    ticket = receive_email(raw=build(), mailbox=mailbox).record.ticket
    assert ticket is not None
    [ack] = deliver()
    reply = build(
        subject="Re: your request",  # no SR number: only the thread headers lead back
        body="The LED is still amber.\n\nOn Mon, 23 Nov 2026 SASMS wrote:\n> Your service request ...",
        in_reply_to=ack.message()["Message-ID"],
    )
    record = receive_email(raw=reply, mailbox=mailbox).record
    assert (record.outcome, record.ticket) == (Outcome.COMMENTED, ticket)
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.REPLY)
    assert event.public
    assert event.body == "✉ 王伟 <wang.wei@a.example>\n\nThe LED is still amber."
    assert event.actor is not None
    assert event.actor.is_machine
    assert event.actor.organisation_id == ticket.organisation_id  # the customer's side of the story
    assert event.data["by_staff"] is False


def test_reply_with_the_sr_number_resumes_a_waiting_request(
    contact_a: Contact, mailbox: Mailbox, engineer: User
):
    ticket = receive_email(raw=build(), mailbox=mailbox).record.ticket
    assert ticket is not None
    ticket_services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
    ticket_services.transition_ticket(actor=engineer, ticket=ticket, action="start")
    ticket_services.transition_ticket(actor=engineer, ticket=ticket, action="wait_customer")
    reply = build(subject=f"RE: [{ticket.number}] We have received your request", body="Serial is CN7A1234.")
    assert receive_email(raw=reply, mailbox=mailbox).record.outcome == Outcome.COMMENTED
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS


def test_customer_and_staff_accounts_reply_as_themselves(
    contact_a: Contact, mailbox: Mailbox, make_user: Any, customer_a: Organisation
):
    ticket = receive_email(raw=build(), mailbox=mailbox).record.ticket
    assert ticket is not None
    customer = make_user(Role.CUSTOMER, organisation=customer_a, email="portal.user@a.example")
    agent = make_user(Role.AGENT, email="agent.zhang@provider.example")
    receive_email(raw=build(sender="Portal.User@a.example", subject=f"Re: {ticket.number}"), mailbox=mailbox)
    receive_email(
        raw=build(sender="agent.zhang@provider.example", subject=f"Re: {ticket.number}", body="On it.")
    )
    replies = list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REPLY).order_by("id"))
    assert [(e.actor, e.data["by_staff"]) for e in replies] == [(customer, False), (agent, True)]
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None  # the staff reply by mail is a response


def test_reply_from_a_stranger_goes_to_triage(contact_a: Contact, mailbox: Mailbox):
    ticket = receive_email(raw=build(), mailbox=mailbox).record.ticket
    assert ticket is not None
    stranger = build(sender="someone@elsewhere.example", subject=f"Re: [{ticket.number}] hello")
    record = receive_email(raw=stranger, mailbox=mailbox).record
    assert record.outcome == Outcome.TRIAGED
    item = TriageItem.objects.get(message=record)
    assert (item.reason, item.suggested_organisation, item.payload["ticket"]) == (
        TriageReason.REPLY_FROM_STRANGER,
        ticket.organisation,
        ticket.number,
    )
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REPLY).exists()


def test_unknown_and_ambiguous_senders_go_to_triage(
    contact_a: Contact, customer_b: Organisation, admin_user: User, customer_a: Organisation
):
    from sasms.intake.services.config import create_mailbox

    scoped = create_mailbox(
        actor=admin_user,
        name="A's box",
        address="a-support@sasms.example",
        host="127.0.0.1",
        port=143,
        security="none",
        username="a",
        password="x",
        organisation=customer_a,
    )
    unknown = receive_email(raw=build(sender="nobody@unknown.example"), mailbox=scoped).record
    item = TriageItem.objects.get(message=unknown)
    assert (item.reason, item.suggested_organisation, item.status) == (
        TriageReason.UNKNOWN_SENDER,
        customer_a,
        TriageStatus.OPEN,
    )
    Contact.objects.create(organisation=customer_b, name="Wang at B", email="wang.wei@a.example")
    ambiguous = receive_email(raw=build(subject="Another problem")).record
    assert TriageItem.objects.get(message=ambiguous).reason == TriageReason.AMBIGUOUS_SENDER
    # The same address through a mailbox of customer A is not ambiguous.
    scoped_record = receive_email(raw=build(subject="Third problem"), mailbox=scoped).record
    assert scoped_record.outcome == Outcome.CREATED
    assert scoped_record.ticket is not None
    assert scoped_record.ticket.organisation == customer_a
    assert Ticket.objects.count() == 1


@pytest.mark.corpus
def test_machine_mail_never_opens_or_updates_a_request(contact_a: Contact, mailbox: Mailbox):
    ticket = receive_email(raw=build(), mailbox=mailbox).record.ticket
    assert ticket is not None
    out_of_office = build(
        subject=f"Automatic reply: [{ticket.number}] We have received your request",
        headers={"Auto-Submitted": "auto-replied"},
    )
    vacation = build(subject="自动回复: 休假中", body="我正在休假")
    loop = build(
        subject=f"[{ticket.number}] New reply", headers={"X-SASMS-Message-Key": "ticket:1:event:2:x"}
    )
    bounce = email_fixture("bounce-mailbox-full-dsn.eml")
    outcomes = [
        receive_email(raw=raw, mailbox=mailbox).record.outcome
        for raw in (out_of_office, vacation, loop, bounce)
    ]
    assert outcomes == [Outcome.AUTO_REPLY, Outcome.AUTO_REPLY, Outcome.LOOP, Outcome.BOUNCE]
    assert Ticket.objects.count() == 1
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REPLY).exists()
    assert not TriageItem.objects.exists()


def test_reply_to_a_closed_request_opens_a_follow_up(contact_a: Contact, mailbox: Mailbox, engineer: User):
    ticket = receive_email(raw=build(), mailbox=mailbox).record.ticket
    assert ticket is not None
    ticket_services.transition_ticket(actor=engineer, ticket=ticket, action="cancel", reason="duplicate")
    record = receive_email(raw=build(subject=f"Re: {ticket.number} still broken"), mailbox=mailbox).record
    assert record.outcome == Outcome.CREATED
    assert record.ticket is not None
    assert record.ticket != ticket
    assert record.ticket.description.startswith(f"Follow-up to {ticket.number}, which is closed.")


def test_gbk_message_is_read_correctly(contact_a: Contact, mailbox: Mailbox):
    raw = build(subject="内存报错 ECC 告警", body="服务器内存条 DIMM_A1 报 ECC 错误。", charset="gbk")
    assert b'charset="gbk"' in raw
    ticket = receive_email(raw=raw, mailbox=mailbox).record.ticket
    assert ticket is not None
    assert ticket.title == "内存报错 ECC 告警"
    assert "DIMM_A1 报 ECC 错误" in ticket.description


def test_refused_attachments_are_listed_in_an_internal_note(contact_a: Contact, mailbox: Mailbox):
    program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
    raw = build(
        attachments=(
            ("tool.exe", program, "application/octet-stream"),
            ("photo.png", png_bytes(), "image/png"),
        )
    )
    ticket = receive_email(raw=raw, mailbox=mailbox).record.ticket
    assert ticket is not None
    assert list(Attachment.objects.filter(ticket=ticket).values_list("original_name", flat=True)) == [
        "photo.png"
    ]
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE)
    assert "tool.exe" in note.body
    assert not note.public
    assert note.actor is not None
    assert note.actor.email == ROBOT_EMAIL


@pytest.mark.corpus
def test_tnef_part_is_kept_by_its_real_content(customer_a: Organisation, mailbox: Mailbox):
    Contact.objects.create(organisation=customer_a, name="Test Sender", email="sender@email.test")
    ticket = receive_email(raw=email_fixture("outlook-tnef-winmail-dat.eml"), mailbox=mailbox).record.ticket
    assert ticket is not None
    # This Outlook "winmail.dat" holds a PNG: the type comes from the bytes, never from the name.
    assert list(Attachment.objects.filter(ticket=ticket).values_list("original_name", "content_type")) == [
        ("winmail.dat", "image/png")
    ]


@pytest.mark.corpus
def test_outlook_encoded_attachment_name_is_decoded(customer_a: Organisation, mailbox: Mailbox):
    Contact.objects.create(organisation=customer_a, name="Name", email="firstname.name@groupe-company.com")
    ticket = receive_email(
        raw=email_fixture("outlook-exchange-thread-index-pdf-attachment.eml"), mailbox=mailbox
    ).record.ticket
    assert ticket is not None
    [attachment] = Attachment.objects.filter(ticket=ticket)
    assert attachment.original_name.endswith("ATT N° 1467829.pdf")  # RFC 2047 words inside name=
    assert attachment.content_type == "text/plain"  # the fixture's "PDF" is ten bytes of text


@pytest.mark.corpus
def test_every_real_world_fixture_is_placed_once(mailbox: Mailbox):
    from tests.intake.conftest import EMAILS

    names = sorted(p.name for p in EMAILS.glob("*.eml"))
    records = [receive_email(raw=(EMAILS / n).read_bytes(), mailbox=mailbox).record for n in names]
    outcomes = {n: r.outcome for n, r in zip(names, records, strict=True)}
    assert outcomes["bounce-mailbox-full-dsn.eml"] == Outcome.BOUNCE
    # No sender is a contact here: everything else waits in triage; nothing was lost or doubled.
    assert {o for n, o in outcomes.items() if n != "bounce-mailbox-full-dsn.eml"} == {Outcome.TRIAGED}
    assert TriageItem.objects.count() == len(names) - 1
    assert Ticket.objects.count() == 0
    again = [receive_email(raw=(EMAILS / n).read_bytes()) for n in names]
    assert all(r.duplicate for r in again)
    assert ProcessedMessage.objects.count() == len(names)


def test_broken_mime_and_missing_sender_go_to_triage(mailbox: Mailbox):
    raw = (
        b"Subject: =?utf-8?B?broken\r\nContent-Type: multipart/mixed; boundary=\r\n\r\n"
        b"--\r\n\x00\xff\xfe garbage"
    )
    record = receive_email(raw=raw, mailbox=mailbox).record
    assert record.outcome == Outcome.TRIAGED
    assert TriageItem.objects.get(message=record).reason == TriageReason.UNREADABLE


def test_a_failure_while_processing_parks_the_message_in_triage(
    contact_a: Contact, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
):
    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(mail_services, "route_message", explode)
    record = receive_email(raw=build(), mailbox=mailbox).record
    assert record.outcome == Outcome.FAILED
    assert "disk full" in record.detail
    assert TriageItem.objects.get(message=record).reason == TriageReason.FAILED
    assert Ticket.objects.count() == 0
