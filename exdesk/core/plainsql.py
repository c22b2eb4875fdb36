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
from typing import TypeVar

from django.db import DatabaseError, connections, models

M = TypeVar("M", bound=models.Model)


def insert(instance: M, using: str = "default") -> M:
    """INSERT a new row, as ``instance.save()`` would, and set its primary key."""
    connection = connections[using]
    model = type(instance)
    sql, fields, returns_pk = _insert_statement(model, using)
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if returns_pk:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(
                cursor, model._meta.db_table, str(model._meta.pk.column)
            )
    instance.pk = pk
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


def get(
    model: type[models.Model], pk, field_names: list[str], *, for_update=False, using="default"
):
    """One row by primary key with only ``field_names`` loaded (others load on first use),
    optionally locked (``SELECT ... FOR UPDATE`` where the database has it; SQLite's write
    transaction already admits one writer). Raises ``model.DoesNotExist``."""
    connection = connections[using]
    sql, names = _select_statement(model, tuple(field_names), using)
    if for_update and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"{model.__name__} {pk} does not exist")  # type: ignore[attr-defined]
    return model.from_db(using, names, list(row))


@functools.cache
def _insert_statement(model, using: str) -> tuple[str, list, bool]:
    connection = connections[using]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if not (f is pk and f.db_returning)]
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    # Identifiers come from the model's metadata, quoted; values are always parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    returns_pk = connection.features.can_return_columns_from_insert
    if returns_pk:
        sql += f" RETURNING {quote(pk.column)}"
    return sql, fields, returns_pk


@functools.cache
def _update_statement(model, field_names: tuple[str, ...], using: str) -> tuple[str, list]:
    quote = connections[using].ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"UPDATE {table} SET {assignments} WHERE {pk} = %s", fields  # noqa: S608


@functools.cache
def _select_statement(model, field_names: tuple[str, ...], using: str) -> tuple[str, list[str]]:
    quote = connections[using].ops.quote_name
    wanted = {model._meta.get_field(name).attname for name in field_names}
    wanted.add(model._meta.pk.attname)
    # Model.from_db takes loaded values in the order of the model's concrete fields.
    fields = [f for f in model._meta.concrete_fields if f.attname in wanted]
    for field in fields:
        # Only types that need no conversion on the way out (dates do on SQLite).
        if field.get_internal_type() not in _UNCONVERTED_TYPES:
            raise TypeError(f"{model.__name__}.{field.name} needs a converter; use the ORM")
    columns = ", ".join(quote(f.column) for f in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql = f"SELECT {columns} FROM {table} WHERE {pk} = %s"  # noqa: S608
    return sql, [f.attname for f in fields]


_UNCONVERTED_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
