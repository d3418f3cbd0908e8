"""The dispatch score's "parts" factor: engineers near the part score higher, in two queries."""

from collections.abc import Callable
from typing import Any

import pytest

from sasms.accounts.models import Organisation, User
from sasms.assets.models import Server
from sasms.dispatch.factors import EngineerCandidate, external_factors
from sasms.parts import services
from sasms.parts.factors import parts_score
from sasms.parts.models import Depot, Part
from sasms.tickets import services as ticket_services
from sasms.tickets.models import Ticket

pytestmark = pytest.mark.django_db

NEAR_SH = EngineerCandidate(user_id=1, latitude=31.25, longitude=121.48)  # ~1 km from the Shanghai depot
HANGZHOU = EngineerCandidate(user_id=2, latitude=30.27, longitude=120.16)
BEIJING = EngineerCandidate(user_id=3, latitude=39.90, longitude=116.40)
NOWHERE = EngineerCandidate(user_id=4, latitude=None, longitude=None)


def test_the_factor_is_registered() -> None:
    [factor] = [f for f in external_factors() if f.key == "parts"]
    assert factor.score is parts_score
    assert 0 < factor.default_weight < 1


def test_engineers_nearest_the_stock_score_best(
    disk: Part,
    depots: dict[str, Depot],
    ticket: Ticket,
    stock: Callable[..., None],
    django_assert_max_num_queries: Any,
) -> None:
    stock(disk, depots["sh"], 2)
    with django_assert_max_num_queries(2):
        scores = parts_score(ticket, [NEAR_SH, HANGZHOU, BEIJING, NOWHERE])
    assert scores[1].score == 1.0
    assert "DISK-4T in stock at Shanghai forward" in scores[1].reason
    assert 0 < scores[2].score < scores[1].score
    assert scores[3].score == 0.0
    assert scores[4].score == 0.5


def test_a_reserved_part_counts_from_its_depot(
    engineer: User, disk: Part, depots: dict[str, Depot], ticket: Ticket, stock: Callable[..., None]
) -> None:
    stock(disk, depots["hz"], 1)
    stock(disk, depots["sh"], 1)
    services.reserve_part(actor=engineer, ticket=ticket, part=disk, depot=depots["hz"])
    scores = parts_score(ticket, [NEAR_SH, HANGZHOU])
    assert scores[2].score == 1.0
    assert scores[1].score < 1.0
    assert scores[2].reason.startswith("Reserved DISK-4T at Hangzhou forward")


def test_no_parts_needed_and_none_in_stock(
    customer_a: Organisation, server_a: Server, disk: Part, ticket: Ticket
) -> None:
    software = ticket_services.create_ticket(
        actor=None, organisation=customer_a, server=server_a, title="OS", component="os"
    )
    assert parts_score(software, [NEAR_SH])[1].score == 1.0
    assert parts_score(ticket, [NEAR_SH])[1].score == 0.0
