"""The customer sees each visit to their request — customer-facing fields only — and downloads its
service report; another organisation's visit and report answer "not found"."""

import datetime
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.field import services as field_services
from sasms.field.models import Visit
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _signature() -> bytes:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(40, 150), (160, 40), (260, 160), (560, 140)], fill=(11, 31, 58, 255), width=4
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def finished_visit(make_user: Callable[..., User], customer_a: Organisation) -> Visit:
    ticket = ticket_services.create_ticket(actor=None, organisation=customer_a, title="PSU 2 failed")
    engineer = make_user(Role.FIELD_ENGINEER, full_name="Liu Qiang 刘强")
    dispatcher = make_user(Role.DISPATCHER)
    start = timezone.now() + datetime.timedelta(hours=1)
    visit = field_services.schedule_visit(
        actor=dispatcher,
        ticket=ticket,
        engineer=engineer,
        window_start=start,
        window_end=start + datetime.timedelta(hours=2),
        access_notes="ZZACCESS gate code 4711",
    )
    visit = field_services.accept_visit(actor=engineer, visit=visit)
    visit = field_services.start_travel(actor=engineer, visit=visit)
    visit = field_services.check_in(actor=engineer, visit=visit)
    field_services.add_note(actor=engineer, visit=visit, body="ZZINTERNAL customer admin was rude")
    field_services.add_part(
        actor=engineer, visit=visit, part_number="PWS-1K62A-1R", serial="P1", removed_serial="P0"
    )
    field_services.sign_visit(actor=engineer, visit=visit, signer_name="王伟", image=_signature())
    return field_services.check_out(
        actor=engineer, visit=visit, summary="Replaced PSU 2; redundancy restored."
    )


def test_the_request_page_shows_each_visit_with_customer_facing_fields_only(
    finished_visit: Visit, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    for language in ("en", "zh-hans"):
        customer_user.language = language
        customer_user.save(update_fields=["language"])
        response = client_for(customer_user).get(
            reverse("portal:request_detail", args=[finished_visit.ticket.number])
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count('data-testid="portal-visit"') == 1
        assert "Liu Qiang 刘强" in page
        assert 'data-testid="visit-arrival"' in page
        assert "Replaced PSU 2; redundancy restored." in page
        assert "PWS-1K62A-1R × 1" in page
        assert "ZZINTERNAL" not in page
        assert "ZZACCESS" not in page
        # The timeline says what each visit step was, not five identical "field visit" lines.
        steps = page.count('data-testid="visit-step"')
        assert steps >= 4
        assert reverse("portal:visit_report", args=[finished_visit.ticket.number, finished_visit.pk]) in page
    customer_user.language = "en"
    customer_user.save(update_fields=["language"])
    response = client_for(customer_user).get(
        reverse("portal:request_detail", args=[finished_visit.ticket.number])
    )
    text = response.content.decode()
    assert "Engineer on the way" in text
    assert "Engineer checked in on site" in text


def test_the_customer_downloads_the_report_and_others_get_404(
    finished_visit: Visit,
    customer_user: User,
    make_user: Callable[..., User],
    customer_b: Organisation,
    client_for: Callable[[User], Client],
) -> None:
    number = finished_visit.ticket.number
    own = client_for(customer_user)
    for url in (
        reverse("portal:visit_report", args=[number, finished_visit.pk]),
        reverse("field:report", args=[finished_visit.pk]),
    ):
        response = own.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    stranger = client_for(make_user(Role.CUSTOMER, organisation=customer_b))
    assert stranger.get(reverse("portal:visit_report", args=[number, finished_visit.pk])).status_code == 404
    assert stranger.get(reverse("field:report", args=[finished_visit.pk])).status_code == 404
    # A visit of another request of the same customer cannot be reached through this request.
    other = ticket_services.create_ticket(actor=None, organisation=customer_user.organisation, title="Other")
    assert own.get(reverse("portal:visit_report", args=[other.number, finished_visit.pk])).status_code == 404


def test_no_report_before_the_signature(
    customer_user: User, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    ticket: Ticket = ticket_services.create_ticket(
        actor=None, organisation=customer_user.organisation, title="Fan noise"
    )
    start = timezone.now() + datetime.timedelta(hours=1)
    visit = field_services.schedule_visit(
        actor=make_user(Role.DISPATCHER),
        ticket=ticket,
        engineer=make_user(Role.FIELD_ENGINEER),
        window_start=start,
        window_end=start + datetime.timedelta(hours=2),
    )
    client = client_for(customer_user)
    page = client.get(reverse("portal:request_detail", args=[ticket.number])).content.decode()
    assert 'data-testid="portal-visit"' in page
    assert 'data-testid="visit-report"' not in page
    assert client.get(reverse("portal:visit_report", args=[ticket.number, visit.pk])).status_code == 404
    assert client.get(reverse("field:report", args=[visit.pk])).status_code == 404
