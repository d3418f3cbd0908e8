"""Composed messages through the intake services: bounces file under their request and mark the address,
Chinese clients' replies comment with their new text only, raw 8-bit and TNEF mail keep what they say."""

from pathlib import Path

import pytest

from sasms.accounts.models import Contact, Organisation, User
from sasms.core.models import AuditEntry
from sasms.intake.choices import Direction, Outcome
from sasms.intake.models import Mailbox, ProcessedMessage, TriageItem
from sasms.intake.services.mail import load_raw, receive_email, remember_thread
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Attachment, Ticket, TicketEvent
from tests.intake.test_mail_intake import build

SAMPLES = Path(__file__).parent / "mail_samples"
NOTIFY_ID = "<sasms.41.977.5e0c1d2b3a49@sasms.example>"
BOUNCES = {
    "bounce-office365-ndr.eml": ("zhang.san@b.example", "<sasms.41.978.9b1c7d02e4f5@sasms.example>"),
    "bounce-qmail.eml": ("li.si@b.example", "<sasms.41.979.1f2e3d4c5b6a@sasms.example>"),
    "bounce-exim.eml": ("chen.wu@c.example", "<sasms.41.980.2a3b4c5d6e7f@sasms.example>"),
    "bounce-exim-dsn.eml": ("chen.wu@c.example", "<sasms.41.982.4c5d6e7f8091@sasms.example>"),
    "bounce-postfix-rfc822.eml": ("zhou.liu@d.example", "<sasms.41.981.3b4c5d6e7f80@sasms.example>"),
}


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


@pytest.fixture
def ticket(contact_a: Contact, mailbox: Mailbox) -> Ticket:
    created = receive_email(raw=build()).record.ticket
    assert created is not None
    return created


def notes(ticket: Ticket) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE))


@pytest.mark.parametrize("name", sorted(BOUNCES))
def test_bounce_files_under_the_request_and_marks_the_address(
    name: str, ticket: Ticket, customer_a: Organisation
):
    address, notification = BOUNCES[name]
    contact = Contact.objects.create(organisation=customer_a, name="收件人", email=address.upper())
    remember_thread(ticket=ticket, message_id=notification, direction=Direction.OUTBOUND)
    tickets_before = Ticket.objects.count()

    record = receive_email(raw=sample(name)).record

    assert record.outcome == Outcome.BOUNCE
    assert record.ticket == ticket
    assert Ticket.objects.count() == tickets_before  # no request opened
    assert not TriageItem.objects.exists()
    contact.refresh_from_db()
    assert contact.email_bounced_at is not None
    assert AuditEntry.objects.filter(action="contact.email_bounced", object_id=str(contact.pk)).exists()
    [note] = notes(ticket)
    assert not note.public
    assert address in note.body
    assert "marked as bouncing" in note.body
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REPLY).exists()


def test_office365_ndr_finds_the_request_by_its_own_in_reply_to(ticket: Ticket, customer_a: Organisation):
    # Only the NDR's In-Reply-To names a known message: the returned headers are stripped of ids.
    raw = sample("bounce-office365-ndr.eml")
    head, _sep, _rest = raw.partition(b"Content-Type: text/rfc822-headers")
    raw = (
        head
        + b"Content-Type: text/plain\r\n\r\nheaders removed\r\n--b0b5c8a1-3f7e-4b7c-8d4e-2a9f6e1c0d3b--\r\n"
    )
    remember_thread(
        ticket=ticket, message_id="<sasms.41.978.9b1c7d02e4f5@sasms.example>", direction=Direction.OUTBOUND
    )
    record = receive_email(raw=raw).record
    assert record.outcome == Outcome.BOUNCE
    assert record.ticket == ticket


def test_bounce_finds_the_request_by_the_returned_ticket_number(ticket: Ticket, customer_a: Organisation):
    # No thread row (e.g. mail sent before threading was recorded): the X-SASMS-Ticket header decides.
    Ticket.objects.filter(pk=ticket.pk).update(number="SR2612010000041")
    contact = Contact.objects.create(organisation=customer_a, name="陈武", email="chen.wu@c.example")
    record = receive_email(raw=sample("bounce-exim.eml")).record
    assert record.outcome == Outcome.BOUNCE
    assert record.ticket == ticket
    contact.refresh_from_db()
    assert contact.email_bounced_at is not None


def test_delayed_bounce_is_filed_but_marks_nothing(ticket: Ticket, customer_a: Organisation):
    address, notification = BOUNCES["bounce-postfix-rfc822.eml"]
    contact = Contact.objects.create(organisation=customer_a, name="周六", email=address)
    remember_thread(ticket=ticket, message_id=notification, direction=Direction.OUTBOUND)
    raw = (
        sample("bounce-postfix-rfc822.eml")
        .replace(b"Action: failed", b"Action: delayed")
        .replace(b"Status: 5.2.2", b"Status: 4.4.1")
    )
    record = receive_email(raw=raw).record
    assert record.outcome == Outcome.BOUNCE
    assert record.ticket == ticket
    contact.refresh_from_db()
    assert contact.email_bounced_at is None
    [note] = notes(ticket)
    assert "keep trying" in note.body


def test_backscatter_for_mail_we_never_sent_marks_nobody(customer_a: Organisation, mailbox: Mailbox):
    contact = Contact.objects.create(organisation=customer_a, name="李四", email="li.si@b.example")
    raw = (
        sample("bounce-qmail.eml")
        .replace(b"sasms.41.979.1f2e3d4c5b6a@sasms.example", b"spam.1234@forged.example")
        .replace(b"sr2612010000041@sasms.example", b"other@forged.example")
        .replace(b"X-SASMS-Ticket: SR2612010000041\r\n", b"")
        .replace(b"X-SASMS-Message-Key:", b"X-Spam-Key:")
        .replace(b"[SR2612010000041]", b"[cheap watches]")
    )
    record = receive_email(raw=raw).record
    assert record.outcome == Outcome.BOUNCE
    assert record.ticket is None
    contact.refresh_from_db()
    assert contact.email_bounced_at is None
    assert Ticket.objects.count() == 0


def test_bounce_to_a_closed_request_is_still_filed(ticket: Ticket, customer_a: Organisation, engineer: User):
    from sasms.tickets import services as ticket_services

    ticket_services.transition_ticket(actor=engineer, ticket=ticket, action="cancel", reason="duplicate")
    _address, notification = BOUNCES["bounce-qmail.eml"]
    remember_thread(ticket=ticket, message_id=notification, direction=Direction.OUTBOUND)
    record = receive_email(raw=sample("bounce-qmail.eml")).record
    assert record.outcome == Outcome.BOUNCE
    assert record.ticket == ticket
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "sender", "new_text"),
    [
        ("foxmail-reply-gb2312.eml", "wang.wei@a.example", "硬盘已经收到，今天下午可以安排上门。"),
        ("qqmail-reply-gb18030.eml", "12345678@qq.com", "已经换好了，谢谢！"),
        ("netease163-reply-gbk.eml", "wang_wei_dc@163.com", "换好了，服务器已经恢复正常，可以关单。"),
    ],
)
def test_chinese_client_reply_comments_with_only_its_new_text(
    name: str, sender: str, new_text: str, ticket: Ticket, customer_a: Organisation
):
    if not Contact.objects.filter(email__iexact=sender).exists():
        Contact.objects.create(organisation=customer_a, name="王伟", email=sender)
    remember_thread(ticket=ticket, message_id=NOTIFY_ID, direction=Direction.OUTBOUND)
    record = receive_email(raw=sample(name)).record
    assert record.outcome == Outcome.COMMENTED
    assert record.ticket == ticket
    reply = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REPLY).latest("pk")
    assert new_text in reply.body
    assert "备件已发出" not in reply.body
    assert "原始邮件" not in reply.body


def test_raw_8bit_subject_becomes_the_title_and_the_raw_bytes_are_kept(
    customer_a: Organisation, mailbox: Mailbox
):
    Contact.objects.create(organisation=customer_a, name="李䶮", email="li.yan@dc-b.example")
    raw = sample("raw8bit-gb18030-subject-webmail.eml")
    record = receive_email(raw=raw).record
    assert record.outcome == Outcome.CREATED
    assert record.ticket is not None
    assert record.ticket.title == "机房B 服务器RAID卡报警（紧急）€ 请尽快安排工程师"
    assert ProcessedMessage.objects.get(pk=record.pk).sender_name == "李䶮"
    assert load_raw(record) == raw  # the stored .eml is byte for byte what arrived


def test_tnef_files_and_raw_gbk_file_name_reach_the_request(customer_a: Organisation, mailbox: Mailbox):
    Contact.objects.create(organisation=customer_a, name="张三", email="zhang.san@b.example")
    Contact.objects.create(organisation=customer_a, name="王伟", email="wang.wei@a.example")
    tnef = receive_email(raw=sample("outlook-tnef-two-files.eml")).record.ticket
    gbk = receive_email(raw=sample("raw8bit-gbk-from-and-filename.eml")).record.ticket
    assert tnef is not None
    assert gbk is not None
    assert sorted(Attachment.objects.filter(ticket=tnef).values_list("original_name", flat=True)) == [
        "report.pdf",
        "内存清单.csv",
    ]
    assert list(Attachment.objects.filter(ticket=gbk).values_list("original_name", flat=True)) == [
        "服务器日志.txt"
    ]


def test_empty_part_leaves_no_file_on_the_request(contact_a: Contact, mailbox: Mailbox):
    record = receive_email(raw=sample("forward-attached-with-empty-part.eml")).record
    assert record.ticket is not None
    names = list(Attachment.objects.filter(ticket=record.ticket).values_list("original_name", flat=True))
    assert not any(name.startswith("part-") for name in names)
    assert "DL380 的管理口告警：电源 2 失效。" in record.ticket.description
