"""Plain SQL for the statements a chat runs on every message.

Building a query through the ORM (compiling the SQL) cost more than running it: about
1 ms of the chat's ~2 ms of CPU per message, on the one thread every database call from
async code shares (docs/decisions/0003-one-process-without-redis.md). These helpers build
each statement once per model, then only convert values, as the ORM would, and run it.

They do what ``Model.save`` does for plain models: defaults, ``auto_now`` and
``auto_now_add`` through each field's ``pre_save``, values through ``get_db_prep_save``,
database errors as Django's (so ``IntegrityError`` still means "stored already").
They send no ``pre_save``/``post_save`` signals; nothing in exdesk listens to them.
"""

from __future__ import annotations

import functools
from typing import Literal, TypeVar, overload

from django.db import DatabaseError, NotSupportedError, connections, models

M = TypeVar("M", bound=models.Model)


@overload
def insert(
    instance: M,
    using: str = ...,
    *,
    number: tuple[str, str] | None = ...,
    skip_conflicts: Literal[False] = ...,
) -> M: ...


@overload
def insert(
    instance: M, using: str = ..., *, number: tuple[str, str] | None = ..., skip_conflicts: bool
) -> M | None: ...


def insert(instance, using="default", *, number=None, skip_conflicts=False):
    """INSERT a new row, as ``instance.save()`` would, and set its primary key.

    ``number=(field, scope)``: ``field`` gets one more than its largest value among rows
    with the same ``scope`` (e.g. the next ``seq`` of a conversation), computed in the same
    statement. The caller holds a lock that makes that safe (the scope row's).

    ``skip_conflicts``: a row that would break a unique constraint is not stored and
    None is returned, without a database error (which would abort a PostgreSQL
    transaction and, without a savepoint, everything else in it)."""
    connection = connections[using]
    model: type[models.Model] = type(instance)
    sql, fields = _insert_statement(model, using, number, skip_conflicts)
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    if number:
        scope_field = model._meta.get_field(number[1])
        values.append(getattr(instance, scope_field.attname))  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:  # skipped: it conflicted with a stored row
        return None
    instance.pk = row[0]
    if number:
        setattr(instance, number[0], row[1])
    instance._state.adding = False
    instance._state.db = using
    return instance


def update(instance: models.Model, field_names: list[str], using: str = "default") -> None:
    """UPDATE the named fields of a stored row, as ``save(update_fields=...)`` would
    (``auto_now`` fields in the list are set to now)."""
    connection = connections[using]
    model = type(instance)
    sql, fields = _update_statement(model, tuple(field_names), using)
    values = [f.get_db_prep_save(f.pre_save(instance, False), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, instance.pk])
        if cursor.rowcount != 1:
            raise DatabaseError(f"{model.__name__} {instance.pk} is not stored; nothing updated")


@functools.cache
def _insert_statement(
    model, using: str, number: tuple[str, str] | None, skip_conflicts: bool
) -> tuple[str, list]:
    connection = connections[using]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    numbered = model._meta.get_field(number[0]) if number else None
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f is pk and f.db_returning) and f is not numbered
    ]
    columns = [quote(f.column) for f in fields]
    placeholders = ["%s"] * len(fields)
    # Identifiers come from the model's metadata, quoted; values are always parameters.
    table = quote(model._meta.db_table)
    if number is not None and numbered is not None:
        scope = quote(model._meta.get_field(number[1]).column)
        column = quote(numbered.column)
        sql = (
            f"INSERT INTO {table} ({', '.join([*columns, column])}) "  # noqa: S608
            f"SELECT {', '.join(placeholders)}, COALESCE(MAX({column}), 0) + 1 "
            f"FROM {table} WHERE {scope} = %s"
        )
    else:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(placeholders)})"  # noqa: S608
    if skip_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    # Both supported databases return columns from an INSERT (SQLite since 3.35).
    if not connection.features.can_return_columns_from_insert:
        raise NotSupportedError("plainsql needs INSERT ... RETURNING")
    sql += f" RETURNING {quote(pk.column)}"
    if numbered is not None:
        sql += f", {quote(numbered.column)}"
    return sql, fields


@functools.cache
def _update_statement(model, field_names: tuple[str, ...], using: str) -> tuple[str, list]:
    quote = connections[using].ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"UPDATE {table} SET {assignments} WHERE {pk} = %s", fields  # noqa: S608
