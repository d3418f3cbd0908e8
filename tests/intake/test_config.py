"""Intake settings: passwords encrypted at rest, tokens shown once, audit, permissions, key rotation."""

from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from sasms.accounts.models import User
from sasms.assets.models import Server
from sasms.core import secrets
from sasms.core.errors import Conflict, PermissionDenied, ServiceError
from sasms.core.models import AuditEntry
from sasms.intake.models import AlertSource, BmcEndpoint, Mailbox
from sasms.intake.services import config


def test_mailbox_password_is_encrypted_and_audited_without_it(admin_user: User, mailbox: Mailbox):
    stored = Mailbox.objects.get(pk=mailbox.pk).password_encrypted
    assert stored
    assert "secret" not in stored
    assert secrets.decrypt(stored) == "secret"
    entry = AuditEntry.objects.get(action="intake.mailbox.create", object_id=str(mailbox.pk))
    assert entry.changes["password"] == [None, "changed"]
    assert "secret" not in str(entry.changes)
    config.update_mailbox(actor=admin_user, mailbox=mailbox, folder="Support", password="")
    mailbox.refresh_from_db()
    assert secrets.decrypt(mailbox.password_encrypted) == "secret"  # empty keeps the password
    assert AuditEntry.objects.get(action="intake.mailbox.update").changes == {"folder": ["INBOX", "Support"]}


def test_bad_settings_name_the_field_and_change_nothing(admin_user: User, mailbox: Mailbox, make_source: Any):
    with pytest.raises(ServiceError) as refused:
        config.update_mailbox(actor=admin_user, mailbox=mailbox, port=70000)
    assert "port" in refused.value.fields
    with pytest.raises(Conflict):
        config.create_mailbox(
            actor=admin_user, name="Support", address="x@y.example", host="h", username="u", password="p"
        )
    with pytest.raises(ServiceError) as no_password:
        config.create_mailbox(actor=admin_user, name="Other", address="x@y.example", host="h", username="u")
    assert "password" in no_password.value.fields
    with pytest.raises(ServiceError) as zone:
        make_source("zabbix", name="Z", time_zone="Mars/Olympus")
    assert "time_zone" in zone.value.fields
    assert Mailbox.objects.count() == 1
    assert not AlertSource.objects.exists()


def test_only_administrators_configure_intake(agent: User, make_user: Any, covered_server: Server):
    manager = make_user("service_manager")
    for actor in (agent, manager):
        with pytest.raises(PermissionDenied):
            config.create_alert_source(actor=actor, name="x", kind="generic")
        with pytest.raises(PermissionDenied):
            config.create_bmc_endpoint(actor=actor, server=covered_server, address="10.0.0.1", username="u")


def test_source_token_is_stored_as_a_digest_and_rotates(admin_user: User, am_source: tuple[AlertSource, str]):
    source, token = am_source
    assert token.startswith("sasms_alert_")
    assert len(token) > 40
    assert source.token_digest == config.token_digest(token)
    assert token not in source.token_digest
    assert source.token_prefix == token[:16]
    rotated = config.rotate_alert_source_token(actor=admin_user, source=source)
    assert rotated.token != token
    assert config.digests_match(rotated.token, AlertSource.objects.get().token_digest)
    assert AuditEntry.objects.filter(action="intake.alert_source.rotate_token").exists()


def test_bmc_endpoint_one_per_server_and_address_checked(admin_user: User, covered_server: Server):
    endpoint = config.create_bmc_endpoint(
        actor=admin_user,
        server=covered_server,
        address="bmc-srv-db-01.example.com",
        username="root",
        password="calvin",
    )
    assert endpoint.log_since is not None
    assert endpoint.next_poll_at is not None
    assert secrets.decrypt(endpoint.password_encrypted) == "calvin"
    with pytest.raises(Conflict):
        config.create_bmc_endpoint(
            actor=admin_user, server=covered_server, address="10.0.0.9", username="root"
        )
    with pytest.raises(ServiceError) as refused:
        config.update_bmc_endpoint(actor=admin_user, endpoint=endpoint, address="https://10.0.0.9/redfish")
    assert "address" in refused.value.fields
    assert BmcEndpoint.objects.get().address == "bmc-srv-db-01.example.com"


def test_rotate_secrets_reencrypts_with_the_first_key(admin_user: User, mailbox: Mailbox, settings: Any):
    old_key = Fernet.generate_key().decode()
    new_key = Fernet.generate_key().decode()
    settings.SASMS_SECRET_KEYS = [old_key]
    config.update_mailbox(actor=admin_user, mailbox=mailbox, password="s3cret-old")
    settings.SASMS_SECRET_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("rotate_secrets", stdout=out)
    assert "1 secrets re-encrypted" in out.getvalue()
    settings.SASMS_SECRET_KEYS = [new_key]  # the old key is gone: the password still reads
    assert secrets.decrypt(Mailbox.objects.get().password_encrypted) == "s3cret-old"
    settings.SASMS_SECRET_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(secrets.SecretError):
        secrets.decrypt(Mailbox.objects.get().password_encrypted)
