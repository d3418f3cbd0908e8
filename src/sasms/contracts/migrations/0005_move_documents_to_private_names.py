"""Documents uploaded before 0004 move to random names below ``private/contracts/``.

Their old names (``contracts/2026/03/<the client's file name>``) carried the client's file name
into the file system; each file is copied to a random name, the row updated, and the old file
removed once the migration has committed (a rolled-back run leaves only unused copies behind).
"""

import secrets
from typing import Any

from django.db import migrations, transaction


def private_name() -> str:
    token = secrets.token_hex(20)
    return f"private/contracts/{token[:2]}/{token}"


def move_to_private_names(apps: Any, schema_editor: Any) -> None:
    from django.core.files.storage import default_storage

    document_model = apps.get_model("contracts", "ContractDocument")
    for document in document_model.objects.exclude(file__startswith="private/").iterator():
        old = document.file.name
        if not old or not default_storage.exists(old):
            continue  # nothing to move: its download answers "not found", as before
        with default_storage.open(old, "rb") as source:
            saved = default_storage.save(private_name(), source)
        document_model.objects.filter(pk=document.pk).update(file=saved)
        transaction.on_commit(lambda name=old: default_storage.delete(name))


class Migration(migrations.Migration):
    dependencies = [("contracts", "0004_document_private_random_names")]

    operations = [migrations.RunPython(move_to_private_names, migrations.RunPython.noop)]
