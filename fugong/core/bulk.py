"""Plain INSERT and UPDATE with executemany, for the write paths that take thousands of rows.

Model instances and bulk_create cost about 0.2 ms a row in Python; the bulk report API must take
10,000 reports a second. Values go through each field's get_db_prep_save, so they are stored
exactly as the ORM would store them, on SQLite and PostgreSQL alike.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from fugong.core.crypto import phone_index
from fugong.core.fields import index_fields


def _columns(model, fields: list[str]):
    meta = model._meta
    return [meta.get_field(name) for name in fields]


def _connection():
    # The connection itself, not django.db.connection: that proxy looks the connection up again on
    # every attribute, which doubled the cost of preparing each value.
    return connections[DEFAULT_DB_ALIAS]


def _with_indexes(model, fields: list[str], rows: list[tuple], *, keyed: bool = False):
    """Encrypted phones written here carry their index (fugong/core/fields.py), as on every other write path."""
    pairs = {s: i for s, i in index_fields(model).items() if s in fields and i not in fields}
    if not pairs:
        return fields, rows
    at = [fields.index(source) for source in pairs]
    extended = []
    for row in rows:
        values, key = (row[:-1], row[-1:]) if keyed else (row, ())
        extended.append((*values, *(phone_index(values[i]) for i in at), *key))
    return [*fields, *pairs.values()], extended


def insert_rows(model, fields: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    fields, rows = _with_indexes(model, fields, rows)
    columns = _columns(model, fields)
    connection = _connection()
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names come from the model, values are parameters
        quote(model._meta.db_table),
        ", ".join(quote(c.column) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    params = [tuple(c.get_db_prep_save(v, connection) for c, v in zip(columns, row, strict=True)) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def update_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """Each row is the new values of `fields` followed by the primary key."""
    if not rows:
        return
    fields, rows = _with_indexes(model, fields, rows, keyed=True)
    columns = _columns(model, fields)
    connection = _connection()
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names come from the model, values are parameters
        quote(model._meta.db_table),
        ", ".join(f"{quote(c.column)} = %s" for c in columns),
        quote(model._meta.pk.column),
    )
    params = [
        (*(c.get_db_prep_save(v, connection) for c, v in zip(columns, row[:-1], strict=True)), row[-1]) for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
