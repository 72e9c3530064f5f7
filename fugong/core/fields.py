"""Model fields that keep personal data encrypted at rest (fugong/core/crypto.py).

`EncryptedCharField` is a CharField to forms, validators, the API and templates (its max_length bounds the
plaintext), and a text column of sealed values to the database: every write path that prepares values through the
field (save, create, bulk_create, bulk_update, update, fugong.core.bulk's executemany writers, simple-history's
copies) seals them, and every read (instances, values(), values_list()) opens them. It cannot be searched, sorted
or compared in SQL: only `= ''` and IS NULL are allowed, any other lookup raises, so that a filter written for a
plain column fails loudly instead of matching nothing.

`PhoneIndexField(source=...)` holds the keyed hash of the phone in `source`, recomputed on every save and kept by
QuerySet.update/bulk_update and fugong.core.bulk (`index_updates`): a phone is found by `phone_filter()`.
"""

from functools import cache, wraps

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.lookups import Exact, IsNull

from fugong.core import crypto


class BlankOnlyExact(Exact):
    """`field = ''` (a blank contact) is all that can be compared: sealed values differ on every write."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            field = self.lhs.output_field
            raise FieldError(
                f"{field.model._meta.label}.{field.name} is encrypted: find a phone through its index "
                "(fugong.core.fields.phone_filter), never by comparing the column"
            )
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):
    def get_internal_type(self):
        # Sealed values are longer than the plaintext the field's max_length bounds.
        return "TextField"

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return BlankOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        if value is None:
            return None
        return crypto.encrypt(str(value))

    def from_db_value(self, value, expression, connection):  # noqa: ARG002 - Django's signature
        if value is None or value == "":
            return value
        return crypto.decrypt(value, where=f"{self.model._meta.db_table}.{self.column}")


class PhoneIndexField(models.CharField):
    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 100), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(key) == default:
                del kwargs[key]
        if kwargs.get("db_index") is True:
            del kwargs["db_index"]
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):  # noqa: ARG002 - called with add= by keyword
        value = crypto.phone_index(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


@cache
def index_fields(model) -> dict[str, str]:
    """{source field name: index field name} of a model's phone indexes."""
    return {f.source: f.name for f in model._meta.concrete_fields if isinstance(f, PhoneIndexField)}


def encrypted_fields(model) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def phone_filter(field: str, phone) -> Q:
    """Rows whose `field` (an encrypted phone with a PhoneIndexField) is this phone: exact, spaces and dashes aside.
    Looked up under every configured key, so rows not yet rotated are found too. Nothing matches a blank phone."""
    indexes = crypto.phone_indexes(phone)
    return Q(**{f"{field}_hash__in": indexes}) if indexes else Q(pk__in=[])


def index_updates(model, values: dict) -> dict:
    """The index values that go with an update of these fields (QuerySet.update, fugong.core.bulk)."""
    return {
        index: crypto.phone_index(values[source])
        for source, index in index_fields(model).items()
        # bulk_update sends its values as CASE expressions, with the index beside them already.
        if source in values and index not in values and not hasattr(values[source], "resolve_expression")
    }


def keep_indexes_on_bulk_writes() -> None:
    """QuerySet.update and bulk_update call no pre_save, and save(update_fields=...) only the named fields' own: the
    indexes of the phones they write are added here."""
    if getattr(QuerySet, "_fugong_indexes", False):
        return
    update, bulk_update, save = QuerySet.update, QuerySet.bulk_update, models.Model.save

    @wraps(save)
    def indexed_save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        pairs = index_fields(type(self)) if fields is not None else None  # type: ignore[arg-type]
        if pairs and fields is not None:
            kwargs["update_fields"] = {*fields, *(index for source, index in pairs.items() if source in fields)}
        return save(self, *args, **kwargs)

    @wraps(update)
    def indexed_update(self, **kwargs):
        if index_fields(self.model):
            kwargs.update(index_updates(self.model, kwargs))
        return update(self, **kwargs)

    @wraps(bulk_update)
    def indexed_bulk_update(self, objs, fields, *args, **kwargs):
        pairs = index_fields(self.model)
        added = [pairs[name] for name in fields if name in pairs and pairs[name] not in fields]
        if added:
            objs = list(objs)
            for obj in objs:
                for source in (name for name in fields if name in pairs):
                    setattr(obj, pairs[source], crypto.phone_index(getattr(obj, source)))
            fields = [*fields, *added]
        return bulk_update(self, objs, fields, *args, **kwargs)

    models.Model.save = indexed_save  # type: ignore[method-assign]
    QuerySet.update = indexed_update  # type: ignore[method-assign]
    QuerySet.bulk_update = indexed_bulk_update  # type: ignore[method-assign]
    QuerySet._fugong_indexes = True  # type: ignore[attr-defined]


def seal_existing(table: str, columns: list[str], indexes: dict[str, str] | None = None, *, pk: str = "id"):
    """A RunPython pair for a data migration: seal the plaintext already in `columns` of `table` (and fill the
    phones' indexes, {phone column: index column}), and back. Raw SQL, in batches by primary key: the migration's
    historical models would try to open the plaintext. Values already sealed are left as they are."""
    indexes = indexes or {}

    def rows(cursor, quote, select):
        last = None
        while True:
            where = f" WHERE {quote(pk)} > %s" if last is not None else ""
            cursor.execute(
                f"SELECT {quote(pk)}, {select} FROM {quote(table)}{where} ORDER BY {quote(pk)} LIMIT 1000",  # noqa: S608
                [last] if last is not None else [],
            )
            batch = cursor.fetchall()
            if not batch:
                return
            yield batch
            last = batch[-1][0]

    def write(schema_editor, transform, with_indexes: bool):
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        targets = [*columns, *(indexes.values() if with_indexes else ())]
        sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608 - names from the migration
            quote(table), ", ".join(f"{quote(c)} = %s" for c in targets), quote(pk)
        )
        with connection.cursor() as cursor:
            for batch in rows(cursor, quote, ", ".join(quote(c) for c in columns)):
                updates = []
                for key, *values in batch:
                    plain = dict(zip(columns, values, strict=True))
                    new = [transform(v) for v in values]
                    if with_indexes:
                        new += [crypto.phone_index(crypto.decrypt(plain[c]) if crypto.is_sealed(plain[c]) else plain[c])
                                for c in indexes]  # fmt: skip
                    updates.append((*new, key))
                with connection.cursor() as writer:
                    writer.executemany(sql, updates)

    def forward(_apps, schema_editor):
        write(schema_editor, lambda v: v if v in (None, "") or crypto.is_sealed(v) else crypto.encrypt(v), True)

    def backward(_apps, schema_editor):
        write(schema_editor, lambda v: crypto.decrypt(v) if crypto.is_sealed(v) else v, False)

    return forward, backward
