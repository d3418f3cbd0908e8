"""Seed the search dictionary from the reviewed file ``knowledge/data/synonyms.txt``.

The file is read as it is at migration time; groups already in the table (edited since) are left
alone, so running the migration again never overwrites a manager's edit.
"""

from typing import Any

from django.db import migrations

from sasms.knowledge.dictionary import seed_groups


def seed(apps: Any, schema_editor: Any) -> None:
    SynonymGroup = apps.get_model("knowledge", "SynonymGroup")
    existing = set(SynonymGroup.objects.values_list("key", flat=True))
    SynonymGroup.objects.bulk_create(
        SynonymGroup(key=key, terms="\n".join(terms), note=note)
        for key, terms, note in seed_groups()
        if key not in existing
    )


def unseed(apps: Any, schema_editor: Any) -> None:
    SynonymGroup = apps.get_model("knowledge", "SynonymGroup")
    SynonymGroup.objects.filter(key__in=[key for key, _terms, _note in seed_groups()]).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_dictionary")]

    operations = [migrations.RunPython(seed, unseed)]
