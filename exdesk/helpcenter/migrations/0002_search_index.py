"""The knowledge-base search index, per database (exdesk/helpcenter/search.py).

SQLite: an FTS5 table keyed by article id, with the field weights of BM25 set as its
rank (scope 0, title 8, summary 4, body 1), and a vocabulary table of document counts.
PostgreSQL: a table of tsvectors with a GIN index.
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE helpcenter_search USING fts5("
    "scope, title, summary, body, tokenize = 'unicode61 remove_diacritics 0')",
    "INSERT INTO helpcenter_search(helpcenter_search, rank) VALUES ('rank', 'bm25(0, 8.0, 4.0, 1.0)')",
    # How many articles hold each term: a large index selects by rare body words only.
    "CREATE VIRTUAL TABLE helpcenter_search_vocab USING fts5vocab(helpcenter_search, row)",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS helpcenter_search_vocab",
    "DROP TABLE IF EXISTS helpcenter_search",
]
POSTGRES_CREATE = [
    # No foreign key: Django's flush truncates only its own tables, and a reference from
    # here would make that fail. Rows of articles that are gone are dropped after every
    # migrate or flush (apps.HelpCenterConfig) and skipped by searches meanwhile.
    "CREATE TABLE helpcenter_search ("
    " article_id bigint PRIMARY KEY,"
    " language varchar(10) NOT NULL, visibility varchar(10) NOT NULL, document tsvector NOT NULL)",
    "CREATE INDEX helpcenter_search_document ON helpcenter_search USING gin (document)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS helpcenter_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("helpcenter", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
