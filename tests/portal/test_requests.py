"""Portal pages for requests: opening one with files, following it, replying, confirming, reopening."""

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from sasms.accounts.models import Contact, User
from sasms.assets.models import Server
from sasms.core.errors import ServiceError
from sasms.portal import services
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Attachment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db
LOG = b"Nov 24 10:01:02 db01 kernel: sd 0:0:3:0: [sdd] Medium Error\n"


def _png() -> bytes:
    """A real (tiny) PNG: uploaded images are decoded and written anew, fakes are refused."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


def _form(**overrides: Any) -> dict[str, Any]:
    return {
        "server": "cn7a1234",
        "kind": "incident",
        "category": "hardware",
        "title": "Disk 3 amber LED",
        "description": "Since this morning, RAID degraded.",
        "impact": "1",
        "urgency": "1",
        **overrides,
    }


def test_new_request_with_attachments_opens_a_portal_request(
    customer_user: User, server_a: Server, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    page = client.get(reverse("portal:request_create"))
    assert page.status_code == 200
    assert "Many people or a whole service are affected" in page.content.decode()
    files = [SimpleUploadedFile("messages.log", LOG), SimpleUploadedFile("front.png", PNG)]
    response = client.post(reverse("portal:request_create"), _form(attachments=files))
    assert response.status_code == 302, response.context["form"].errors
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("portal:request_detail", args=[ticket.number])
    assert (ticket.channel, ticket.server, ticket.priority, ticket.created_by) == (
        "portal",
        server_a,
        "P1",
        customer_user,
    )
    assert ticket.requester is not None
    assert ticket.requester.email == customer_user.email
    assert sorted(Attachment.objects.values_list("original_name", "content_type")) == [
        ("front.png", "image/png"),
        ("messages.log", "text/plain"),
    ]
    # The requester's contact card is made once and reused.
    client.post(reverse("portal:request_create"), _form(server="", title="Second"))
    assert Contact.objects.filter(email=customer_user.email).count() == 1
    detail = client.get(response["Location"]).content.decode()
    assert ticket.number in detail
    assert "messages.log" in detail


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"server": "XYZ9876"}, "server", "None of your servers"),  # customer B's server
        ({"title": ""}, "title", "This field is required"),
        ({"impact": "9"}, "impact", "Select a valid choice"),
        (
            {"attachments": [SimpleUploadedFile("tool.exe", b"MZ\x90\x00" + b"\x00" * 100)]},
            "attachments",
            "not a kind of file",
        ),
        (
            {"attachments": [SimpleUploadedFile("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)]},
            "attachments",
            "“fake.png”: The image is damaged",
        ),
        (
            {"attachments": [SimpleUploadedFile(f"{n}.log", LOG) for n in range(6)]},
            "attachments",
            "at most 5",
        ),
    ],
)
def test_bad_input_names_the_field_and_opens_nothing(
    customer_user: User,
    server_a: Server,
    server_b: Server,
    client_for: Callable[[User], Client],
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = client_for(customer_user).post(reverse("portal:request_create"), _form(**overrides))
    assert response.status_code == 422
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()


def test_server_search_offers_only_own_servers(
    customer_user: User,
    server_a: Server,
    server_b: Server,
    make_server: Callable[..., Server],
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(customer_user)
    body = client.get(reverse("portal:server_search"), {"server": "cn7"}).content.decode()
    assert 'data-pick-serial="CN7A1234"' in body
    assert "XYZ" not in client.get(reverse("portal:server_search"), {"server": "xyz"}).content.decode()
    assert "db01" in client.get(reverse("portal:server_search"), {"server": "db0"}).content.decode()


def test_request_page_shows_public_events_only(
    portal_request: Callable[..., Ticket],
    engineer: User,
    customer_user: User,
    client_for: Callable[[User], Client],
) -> None:
    ticket = portal_request()
    ticket_services.assign_ticket(actor=engineer, ticket=ticket, assignee=engineer)
    ticket_services.add_comment(
        actor=engineer, ticket=ticket, body="Secret: customer is difficult", internal=True
    )
    ticket_services.add_comment(actor=engineer, ticket=ticket, body="We are sending a new disk.")
    ticket_services.add_attachment(
        actor=engineer, ticket=ticket, name="internal.log", content=io.BytesIO(LOG), internal=True
    )
    body = (
        client_for(customer_user).get(reverse("portal:request_detail", args=[ticket.number])).content.decode()
    )
    assert "We are sending a new disk." in body
    assert "Secret" not in body
    assert "internal.log" not in body
    assert "An engineer has been assigned" in body
    assert 'aria-current="step"' in body


def test_reply_and_upload_from_the_request_page(
    portal_request: Callable[..., Ticket], customer_user: User, client_for: Callable[[User], Client]
) -> None:
    ticket = portal_request()
    client = client_for(customer_user)
    assert (
        client.post(
            reverse("portal:request_reply", args=[ticket.number]), {"body": "Photo attached."}
        ).status_code
        == 302
    )
    assert TicketEvent.objects.filter(
        ticket=ticket, kind="reply", body="Photo attached.", public=True
    ).exists()
    empty = client.post(reverse("portal:request_reply", args=[ticket.number]), {"body": "  "})
    assert empty.status_code == 422
    assert "body" in empty.context["reply_form"].errors
    upload = SimpleUploadedFile("bay3.png", PNG)
    uploaded = client.post(reverse("portal:request_upload", args=[ticket.number]), {"file": upload})
    assert uploaded.status_code == 302, uploaded.context["upload_form"].errors
    assert Attachment.objects.filter(ticket=ticket, original_name="bay3.png", internal=False).exists()
    bad = client.post(
        reverse("portal:request_upload", args=[ticket.number]),
        {"file": SimpleUploadedFile("x.bin", b"\x00\x01\x02")},
    )
    assert bad.status_code == 422
    assert "file" in bad.context["upload_form"].errors
    assert Attachment.objects.filter(ticket=ticket).count() == 1


def test_confirm_the_resolution(
    resolved: Ticket, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    body = client.get(reverse("portal:request_detail", args=[resolved.number])).content.decode()
    assert 'data-testid="confirm-resolution"' in body
    assert "Replaced disk 3" in body
    response = client.post(reverse("portal:request_status", args=[resolved.number]), {"action": "close"})
    assert response.status_code == 302
    closed = Ticket.objects.get(pk=resolved.pk)
    assert closed.status == "closed"
    assert closed.customer_confirmed_at is not None


def test_reopen_needs_a_reason(
    resolved: Ticket, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    url = reverse("portal:request_status", args=[resolved.number])
    refused = client.post(url, {"action": "reopen", "reason": ""})
    assert refused.status_code == 422
    assert "reason" in refused.context["status_form"].errors
    assert Ticket.objects.get(pk=resolved.pk).status == "resolved"
    assert client.post(url, {"action": "reopen", "reason": "The LED is amber again."}).status_code == 302
    reopened = Ticket.objects.get(pk=resolved.pk)
    assert (reopened.status, reopened.reopen_count) == ("in_progress", 1)
    # Confirming is no longer possible: the status machine refuses it, the page says so.
    again = client.post(url, {"action": "close"})
    assert again.status_code == 422
    assert Ticket.objects.get(pk=resolved.pk).status == "in_progress"


def test_cancel_before_work_starts(
    portal_request: Callable[..., Ticket], customer_user: User, client_for: Callable[[User], Client]
) -> None:
    ticket = portal_request()
    response = client_for(customer_user).post(
        reverse("portal:request_status", args=[ticket.number]),
        {"action": "cancel", "reason": "Found the cable loose"},
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == "cancelled"


def test_request_list_filters_and_exports(
    portal_request: Callable[..., Ticket],
    resolve: Callable[[Ticket, User], Ticket],
    engineer: User,
    customer_user: User,
    make_user: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    colleague = make_user("customer")
    open_one = portal_request(title="Fan noise")
    done = resolve(portal_request(title="Disk swap"), engineer)
    theirs = portal_request(actor=colleague, title="Colleague's request")
    client = client_for(customer_user)
    url = reverse("portal:request_list")
    body = client.get(url).content.decode()
    assert all(t.number in body for t in (open_one, done, theirs))
    opened = client.get(url, {"status": "open"}).content.decode()
    assert open_one.number in opened
    assert done.number not in opened
    assert done.number in client.get(url, {"status": "resolved"}).content.decode()
    mine = client.get(url, {"opened_by": "me"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in mine
    assert theirs.number not in mine
    assert open_one.number in mine
    assert theirs.number not in client.get(url, {"server": "CN7"}).content.decode()
    csv = client.get(url, {"export": "csv", "q": "fan"})
    content = b"".join(csv.streaming_content).decode()  # type: ignore[attr-defined]
    assert open_one.number in content
    assert done.number not in content
    assert client.get(url, {"export": "xlsx"}).status_code == 200


def test_submit_request_service_refuses_staff(engineer: User) -> None:
    with pytest.raises(ServiceError):
        services.submit_request(
            actor=engineer, title="x", kind="incident", category="hardware", impact="2", urgency="2"
        )
    assert not Ticket.objects.exists()


def test_pages_render_in_chinese(
    resolved: Ticket, customer_user: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(customer_user)
    client.cookies["sasms_language"] = "zh-hans"
    User.objects.filter(pk=customer_user.pk).update(language="zh-hans")
    for url in (
        reverse("portal:home"),
        reverse("portal:request_create"),
        reverse("portal:request_list"),
        reverse("portal:request_detail", args=[resolved.number]),
        reverse("portal:server_list"),
        reverse("portal:server_detail", args=[resolved.server_id]),
        reverse("portal:survey", args=[resolved.number]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="zh-hans"' in response.content.decode()
