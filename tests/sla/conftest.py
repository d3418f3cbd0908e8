from collections.abc import Callable, Iterator

import pytest

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.sla.models import BusinessCalendar
from sasms.sla.specs import clear_spec_cache


@pytest.fixture(autouse=True)
def _fresh_spec_cache() -> Iterator[None]:
    # The spec cache is process-wide; each test starts cold so query counts are exact.
    clear_spec_cache()
    yield
    clear_spec_cache()


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.SERVICE_MANAGER, language="en")


@pytest.fixture
def cn_5x9(db: None) -> BusinessCalendar:
    return BusinessCalendar.objects.get(code="cn-5x9")


@pytest.fixture
def cal_7x24(db: None) -> BusinessCalendar:
    return BusinessCalendar.objects.get(code="7x24")
