"""The stock ledger is append-only: the database refuses to change or remove a movement.

On PostgreSQL a row trigger refuses UPDATE and DELETE (a test run's TRUNCATE is not a row event).
On SQLite only UPDATE is refused: the test run empties tables with DELETE after transactional tests.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

CREATE = """
CREATE OR REPLACE FUNCTION parts_movement_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the stock ledger is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER parts_movement_append_only
    BEFORE UPDATE OR DELETE ON parts_movement
    FOR EACH ROW EXECUTE FUNCTION parts_movement_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS parts_movement_append_only ON parts_movement;
DROP FUNCTION IF EXISTS parts_movement_append_only();
"""


def create_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER parts_movement_no_update BEFORE UPDATE ON parts_movement "
            "BEGIN SELECT RAISE(ABORT, 'the stock ledger is append-only'); END;"
        )


def drop_trigger(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS parts_movement_no_update")


class Migration(migrations.Migration):
    dependencies = [("parts", "0001_initial")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
