"""The demo step on a small data set: history with timelines, unique numbers, the expected mix."""

import random
from collections import Counter
from collections.abc import Callable

import pytest

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server
from sasms.tickets.demo import build as demo
from sasms.tickets.models import DailyCounter, Ticket, TicketEvent
from sasms.tickets.services import create_ticket


@pytest.mark.django_db
def test_demo_step_builds_two_years_of_history(
    monkeypatch: pytest.MonkeyPatch,
    make_user: Callable[..., User],
    make_server: Callable[..., Server],
    customer_a: Organisation,
    customer_b: Organisation,
    contact_a: Contact,
) -> None:
    monkeypatch.setattr(demo, "REQUESTS_PER_SCALE", 600)
    make_user(Role.AGENT)
    make_user(Role.ENGINEER)
    for organisation in (customer_a, customer_b):
        for _ in range(5):
            make_server(organisation)
    progress: list[int] = []
    state: dict[str, object] = {}
    demo.build_step(
        rng=random.Random(7), scale=1, progress=lambda _s, done, _t: progress.append(done), state=state
    )
    assert state["tickets"] == {"requests": 600}
    assert progress[-1] == 600
    assert Ticket.objects.count() == 600
    assert Ticket.objects.values("number").distinct().count() == 600
    assert TicketEvent.objects.count() > 600 * 3
    assert not Ticket.objects.filter(status="resolved", resolution_code="").exists()
    components = Counter(Ticket.objects.values_list("component", flat=True))
    assert components.most_common(1)[0][0] == "disk"
    assert components["memory"] > components["psu"] > components["mainboard"]
    assert Ticket.objects.filter(status="closed").count() > 500
    assert TicketEvent.objects.filter(kind="note", public=True).count() == 0
    # The counters carry on from the demo: a new request today does not reuse a demo number.
    assert sum(DailyCounter.objects.values_list("value", flat=True)) == 600
    created = create_ticket(actor=None, organisation=customer_a, title="After the demo")
    assert not Ticket.objects.filter(number=created.number).exclude(pk=created.pk).exists()
