"""The menu bar: what each role sees, grouped into sections, with the current page marked."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from sasms.accounts.models import User
from sasms.accounts.roles import Role
from sasms.core.navigation import (
    ADMINISTRATION,
    FIELD_AND_PARTS,
    SECTIONS,
    SERVERS_AND_CONTRACTS,
    SERVICE_DESK,
    TOP_LEVEL,
    MenuGroup,
    menu_for,
)

pytestmark = pytest.mark.django_db


def _menu(user: User, path: str = "/") -> list[MenuGroup]:
    request = RequestFactory().get(path)
    request.user = user
    return menu_for(request)


def test_top_level_entries_come_first_then_sections_in_their_order(make_user: Callable[..., User]) -> None:
    groups = _menu(make_user(Role.SERVICE_MANAGER))
    keys = [group.key for group in groups]
    assert keys[0] == TOP_LEVEL
    assert str(groups[0].items[0].label) in ("Home", "首页")
    sections = [key for key in keys if key != TOP_LEVEL]
    assert sections == [section.key for section in SECTIONS if section.key in sections]
    assert keys.index(sections[0]) > max(i for i, key in enumerate(keys) if key == TOP_LEVEL)


def test_no_url_appears_twice_and_every_item_resolves(make_user: Callable[..., User]) -> None:
    for role in Role:
        urls = [item.url for group in _menu(make_user(role)) for item in group.items]
        assert len(urls) == len(set(urls)), role
        assert all(url.startswith("/") for url in urls)


def test_a_section_with_one_entry_is_a_plain_link(make_user: Callable[..., User]) -> None:
    # A parts clerk has one page of the field section (spare parts) and one of the service desk.
    groups = {group.key: group for group in _menu(make_user(Role.PARTS_CLERK))}
    assert [item.url for item in groups[FIELD_AND_PARTS].items] == [reverse("parts:stock_list")]
    assert not groups[FIELD_AND_PARTS].is_dropdown
    assert len(groups[SERVICE_DESK].items) == 1
    assert not groups[SERVICE_DESK].is_dropdown
    assert groups[SERVERS_AND_CONTRACTS].is_dropdown


def test_the_section_of_the_current_page_is_active(make_user: Callable[..., User]) -> None:
    groups = {group.key: group for group in _menu(make_user(Role.ADMINISTRATOR), "/audit/")}
    assert groups[ADMINISTRATION].active
    assert [str(i.label) for i in groups[ADMINISTRATION].items if i.active] in (["Audit trail"], ["审计日志"])
    assert not any(group.active for key, group in groups.items() if key != ADMINISTRATION)


def test_signed_out_visitors_get_no_menu() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert menu_for(request) == []
