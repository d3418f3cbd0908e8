"""Fill in each BMC endpoint's normalised address; where several endpoints share one address, keep one.

The one kept is the earliest active endpoint (the earliest of all when none is active); every other
is disabled, its normalised address left empty so that the unique constraint of the next migration
holds, with a reason on the endpoint and an audit entry. The normalisation is frozen here on purpose:
it must stay what it was when this migration ran.
"""

import ipaddress

from django.db import migrations

DEFAULT_PORTS = {"http": 80, "https": 443}


def address_key(scheme, address, port):
    host = (address or "").strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        host = ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    if ":" in host:
        host = f"[{host}]"
    effective = port or DEFAULT_PORTS.get((scheme or "").strip().lower(), DEFAULT_PORTS["https"])
    return f"{host}:{effective}"


def disable_duplicates(apps, schema_editor):
    BmcEndpoint = apps.get_model("intake", "BmcEndpoint")
    AuditEntry = apps.get_model("core", "AuditEntry")
    groups = {}
    for endpoint in BmcEndpoint.objects.select_related("server").order_by("created_at", "pk"):
        groups.setdefault(address_key(endpoint.scheme, endpoint.address, endpoint.port), []).append(endpoint)
    for key, endpoints in groups.items():
        keeper = next((e for e in endpoints if e.is_active), endpoints[0])
        BmcEndpoint.objects.filter(pk=keeper.pk).update(address_key=key)
        for endpoint in endpoints:
            if endpoint.pk == keeper.pk:
                continue
            reason = (
                f"Disabled: the BMC address {key} is also registered on server {keeper.server.serial} "
                f"(BMC endpoint #{keeper.pk}), which keeps it. One BMC address belongs to one server."
            )
            BmcEndpoint.objects.filter(pk=endpoint.pk).update(
                address_key=None, is_active=False, disabled_reason=reason, next_poll_at=None
            )
            AuditEntry.objects.create(
                actor=None,
                actor_label="system",
                action="intake.bmc.disable_duplicate",
                object_type="intake.bmcendpoint",
                object_id=str(endpoint.pk),
                object_label=endpoint.address[:200],
                organisation_id=endpoint.server.organisation_id,
                changes={
                    "is_active": [endpoint.is_active, False],
                    "disabled_reason": [endpoint.disabled_reason or None, reason],
                },
                channel="migration",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_seals"),
        ("intake", "0002_bmc_identity_and_address_key"),
    ]

    operations = [migrations.RunPython(disable_duplicates, migrations.RunPython.noop)]
