"""What every model shares: the local and synced row shapes, and attaching a description.

Every synced table derives from :class:`SyncedModel`: a UUIDv7 text id made on this
device, created/updated hybrid-clock stamps and a tombstone flag. Models describe tables
for reading; all writes go through :class:`channeldesk.store.database.Store`, and SQLite
triggers (see ``journal.py``) journal every change whatever code makes it.

What a table means to a person (labels, choices, internal-only fields, money) is its
:class:`~channeldesk.store.description.TableDescription`, declared beside the model and
joined to it by :func:`attach`; ``internal_fields`` and ``blob_fields`` are read from it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from peewee import (
    BooleanField,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from channeldesk.store.description import Kind, TableDescription, register
from channeldesk.store.lenient import stored_date, stored_int


class IsoDateField(DateField):
    """A date stored as ISO text ('2026-11-27'), without relying on sqlite3's adapters.
    A stored text that is no date (left by an older version) reads as None, reported
    once (see ``store.lenient``), so one bad row never breaks a view or an export."""

    def db_value(self, value):
        value = super().db_value(value)
        return value.isoformat() if hasattr(value, "isoformat") else value

    def python_value(self, value):
        return stored_date(value, f"{self.model._meta.table_name}.{self.column_name}")


class CheckedIntegerField(IntegerField):
    """An integer column that reads a stored non-integer ('lots', '1e308') as None, or 0
    where the column is NOT NULL, reported once: sums, money and PDFs keep working."""

    def python_value(self, value):
        number = stored_int(value, f"{self.model._meta.table_name}.{self.column_name}")
        if number is None and value is not None and value != "" and not self.null:
            return 0
        return number


class LocalModel(Model):
    """Tables that stay on this device and never sync."""

    class Meta:
        legacy_table_names = False


class SyncedModel(LocalModel):
    """A row that syncs: client-made id, clock stamps, tombstone instead of delete."""

    id = TextField(primary_key=True)
    created_at = TextField()
    updated_at = TextField()
    deleted = BooleanField(default=False)

    description: ClassVar[TableDescription]
    # Derived from the description by ``attach``; never declared by hand.
    internal_fields: ClassVar[frozenset[str]] = frozenset()
    blob_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def live(cls):
        """Rows that have not been deleted."""
        return cls.select().where(cls.deleted == False)  # noqa: E712 (peewee expression)

    @classmethod
    def editable_fields(cls) -> list[str]:
        """Fields a user or an import may set; bookkeeping columns are the store's."""
        bookkeeping = {"id", "created_at", "updated_at", "deleted"}
        return [name for name in cls._meta.sorted_field_names if name not in bookkeeping]


def synced_models() -> list[type[SyncedModel]]:
    """Every synced model, found by inheritance so a new one cannot be left out."""
    found: list[type[SyncedModel]] = []
    pending = list(SyncedModel.__subclasses__())
    while pending:
        model = pending.pop(0)
        found.append(model)
        pending.extend(model.__subclasses__())
    return found


# Which description kinds each peewee column type may hold.
_KINDS_BY_COLUMN: dict[type, frozenset[Kind]] = {
    ForeignKeyField: frozenset({Kind.REFERENCE}),
    BooleanField: frozenset({Kind.BOOL}),
    DateField: frozenset({Kind.DATE}),
    IntegerField: frozenset({Kind.INT, Kind.MONEY}),
    TextField: frozenset({Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE, Kind.TIMESTAMP, Kind.BLOB}),
}


def attach(model: type[SyncedModel], description: TableDescription) -> TableDescription:
    """Join a model and its description, checked against each other at import time.

    Every editable column must be described and every described field must be a column
    of a kind its type can hold, so a column added without a label, or a label left
    behind, fails the first import instead of a screen. NOT NULL, defaults and the
    attribute names of references are read from the model (their one declaration).
    """
    if description.table != model._meta.table_name:
        raise TypeError(f"{model.__name__}: a description of {description.table!r}")
    columns = {f.column_name: f for f in model._meta.sorted_fields
               if f.name in model.editable_fields()}
    described = {spec.name for spec in description.fields}
    if described != set(columns):
        raise TypeError(f"{model.__name__}: describe {sorted(set(columns) - described)}, "
                        f"drop {sorted(described - set(columns))}")
    specs = []
    for spec in description.fields:
        column = columns[spec.name]
        allowed = next(kinds for kind, kinds in _KINDS_BY_COLUMN.items()
                       if isinstance(column, kind))
        if spec.kind not in allowed:
            raise TypeError(f"{model.__name__}.{column.name} cannot be a {spec.kind}")
        specs.append(replace(spec, nullable=column.null,
                             has_default=column.default is not None,
                             attribute=column.name if column.name != spec.name else ""))
    complete = replace(description, fields=tuple(specs))
    model.description = complete
    model.internal_fields = complete.internal_fields()
    model.blob_fields = complete.blob_fields()
    return register(complete)
