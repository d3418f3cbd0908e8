"""Phone intake finds the server from part of its serial and the caller by company or portal log-in."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Contact, Organisation, User
from sasms.accounts.roles import Role
from sasms.assets.models import Server
from sasms.tickets import selectors

pytestmark = pytest.mark.django_db


def test_part_of_a_serial_finds_the_server_when_nothing_matches_exactly(
    server_a: Server,
    server_b: Server,
    make_server: Callable[..., Server],
    agent: User,
    customer_a: Organisation,
) -> None:
    assert selectors.find_server(actor=agent, organisation=None, identifier="7a12") == [server_a]
    assert selectors.find_server(actor=agent, organisation=None, identifier="9876") == [server_b]
    # Within the caller's company only.
    assert selectors.find_server(actor=agent, organisation=customer_a, identifier="9876") == []
    # An exact match wins over servers that merely contain the text.
    other = make_server(customer_a, serial="CN7A12345")
    assert selectors.find_server(actor=agent, organisation=None, identifier="CN7A1234") == [server_a]
    assert selectors.find_server(actor=agent, organisation=None, identifier="CN7A123") == [server_a, other]


def test_two_or_three_characters_are_too_few_to_list_servers(server_a: Server, agent: User) -> None:
    assert selectors.find_server(actor=agent, organisation=None, identifier="7A1") == []


def test_a_customer_cannot_find_other_customers_servers_by_part_of_a_serial(
    server_a: Server, server_b: Server, customer_user: User
) -> None:
    assert selectors.find_server(actor=customer_user, organisation=None, identifier="9876") == []


def test_the_caller_is_found_by_company_e_mail_and_portal_user(
    contact_a: Contact, customer_a: Organisation, make_user: Callable[..., User], agent: User
) -> None:
    assert selectors.find_callers(actor=agent, query=customer_a.name[:4]) == [contact_a]
    assert selectors.find_callers(actor=agent, query="wang@a.exa") == [contact_a]
    make_user(Role.CUSTOMER, email="wang@a.example", full_name="Wang Wei (portal)")
    assert selectors.find_callers(actor=agent, query="Wang Wei (portal") == [contact_a]
    assert selectors.find_callers(actor=agent, query="nobody at all") == []


def test_the_lookup_pages_show_partial_matches(
    server_a: Server,
    contact_a: Contact,
    customer_a: Organisation,
    agent: User,
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(agent)
    servers = client.get(reverse("tickets:intake_servers"), {"server_identifier": "a123"}).content.decode()
    assert "CN7A1234" in servers
    callers = client.get(reverse("tickets:intake_callers"), {"q": customer_a.name}).content.decode()
    assert "王伟" in callers


def test_the_organisation_page_links_to_the_customers_360_page(
    customer_a: Organisation, provider: Organisation, agent: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(agent)
    page = client.get(reverse("accounts:organisation_detail", args=[customer_a.pk])).content.decode()
    overview = reverse("assets:customer_overview", args=[customer_a.pk])
    assert f'href="{overview}"' in page
    assert client.get(overview).status_code == 200
    own = client.get(reverse("accounts:organisation_detail", args=[provider.pk])).content.decode()
    assert 'data-testid="customer-overview-link"' not in own
