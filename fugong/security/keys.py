"""Key rotation of the encrypted personal data (fugong/core/crypto.py): every sealed value under the current key.

Put a new key first in FIELD_KEYS (the old one after it, so that values can still be opened), run
`manage.py rotate_keys`, and when `manage.py rotate_keys --check` finds nothing left under the old key, remove the
old key. Each table is walked in batches by primary key, one transaction a batch, and a row is rewritten only if a
value in it is not yet under the current key and cipher (or its phone's hash not under the current key): the
command is idempotent, and an interrupted run resumes where it stopped when run again. A row changed by the
application while its batch was read is left as the application wrote it (under the current key already).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

from fugong.core import crypto
from fugong.core.fields import encrypted_fields, index_fields
from fugong.security import trail
from fugong.security.models import Action


@dataclass
class Table:
    label: str
    table: str
    pk: str
    columns: list[str]
    indexes: dict[str, str]  # phone column -> its index column


@dataclass
class Tally:
    rows_read: int = 0
    rows_rewritten: int = 0
    rows_skipped: int = 0  # changed by the application meanwhile
    by_table: dict[str, int] = field(default_factory=dict)


def tables() -> list[Table]:
    found = []
    for model in apps.get_models():
        sealed = encrypted_fields(model)
        if not sealed or model._meta.proxy or not model._meta.managed:
            continue
        meta = model._meta
        by_name = {f.name: f.column for f in meta.concrete_fields}
        pairs = {by_name[s]: by_name[i] for s, i in index_fields(model).items()}
        found.append(Table(meta.label, meta.db_table, meta.pk.column, [str(f.column) for f in sealed], pairs))
    return sorted(found, key=lambda t: t.table)


def _batches(table: Table, size: int) -> Iterator[list[tuple]]:
    quote = connection.ops.quote_name
    select = ", ".join(quote(c) for c in [table.pk, *table.columns, *table.indexes.values()])
    last = None
    while True:
        where = f" WHERE {quote(table.pk)} > %s" if last is not None else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {select} FROM {quote(table.table)}{where} ORDER BY {quote(table.pk)} LIMIT %s",  # noqa: S608
                [*([last] if last is not None else []), size],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _stale(table: Table, row: tuple) -> bool:
    values = row[1 : 1 + len(table.columns)]
    index_values = row[1 + len(table.columns) :]
    return any(crypto.needs_rotation(v) for v in values) or any(crypto.index_needs_rotation(v) for v in index_values)


def rotate_table(table: Table, *, batch: int = 500, tally: Tally | None = None) -> Tally:
    """One table, a transaction per batch: the handle_one of `rotate_keys`."""
    tally = tally or Tally()
    quote = connection.ops.quote_name
    columns = [*table.columns, *table.indexes.values()]
    sql = "UPDATE {} SET {} WHERE {} = %s AND {}".format(  # noqa: S608 - names from the models
        quote(table.table),
        ", ".join(f"{quote(c)} = %s" for c in columns),
        quote(table.pk),
        " AND ".join(f"{quote(c)} = %s" for c in table.columns),
    )
    rewritten = 0
    for rows in _batches(table, batch):
        tally.rows_read += len(rows)
        with transaction.atomic(), connection.cursor() as cursor:
            for row in rows:
                if not _stale(table, row):
                    continue
                old = list(row[1 : 1 + len(table.columns)])
                where = f"{table.table}.{table.pk}={row[0]}"
                plain = {c: crypto.decrypt(v, where=where) if v else v for c, v in zip(table.columns, old, strict=True)}
                sealed = [crypto.encrypt(plain[c]) if plain[c] else plain[c] for c in table.columns]
                index_values = [crypto.phone_index(plain[c]) for c in table.indexes]
                cursor.execute(sql, [*sealed, *index_values, row[0], *old])
                if cursor.rowcount:
                    rewritten += 1
                else:
                    tally.rows_skipped += 1
    tally.rows_rewritten += rewritten
    tally.by_table[table.table] = rewritten
    return tally


def remaining() -> dict[str, int]:
    """Rows per table with a value (or a phone's hash) not yet under the current key and cipher."""
    left = {}
    for table in tables():
        count = sum(1 for rows in _batches(table, 2000) for row in rows if _stale(table, row))
        if count:
            left[table.table] = count
    return left


def rotate_all(*, batch: int = 500, on_table=None) -> Tally:
    tally = Tally()
    for table in tables():
        rotate_table(table, batch=batch, tally=tally)
        if on_table is not None:
            on_table(table, tally.by_table[table.table])
    keys = crypto.ring()
    trail.note(
        Action.ADMIN,
        model="security.fieldkeys",
        summary="personal data re-encrypted under the current key",
        detail={"key": keys.current.id, "cipher": keys.cipher, "rows": tally.rows_rewritten, "tables": tally.by_table},
    )
    return tally
