"""The audit trail is append-only, enforced by the database.

PostgreSQL: a trigger refuses every UPDATE, and every DELETE except of entries older than the retention (180
days) while the archive command says so for its transaction (SET LOCAL fugong.audit_archive = 'on'). For a
deployment the application's role should also lack TRUNCATE on the table (docs/security.md).
SQLite: triggers refuse every UPDATE, and every DELETE of an entry younger than 180 days, except while the
connection empties every table (Django's flush, in tests and `manage.py flush`; fugong/core/db/sqlite3).
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION security_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND OLD.at < now() - interval '180 days'
       AND coalesce(current_setting('fugong.audit_archive', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only (% refused on entry %)', TG_OP, OLD.seq;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER security_audit_append_only BEFORE UPDATE OR DELETE ON security_auditentry
    FOR EACH ROW EXECUTE FUNCTION security_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS security_audit_append_only ON security_auditentry;
DROP FUNCTION IF EXISTS security_audit_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER security_audit_no_update BEFORE UPDATE ON security_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER security_audit_no_delete BEFORE DELETE ON security_auditentry
    WHEN OLD.at > datetime('now', '-180 days') AND NOT fugong_flushing()
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only (DELETE refused)'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS security_audit_no_update",
    "DROP TRIGGER IF EXISTS security_audit_no_delete",
]


def up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)  # the function holds % placeholders of its own
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def down(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
