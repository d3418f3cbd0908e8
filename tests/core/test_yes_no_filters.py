"""Yes/no filters read "All" until chosen: not chosen means not filtered, never "unknown"."""

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import django_filters
import pytest
from django.test import Client

import sasms
from sasms.accounts.models import User
from sasms.core.filters import YesNoAllSelect, YesNoFilter


def _all_filtersets() -> list[type[django_filters.FilterSet]]:
    for module in pkgutil.walk_packages(sasms.__path__, "sasms."):
        if module.name.endswith("filtersets") or module.name.endswith(".api.views"):
            importlib.import_module(module.name)
    found: list[type[django_filters.FilterSet]] = []
    pending = list(django_filters.FilterSet.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("sasms."):
            found.append(cls)
    return found


def test_every_yes_no_filter_of_sasms_offers_all_first() -> None:
    boolean_filters = [
        (filterset.__name__, name, filter_)
        for filterset in _all_filtersets()
        for name, filter_ in filterset.base_filters.items()
        if isinstance(filter_, django_filters.BooleanFilter)
    ]
    assert boolean_filters, "no yes/no filter found: the scan is broken"
    plain = [f"{fs}.{name}" for fs, name, filter_ in boolean_filters if not isinstance(filter_, YesNoFilter)]
    assert plain == []


def test_the_unset_choice_is_all_and_selected() -> None:
    rendered = YesNoAllSelect().render("is_active", None)
    assert '<option value="" selected>All</option>' in rendered
    assert "Unknown" not in rendered
    assert '<option value="false" selected>No</option>' in YesNoAllSelect().render("is_active", False)


@pytest.mark.django_db
def test_the_user_list_says_all_in_chinese_and_filters_by_yes_no(
    admin_user: User, make_user: Callable[..., Any], client_for: Callable[[User], Client]
) -> None:
    inactive = make_user(role="agent", email="left-the-company@example.com")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    admin_user.language = "zh-hans"
    admin_user.save(update_fields=["language"])
    client = client_for(admin_user)
    page = client.get("/users/").content.decode()
    assert '<option value="" selected>全部</option>' in page
    assert "未知" not in page
    assert "left-the-company" in page
    assert "left-the-company" not in client.get("/users/?is_active=true").content.decode()
    chosen = client.get("/users/?is_active=false").content.decode()
    assert "left-the-company" in chosen
    assert '<option value="false" selected>否</option>' in chosen
