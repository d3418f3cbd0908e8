import datetime

import pytest
from django.core import mail
from django.utils import timezone

from sasms.accounts import services
from sasms.accounts.models import ApiToken, Organisation, OrganisationKind, User
from sasms.accounts.roles import Role
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry, OutboxMessage
from sasms.core.outbox import deliver_pending

pytestmark = pytest.mark.django_db


def test_create_organisation_records_audit_with_fields(admin_user):
    org = services.create_organisation(
        actor=admin_user, name="深圳云计算", code="sz-cloud", kind=OrganisationKind.CUSTOMER, city="深圳"
    )
    entry = AuditEntry.objects.get(action="organisation.create", object_id=str(org.pk))
    assert entry.actor == admin_user
    assert entry.changes["name"] == [None, "深圳云计算"]
    assert entry.changes["city"] == [None, "深圳"]


def test_duplicate_organisation_name_is_refused_case_insensitively(admin_user, customer_a):
    before = Organisation.objects.count()
    with pytest.raises(Conflict) as refused:
        services.create_organisation(
            actor=admin_user, name=customer_a.name.upper(), code="other", kind=OrganisationKind.CUSTOMER
        )
    assert "name" in refused.value.fields
    assert Organisation.objects.count() == before


def test_agent_may_not_create_organisations(agent):
    before = Organisation.objects.count()
    with pytest.raises(PermissionDenied):
        services.create_organisation(actor=agent, name="X", code="x", kind=OrganisationKind.CUSTOMER)
    assert Organisation.objects.count() == before
    assert not AuditEntry.objects.filter(action="organisation.create", actor=agent).exists()


def test_unknown_time_zone_is_refused_on_the_field(admin_user):
    with pytest.raises(ServiceError) as refused:
        services.create_organisation(
            actor=admin_user, name="TZ", code="tz", kind=OrganisationKind.CUSTOMER, time_zone="Mars/Olympus"
        )
    assert list(refused.value.fields) == ["time_zone"]
    assert not Organisation.objects.filter(code="tz").exists()


def test_staff_role_needs_the_provider_organisation(admin_user, customer_a):
    with pytest.raises(ServiceError) as refused:
        services.create_user(
            actor=admin_user, email="x@example.com", full_name="X", organisation=customer_a, role=Role.AGENT
        )
    assert "role" in refused.value.fields
    assert not User.objects.filter(email="x@example.com").exists()


def test_customer_admin_manages_only_customer_users_of_own_organisation(
    customer_admin, customer_a, customer_b
):
    created = services.create_user(
        actor=customer_admin,
        email="Colleague@Example.com",
        full_name="同事",
        organisation=customer_a,
        role=Role.CUSTOMER,
    )
    assert created.email == "colleague@example.com"
    with pytest.raises(PermissionDenied):
        services.create_user(
            actor=customer_admin,
            email="b@example.com",
            full_name="B",
            organisation=customer_b,
            role=Role.CUSTOMER,
        )
    with pytest.raises(PermissionDenied):
        services.update_user(actor=customer_admin, user=created, role=Role.ADMINISTRATOR)
    created.refresh_from_db()
    assert created.role == Role.CUSTOMER


def test_new_user_without_password_gets_an_invitation_once_delivered(
    admin_user, customer_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.create_user(
            actor=admin_user,
            email="new@example.com",
            full_name="新用户",
            organisation=customer_a,
            role=Role.CUSTOMER,
        )
    assert not user.has_usable_password()
    message = OutboxMessage.objects.get(topic="email")
    assert message.payload["to"] == ["new@example.com"]
    assert message.status == "sent"
    assert len(mail.outbox) == 1
    assert "/accounts/password-reset/" in mail.outbox[0].body


def test_duplicate_email_is_a_field_conflict(admin_user, agent):
    with pytest.raises(Conflict) as refused:
        services.create_user(
            actor=admin_user,
            email=agent.email.upper(),
            full_name="dup",
            organisation=agent.organisation,
            role=Role.AGENT,
        )
    assert "email" in refused.value.fields


def test_weak_password_is_refused(admin_user, provider):
    with pytest.raises(ServiceError) as refused:
        services.create_user(
            actor=admin_user,
            email="w@example.com",
            full_name="W",
            organisation=provider,
            role=Role.AGENT,
            password="123",
        )
    assert "password" in refused.value.fields
    assert not User.objects.filter(email="w@example.com").exists()


def test_nobody_changes_their_own_role(admin_user):
    with pytest.raises(ServiceError):
        services.update_user(actor=admin_user, user=admin_user, role=Role.AGENT)
    admin_user.refresh_from_db()
    assert admin_user.role == Role.ADMINISTRATOR


def test_deactivating_a_user_revokes_their_tokens(admin_user, agent):
    issued = services.issue_personal_token(actor=agent, name="script")
    services.update_user(actor=admin_user, user=agent, is_active=False)
    assert services.authenticate_token(issued.secret) is None
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is not None


def test_token_secret_is_never_stored_and_authenticates_until_revoked(agent):
    issued = services.issue_personal_token(actor=agent, name="laptop", expires_in_days=30)
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret not in (token.digest, token.prefix)
    assert issued.secret.startswith(token.prefix)
    authenticated = services.authenticate_token(issued.secret)
    assert authenticated is not None
    assert authenticated.user == agent
    assert services.authenticate_token(issued.secret + "x") is None
    services.revoke_token(actor=agent, token=token)
    assert services.authenticate_token(issued.secret) is None


def test_expired_token_does_not_authenticate(agent):
    issued = services.issue_personal_token(actor=agent, name="old", expires_in_days=1)
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert services.authenticate_token(issued.secret) is None


def test_machine_token_needs_an_administrator(agent, admin_user, customer_a):
    with pytest.raises(PermissionDenied):
        services.issue_machine_token(
            actor=agent, name="zabbix", role=Role.AGENT, organisation=agent.organisation
        )
    issued = services.issue_machine_token(
        actor=admin_user, name="zabbix", role=Role.AGENT, organisation=admin_user.organisation
    )
    assert issued.token.user.is_machine
    authenticated = services.authenticate_token(issued.secret)
    assert authenticated is not None
    assert authenticated.user.full_name.startswith("zabbix")


def test_someone_elses_token_cannot_be_revoked_by_a_non_administrator(agent, make_user):
    other = make_user(Role.ENGINEER)
    issued = services.issue_personal_token(actor=other, name="mine")
    with pytest.raises(PermissionDenied):
        services.revoke_token(actor=agent, token=issued.token)
    assert services.authenticate_token(issued.secret) is not None


def test_password_reset_for_unknown_address_sends_nothing(db):
    services.request_password_reset(email="nobody@example.com")
    assert not OutboxMessage.objects.exists()


def test_profile_update_refuses_unknown_fields(agent):
    with pytest.raises(ServiceError) as refused:
        services.update_profile(actor=agent, role=Role.ADMINISTRATOR)
    assert "role" in refused.value.fields
    agent.refresh_from_db()
    assert agent.role == Role.AGENT


def test_only_one_primary_contact(admin_user, customer_a):
    first = services.add_contact(actor=admin_user, organisation=customer_a, name="甲", is_primary=True)
    second = services.add_contact(actor=admin_user, organisation=customer_a, name="乙", is_primary=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.is_primary, second.is_primary) == (False, True)


def test_team_members_must_be_staff(admin_user, customer_user):
    team = services.create_team(actor=admin_user, name="Storage", kind="storage")
    with pytest.raises(ServiceError):
        services.set_team_members(actor=admin_user, team=team, members=[customer_user])
    assert team.members.count() == 0


def test_outbox_retries_a_failed_delivery_later(
    settings, admin_user, customer_a, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.core.failing_mail.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.create_user(
            actor=admin_user,
            email="r@example.com",
            full_name="R",
            organisation=customer_a,
            role=Role.CUSTOMER,
        )
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.available_at > timezone.now()
    assert "refused" in message.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.update(available_at=timezone.now())
    assert deliver_pending() == 1
    assert OutboxMessage.objects.get().status == "sent"
