"""The other tenant's world for the isolation matrix: rows of customer B, keyed for URLs.

Apps whose rows belong to a customer add a builder with :func:`register`; each builder creates
its rows for ``world.b`` with the marker in a visible field and records their URL keys.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.forms.models import model_to_dict

from sasms.accounts.models import Contact, Organisation, User
from sasms.assets.models import Server
from sasms.tickets.models import Ticket

Builder = Callable[["World"], None]
_BUILDERS: list[Builder] = []


def register(builder: Builder) -> Builder:
    _BUILDERS.append(builder)
    return builder


@dataclass
class World:
    provider: Organisation
    a: Organisation
    b: Organisation
    agent: User
    b_user: User
    ids: dict[str, list[int]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)

    def add(self, kind: str, pk: int, key: str) -> None:
        self.ids.setdefault(kind, []).append(pk)
        for value in (str(pk), key):
            if value not in self.keys:
                self.keys.append(value)

    def keys_for(self, converter: str) -> list[str]:
        if converter == "int":
            return [k for k in self.keys if k.isdigit()] or ["1"]
        return self.keys or ["x"]


def build_registered(world: World) -> None:
    for builder in _BUILDERS:
        builder(world)


def fingerprint(world: World) -> dict[str, Any]:
    """B's core rows as they are now: any change made through A's requests shows here."""
    return {
        "servers": [model_to_dict(s) for s in Server.objects.filter(organisation=world.b).order_by("pk")],
        "tickets": [
            (model_to_dict(t, exclude=["watchers"]), t.events.count(), t.attachments.count())
            for t in Ticket.objects.filter(organisation=world.b).order_by("pk")
        ],
        "contacts": [model_to_dict(c) for c in Contact.objects.filter(organisation=world.b).order_by("pk")],
        "organisation": model_to_dict(world.b),
        "users": [
            model_to_dict(u, exclude=["groups", "user_permissions", "last_login"])
            for u in User.objects.filter(organisation=world.b).order_by("pk")
        ],
    }


@register
def _field_visit(world: World) -> None:
    """A visit to B's site, with B's access notes."""
    import datetime

    from django.utils import timezone

    from sasms.accounts.models import User as UserModel
    from sasms.accounts.roles import Role
    from sasms.field.services.scheduling import schedule_visit

    ticket = Ticket.objects.filter(organisation=world.b).first()
    if ticket is None:
        return
    dispatcher = UserModel.objects.create_user(
        email="zz-dispatcher@provider.example", organisation=world.provider, role=Role.DISPATCHER
    )
    engineer = UserModel.objects.create_user(
        email="zz-field@provider.example", organisation=world.provider, role=Role.FIELD_ENGINEER
    )
    start = timezone.now() + datetime.timedelta(hours=2)
    visit = schedule_visit(
        actor=dispatcher,
        ticket=ticket,
        engineer=engineer,
        window_start=start,
        window_end=start + datetime.timedelta(hours=2),
        access_notes="ZZSECRETB gate code",
    )
    world.add("visit", visit.pk, str(visit.pk))


@register
def _internal_article(world: World) -> None:
    """An internal knowledge article: never for customers, whoever's request it came from."""
    from sasms.knowledge.services.articles import create_article

    article = create_article(actor=world.agent, title="ZZSECRETB internal workaround", body="ZZSECRETB steps")
    world.add("article", article.pk, str(article.pk))


@register
def _firmware_campaign_and_health_check(world: World) -> None:
    """A campaign item on B's server (with B's note) and B's health check with its server results."""
    from sasms.accounts.models import User as UserModel
    from sasms.accounts.roles import Role
    from sasms.assets import services as asset_services
    from sasms.proactive.services import advisories, campaigns, health

    server = Server.objects.filter(organisation=world.b).first()
    if server is None:
        return
    manager = UserModel.objects.create_user(
        email="zz-proactive@provider.example", organisation=world.provider, role=Role.SERVICE_MANAGER
    )
    asset_services.add_component(actor=None, server=server, kind="firmware", slot="BIOS", firmware="1.0.0")
    advisory = advisories.save_advisory(
        actor=manager,
        values={
            "reference": "ZZ-ADV-1",
            "title": "BIOS",
            "vendor": server.vendor.name,
            "component_type": "bios",
            "fixed_version": "2.0.0",
        },
    )
    campaign = campaigns.open_campaign(actor=manager, advisory=advisory)
    item = campaign.items.get()
    campaigns.record_outcome(actor=manager, item=item, status="unreachable", reason="ZZSECRETB site closed")
    check = health.run_health_check(actor=manager, organisation=world.b)
    world.add("campaign", campaign.pk, str(campaign.pk))
    world.add("campaign_item", item.pk, str(item.pk))
    world.add("health_check", check.pk, str(check.pk))
    for result in check.results.all():
        world.add("server_health", result.pk, str(result.pk))


@register
def _report_subscription(world: World) -> None:
    """B's customer administrator subscribes to B's QBR (edit/delete URLs take its id)."""
    from sasms.reports.services import create_subscription

    subscription = create_subscription(
        actor=world.b_user,
        name="ZZSECRETB quarterly review",
        kind="qbr",
        organisation=world.b,
        language="en",
        frequency="quarterly",
        recipients="zzsecretb@b.example",
    )
    world.add("report_subscription", subscription.pk, str(subscription.pk))


@register
def _preventive_maintenance(world: World) -> None:
    """B's PM: a blackout window, a confirmed plan with its visits and a request for another date."""
    import datetime

    from django.utils import timezone

    from sasms.accounts.models import User as UserModel
    from sasms.accounts.roles import Role
    from sasms.contracts.models import Contract, CoveredServer, ServiceProduct
    from sasms.maintenance import services as pm

    server = Server.objects.filter(organisation=world.b).first()
    if server is None:
        return
    dispatcher = UserModel.objects.create_user(
        email="zz-pm-dispatcher@provider.example", organisation=world.provider, role=Role.DISPATCHER
    )
    engineer = UserModel.objects.create_user(
        email="zz-pm-field@provider.example", organisation=world.provider, role=Role.FIELD_ENGINEER
    )
    today = timezone.localdate()
    product = ServiceProduct.objects.create(
        code="zz-pm", name="ZZ PM", coverage_hours="5x9", pm_visits_per_year=2
    )
    contract = Contract.objects.create(
        number="ZZSECRETB-PM",
        organisation=world.b,
        product=product,
        start_date=today,
        end_date=today + datetime.timedelta(days=364),
        status="active",
    )
    CoveredServer.objects.create(contract=contract, server=server)
    blackout = pm.create_blackout(
        actor=world.b_user,
        organisation=world.b,
        start_date=today + datetime.timedelta(days=3),
        end_date=today + datetime.timedelta(days=5),
        reason="ZZSECRETB freeze",
    )
    plan = pm.confirm_plan(
        actor=dispatcher, plan=pm.propose_plan(actor=dispatcher, contract=contract), engineer=engineer
    )
    visit = plan.visits.order_by("planned_date").first()
    assert visit is not None
    assert visit.field_visit_id is not None
    answer, _duplicate = pm.record_answer(
        actor=engineer,
        pm_visit=visit,
        server_id=server.pk,
        item_id=pm.active_items(pm.template_for(server))[0].pk,
        result="fault",
        note="ZZSECRETB finding",
    )
    request = pm.request_other_date(
        actor=world.b_user,
        pm_visit=visit,
        requested_date=visit.planned_date + datetime.timedelta(days=1),
        reason="ZZSECRETB audit",
    )
    world.add("pm_blackout", blackout.pk, str(blackout.pk))
    world.add("pm_plan", plan.pk, str(plan.pk))
    world.add("pm_visit", visit.pk, str(visit.pk))
    world.add("pm_field_visit", visit.field_visit_id, str(visit.field_visit_id))
    world.add("pm_answer", answer.pk, str(answer.pk))
    world.add("pm_date_request", request.pk, str(request.pk))
