"""E-mail intake links the server a customer names: serials, asset tags, host names, as people
really write them, and only among the sender's own organisation's servers."""

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from sasms.accounts.models import Contact, Organisation, User
from sasms.assets.models import Server
from sasms.intake.models import TriageItem
from sasms.intake.services import triage
from sasms.intake.services.mail import receive_email
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket, TicketEvent
from tests.intake.test_mail_intake import build

pytestmark = pytest.mark.django_db


@pytest.fixture
def dell(make_server: Callable[..., Server], customer_a: Organisation) -> Server:
    today = timezone.localdate()
    return make_server(
        customer_a,
        "2M2ABCD",
        hostname="db01.a.example",
        asset_tag="A-ZC-00042",
        warranty_start=today - datetime.timedelta(days=30),
        warranty_end=today + datetime.timedelta(days=1000),
    )


@pytest.fixture
def foreign(make_server: Callable[..., Server], customer_b: Organisation) -> Server:
    return make_server(customer_b, "7XK9QQ2", hostname="secret-erp-01.b.example")


def opened(raw: bytes) -> Ticket:
    record = receive_email(raw=raw).record
    assert record.ticket is not None, record.outcome
    return record.ticket


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("服务器故障", "您好，序列号：2M2ABCD的服务器3号盘亮黄灯，请尽快处理。"),
        ("服务器故障", "序列号2M2ABCD报警"),  # no separator at all before or after the CJK text
        ("s/n 2m2abcd disk failed", "Please replace it."),  # lower case
        ("硬盘告警", "序列号：２Ｍ２ＡＢＣＤ，机柜 A03"),  # full-width forms from a Chinese IME
        ("db01.a.example 报警", "电源冗余丢失。"),  # host name
        ("资产编号 a-zc-00042 无法开机", "—"),  # asset tag
        ("Disk failed", "SN: 2M2ABCD.\n\n-- \n王伟 | 138 0013 8000"),  # full stop after it
        ("Disk failed", "“2M2ABCD” disk 3 <2M2ABCD>"),  # named twice, quote marks around it
    ],
)
def test_named_server_is_linked_and_entitlement_follows(
    contact_a: Contact, dell: Server, subject: str, body: str
) -> None:
    ticket = opened(build(subject=subject, body=body))
    assert ticket.server == dell
    assert ticket.entitled is True
    assert ticket.entitlement["rule"] == "warranty"


def test_serial_in_a_quoted_message_is_found_when_the_new_text_names_none(
    contact_a: Contact, dell: Server
) -> None:
    body = "还是不行，请再看一下。\n\n> 2024-05-01 王伟 写道：\n> 序列号：2M2ABCD 硬盘故障\n"
    assert opened(build(subject="Re: 硬盘故障", body=body)).server == dell


def test_new_text_wins_over_the_quoted_conversation(
    contact_a: Contact, dell: Server, make_server: Callable[..., Server], customer_a: Organisation
) -> None:
    other = make_server(customer_a, "9ZZ1234")
    body = "这次是 9ZZ1234 的电源。\n\n> 上次：2M2ABCD 硬盘故障\n"
    assert opened(build(subject="电源故障", body=body)).server == other


def test_two_servers_named_are_left_for_a_person(
    contact_a: Contact, dell: Server, make_server: Callable[..., Server], customer_a: Organisation
) -> None:
    make_server(customer_a, "9ZZ1234")
    ticket = opened(build(subject="两台服务器告警", body="2M2ABCD 和 9ZZ1234 都亮黄灯"))
    assert ticket.server is None


@pytest.mark.parametrize(
    "body",
    [
        "2M2ABCDE 故障",  # a longer serial is another server
        "X2M2ABCD 故障",
        "db01.a.example.cn 故障",
        "db01 故障",  # part of the host name only
        "The disk in slot 3 failed, please check the RAID controller.",
    ],
)
def test_no_false_matches(contact_a: Contact, dell: Server, body: str) -> None:
    ticket = opened(build(subject="故障", body=body))
    assert ticket.server is None
    assert ticket.entitlement["rule"] == "no_server"


def test_another_customers_server_is_never_linked_nor_revealed(
    contact_a: Contact, dell: Server, foreign: Server
) -> None:
    ticket = opened(build(subject="7XK9QQ2 宕机", body="序列号：7XK9QQ2"))
    assert ticket.server is None
    assert ticket.entitled is False
    texts = [str(ticket.entitlement), ticket.description, ticket.title]
    texts += [f"{e.body} {e.data}" for e in TicketEvent.objects.filter(ticket=ticket)]
    assert not any("secret-erp-01" in text for text in texts)


def test_follow_up_to_a_closed_request_keeps_its_server(contact_a: Contact, dell: Server) -> None:
    first = opened(build(subject="硬盘故障", body="2M2ABCD 3 号盘"))
    Ticket.objects.filter(pk=first.pk).update(status="closed", closed_at=timezone.now())
    reply = build(subject=f"Re: [{first.number}] 硬盘故障", body="又坏了一块。", in_reply_to=first.number)
    follow_up = opened(reply)
    assert follow_up.pk != first.pk
    assert follow_up.server == dell


def test_triage_request_for_a_chosen_customer_links_the_named_server(
    dell: Server, foreign: Server, customer_a: Organisation, agent: User
) -> None:
    record = receive_email(raw=build(sender="nobody@unknown.example", body="序列号：2M2ABCD")).record
    item = TriageItem.objects.get(message=record)
    ticket = triage.create_request_from_triage(actor=agent, item=item, organisation=customer_a)
    assert ticket.server == dell


def test_triage_does_not_link_a_server_of_another_customer(
    foreign: Server, customer_a: Organisation, agent: User
) -> None:
    record = receive_email(raw=build(sender="nobody@unknown.example", body="序列号：7XK9QQ2")).record
    item = TriageItem.objects.get(message=record)
    ticket = triage.create_request_from_triage(actor=agent, item=item, organisation=customer_a)
    assert ticket.server is None


def test_the_service_still_refuses_a_foreign_server(contact_a: Contact, foreign: Server) -> None:
    # The lookup never offers one, and the writer would refuse it anyway.
    from sasms.core.errors import ServiceError

    with pytest.raises(ServiceError):
        ticket_services.create_ticket(
            actor=None, organisation=contact_a.organisation, server=foreign, title="x"
        )
