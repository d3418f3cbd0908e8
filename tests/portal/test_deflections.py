"""Deflections: "this solved my problem" instead of a request, and how often it works."""

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sasms.accounts.models import Organisation, User
from sasms.core.errors import ServiceError
from sasms.feedback import selectors, services
from sasms.feedback.models import Deflection
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_solved_button_records_a_deflection_and_opens_no_request(
    articles: dict[int, str], customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    response = client.post(reverse("portal:deflect"), {"article": "101", "q": "RAID  degraded\nafter disk"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    deflection = Deflection.objects.get()
    assert (deflection.user, deflection.organisation_id, deflection.article_id) == (
        customer_user,
        customer_user.organisation_id,
        101,
    )
    assert deflection.article_title == articles[101]
    assert deflection.query == "RAID degraded after disk"
    assert not Ticket.objects.exists()
    htmx = client.post(reverse("portal:deflect"), {"article": "102"}, HTTP_HX_REQUEST="true")
    assert 'data-testid="deflected"' in htmx.content.decode()


def test_unknown_article_is_refused(
    articles: dict[int, str], customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    for value in ("999", "abc", "-1"):
        response = client.post(reverse("portal:deflect"), {"article": value})
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:request_create")
    with pytest.raises(ServiceError) as refused:
        services.record_deflection(actor=customer_user, article_id=999)
    assert "article" in refused.value.fields
    assert not Deflection.objects.exists()


def test_the_same_confirmation_twice_counts_once(articles: dict[int, str], customer_user: User) -> None:
    first = services.record_deflection(actor=customer_user, article_id=101)
    assert services.record_deflection(actor=customer_user, article_id=101) == first
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1)):
        services.record_deflection(actor=customer_user, article_id=101)
    assert Deflection.objects.count() == 2


def test_rate_counts_deflections_against_portal_requests(
    articles: dict[int, str],
    portal_request: Callable[..., Ticket],
    customer_user: User,
    customer_admin: User,
    customer_b_user: User,
    manager: User,
    make_user: Callable[..., User],
    customer_a: Organisation,
) -> None:
    colleague = make_user("customer")
    services.record_deflection(actor=customer_user, article_id=101)
    services.record_deflection(actor=colleague, article_id=101)
    services.record_deflection(actor=customer_user, article_id=102)
    services.record_deflection(actor=customer_b_user, article_id=102)
    portal_request()
    from sasms.tickets.services import create_ticket

    create_ticket(actor=None, organisation=customer_a, title="By phone")  # not a portal request
    rate = selectors.deflection_rate(actor=customer_admin)
    assert (rate.deflections, rate.portal_requests, rate.percent) == (3, 1, 75)
    everyone = selectors.deflection_rate(actor=manager)
    assert (everyone.deflections, everyone.portal_requests) == (4, 1)
    only_a = selectors.deflection_rate(actor=manager, organisation_id=customer_a.pk)
    assert only_a.deflections == 3
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert selectors.deflection_rate(actor=manager, since=tomorrow).attempts == 0
    assert selectors.deflection_rate(actor=customer_user).attempts == 0  # no reports for plain users


def test_report_page_and_admin_home_card(
    articles: dict[int, str],
    portal_request: Callable[..., Ticket],
    customer_user: User,
    customer_admin: User,
    manager: User,
    client_for: Callable[[User], Client],
) -> None:
    services.record_deflection(actor=customer_user, article_id=101, query="raid rebuild")
    portal_request()
    body = client_for(manager).get(reverse("portal:deflection_report")).content.decode()
    assert "1 problems solved with an article, 1 requests opened in the portal." in body
    assert 'data-testid="deflection-percent">50 %' in body
    assert "raid rebuild" in body
    export = client_for(manager).get(reverse("portal:deflection_report"), {"export": "csv", "q": "raid"})
    assert "raid rebuild" in b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    home = client_for(customer_admin).get(reverse("portal:home")).content.decode()
    assert 'data-testid="deflection-percent">50 %' in home
    assert client_for(customer_user).get(reverse("portal:deflection_report")).status_code == 403


def test_deflection_checks_the_real_knowledge_base(
    customer_user: User, engineer: User, manager: User, client_for: Callable[[User], Client]
) -> None:
    from sasms.knowledge.services import create_article
    from tests.portal.knowledge_helpers import publish_customer_article

    article = publish_customer_article(
        editor=engineer,
        reviewer=manager,
        title="Rebuild a degraded RAID array",
        body="Replace the disk, then…",
    )
    internal = create_article(actor=engineer, title="Internal escalation list", body="Call …")
    deflection = services.record_deflection(actor=customer_user, article_id=article.pk, query="raid")
    assert deflection.article_title == "Rebuild a degraded RAID array"
    # A draft or internal article is not the customer's to confirm: it does not exist for them.
    with pytest.raises(ServiceError):
        services.record_deflection(actor=customer_user, article_id=internal.pk)
    assert Deflection.objects.count() == 1
    # The new-request page asks the knowledge base for suggestions as the customer types.
    page = client_for(customer_user).get(reverse("portal:request_create")).content.decode()
    assert f'hx-get="{reverse("knowledge:suggest")}"' in page
    assert 'data-testid="kb-suggestions"' in page
