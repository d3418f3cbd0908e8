"""Fixtures: a real HTTP receiver on 127.0.0.1, a classifier fitted once per session, tickets."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.integrations.cache import forget_all, forget_classifier
from sasms.integrations.choices import ModelStatus, TrainingTrigger
from sasms.integrations.classifier import store, training
from sasms.integrations.classifier.training import Sample
from sasms.integrations.models import ClassifierModel
from sasms.tickets.choices import Status
from sasms.tickets.models import Ticket
from tests.integrations.receiver import Receiver, running_receiver
from tests.integrations.samples import generate


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    store.clear_cache()
    cache.clear()  # throttling counters, cached listeners
    yield
    store.clear_cache()
    forget_all()  # no later test may see this test's robots or model


# --- a real HTTP receiver -------------------------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as holder:
        yield holder


# --- classifier -------------------------------------------------------------------------------------


def samples(n: int, seed: int) -> list[Sample]:
    return [
        Sample(s.title, s.description, s.category, s.component, s.priority) for s in generate(n, seed=seed)
    ]


@pytest.fixture(scope="session")
def fitted() -> training.TrainingResult:
    """One classifier fitted on a generated bilingual set, shared by the tests that only use it."""
    result = training.fit(samples(2500, seed=11), minimum=100)
    assert result.bundle is not None
    return result


@pytest.fixture
def active_model(db: None, fitted: training.TrainingResult) -> ClassifierModel:
    assert fitted.bundle is not None
    file_name, sha256, size = store.save_bundle(fitted.bundle, version=1)
    model = ClassifierModel.objects.create(
        version=1,
        status=ModelStatus.TRAINED,
        is_active=True,
        trigger=TrainingTrigger.COMMAND,
        sample_count=fitted.sample_count,
        train_count=fitted.train_count,
        test_count=fitted.test_count,
        file_name=file_name,
        sha256=sha256,
        file_size=size,
        **{f"{t}_accuracy": r.accuracy for t, r in fitted.reports.items()},
        **{f"{t}_macro_f1": r.macro_f1 for t, r in fitted.reports.items()},
    )
    forget_classifier()
    return model


@pytest.fixture
def closed_tickets(customer_a: Organisation) -> Callable[[int, int], int]:
    """Bulk-inserted closed requests with generated texts and labels (training data)."""

    def make(n: int, seed: int = 5) -> int:
        rows = [
            Ticket(
                number=f"SR2026010{seed}{i:05d}",
                organisation=customer_a,
                title=s.title,
                description=s.description,
                category=s.category,
                component=s.component,
                priority=s.priority,
                service_kind="hardware_replacement",
                status=Status.CLOSED,
            )
            for i, s in enumerate(samples(n, seed=seed))
        ]
        Ticket.objects.bulk_create(rows, batch_size=500)
        return n

    return make


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_MANAGER, language="en")


@pytest.fixture
def customer_b_user(make_user: Callable[..., User], customer_b: Organisation) -> User:
    return make_user(Role.CUSTOMER, organisation=customer_b, language="en")
