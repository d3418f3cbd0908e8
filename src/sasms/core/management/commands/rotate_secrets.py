"""``sasms rotate_secrets``: re-encrypt every stored credential with the first key.

Put the new key first in ``SASMS_SECRET_KEYS`` (keeping the old ones after it), run this, then drop
the old keys. Every model field named ``*_encrypted`` holds such a token (mailbox and BMC
passwords, chat-robot addresses and secrets, webhook secrets), so a new one is covered without
changing this command. Values that no configured key can decrypt are reported and left alone.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from sasms.core import secrets
from sasms.core.audit import record_audit
from sasms.core.context import Origin, acting_from


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if f.name.endswith("_encrypted")]
        if names:
            found.append((model, names))
    return found


class Command(BaseCommand):
    help = "Re-encrypt every stored credential with the first key of SASMS_SECRET_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated = 0
        broken: list[str] = []
        with acting_from(Origin(channel="cli")):
            for model, names in encrypted_fields():
                for pk in model._default_manager.values_list("pk", flat=True):
                    with transaction.atomic():
                        row = model._default_manager.select_for_update().get(pk=pk)
                        changed = []
                        for name in names:
                            token = getattr(row, name)
                            if not token:
                                continue
                            try:
                                setattr(row, name, secrets.rotate(token))
                            except secrets.SecretError:
                                broken.append(f"{model._meta.label} {row.pk} {name}")
                                continue
                            changed.append(name)
                        if not changed:
                            continue
                        row.save(update_fields=changed)
                        record_audit(
                            actor=None,
                            action="rotate_secret",
                            target=row,
                            changes={name: ["encrypted", "re-encrypted"] for name in changed},
                        )
                        rotated += len(changed)
        self.stdout.write(f"{rotated} secrets re-encrypted with the first key")
        if broken:
            raise CommandError("cannot decrypt with any configured key: " + "; ".join(broken))
