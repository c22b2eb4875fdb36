"""A fresh, migrated exdesk database for a benchmark run: SQLite in a new temporary
folder, or a new PostgreSQL database on 127.0.0.1."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = "postgresql://postgres@127.0.0.1:5432/{name}"


def setup_django(db: str, label: str) -> None:
    os.environ.setdefault("EXDESK_DEMO", "1")
    os.environ["EXDESK_DATA_DIR"] = tempfile.mkdtemp(prefix=f"exdesk-{label}-bench-")
    if db == "postgresql":
        import psycopg

        name = f"exdesk_{label}_bench_{os.getpid()}"
        with psycopg.connect(PG_URL.format(name="postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = PG_URL.format(name=name)
    else:
        os.environ["DATABASE_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exdesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
