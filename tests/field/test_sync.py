"""The phone's queue reaching the server: each key performed once, repeats answered alike,
steps arriving out of order kept in the order they happened."""

import datetime
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from tests.field.conftest import signature_png

from sasms.accounts.models import User
from sasms.field.models import SyncedAction, Visit, VisitNote
from sasms.field.services.sync import Step, perform_step
from sasms.tickets.choices import EventKind
from sasms.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def url(visit: Visit) -> str:
    return f"/api/v1/visits/{visit.pk}/steps/"


def test_same_key_twice_is_performed_once(
    visit: Visit, field_engineer: User, api_for: Callable[[User], APIClient]
) -> None:
    client = api_for(field_engineer)
    key = str(uuid.uuid4())
    at = (timezone.now() - datetime.timedelta(seconds=30)).isoformat()
    first = client.post(url(visit), {"key": key, "step": "accept", "occurred_at": at}, format="json")
    assert first.status_code == 201, first.content
    again = client.post(url(visit), {"key": key, "step": "accept", "occurred_at": at}, format="json")
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["result"] == first.json()["result"]
    assert first.json()["result"]["status"] == "accepted"
    assert SyncedAction.objects.filter(key=key).count() == 1
    accepted = TicketEvent.objects.filter(ticket=visit.ticket, kind=EventKind.VISIT, data__step="accepted")
    assert accepted.count() == 1
    assert accepted.get().data["occurred_at"] == datetime.datetime.fromisoformat(at).isoformat()


def test_check_in_repeated_after_a_lost_answer_counts_one_visit(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit]
) -> None:
    visit = walk(visit, "accepted")
    step = Step(key=uuid.uuid4(), action="check_in", latitude=39.9, longitude=116.4, accuracy=8)
    first = perform_step(actor=field_engineer, visit=visit, step=step)
    second = perform_step(actor=field_engineer, visit=visit, step=step)
    assert not first.duplicate
    assert second.duplicate
    assert second.record.pk == first.record.pk
    assert Ticket.objects.get(pk=visit.ticket_id).visit_count == 1
    assert TicketEvent.objects.filter(ticket=visit.ticket, data__step="checked_in").count() == 1


def test_a_key_cannot_be_reused_for_another_step(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit]
) -> None:
    visit = walk(visit, "on_site")
    key = uuid.uuid4()
    perform_step(actor=field_engineer, visit=visit, step=Step(key=key, action="note", body="first"))
    from sasms.core.errors import Conflict

    with pytest.raises(Conflict) as caught:
        perform_step(actor=field_engineer, visit=visit, step=Step(key=key, action="part", part_number="X1"))
    assert "key" in caught.value.fields
    assert VisitNote.objects.count() == 1


def test_a_refused_step_keeps_no_key(visit: Visit, field_engineer: User) -> None:
    """Sign before check-in is refused; the key is not kept, nothing else changes."""
    from sasms.core.errors import Conflict

    step = Step(key=uuid.uuid4(), action="sign", signer_name="王伟", content=signature_png())
    with pytest.raises(Conflict):
        perform_step(actor=field_engineer, visit=visit, step=step)
    assert not SyncedAction.objects.exists()
    assert Visit.objects.get(pk=visit.pk).signed_at is None


def test_out_of_order_notes_keep_the_order_they_happened(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit], api_for: Callable[[User], APIClient]
) -> None:
    visit = walk(visit, "on_site")
    assert visit.checked_in_at is not None
    client = api_for(field_engineer)
    now = timezone.now()
    early, late = now - datetime.timedelta(seconds=20), now - datetime.timedelta(seconds=5)
    # The later note reaches the server first (two queues, or a retry), the earlier one after.
    for at, text in ((late, "second: rebuild done"), (early, "first: disk swapped")):
        response = client.post(
            url(visit),
            {"key": str(uuid.uuid4()), "step": "note", "body": text, "occurred_at": at.isoformat()},
            format="json",
        )
        assert response.status_code == 201, response.content
    assert list(VisitNote.objects.filter(visit=visit).values_list("body", flat=True)) == [
        "first: disk swapped",
        "second: rebuild done",
    ]
    detail = client.get(f"/api/v1/visits/{visit.pk}/").json()
    assert [n["body"] for n in detail["notes"]] == ["first: disk swapped", "second: rebuild done"]


def test_steps_sent_out_of_order_are_refused_then_accepted_in_turn(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit], api_for: Callable[[User], APIClient]
) -> None:
    """A check-out that overtakes its check-in is refused (409, nothing changed); sent again after
    the check-in arrives, with the same key, it goes through with its own time."""
    visit = walk(visit, "accepted")
    client = api_for(field_engineer)
    now = timezone.now()
    check_in = {
        "key": str(uuid.uuid4()),
        "step": "check_in",
        "occurred_at": (now - datetime.timedelta(seconds=50)).isoformat(),
    }
    check_out = {
        "key": str(uuid.uuid4()),
        "step": "check_out",
        "occurred_at": (now - datetime.timedelta(seconds=10)).isoformat(),
    }
    refused = client.post(url(visit), check_out, format="json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "invalid_state"
    assert client.post(url(visit), check_in, format="json").status_code == 201
    assert client.post(url(visit), check_out, format="json").status_code == 201
    visit.refresh_from_db()
    assert visit.checked_in_at == datetime.datetime.fromisoformat(check_in["occurred_at"])
    assert visit.checked_out_at == datetime.datetime.fromisoformat(check_out["occurred_at"])


def test_multipart_signature_and_photo_from_the_phone(
    visit: Visit, field_engineer: User, walk: Callable[..., Visit], api_for: Callable[[User], APIClient]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from tests.field.conftest import photo_jpeg

    visit = walk(visit, "on_site")
    client = api_for(field_engineer)
    photo = client.post(
        url(visit),
        {
            "key": str(uuid.uuid4()),
            "step": "photo",
            "caption": "bay 3",
            "file": SimpleUploadedFile("p.jpg", photo_jpeg()),
        },
        format="multipart",
    )
    assert photo.status_code == 201, photo.content
    signed = client.post(
        url(visit),
        {
            "key": str(uuid.uuid4()),
            "step": "sign",
            "signer_name": "王伟",
            "signature": SimpleUploadedFile("s.png", signature_png(), content_type="image/png"),
        },
        format="multipart",
    )
    assert signed.status_code == 201, signed.content
    assert signed.json()["result"]["signed"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"step": "accept"}, "key"),
        ({"key": "not-a-uuid", "step": "accept"}, "key"),
        ({"key": "00000000-0000-4000-8000-000000000000", "step": "dance"}, "step"),
        (
            {"key": "00000000-0000-4000-8000-000000000000", "step": "accept", "occurred_at": "yesterday"},
            "occurred_at",
        ),
        ({"key": "00000000-0000-4000-8000-000000000000", "step": "accept", "colour": "red"}, "colour"),
    ],
)
def test_bad_step_input_names_the_field(
    visit: Visit,
    field_engineer: User,
    api_for: Callable[[User], APIClient],
    payload: dict[str, Any],
    field: str,
) -> None:
    response = api_for(field_engineer).post(url(visit), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Visit.objects.get(pk=visit.pk).status == "scheduled"


def test_time_in_the_future_is_refused_by_name(
    visit: Visit, field_engineer: User, api_for: Callable[[User], APIClient]
) -> None:
    at = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    response = api_for(field_engineer).post(
        url(visit), {"key": str(uuid.uuid4()), "step": "accept", "occurred_at": at}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "time_in_future"
    assert "occurred_at" in response.json()["error"]["fields"]
    assert not SyncedAction.objects.exists()
