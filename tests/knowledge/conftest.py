"""Knowledge fixtures: editors, a reviewer, a manager, readers on both sides of the tenant line,
a small catalogue of vendors and models, and helpers that write and publish articles."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.assets import services as asset_services
from sasms.assets.models import ServerModel, Vendor
from sasms.core.search.models import Audience
from sasms.knowledge import services
from sasms.knowledge.models import Article, Category

Publish = Callable[..., Article]


@pytest.fixture
def editor(make_user: Callable[..., User]) -> User:
    return make_user(Role.ENGINEER, language="en", full_name="Editor Li")


@pytest.fixture
def reviewer(make_user: Callable[..., User]) -> User:
    return make_user(Role.AGENT, language="en", full_name="Reviewer Zhang")


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_MANAGER, language="en", full_name="Manager Wang")


@pytest.fixture
def clerk(make_user: Callable[..., User]) -> User:
    """Staff who read the knowledge base but do not write it."""
    return make_user(Role.PARTS_CLERK, language="en")


@pytest.fixture
def customer_b_user(make_user: Callable[..., User], customer_b: Organisation) -> User:
    return make_user(Role.CUSTOMER, organisation=customer_b, language="en")


@pytest.fixture
def dell(db: None) -> Vendor:
    return asset_services.create_vendor(actor=None, name="Dell", code="dell")


@pytest.fixture
def r740(dell: Vendor) -> ServerModel:
    return asset_services.create_server_model(actor=None, vendor=dell, name="PowerEdge R740")


@pytest.fixture
def hpe_model(db: None) -> ServerModel:
    hpe = asset_services.create_vendor(actor=None, name="HPE", code="hpe")
    return asset_services.create_server_model(actor=None, vendor=hpe, name="ProLiant DL380 Gen10")


@pytest.fixture
def storage(db: None) -> Category:
    return services.create_category(actor=None, name="硬盘与存储 Disks", code="disk", position=10)


@pytest.fixture
def make_article(editor: User) -> Callable[..., Article]:
    def make(**fields: Any) -> Article:
        values: dict[str, Any] = {
            "title": "RAID degraded after disk failure",
            "body": "## Symptom\n\nThe controller reports a **degraded** virtual disk.\n\n"
            "## Solution\n\nReplace the disk.",
            "audience": Audience.CUSTOMER,
            "language": "en",
        }
        values.update(fields)
        actor = values.pop("actor", editor)
        return services.create_article(actor=actor, **values)

    return make


@pytest.fixture
def publish(editor: User, reviewer: User) -> Publish:
    """Submit (by the author) naming the reviewer, and approve (by the reviewer)."""

    def run(article: Article, *, author: User | None = None, by: User | None = None) -> Article:
        author = author or editor
        approver = by or reviewer
        article = services.transition_article(
            actor=author, article=article, action="submit", reviewers=[approver]
        )
        return services.transition_article(actor=approver, article=article, action="approve")

    return run


@pytest.fixture(autouse=True)
def _fresh_search_models() -> Iterator[None]:
    """A dictionary edit or a fitted similarity model must not outlive its rolled-back test."""
    from sasms.core.search import synonyms
    from sasms.knowledge import rerank

    yield
    synonyms.forget()
    rerank.forget()
