import datetime
import random

from django.db.models import F

from sasms.accounts.models import Organisation
from sasms.assets import demo
from sasms.assets.models import Component, Server, ServerModel, Site
from sasms.assets.selectors import add_months


def _noop(step: str, done: int, total: int) -> None:
    return None


def test_demo_step_builds_a_realistic_fleet(customer_a: Organisation, customer_b: Organisation) -> None:
    demo.build_step(rng=random.Random(1), scale=1, progress=_noop, state={})
    today = datetime.date.today()
    assert Server.objects.count() == 2 * demo.SERVERS_PER_CUSTOMER
    assert Server.objects.filter(organisation=customer_b).count() == demo.SERVERS_PER_CUSTOMER
    assert Component.objects.filter(removed_at__isnull=True).count() > 20 * Server.objects.count()
    assert Site.objects.filter(organisation=customer_a, latitude__isnull=False).exists()
    assert ServerModel.objects.filter(eosl_date__lt=today).exists()
    assert ServerModel.objects.filter(eosl_date__range=(today, add_months(today, 12))).exists()
    assert not Server.objects.exclude(site__organisation=F("organisation")).exists()
    assert ServerModel.objects.count() == len(demo.MODELS)
