"""Dispatch pages: who may see them, forms with errors, exports, the request-page panel, both languages."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import User
from sasms.dispatch import services
from sasms.dispatch.models import EngineerProfile, ProposalRow, ServiceRegion
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent
from tests.dispatch.conftest import HANGZHOU, SUZHOU

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_data(
    make_engineer: Callable[..., EngineerProfile], make_ticket: Callable[..., Ticket], dispatcher: User
) -> dict[str, Any]:
    near = make_engineer("Near 近", SUZHOU)
    far = make_engineer("Far 远", HANGZHOU)
    tickets = [make_ticket(title=f"Fault {n}") for n in range(3)]
    proposal = services.create_proposal(actor=dispatcher)
    region = services.create_region(
        actor=None, name="East 华东", code="east", latitude=31.2, longitude=121.4, radius_km=300
    )
    certification = near.certifications.get()
    on_call = services.add_on_call(
        actor=None, profile=near, starts_on=tickets[0].created_at.date(), ends_on=tickets[0].created_at.date()
    )
    return {
        "near": near,
        "far": far,
        "tickets": tickets,
        "proposal": proposal,
        "region": region,
        "certification": certification,
        "on_call": on_call,
    }


def streamed(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


def all_urls(data: dict[str, Any]) -> list[tuple[str, str]]:
    near, ticket, proposal = data["near"], data["tickets"][0], data["proposal"]
    return [
        ("get", reverse("dispatch:board")),
        ("get", reverse("dispatch:settings")),
        ("get", reverse("dispatch:proposal_list")),
        ("get", reverse("dispatch:proposal_detail", args=[proposal.pk])),
        ("post", reverse("dispatch:proposal_create")),
        ("post", reverse("dispatch:proposal_apply", args=[proposal.pk])),
        ("post", reverse("dispatch:proposal_discard", args=[proposal.pk])),
        ("get", reverse("dispatch:profile_list")),
        ("get", reverse("dispatch:profile_create")),
        ("get", reverse("dispatch:profile_detail", args=[near.pk])),
        ("get", reverse("dispatch:profile_edit", args=[near.pk])),
        ("post", reverse("dispatch:certification_add", args=[near.pk])),
        ("post", reverse("dispatch:certification_remove", args=[near.pk, data["certification"].pk])),
        ("post", reverse("dispatch:on_call_add", args=[near.pk])),
        ("post", reverse("dispatch:on_call_remove", args=[near.pk, data["on_call"].pk])),
        ("get", reverse("dispatch:region_list")),
        ("get", reverse("dispatch:region_create")),
        ("get", reverse("dispatch:region_edit", args=[data["region"].pk])),
        ("get", reverse("dispatch:recommendation_panel", args=[ticket.number])),
        ("get", reverse("dispatch:ranking", args=[ticket.number])),
        ("post", reverse("dispatch:assign", args=[ticket.number])),
    ]


def test_customers_get_404_and_other_staff_403_everywhere(
    board_data: dict[str, Any], customer_user: User, agent: User, client_for: Callable[[User], Client]
) -> None:
    customer, staff = client_for(customer_user), client_for(agent)
    for method, url in all_urls(board_data):
        assert getattr(customer, method)(url).status_code == 404, url
        assert getattr(staff, method)(url).status_code == 403, url
    assert not Ticket.objects.filter(assignee__isnull=False).exists()
    assert ProposalRow.objects.filter(outcome="applied").count() == 0
    assert board_data["near"].certifications.count() == 1


def test_every_page_renders_for_a_dispatcher_in_both_languages(
    board_data: dict[str, Any], make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    from sasms.accounts.roles import Role

    # The Chinese msgids of this app are merged into the catalogue by the lead; the shell is Chinese already.
    for language, word in (("en", "Dispatch board"), ("zh-hans", '<html lang="zh-hans">')):
        client = client_for(make_user(Role.DISPATCHER, language=language))
        client.cookies["sasms_language"] = language
        for method, url in all_urls(board_data):
            if method == "get":
                response = client.get(url)
                assert response.status_code == 200, url
        board = client.get(reverse("dispatch:board")).content.decode()
        assert word in board
    assert "<svg" in board
    assert 'data-kind="engineer-on"' in board
    assert 'data-kind="site-selected"' in board


def test_profile_list_filters_and_exports(
    board_data: dict[str, Any], dispatcher: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(dispatcher)
    url = reverse("dispatch:profile_list")
    page = client.get(url, {"q": "Near"}).content.decode()
    assert "Near 近" in page
    assert "Far 远" not in page
    vendor = board_data["near"].certifications.get().vendor
    assert "Near 近" in client.get(url, {"vendor": vendor.pk}).content.decode()
    csv = streamed(client.get(url, {"export": "csv"}))
    assert "Near 近" in csv
    assert "Far 远" in csv
    xlsx = client.get(url, {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    partial = client.get(url, {"q": "Far"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert "Far 远" in partial


def test_profile_form_creates_with_skills_and_shows_errors(
    make_user: Callable[..., User], dispatcher: User, client_for: Callable[[User], Client], cal_7x24: Any
) -> None:
    from sasms.accounts.roles import Role

    engineer = make_user(Role.FIELD_ENGINEER, full_name="New Person")
    client = client_for(dispatcher)
    url = reverse("dispatch:profile_create")
    bad = client.post(
        url, {"user": engineer.pk, "calendar": cal_7x24.pk, "max_concurrent": 5, "home_latitude": "31.2"}
    )
    assert bad.status_code == 400
    assert "Give both latitude and longitude" in bad.content.decode()
    assert not EngineerProfile.objects.exists()
    good = client.post(
        url,
        {
            "user": engineer.pk,
            "calendar": cal_7x24.pk,
            "max_concurrent": 4,
            "home_latitude": "31.2",
            "home_longitude": "121.4",
            "languages": ["zh"],
            "is_dispatchable": "on",
            "component_raid": "4",
        },
    )
    profile = EngineerProfile.objects.get()
    assert good.status_code == 302
    assert good["Location"] == reverse("dispatch:profile_detail", args=[profile.pk])
    assert profile.max_concurrent == 4
    assert profile.languages == ["zh"]
    assert {(s.code, s.level) for s in profile.skills.all()} == {("raid", 4)}


def test_certification_form_errors_change_nothing(
    board_data: dict[str, Any], dispatcher: User, client_for: Callable[[User], Client]
) -> None:
    near = board_data["near"]
    response = client_for(dispatcher).post(
        reverse("dispatch:certification_add", args=[near.pk]), {"name": "X"}
    )
    assert response.status_code == 400
    assert near.certifications.count() == 1


def test_region_form(dispatcher: User, client_for: Callable[[User], Client], db: None) -> None:
    client = client_for(dispatcher)
    url = reverse("dispatch:region_create")
    assert (
        client.post(
            url, {"name": "South", "code": "south", "latitude": "95", "longitude": "113", "radius_km": 200}
        ).status_code
        == 400
    )
    response = client.post(
        url, {"name": "South", "code": "south", "latitude": "23.1", "longitude": "113.3", "radius_km": 200}
    )
    assert response.status_code == 302
    assert ServiceRegion.objects.get().radius_km == 200


def test_policy_page_is_read_only_for_dispatchers(
    dispatcher: User, manager: User, client_for: Callable[[User], Client], db: None
) -> None:
    url = reverse("dispatch:settings")
    page = client_for(dispatcher).get(url).content.decode()
    assert "read-only" in page
    assert "disabled" in page
    assert client_for(dispatcher).post(url, {"weight_skill": 1}).status_code == 403
    form = {
        "certification_policy": "never",
        "road_factor": 1.4,
        "average_speed_kmh": 50,
        "travel_half_minutes": 200,
        "position_max_age_hours": 8,
        "ftfr_window_days": 180,
        "horizon_hours": 6,
        "weight_skill": 4,
        "weight_certification": 1,
        "weight_travel": 3,
        "weight_load": 1,
        "weight_availability": 2,
        "weight_ftfr": 1,
        "auto_dispatch_priorities": ["P1"],
    }
    bad = client_for(manager).post(url, {**form, "road_factor": 7})
    assert bad.status_code == 400
    assert client_for(manager).post(url, form).status_code == 302
    from sasms.dispatch.selectors import current_settings

    settings = current_settings()
    assert (settings.road_factor, settings.auto_dispatch_priorities, settings.weight_skill) == (
        1.4,
        ["P1"],
        4.0,
    )


def test_request_page_panel_for_dispatchers_only(
    board_data: dict[str, Any], dispatcher: User, agent: User, client_for: Callable[[User], Client]
) -> None:
    ticket = board_data["tickets"][0]
    url = reverse("tickets:detail", args=[ticket.number])
    assert 'data-testid="dispatch-panel"' in client_for(dispatcher).get(url).content.decode()
    assert 'data-testid="dispatch-panel"' not in client_for(agent).get(url).content.decode()
    panel = (
        client_for(dispatcher)
        .get(reverse("dispatch:recommendation_panel", args=[ticket.number]))
        .content.decode()
    )
    assert panel.index("Near 近") < panel.index("Far 远")
    assert "Travel time" in panel


def test_one_click_assign_from_the_panel(
    board_data: dict[str, Any], dispatcher: User, client_for: Callable[[User], Client]
) -> None:
    ticket, near = board_data["tickets"][1], board_data["near"]
    client = client_for(dispatcher)
    response = client.post(reverse("dispatch:assign", args=[ticket.number]), {"engineer": near.user_id})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee_id == near.user_id
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.DISPATCH).count() == 1
    # A second click from the same stale panel (it still thinks the request is unassigned) is refused.
    far = board_data["far"]
    client.post(reverse("dispatch:assign", args=[ticket.number]), {"engineer": far.user_id})
    ticket.refresh_from_db()
    assert ticket.assignee_id == near.user_id


def test_ranking_page_filters_and_exports(
    board_data: dict[str, Any], dispatcher: User, client_for: Callable[[User], Client]
) -> None:
    ticket = board_data["tickets"][0]
    url = reverse("dispatch:ranking", args=[ticket.number])
    client = client_for(dispatcher)
    assert "Near 近" in client.get(url, {"show": "eligible"}).content.decode()
    assert "Nothing here yet" in client.get(url, {"show": "excluded"}).content.decode()
    csv = client.get(url, {"export": "csv", "show": "all"}).content.decode()
    assert csv.splitlines()[1].split(",")[1] == "Near 近"


def test_proposal_page_applies_the_selected_rows(
    board_data: dict[str, Any], dispatcher: User, client_for: Callable[[User], Client]
) -> None:
    proposal = board_data["proposal"]
    client = client_for(dispatcher)
    url = reverse("dispatch:proposal_detail", args=[proposal.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="proposal-row"' in page
    assert "Travel time" in page
    row = ProposalRow.objects.filter(proposal=proposal, engineer__isnull=False).order_by("position").first()
    assert row is not None
    assert (
        client.post(reverse("dispatch:proposal_apply", args=[proposal.pk]), {"rows": ["x"]}).status_code
        == 302
    )
    assert not Ticket.objects.filter(assignee__isnull=False).exists()
    client.post(reverse("dispatch:proposal_apply", args=[proposal.pk]), {"rows": [row.pk]})
    row.refresh_from_db()
    assert row.outcome == "applied"
    assert Ticket.objects.filter(assignee__isnull=False).count() == 1
    csv = streamed(client.get(url, {"export": "csv"}))
    assert row.ticket.number in csv
