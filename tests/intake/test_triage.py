"""Triage decisions: create a request for a customer, attach to a request, discard — once, audited."""

from typing import Any

import pytest

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry
from sasms.intake.choices import Outcome, TriageResolution, TriageStatus
from sasms.intake.models import Alert, AlertSource, TriageItem
from sasms.intake.services import triage
from sasms.intake.services.alerts import ingest_alerts, parse_payload
from sasms.intake.services.mail import receive_email
from sasms.tickets.choices import Channel, EventKind
from sasms.tickets.models import Attachment, Ticket, TicketEvent
from tests.intake.conftest import alert_fixture
from tests.intake.test_mail_intake import PDF, build


@pytest.fixture
def mail_item(db: None) -> TriageItem:
    raw = build(
        sender="new.person@a.example", name="New Person", attachments=(("fault.pdf", PDF, "application/pdf"),)
    )
    record = receive_email(raw=raw).record
    return TriageItem.objects.get(message=record)


@pytest.fixture
def device_item(am_source: tuple[AlertSource, str]) -> TriageItem:
    source = am_source[0]
    ingest_alerts(source=source, alerts=parse_payload(source, alert_fixture("03-firing-amtool-added.json")))
    return TriageItem.objects.get()


def test_create_request_for_an_unknown_sender_adds_the_contact(
    mail_item: TriageItem, customer_a: Organisation, make_user: Any
):
    manager = make_user(Role.SERVICE_MANAGER)
    ticket = triage.create_request_from_triage(
        actor=manager, item=mail_item, organisation=customer_a, add_contact=True, note="new at A"
    )
    contact = Contact.objects.get(email="new.person@a.example")
    assert (ticket.organisation, ticket.requester, ticket.channel) == (customer_a, contact, Channel.EMAIL)
    assert Attachment.objects.filter(ticket=ticket, original_name="fault.pdf").exists()
    mail_item.refresh_from_db()
    assert (mail_item.status, mail_item.resolution, mail_item.ticket, mail_item.resolved_by) == (
        TriageStatus.RESOLVED,
        TriageResolution.CREATED,
        ticket,
        manager,
    )
    assert mail_item.message is not None
    assert mail_item.message.outcome == Outcome.CREATED
    assert AuditEntry.objects.filter(action="intake.triage.created", object_id=str(mail_item.pk)).exists()
    # A reply from the new contact now threads onto the request by itself.
    reply = receive_email(raw=build(sender="new.person@a.example", subject=f"Re: {ticket.number}")).record
    assert (reply.outcome, reply.ticket) == (Outcome.COMMENTED, ticket)


def test_an_agent_may_not_add_contacts_and_nothing_changes(
    mail_item: TriageItem, customer_a: Organisation, agent: User
):
    with pytest.raises(PermissionDenied):
        triage.create_request_from_triage(
            actor=agent, item=mail_item, organisation=customer_a, add_contact=True
        )
    assert not Ticket.objects.exists()
    mail_item.refresh_from_db()
    assert mail_item.status == TriageStatus.OPEN
    # Without the contact the agent can still open the request.
    ticket = triage.create_request_from_triage(actor=agent, item=mail_item, organisation=customer_a)
    assert ticket.requester is None


def test_attach_an_email_to_a_request_as_an_internal_note(
    mail_item: TriageItem, customer_a: Organisation, agent: User
):
    from sasms.tickets.services import create_ticket

    ticket = create_ticket(actor=agent, organisation=customer_a, title="Existing")
    triage.attach_triage_to_request(actor=agent, item=mail_item, ticket=ticket)
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE)
    assert note.body.startswith("E-mail from New Person <new.person@a.example>, added from triage:")
    assert not note.public
    assert Attachment.objects.get(ticket=ticket).internal
    with pytest.raises(Conflict):
        triage.discard_triage(actor=agent, item=mail_item)  # someone has already decided


@pytest.mark.corpus
def test_unknown_device_becomes_a_request_for_the_chosen_server(
    device_item: TriageItem, customer_a: Organisation, agent: User, make_server: Any
):
    server: Server = make_server(customer_a, "NEWSERIAL-1")
    ticket = triage.create_request_from_triage(
        actor=agent, item=device_item, organisation=customer_a, server=server
    )
    assert (ticket.server, ticket.channel, ticket.component) == (server, Channel.MONITORING, "memory")
    alert = Alert.objects.get()
    assert (alert.ticket, alert.server) == (ticket, server)
    # Further alerts of that device now join the request instead of triage.
    source = device_item.source
    assert source is not None
    ingest_alerts(source=source, alerts=parse_payload(source, alert_fixture("03-firing-amtool-added.json")))
    assert TriageItem.objects.count() == 1
    assert Ticket.objects.count() == 1


@pytest.mark.corpus
def test_server_of_another_customer_is_refused(
    device_item: TriageItem, customer_a: Organisation, customer_b: Organisation, agent: User, make_server: Any
):
    other = make_server(customer_b, "B-SERVER")
    with pytest.raises(ServiceError) as refused:
        triage.create_request_from_triage(
            actor=agent, item=device_item, organisation=customer_a, server=other
        )
    assert "server" in refused.value.fields
    assert not Ticket.objects.exists()


@pytest.mark.corpus
def test_discard_and_customers_cannot_decide(device_item: TriageItem, customer_user: User, agent: User):
    with pytest.raises(PermissionDenied):
        triage.discard_triage(actor=customer_user, item=device_item)
    item = triage.discard_triage(actor=agent, item=device_item, note="test alert")
    assert (item.status, item.resolution, item.note) == (
        TriageStatus.RESOLVED,
        TriageResolution.DISCARDED,
        "test alert",
    )
    assert Alert.objects.get().triage == item  # the alerts stay on record
