"""Tenant scoping of hits, and keeping the index in step with the objects it describes."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasms.accounts.models import Organisation, User
from sasms.accounts.roles import Role
from sasms.core.search.models import Audience, SearchDocument
from sasms.core.search.services import (
    IndexEntry,
    index_document,
    index_documents,
    remove_document,
    search,
    visible_documents,
)
from tests.core.search.util import ids


@pytest.fixture
def tenant_docs(customer_a: Organisation, customer_b: Organisation) -> None:
    for object_id, organisation, audience in [
        ("a-internal", customer_a, Audience.INTERNAL),
        ("a-shared", customer_a, Audience.CUSTOMER),
        ("b-shared", customer_b, Audience.CUSTOMER),
        ("public", None, Audience.CUSTOMER),
        ("internal", None, Audience.INTERNAL),
    ]:
        index_document(
            object_type="kb",
            object_id=object_id,
            title="阵列卡缓存电池告警",
            body=f"RAID cache battery warning ({object_id})",
            organisation=organisation,
            audience=audience,
        )


pytestmark = pytest.mark.usefixtures("tenant_docs")
EVERY = {"kb:a-internal", "kb:a-shared", "kb:b-shared", "kb:public", "kb:internal"}


def test_staff_see_every_organisation_and_internal_documents(staff: User) -> None:
    assert set(ids(staff, "电池告警")) == EVERY
    assert set(ids(staff, "cache battery")) == EVERY


def test_customer_sees_own_organisation_and_public_customer_documents(
    customer_of_a: User, customer_of_b: User
) -> None:
    assert set(ids(customer_of_a, "电池告警")) == {"kb:a-shared", "kb:public"}
    assert set(ids(customer_of_b, "cache battery")) == {"kb:b-shared", "kb:public"}


def test_customer_cannot_reach_others_documents_by_any_query(customer_of_a: User) -> None:
    # Not by naming them, not by matching their text: another organisation's rows never come back.
    assert ids(customer_of_a, "b-shared") == []
    assert ids(customer_of_a, "internal") == []
    assert sorted(ids(customer_of_a, "battery", any_term=True, limit=100)) == ["kb:a-shared", "kb:public"]


def test_customer_admin_is_scoped_like_a_customer(make_user: Callable[..., User]) -> None:
    admin_of_a = make_user(Role.CUSTOMER_ADMIN)
    assert set(ids(admin_of_a, "battery")) == {"kb:a-shared", "kb:public"}


def test_anonymous_and_inactive_users_see_nothing(make_user: Callable[..., User]) -> None:
    assert search(actor=AnonymousUser(), query="battery") == []
    inactive = make_user(Role.AGENT, is_active=False)
    assert search(actor=inactive, query="battery") == []
    assert visible_documents(inactive).count() == 0


def test_index_update_replaces_the_old_text(staff: User) -> None:
    index_document(object_type="kb", object_id="a-shared", title="风扇告警", body="Fan 3 speed low")
    assert "kb:a-shared" not in ids(staff, "battery")
    assert ids(staff, "fan speed") == ["kb:a-shared"]
    assert SearchDocument.objects.filter(object_type="kb", object_id="a-shared").count() == 1
    # Re-indexing also moves it across the tenant line: it is internal now (the default).
    assert SearchDocument.objects.get(object_id="a-shared").audience == Audience.INTERNAL


def test_removal(staff: User) -> None:
    assert remove_document(object_type="kb", object_id="public") is True
    assert "kb:public" not in ids(staff, "battery")
    assert remove_document(object_type="kb", object_id="public") is False


def test_bulk_upsert_keeps_the_index_in_step(staff: User, customer_a: Organisation) -> None:
    count = index_documents(
        [
            IndexEntry("kb", "public", "主板更换", "Mainboard replaced", None, Audience.CUSTOMER),
            IndexEntry("kb", "new", "主板更换", "Mainboard replaced", customer_a.pk, Audience.CUSTOMER),
        ],
        batch_size=1,
    )
    assert count == 2
    assert set(ids(staff, "主板")) == {"kb:public", "kb:new"}
    assert "kb:public" not in ids(staff, "battery")
    assert SearchDocument.objects.filter(object_type="kb").count() == 6


def test_bulk_delete_keeps_the_index_in_step(staff: User, customer_b: Organisation) -> None:
    # The path a cascading delete takes: a queryset delete, not remove_document.
    SearchDocument.objects.filter(organisation=customer_b).delete()
    assert "kb:b-shared" not in ids(staff, "battery")
    assert len(ids(staff, "battery")) == 4


def test_unknown_audience_is_refused() -> None:
    with pytest.raises(ValueError, match="audience"):
        index_document(object_type="kb", object_id="x", title="t", audience="everyone")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=80), any_term=st.booleans(), prefix=st.booleans())
def test_any_query_is_answered_without_error(
    customer_of_a: User, query: str, any_term: bool, prefix: bool
) -> None:
    for hit in search(actor=customer_of_a, query=query, any_term=any_term, prefix=prefix):
        assert hit.object_id in {"a-shared", "public"}
