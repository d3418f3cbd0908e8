"""The field pages: the engineer's phone pages, the dispatcher's list and request-page panel, the
PWA files, in both languages; customers and other people's visits answered with 404/403."""

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.field.conftest import signature_png, window

from sasms.accounts.models import Contact, User
from sasms.accounts.roles import Role
from sasms.field import services
from sasms.field.models import Visit
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_my_visits_lists_the_engineers_own_visits(
    visit: Visit, field_engineer: User, other_engineer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(field_engineer).get(reverse("field:my_visits"))
    assert response.status_code == 200
    page = response.content.decode()
    assert visit.ticket.number in page
    assert f'data-offline-url="/field/visits/{visit.pk}/"' in page
    assert 'rel="manifest"' in page
    other = client_for(other_engineer).get(reverse("field:my_visits")).content.decode()
    assert visit.ticket.number not in other


def test_my_visits_in_chinese(
    visit: Visit, make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    engineer = make_user(Role.FIELD_ENGINEER, language="zh-hans")
    start, end = window()
    services.schedule_visit(
        actor=make_user(Role.DISPATCHER),
        ticket=visit.ticket,
        engineer=engineer,
        window_start=start,
        window_end=end,
        reassign=True,
    )
    response = client_for(engineer).get(reverse("field:my_visits"))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_visit_page_shows_the_next_step_only_to_its_engineer(
    visit: Visit,
    field_engineer: User,
    other_engineer: User,
    dispatcher: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    url = reverse("field:visit", args=[visit.pk])
    client = client_for(field_engineer)
    with django_assert_max_num_queries(15):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="step-accept"' in page
    assert "Badge at gate 2" in page
    state = json.loads(response.context["visit_json"])
    assert state == {
        "id": visit.pk,
        "status": "scheduled",
        "signed": False,
        "stepUrl": f"/api/v1/visits/{visit.pk}/steps/",
        "labels": state["labels"],
    }
    assert response.context["sections"]["accept"]
    assert not response.context["sections"]["check_in"]
    for reader in (other_engineer, dispatcher):
        other = client_for(reader).get(url)
        assert other.status_code == 200
        assert 'data-testid="step-accept"' not in other.content.decode()
    assert 'data-testid="dispatcher-actions"' in client_for(dispatcher).get(url).content.decode()


def test_customers_and_strangers_get_404(
    visit: Visit, customer_user: User, customer_admin: User, client_for: Callable[[User], Client]
) -> None:
    for user in (customer_user, customer_admin):
        client = client_for(user)
        for name in ("visit", "signature", "report"):
            assert client.get(reverse(f"field:{name}", args=[visit.pk])).status_code in (403, 404)
        assert client.post(reverse("field:step", args=[visit.pk]), {"step": "accept"}).status_code in (
            403,
            404,
        )
        assert client.get(reverse("field:my_visits")).status_code == 403
        assert client.get(reverse("field:visit_list")).status_code == 403
    assert Client().get(reverse("field:visit", args=[visit.pk])).status_code == 302  # sign in first


def test_step_form_without_script(
    visit: Visit, field_engineer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(field_engineer)
    key = str(uuid.uuid4())
    url = reverse("field:step", args=[visit.pk])
    response = client.post(url, {"step": "accept", "key": key, "csrfmiddlewaretoken": "x"})
    assert response.status_code == 302
    assert Visit.objects.get(pk=visit.pk).status == "accepted"
    # A double submit of the same form is the same key: done once, no error.
    client.post(url, {"step": "accept", "key": key})
    refused = client.post(url, {"step": "check_out", "key": str(uuid.uuid4())}, follow=True)
    assert "Check in on site before checking out" in refused.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == "accepted"


def test_other_engineer_step_is_refused(
    visit: Visit, other_engineer: User, client_for: Callable[[User], Client]
) -> None:
    response = client_for(other_engineer).post(
        reverse("field:step", args=[visit.pk]), {"step": "accept", "key": str(uuid.uuid4())}, follow=True
    )
    assert "assigned to another engineer" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == "scheduled"


def test_signature_and_report_files_are_served_to_staff(
    visit: Visit,
    field_engineer: User,
    dispatcher: User,
    walk: Callable[..., Visit],
    client_for: Callable[[User], Client],
) -> None:
    visit = walk(visit, "on_site")
    client = client_for(dispatcher)
    assert client.get(reverse("field:report", args=[visit.pk])).status_code == 404  # not finished yet
    visit = services.sign_visit(actor=field_engineer, visit=visit, signer_name="王伟", image=signature_png())
    visit = services.check_out(actor=field_engineer, visit=visit)
    signature = client.get(reverse("field:signature", args=[visit.pk]))
    assert signature.status_code == 200
    assert signature["Content-Type"] == "image/png"
    assert "sandbox" in signature["Content-Security-Policy"]
    report = client.get(reverse("field:report", args=[visit.pk]) + "?lang=en")
    assert report.status_code == 200
    assert report["Content-Type"] == "application/pdf"
    assert report.content.startswith(b"%PDF-")
    page = client_for(field_engineer).get(reverse("field:visit", args=[visit.pk])).content.decode()
    assert 'data-testid="report-link"' in page


def test_dispatcher_list_filters_paginates_and_exports(
    visit: Visit, dispatcher: User, field_engineer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(dispatcher)
    url = reverse("field:visit_list")
    page = client.get(url)
    assert page.status_code == 200
    assert visit.ticket.number in page.content.decode()
    filtered = client.get(url, {"status": "checked_out"})
    assert visit.ticket.number not in filtered.content.decode()
    assert (
        visit.ticket.number
        in client.get(url, {"status": "open", "engineer": str(field_engineer.pk)}).content.decode()
    )
    assert visit.ticket.number in client.get(url, {"q": visit.ticket.number}).content.decode()
    partial = client.get(url, {"status": "open"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content
    csv = client.get(url, {"export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert visit.ticket.number in b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    assert client_for(field_engineer).get(url).status_code == 403


def test_list_paginates(
    ticket: Ticket, dispatcher: User, field_engineer: User, client_for: Callable[[User], Client]
) -> None:
    for _ in range(27):
        start, end = window()
        services.schedule_visit(
            actor=dispatcher, ticket=ticket, engineer=field_engineer, window_start=start, window_end=end
        )
    client = client_for(dispatcher)
    first = client.get(reverse("field:visit_list"))
    assert len(first.context["rows"]) == 25
    assert len(client.get(reverse("field:visit_list"), {"page": 2}).context["rows"]) == 2


def test_request_page_panel_schedules_with_htmx(
    ticket: Ticket, dispatcher: User, field_engineer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(dispatcher)
    page = client.get(reverse("tickets:detail", args=[ticket.number])).content.decode()
    assert 'data-testid="visit-panel"' in page
    assert 'data-testid="visit-schedule-form"' in page
    url = reverse("field:schedule", args=[ticket.number])
    bad = client.post(
        url,
        {"engineer": field_engineer.pk, "window_start": "2030-01-02T10:00", "window_end": "2030-01-02T09:00"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 422
    assert "The window must end after it starts." in bad.content.decode()
    assert not Visit.objects.exists()
    good = client.post(
        url,
        {
            "engineer": field_engineer.pk,
            "window_start": "2030-01-02T10:00",
            "window_end": "2030-01-02T12:00",
            "access_notes": "Gate 2",
        },
        HTTP_HX_REQUEST="true",
    )
    assert good.status_code == 200
    visit = Visit.objects.get()
    assert visit.access_notes == "Gate 2"
    assert visit.contact == ticket.requester
    assert f"V{visit.pk}" in good.content.decode()


def test_panel_hidden_from_customers_and_form_from_engineers(
    visit: Visit, field_engineer: User, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    url = reverse("tickets:detail", args=[visit.ticket.number])
    engineer_page = client_for(field_engineer).get(url).content.decode()
    assert 'data-testid="visit-panel"' in engineer_page
    assert 'data-testid="visit-schedule-form"' not in engineer_page
    assert 'data-testid="visit-panel"' not in client_for(customer_user).get(url).content.decode()
    assert (
        client_for(field_engineer).post(reverse("field:schedule", args=[visit.ticket.number]), {}).status_code
        == 403
    )


def test_dispatcher_moves_and_cancels_from_the_visit_page(
    visit: Visit, dispatcher: User, other_engineer: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(dispatcher)
    client.post(
        reverse("field:reschedule", args=[visit.pk]),
        {"engineer": other_engineer.pk, "window_start": "2030-01-03T10:00", "window_end": "2030-01-03T12:00"},
    )
    assert Visit.objects.get(pk=visit.pk).engineer == other_engineer
    client.post(reverse("field:cancel", args=[visit.pk]), {"reason": "Fixed remotely"})
    assert Visit.objects.get(pk=visit.pk).status == "cancelled"


def test_pwa_files(field_engineer: User, client_for: Callable[[User], Client]) -> None:
    client = client_for(field_engineer)
    manifest = client.get(reverse("field:manifest"))
    assert manifest["Content-Type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["start_url"] == "/field/"
    assert data["scope"] == "/field/"
    assert data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}
    worker = client.get(reverse("field:service_worker"))
    assert worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/field/"
    body = worker.content.decode()
    assert body.startswith("self.SASMS_FIELD = ")
    assert "/static/field/queue.js" in body
    assert Client().get(reverse("field:offline")).status_code == 200
    session = client.get(reverse("field:session")).json()
    assert session["user"] == field_engineer.pk
    assert session["csrf"]
    assert Client().get(reverse("field:session")).status_code == 401


def test_menu_shows_my_visits_to_field_engineers(
    field_engineer: User, dispatcher: User, client_for: Callable[[User], Client]
) -> None:
    home = client_for(field_engineer).get("/").content.decode()
    assert reverse("field:my_visits") in home
    assert reverse("field:visit_list") not in home
    assert reverse("field:visit_list") in client_for(dispatcher).get("/").content.decode()


def test_timeline_filter_names_the_step() -> None:
    from sasms.field.templatetags.field import visit_step

    assert visit_step({"step": "checked_in", "visit_id": 7}) == "Engineer checked in on site (V7)"
    assert visit_step({"step": "unknown"}) == ""
    assert visit_step(None) == ""


def test_the_request_page_reads_the_customers_contacts_in_one_query(
    visit: Visit,
    dispatcher: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    """The schedule form lists the customer's contacts; more contacts must not mean more queries."""
    client = client_for(dispatcher)
    url = reverse("tickets:detail", args=[visit.ticket.number])
    with django_assert_max_num_queries(40) as few:
        response = client.get(url)
    assert "王伟" in response.content.decode()
    for i in range(15):
        Contact.objects.create(organisation=visit.ticket.organisation, name=f"值班 {i}", title="NOC")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "值班 14 · NOC" in response.content.decode()
