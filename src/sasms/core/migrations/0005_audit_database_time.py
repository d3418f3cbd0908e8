"""The database stamps each audit entry's time and refuses one older than the chain's head.

Before this, the time came from the writing process, so a row inserted around the services could
carry any time and still be sealed. Now:

* PostgreSQL: a ``BEFORE INSERT`` trigger sets ``created_at`` to ``clock_timestamp()`` whatever the
  writer sent (the wall clock at the insert, not the transaction's start: a long transaction must
  not write a time older than entries committed and sealed meanwhile).
* SQLite cannot change a row in a ``BEFORE`` trigger, so the column's default is the database's
  time and the trigger refuses a row whose time is more than a few seconds away from it.
* Both refuse an entry older than the newest sealed one (the chain's head).

SQLite rebuilds the table to change the column's default, which drops its triggers; the
append-only ones are put back here.
"""

from typing import Any

import django.db.models.functions.datetime
from django.db import migrations, models

CREATE_PG = """
CREATE OR REPLACE FUNCTION core_auditentry_stamp() RETURNS trigger AS $$
DECLARE
    head timestamptz;
BEGIN
    NEW.created_at := clock_timestamp();
    SELECT e.created_at INTO head FROM core_auditseal s JOIN core_auditentry e ON e.id = s.entry_id
        ORDER BY s.sequence DESC LIMIT 1;
    IF head IS NOT NULL AND NEW.created_at < head THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation',
            MESSAGE = 'audit entry older than the head of the audit chain, ' || head;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditentry_stamp
    BEFORE INSERT ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION core_auditentry_stamp();
"""
DROP_PG = """
DROP TRIGGER IF EXISTS core_auditentry_stamp ON core_auditentry;
DROP FUNCTION IF EXISTS core_auditentry_stamp();
"""

# A written time may differ from the database's own by at most 5 seconds (the ORM sends none: the
# default is the database's time within the same statement, so a real entry differs by nothing).
SQLITE_STAMP = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_stamp BEFORE INSERT ON core_auditentry
WHEN abs(julianday(NEW.created_at) - julianday('now')) * 86400.0 > 5
  OR julianday(NEW.created_at) < (
      SELECT julianday(e.created_at) FROM core_auditseal s
      JOIN core_auditentry e ON e.id = s.entry_id ORDER BY s.sequence DESC LIMIT 1
  )
BEGIN
    SELECT RAISE(ABORT, 'an audit entry takes the database time and is never older than the chain head');
END;
"""
SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
    "CREATE TRIGGER IF NOT EXISTS core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
]


def create_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(CREATE_PG)
    elif vendor == "sqlite":
        for statement in [*SQLITE_APPEND_ONLY, SQLITE_STAMP]:
            schema_editor.execute(statement)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP_PG)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_stamp")


def restore_sqlite_append_only(apps: Any, schema_editor: Any) -> None:
    # Going back rebuilds the table again (dropping its triggers): put the append-only ones back.
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_APPEND_ONLY:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_seals")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_append_only),
        migrations.AlterField(
            model_name="auditentry",
            name="created_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(), db_index=True, verbose_name="time"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
