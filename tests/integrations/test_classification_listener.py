"""Automatic requests are classified after they arrive: confident values applied, the rest triaged."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Organisation, User
from sasms.core import outbox
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry, OutboxMessage
from sasms.integrations import services
from sasms.integrations.choices import ReviewStatus
from sasms.integrations.models import ClassificationReview, ClassifierModel
from sasms.tickets import services as ticket_services
from sasms.tickets.choices import Category, Channel, ComponentArea, EventKind
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _open(customer: Organisation, channel: str, title: str, description: str = "", **fields: Any) -> Ticket:
    ticket = ticket_services.create_ticket(
        actor=None, organisation=customer, title=title, description=description, channel=channel, **fields
    )
    outbox.deliver_pending()
    ticket.refresh_from_db()
    return ticket


def test_a_confident_prediction_is_applied_to_an_email_request_and_noted(
    active_model: ClassifierModel, customer_a: Organisation
) -> None:
    ticket = _open(customer_a, Channel.EMAIL, "内核崩溃 kernel panic", "operating system blue screen")
    assert (ticket.category, ticket.component) == (Category.SOFTWARE, ComponentArea.OS)
    review = ClassificationReview.objects.get(ticket=ticket)
    assert review.status == ReviewStatus.APPLIED
    assert review.applied_fields == ["category", "component"]
    assert review.model == active_model
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE)
    assert not note.public
    assert note.actor is None
    assert note.data["source"] == "classifier"
    assert note.data["applied"] == ["category", "component"]
    assert "Auto-classification (model v1)" in note.body
    updated = TicketEvent.objects.get(ticket=ticket, kind=EventKind.UPDATED)
    assert updated.actor is None
    assert updated.data == {"fields": ["category", "component"]}
    # The priority is only suggested: it follows the entitlement and impact × urgency.
    assert ticket.priority == "P3"


def test_a_low_confidence_prediction_goes_to_triage_and_changes_nothing(
    active_model: ClassifierModel, customer_a: Organisation, settings: Any
) -> None:
    settings.SASMS_CLASSIFIER_CONFIDENCE = 0.999
    ticket = _open(customer_a, Channel.MONITORING, "硬盘离线 RAID 降级")
    assert (ticket.category, ticket.component) == (Category.HARDWARE, "")
    review = ClassificationReview.objects.get(ticket=ticket)
    assert review.status == ReviewStatus.PENDING
    assert review.applied_fields == []
    assert review.component_confidence < 0.999
    assert "sent to classification triage" in TicketEvent.objects.get(ticket=ticket, kind=EventKind.NOTE).body


def test_a_component_named_by_the_intake_adapter_is_kept(
    active_model: ClassifierModel, customer_a: Organisation
) -> None:
    ticket = _open(customer_a, Channel.BMC, "Fan speed alarm", "风扇转速告警", component=ComponentArea.PSU)
    assert ticket.component == ComponentArea.PSU
    assert ClassificationReview.objects.get(ticket=ticket).component == ComponentArea.FAN


def test_confident_priority_is_applied_only_when_switched_on(
    active_model: ClassifierModel, customer_a: Organisation, settings: Any
) -> None:
    settings.SASMS_CLASSIFIER_APPLY_PRIORITY = True
    ticket = _open(customer_a, Channel.API, "内核崩溃 kernel panic 宕机 outage")
    assert ticket.priority == "P1"
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PRIORITY, actor=None).exists()


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.PORTAL])
def test_requests_people_typed_in_are_not_touched(
    active_model: ClassifierModel, customer_a: Organisation, channel: str
) -> None:
    ticket = _open(customer_a, channel, "内核崩溃 kernel panic")
    assert ticket.category == Category.HARDWARE
    assert not ClassificationReview.objects.exists()
    assert not OutboxMessage.objects.filter(topic="integrations.classify").exists()


def test_without_an_active_model_nothing_is_queued(customer_a: Organisation) -> None:
    _open(customer_a, Channel.EMAIL, "内核崩溃 kernel panic")
    assert not OutboxMessage.objects.filter(topic="integrations.classify").exists()
    assert not ClassificationReview.objects.exists()


def test_a_second_delivery_of_the_classification_changes_nothing(
    active_model: ClassifierModel, customer_a: Organisation
) -> None:
    ticket = _open(customer_a, Channel.EMAIL, "内核崩溃 kernel panic")
    first = services.classify_request(ticket_id=ticket.pk)
    assert first == ClassificationReview.objects.get()
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE).count() == 1


@pytest.fixture
def pending(active_model: ClassifierModel, customer_a: Organisation, settings: Any) -> ClassificationReview:
    settings.SASMS_CLASSIFIER_CONFIDENCE = 0.999
    ticket = _open(customer_a, Channel.EMAIL, "硬盘离线 RAID 降级", "磁盘 slot 3")
    return ClassificationReview.objects.get(ticket=ticket)


def test_accepting_a_suggestion_applies_all_three_values(pending: ClassificationReview, agent: User) -> None:
    review = services.resolve_review(actor=agent, review=pending, decision="accept")
    ticket = Ticket.objects.get(pk=pending.ticket_id)
    assert (ticket.category, ticket.component, ticket.priority) == (
        pending.category,
        pending.component,
        pending.priority,
    )
    assert review.status == ReviewStatus.ACCEPTED
    assert review.reviewed_by == agent
    assert AuditEntry.objects.filter(action="integrations.classification.review", actor=agent).exists()
    with pytest.raises(Conflict):
        services.resolve_review(actor=agent, review=pending, decision="dismiss")


def test_overriding_applies_the_reviewers_values_and_bad_values_change_nothing(
    pending: ClassificationReview, agent: User
) -> None:
    with pytest.raises(ServiceError) as refused:
        services.resolve_review(actor=agent, review=pending, decision="override", component="toaster")
    assert set(refused.value.fields) == {"component"}
    assert ClassificationReview.objects.get(pk=pending.pk).status == ReviewStatus.PENDING
    services.resolve_review(actor=agent, review=pending, decision="override", component="raid")
    ticket = Ticket.objects.get(pk=pending.ticket_id)
    assert ticket.component == "raid"
    assert ticket.priority == "P3"
    assert ClassificationReview.objects.get(pk=pending.pk).status == ReviewStatus.OVERRIDDEN


def test_customers_cannot_review(pending: ClassificationReview, customer_user: User) -> None:
    with pytest.raises(PermissionDenied):
        services.resolve_review(actor=customer_user, review=pending, decision="dismiss")


def test_triage_page_lists_what_waits_and_the_review_page_saves(
    pending: ClassificationReview, agent: User, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(agent)
    listed = client.get(reverse("integrations:review_list"), follow=True)
    assert listed.redirect_chain == [(reverse("integrations:review_list") + "?status=pending", 302)]
    assert listed.status_code == 200
    assert pending.ticket.number in listed.content.decode()
    done = client.get(reverse("integrations:review_list"), {"status": "accepted"})
    assert pending.ticket.number not in done.content.decode()
    page = client.get(reverse("integrations:review_detail", args=[pending.pk]))
    assert page.status_code == 200
    assert 'data-testid="fill-component"' in page.content.decode()
    bad = client.post(reverse("integrations:review_detail", args=[pending.pk]), {"decision": "maybe"})
    assert bad.status_code == 400
    saved = client.post(
        reverse("integrations:review_detail", args=[pending.pk]),
        {"decision": "override", "category": "software"},
    )
    assert saved.status_code == 302
    assert Ticket.objects.get(pk=pending.ticket_id).category == "software"
    assert client_for(customer_user).get(reverse("integrations:review_list")).status_code == 403
    assert (
        client_for(customer_user).get(reverse("integrations:review_detail", args=[pending.pk])).status_code
        == 403
    )


def test_the_request_page_shows_the_classification_panel_to_staff(
    pending: ClassificationReview, agent: User, client_for: Callable[[User], Client]
) -> None:
    page = client_for(agent).get(reverse("tickets:detail", args=[pending.ticket.number]))
    assert page.status_code == 200
    assert 'data-testid="classification-panel"' in page.content.decode()


def test_reviews_api_lists_and_resolves(
    pending: ClassificationReview, agent: User, api_for: Callable[[User], Any]
) -> None:
    client = api_for(agent)
    listed = client.get("/api/v1/integrations/classification-reviews/", {"status": "pending"})
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    bad = client.post(
        f"/api/v1/integrations/classification-reviews/{pending.pk}/resolve/", {"decision": "nope"}
    )
    assert bad.status_code == 400
    assert "decision" in bad.json()["error"]["fields"]
    done = client.post(
        f"/api/v1/integrations/classification-reviews/{pending.pk}/resolve/", {"decision": "dismiss"}
    )
    assert done.status_code == 200
    assert done.json()["status"] == "dismissed"
