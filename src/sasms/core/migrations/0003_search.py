"""The search index: the SearchDocument table plus its database-specific full-text index.

PostgreSQL gets a GIN index on the weighted tsvector of the pre-tokenised columns ('simple'
configuration: the tokens are already normalised, no stemming or stop words on top). SQLite gets an
external-content FTS5 table over the same columns, kept in step by triggers so that every write path
(services, bulk upserts, cascading deletes, flushes) updates it.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The weighted document vector: title terms rank above body terms (weight A against D).
POSTGRES_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') "
    "|| setweight(to_tsvector('simple'::regconfig, body_tokens), 'D'))"
)
# A stored generated column rather than an expression index alone: ranking reads the vector of every
# matching row, and recomputing to_tsvector for each would cost more than the match itself. Django's
# model does not know the column; it only ever appears in the search backend's own SQL.
POSTGRES_CREATE = [
    f"ALTER TABLE core_searchdocument ADD COLUMN search_vector tsvector GENERATED ALWAYS AS {POSTGRES_VECTOR} STORED",
    "CREATE INDEX core_searchdocument_fts_idx ON core_searchdocument USING gin (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS core_searchdocument_fts_idx",
    "ALTER TABLE core_searchdocument DROP COLUMN IF EXISTS search_vector",
]

# remove_diacritics 0: the tokenizer already normalised the text; folding more here than PostgreSQL
# does would make the two databases find different things.
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE core_searchdocument_fts USING fts5(title_tokens, body_tokens, "
    "content='core_searchdocument', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER core_searchdocument_fts_insert AFTER INSERT ON core_searchdocument BEGIN "
    "INSERT INTO core_searchdocument_fts(rowid, title_tokens, body_tokens) "
    "VALUES (new.id, new.title_tokens, new.body_tokens); END",
    "CREATE TRIGGER core_searchdocument_fts_delete AFTER DELETE ON core_searchdocument BEGIN "
    "INSERT INTO core_searchdocument_fts(core_searchdocument_fts, rowid, title_tokens, body_tokens) "
    "VALUES ('delete', old.id, old.title_tokens, old.body_tokens); END",
    "CREATE TRIGGER core_searchdocument_fts_update AFTER UPDATE ON core_searchdocument BEGIN "
    "INSERT INTO core_searchdocument_fts(core_searchdocument_fts, rowid, title_tokens, body_tokens) "
    "VALUES ('delete', old.id, old.title_tokens, old.body_tokens); "
    "INSERT INTO core_searchdocument_fts(rowid, title_tokens, body_tokens) "
    "VALUES (new.id, new.title_tokens, new.body_tokens); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_insert",
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_delete",
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_update",
    "DROP TABLE IF EXISTS core_searchdocument_fts",
]


def create_full_text_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in POSTGRES_CREATE if vendor == "postgresql" else SQLITE_CREATE if vendor == "sqlite" else []:
        schema_editor.execute(statement)


def drop_full_text_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP if vendor == "sqlite" else []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_unique_violation_messages'),
        ('core', '0002_audit_append_only'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_type', models.CharField(help_text='e.g. knowledge.article', max_length=80, verbose_name='object type')),
                ('object_id', models.CharField(max_length=64, verbose_name='object id')),
                ('audience', models.CharField(choices=[('internal', 'Internal'), ('customer', 'Customer-visible')], max_length=10, verbose_name='audience')),
                ('title', models.CharField(max_length=300, verbose_name='title')),
                ('body', models.TextField(blank=True, verbose_name='text')),
                ('title_tokens', models.TextField(blank=True)),
                ('body_tokens', models.TextField(blank=True)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='updated')),
                ('organisation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.organisation', verbose_name='organisation')),
            ],
            options={
                'verbose_name': 'search document',
                'verbose_name_plural': 'search documents',
                'indexes': [models.Index(fields=['organisation', 'audience'], name='searchdocument_scope_idx')],
                'constraints': [models.UniqueConstraint(fields=('object_type', 'object_id'), name='searchdocument_object_unique')],
            },
        ),
        migrations.RunPython(create_full_text_index, drop_full_text_index),
    ]
