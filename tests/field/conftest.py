"""Field fixtures: a customer site with coordinates, a server on it, a request, engineers, a dispatcher,
and a helper that walks a visit to a given step."""

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import Server, Site
from sasms.field import services
from sasms.field.models import Visit
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket

SITE_LAT, SITE_LON = Decimal("39.908722"), Decimal("116.397499")


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def field_engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.FIELD_ENGINEER, language="en", full_name="Zheng Qiang 郑强")


@pytest.fixture
def other_engineer(make_user: Callable[..., User]) -> User:
    return make_user(Role.FIELD_ENGINEER, language="en", full_name="Li Na")


@pytest.fixture
def dispatcher(make_user: Callable[..., User]) -> User:
    return make_user(Role.DISPATCHER, language="en")


@pytest.fixture
def site_a(customer_a: Organisation) -> Site:
    return asset_services.create_site(
        actor=None,
        organisation=customer_a,
        name="亦庄数据中心 DC-1",
        address="经海路 1 号",
        city="北京",
        latitude=SITE_LAT,
        longitude=SITE_LON,
    )


@pytest.fixture
def server_a(customer_a: Organisation, site_a: Site) -> Server:
    vendor = asset_services.create_vendor(actor=None, name="Inspur", code="inspur")
    model = asset_services.create_server_model(actor=None, vendor=vendor, name="NF5280M6")
    today = timezone.localdate()
    return asset_services.create_server(
        actor=None,
        model=model,
        serial="CN7A1234",
        hostname="db01.a.example",
        organisation=customer_a,
        site=site_a,
        rack="R12",
        rack_unit=20,
        warranty_start=today - datetime.timedelta(days=30),
        warranty_end=today + datetime.timedelta(days=700),
    )


@pytest.fixture
def contact_a(customer_a: Organisation) -> Contact:
    return Contact.objects.create(
        organisation=customer_a, name="王伟", phone="+86 138 0013 8000", email="wang@a.example"
    )


@pytest.fixture
def ticket(customer_a: Organisation, server_a: Server, contact_a: Contact) -> Ticket:
    return ticket_services.create_ticket(
        actor=None,
        organisation=customer_a,
        requester=contact_a,
        server=server_a,
        title="硬盘 3 预告警 Disk 3 predictive failure",
        description="Amber LED on bay 3.",
        component="disk",
    )


@pytest.fixture
def ticket_b(customer_b: Organisation) -> Ticket:
    return ticket_services.create_ticket(actor=None, organisation=customer_b, title="B's request")


def window(hours_from_now: float = 1, length_hours: float = 2) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.now() + datetime.timedelta(hours=hours_from_now)
    return start, start + datetime.timedelta(hours=length_hours)


@pytest.fixture
def visit(ticket: Ticket, field_engineer: User, dispatcher: User) -> Visit:
    start, end = window()
    return services.schedule_visit(
        actor=dispatcher,
        ticket=ticket,
        engineer=field_engineer,
        window_start=start,
        window_end=end,
        access_notes="Badge at gate 2; rack R12.",
    )


def signature_png(blank: bool = False) -> bytes:
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    if not blank:
        draw = ImageDraw.Draw(image)
        draw.line([(40, 150), (160, 40), (260, 160), (420, 50), (560, 140)], fill=(11, 31, 58, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def photo_jpeg(size: tuple[int, int] = (800, 600), exif_gps: bool = True) -> bytes:
    image = Image.new("RGB", size, (90, 120, 160))
    ImageDraw.Draw(image).rectangle([100, 100, 300, 250], fill=(240, 173, 78))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show upright
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = "N", (39.0, 54.0, 31.0)
        image.save(out, format="JPEG", exif=exif.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def walk(field_engineer: User) -> Callable[..., Visit]:
    """Take a visit through its steps up to ``until`` (accepted, travelling, on_site, checked_out)."""

    def go(visit: Visit, until: str) -> Visit:
        order = ["accepted", "travelling", "on_site", "checked_out"]
        for step in order[: order.index(until) + 1]:
            if step == "accepted":
                visit = services.accept_visit(actor=field_engineer, visit=visit)
            elif step == "travelling":
                visit = services.start_travel(actor=field_engineer, visit=visit)
            elif step == "on_site":
                visit = services.check_in(
                    actor=field_engineer, visit=visit, latitude=39.9087, longitude=116.3975, accuracy=12
                )
            elif step == "checked_out":
                visit = services.check_out(actor=field_engineer, visit=visit, summary="Replaced disk 3.")
        return visit

    return go
