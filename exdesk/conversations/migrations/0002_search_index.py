"""Full-text index of SearchDocument.terms, per database.

SQLite: an FTS5 external-content table kept in step by triggers. PostgreSQL: a GIN
index on the term array. Note: if a later migration rebuilds the SearchDocument table on
SQLite (Django remakes tables to alter them), it must recreate these triggers.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE conversations_searchdocument_fts USING fts5("
    "terms, content='conversations_searchdocument', content_rowid='conversation_id')",
    "CREATE TRIGGER conversations_searchdocument_ai AFTER INSERT ON conversations_searchdocument "
    "BEGIN INSERT INTO conversations_searchdocument_fts(rowid, terms) "
    "VALUES (new.conversation_id, new.terms); END",
    "CREATE TRIGGER conversations_searchdocument_ad AFTER DELETE ON conversations_searchdocument "
    "BEGIN INSERT INTO conversations_searchdocument_fts(conversations_searchdocument_fts, rowid, terms) "
    "VALUES ('delete', old.conversation_id, old.terms); END",
    "CREATE TRIGGER conversations_searchdocument_au AFTER UPDATE ON conversations_searchdocument "
    "BEGIN INSERT INTO conversations_searchdocument_fts(conversations_searchdocument_fts, rowid, terms) "
    "VALUES ('delete', old.conversation_id, old.terms); "
    "INSERT INTO conversations_searchdocument_fts(rowid, terms) "
    "VALUES (new.conversation_id, new.terms); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS conversations_searchdocument_au",
    "DROP TRIGGER IF EXISTS conversations_searchdocument_ad",
    "DROP TRIGGER IF EXISTS conversations_searchdocument_ai",
    "DROP TABLE IF EXISTS conversations_searchdocument_fts",
]
POSTGRES_CREATE = [
    "CREATE INDEX conversations_searchdocument_terms_gin ON conversations_searchdocument "
    "USING gin (string_to_array(terms, ' '))",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS conversations_searchdocument_terms_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("conversations", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
