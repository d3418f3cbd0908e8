"""E-mail against real peers: Dovecot IMAP (started per module) and an aiosmtpd SMTP server.

Messages — the real-world fixtures and built ones — are appended to an IMAP folder with APPEND and
read by the poller; notifications leave through Django's SMTP backend and the reply to one comes
back through IMAP onto the same request.
"""

import email
import uuid
from collections.abc import Iterator
from email.policy import default as default_policy
from typing import Any

import pytest

from sasms.accounts.models import Contact, User
from sasms.core import outbox
from sasms.intake.choices import Outcome, TriageReason
from sasms.intake.email.outbound import root_message_id
from sasms.intake.models import Mailbox, ProcessedMessage, TriageItem
from sasms.intake.services.config import create_mailbox
from sasms.intake.services.mail import poll_mailbox
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Attachment, Ticket, TicketEvent
from tests.intake.conftest import email_fixture
from tests.intake.mailservers import Dovecot, dovecot_server, smtp_server
from tests.intake.test_mail_intake import PDF, build


@pytest.fixture(scope="module")
def imap() -> Iterator[Dovecot]:
    with dovecot_server() as server:
        yield server


@pytest.fixture
def folder() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def imap_mailbox(admin_user: User, server: Dovecot, folder: str, **fields: Any) -> Mailbox:
    values: dict[str, Any] = {
        "name": f"IMAP {folder}",
        "address": "support@sasms.example",
        "host": "127.0.0.1",
        "port": server.port,
        "security": "none",
        "username": server.user,
        "password": server.password,
        "folder": folder,
        "reply_to": True,
    }
    values.update(fields)
    return create_mailbox(actor=admin_user, **values)


@pytest.mark.corpus
def test_poll_reads_each_message_once(imap: Dovecot, folder: str, admin_user: User, contact_a: Contact):
    imap.append(
        folder,
        build(subject="RAID degraded 阵列降级", attachments=(("report.pdf", PDF, "application/pdf"),)),
        email_fixture("bounce-mailbox-full-dsn.eml"),
        email_fixture("cn-gb2312-raw-8bit-headers-exmail.eml"),
        email_fixture("reply-utf8-cjk-partially-encoded-subject.eml"),
    )
    mailbox = imap_mailbox(admin_user, imap, folder)
    poll = poll_mailbox(mailbox)
    assert (poll.error, poll.fetched, poll.duplicates) == ("", 4, 0)
    assert dict(poll.outcomes) == {Outcome.CREATED: 1, Outcome.BOUNCE: 1, Outcome.TRIAGED: 2}
    ticket = Ticket.objects.get()
    assert (ticket.title, ticket.requester) == ("RAID degraded 阵列降级", contact_a)
    assert Attachment.objects.get(ticket=ticket).original_name == "report.pdf"
    triaged = TriageItem.objects.order_by("id")
    assert [t.summary for t in triaged] == [
        "提示：您的企业成员暂时无法登录邮件客户端",
        'Re: Test: "漢字" mid "漢字" tail',
    ]
    assert all(t.reason == TriageReason.UNKNOWN_SENDER for t in triaged)
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 4
    assert mailbox.uid_validity is not None
    assert mailbox.last_error == ""
    assert all(b"\\Seen" in line for line in imap.flags(folder))
    # Nothing new: nothing read. A rebuilt folder (UIDs start again) reads all, processes none.
    assert poll_mailbox(mailbox).fetched == 0
    Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=None)
    again = poll_mailbox(mailbox)
    assert (again.fetched, again.duplicates) == (4, 4)
    assert Ticket.objects.count() == 1
    assert ProcessedMessage.objects.count() == 4


def test_a_refused_login_is_recorded_and_nothing_is_read(imap: Dovecot, folder: str, admin_user: User):
    imap.append(folder, build())
    mailbox = imap_mailbox(admin_user, imap, folder, password="wrong")
    poll = poll_mailbox(mailbox)
    assert "AUTHENTICATIONFAILED" in poll.error or "failed" in poll.error.lower()
    mailbox.refresh_from_db()
    assert mailbox.last_error
    assert mailbox.last_uid == 0
    assert mailbox.lease_until is None
    assert not ProcessedMessage.objects.exists()


def test_notification_over_smtp_threads_the_reply_back(
    imap: Dovecot, folder: str, admin_user: User, contact_a: Contact, settings: Any
):
    original_id = "<disk-fault-1@a.example>"
    imap.append(folder, build(message_id=original_id))
    mailbox = imap_mailbox(admin_user, imap, folder)
    assert poll_mailbox(mailbox).outcomes[Outcome.CREATED] == 1
    ticket = Ticket.objects.get()
    with smtp_server() as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.DEFAULT_FROM_EMAIL = "SASMS <noreply@sasms.example>"
        assert outbox.deliver_pending() == 1
    [raw] = smtp.messages
    assert smtp.recipients == [["wang.wei@a.example"]]
    sent = email.message_from_bytes(raw, policy=default_policy)
    assert ticket.number in str(sent["Subject"])
    assert sent["In-Reply-To"] == original_id
    assert sent["References"].split() == [root_message_id(ticket.number), original_id]
    assert sent["Reply-To"] == "support@sasms.example"
    assert sent["X-SASMS-Message-Key"].startswith(f"ticket:{ticket.pk}:event:")
    # The customer answers in their mail client: no SR number, only the thread headers.
    reply = build(
        subject="Re: received",
        body="Bay 3 LED is amber since Monday.\n\n-----Original Message-----\nFrom: SASMS",
        in_reply_to=str(sent["Message-ID"]),
    )
    imap.append(folder, reply)
    assert poll_mailbox(mailbox).outcomes[Outcome.COMMENTED] == 1
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.REPLY)
    assert event.body.endswith("Bay 3 LED is amber since Monday.")
    assert Ticket.objects.count() == 1
