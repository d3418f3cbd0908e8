"""PIPL/GDPR: export everything held about a contact; erase it and keep the service history."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry
from sasms.core.privacy import erase_contact, export_contact
from sasms.tickets import services
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMINISTRATOR, language="en")


@pytest.fixture
def person(customer_a: Organisation, make_user: Callable[..., User]) -> tuple[Contact, User]:
    contact = Contact.objects.create(
        organisation=customer_a, name="Zhang Min", email="zhang.min@a.example", phone="+86 139 1111 2222"
    )
    login = make_user(
        Role.CUSTOMER, organisation=customer_a, email="zhang.min@a.example", full_name="Zhang Min"
    )
    return contact, login


@pytest.fixture
def history(person: tuple[Contact, User], customer_a: Organisation, agent: User) -> Ticket:
    contact, login = person
    ticket = services.create_ticket(
        actor=login,
        organisation=customer_a,
        requester=contact,
        title="Server down — call Zhang Min on +86 139 1111 2222",
        description="Contact zhang.min@a.example for access.",
    )
    services.add_comment(actor=login, ticket=ticket, body="This is Zhang Min, any news?")
    services.add_comment(actor=agent, ticket=ticket, body="Replacing the disk now.")
    return ticket


def test_export_contains_contact_login_requests_and_messages(
    admin: User, person: tuple[Contact, User], history: Ticket
) -> None:
    contact, _login = person
    data = export_contact(actor=admin, contact=contact)
    sections = data["sections"]
    assert sections["accounts"]["contact"]["email"] == "zhang.min@a.example"
    assert [u["email"] for u in sections["accounts"]["user_accounts"]] == ["zhang.min@a.example"]
    assert [r["number"] for r in sections["tickets"]["requests"]] == [history.number]
    assert "This is Zhang Min, any news?" in [m["text"] for m in sections["tickets"]["messages"]]
    json.dumps(data)  # JSON-ready
    assert AuditEntry.objects.filter(action="privacy_export").count() == 1


def test_erasure_scrubs_personal_data_and_keeps_the_history(
    admin: User, person: tuple[Contact, User], history: Ticket
) -> None:
    contact, login = person
    events_before = TicketEvent.objects.filter(ticket=history).count()
    report = erase_contact(actor=admin, contact=contact, reason="DSR-2026-001")
    assert report.total >= 3
    contact.refresh_from_db()
    login.refresh_from_db()
    history.refresh_from_db()
    assert (contact.name, contact.email, contact.phone) == (f"Erased contact {contact.pk}", "", "")
    assert contact.erased_at is not None
    assert not login.is_active
    assert "zhang" not in login.email
    assert "Zhang Min" not in history.title
    assert "+86 139 1111 2222" not in history.title
    assert "zhang.min@a.example" not in history.description
    texts = " ".join(TicketEvent.objects.filter(ticket=history).values_list("body", flat=True))
    assert "Zhang Min" not in texts
    assert "Replacing the disk now." in texts  # staff work stays as it was
    # The service history is intact: same request, same requester, same number of events.
    assert history.requester_id == contact.pk
    assert TicketEvent.objects.filter(ticket=history).count() == events_before
    with pytest.raises(Conflict):
        erase_contact(actor=admin, contact=contact, reason="again")


def test_erasure_needs_a_reason_and_the_right_role(
    admin: User, agent: User, person: tuple[Contact, User]
) -> None:
    contact, _login = person
    with pytest.raises(ServiceError) as refused:
        erase_contact(actor=admin, contact=contact, reason=" ")
    assert "reason" in refused.value.fields
    with pytest.raises(PermissionDenied):
        erase_contact(actor=agent, contact=contact, reason="x")
    with pytest.raises(PermissionDenied):
        export_contact(actor=agent, contact=contact)
    contact.refresh_from_db()
    assert contact.erased_at is None


def test_pages_and_command(
    admin: User, person: tuple[Contact, User], history: Ticket, client_for: Callable[[User], Any], capsys: Any
) -> None:
    contact, _login = person
    client = client_for(admin)
    base = f"/organisations/{contact.organisation_id}/contacts/{contact.pk}"
    assert client.get(f"{base}/").status_code == 200
    download = client.get(f"{base}/privacy/export/")
    assert download.status_code == 200
    assert json.loads(download.content)["contact_id"] == contact.pk
    call_command("privacy", "export", "--contact", str(contact.pk), "--by", admin.email)
    assert "zhang.min@a.example" in capsys.readouterr().out
    assert client.post(f"{base}/privacy/erase/", {"reason": ""}).status_code == 302
    contact.refresh_from_db()
    assert contact.erased_at is None
    client.post(f"{base}/privacy/erase/", {"reason": "DSR-7"})
    contact.refresh_from_db()
    assert contact.erased_at is not None


def test_customer_cannot_reach_privacy_actions(
    customer_admin: User, person: tuple[Contact, User], client_for: Callable[[User], Any]
) -> None:
    contact, _login = person
    base = f"/organisations/{contact.organisation_id}/contacts/{contact.pk}"
    assert client_for(customer_admin).get(f"{base}/privacy/export/").status_code == 403


def test_other_apps_data_is_exported_and_erased_too(
    admin: User, person: tuple[Contact, User], history: Ticket, agent: User
) -> None:
    from sasms.feedback import services as feedback_services
    from sasms.feedback.models import Survey, SurveyResponse
    from sasms.intake.choices import Outcome
    from sasms.intake.models import ProcessedMessage

    contact, login = person
    services.assign_ticket(actor=agent, ticket=history, assignee=agent)
    services.transition_ticket(actor=agent, ticket=history, action="start")
    services.transition_ticket(
        actor=agent,
        ticket=history,
        action="resolve",
        resolution_code="part_replaced",
        resolution_summary="Disk",
    )
    survey = Survey.objects.get(ticket=history)
    scores = {"response_speed": 5, "expertise": 4, "resolution": 5, "attitude": 5}
    feedback_services.answer_survey(
        actor=login, survey=survey, scores=scores, comment="Zhang Min says thanks"
    )
    ProcessedMessage.objects.create(
        key="k1",
        message_id="<m1@a.example>",
        sender="zhang.min@a.example",
        sender_name="Zhang Min",
        subject="Zhang Min: server down",
        outcome=Outcome.values[0],
        ticket=history,
    )
    sections = export_contact(actor=admin, contact=contact)["sections"]
    assert sections["surveys"][0]["comment"] == "Zhang Min says thanks"
    assert sections["email"][0]["subject"] == "Zhang Min: server down"
    assert "field" in sections
    erase_contact(actor=admin, contact=contact, reason="DSR-9")
    response = SurveyResponse.objects.get(survey=survey)
    assert (response.comment, response.response_speed) == ("", 5)  # the score is kept
    message = ProcessedMessage.objects.get(key="k1")
    assert (message.sender, message.sender_name) == ("", "")
    assert "Zhang Min" not in message.subject
