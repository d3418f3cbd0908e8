"""The demo step: regions, the named engineers' profiles and a generated crew with a working board."""

import random
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.dispatch import demo
from sasms.dispatch.engine.pool import load_pool
from sasms.dispatch.models import Certification, EngineerProfile, ServiceRegion
from sasms.dispatch.selectors import current_settings

pytestmark = pytest.mark.django_db


def test_demo_step_builds_a_crew(
    provider: Organisation,
    make_user: Callable[..., User],
    dispatcher: User,
    client_for: Callable[[User], Client],
    django_assert_max_num_queries: Any,
) -> None:
    make_user(Role.FIELD_ENGINEER, email="field@sasms.example")
    make_user(Role.ENGINEER, email="engineer@sasms.example")
    for name, code in (("Dell", "dell"), ("Huawei", "huawei"), ("Inspur", "inspur")):
        asset_services.create_vendor(actor=None, name=name, code=code)
    state: dict[str, Any] = {}
    with django_assert_max_num_queries(200):
        demo.build_step(rng=random.Random(3), scale=1, progress=lambda *_: None, state=state)
    assert state["dispatch"] == {"engineers": 2 + demo.CREW_PER_SCALE, "regions": len(demo.REGIONS)}
    assert EngineerProfile.objects.count() == 2 + demo.CREW_PER_SCALE
    assert ServiceRegion.objects.count() == len(demo.REGIONS)
    field = EngineerProfile.objects.get(user__email="field@sasms.example")
    assert field.skills.filter(code="disk", level=5).exists()
    assert Certification.objects.filter(valid_until__lt=field.created_at.date()).exists()  # some lapsed
    assert all(p.regions.exists() for p in EngineerProfile.objects.all())
    assert len(load_pool(settings=current_settings())) == 2 + demo.CREW_PER_SCALE
    assert client_for(dispatcher).get(reverse("dispatch:board")).status_code == 200
    # Generated engineers cannot sign in and stay out of the demo's list of logins.
    crew = User.objects.filter(email__endswith="@crew.sasms.invalid")
    assert crew.count() == demo.CREW_PER_SCALE
    assert not any(u.has_usable_password() for u in crew)
