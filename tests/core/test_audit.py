import pytest
from django.db import DatabaseError, connection, transaction

from sasms.accounts import services
from sasms.core.context import Origin, acting_from
from sasms.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_entries_record_origin_and_changes(admin_user, customer_a):
    with acting_from(Origin(channel="api", ip_address="10.1.2.3", user_agent="curl/8", request_id="r-1")):
        services.update_organisation(actor=admin_user, organisation=customer_a, city="天津", phone="022-1")
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.changes == {"city": ["北京", "天津"], "phone": ["", "022-1"]}
    assert (entry.channel, entry.ip_address, entry.user_agent, entry.request_id) == (
        "api",
        "10.1.2.3",
        "curl/8",
        "r-1",
    )
    assert entry.actor_label == admin_user.email


def test_no_change_writes_no_entry(admin_user, customer_a):
    services.update_organisation(actor=admin_user, organisation=customer_a, city=customer_a.city)
    assert not AuditEntry.objects.filter(action="organisation.update").exists()


def test_web_requests_are_attributed_to_their_address(admin_user, customer_a, client_for):
    client_for(admin_user).post(
        f"/organisations/{customer_a.pk}/edit/",
        {
            "name": customer_a.name,
            "code": customer_a.code,
            "kind": "customer",
            "city": "西安",
            "time_zone": "Asia/Shanghai",
            "is_active": "on",
        },
        REMOTE_ADDR="192.0.2.7",
    )
    entry = AuditEntry.objects.get(action="organisation.update")
    assert (entry.channel, entry.ip_address) == ("web", "192.0.2.7")


def test_orm_cannot_change_or_delete_entries(admin_user, customer_a):
    entry = AuditEntry.objects.filter(object_id=str(customer_a.pk)).first()
    assert entry is not None
    entry.action = "forged"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()


@pytest.mark.parametrize(
    "statement", ["UPDATE core_auditentry SET action = 'forged'", "DELETE FROM core_auditentry"]
)
def test_database_refuses_raw_sql_changes(customer_a, statement):
    before = list(AuditEntry.objects.values_list("id", "action"))
    assert before
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert list(AuditEntry.objects.values_list("id", "action")) == before


def test_audit_page_for_administrators_only(admin_user, agent, customer_a, client_for):
    page = client_for(admin_user).get(
        "/audit/", {"object_type": "accounts.organisation", "object_id": customer_a.pk}
    )
    assert page.status_code == 200
    assert [row.obj.object_id for row in page.context["rows"]] == [str(customer_a.pk)]
    assert client_for(agent).get("/audit/").status_code == 403
