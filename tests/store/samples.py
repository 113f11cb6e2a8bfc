"""Valid rows for any synced model, built from its peewee field types.

A model added later gets sample rows without anyone writing them; a field type this does
not know fails loudly instead of being skipped.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from peewee import BooleanField, DateField, Field, ForeignKeyField, IntegerField, TextField

from channeldesk.store import Store
from channeldesk.store.models import SyncedModel


def sample_value(store: Store, model: type[SyncedModel], field: Field, variant: int) -> Any:
    """A valid value for ``field``; a different variant gives a different value."""
    if isinstance(field, ForeignKeyField) and field.rel_model is model:
        # A link to another row of the same table (a plan's revision): one that links
        # to none, or the chain would never end.
        return store.insert(model, {name: sample_value(store, model, model._meta.fields[name],
                                                       variant)
                                    for name in model.editable_fields() if name != field.name})
    if isinstance(field, ForeignKeyField):
        if field.rel_model is model:  # a link within the table (a step due after another)
            return store.insert(model, sample_values(store, model, variant, without=field.name))
        return insert_sample(store, field.rel_model, variant)
    if isinstance(field, BooleanField):
        return variant % 2 == 0
    if isinstance(field, DateField):  # IsoDateField included
        return date(2026, 1, 1 + variant)
    if isinstance(field, IntegerField):
        return 100 + variant
    if isinstance(field, TextField):
        return f"{model.__name__} {field.name} {variant}"
    raise AssertionError(
        f"{model.__name__}.{field.name}: teach tests/store/samples.py a value for "
        f"{type(field).__name__}"
    )


def sample_values(store: Store, model: type[SyncedModel], variant: int = 0,
                  without: str = "") -> dict[str, Any]:
    """Every editable field of ``model`` set, none left to its default (``without``
    None: the first row a link within the table can point at)."""
    return {
        name: None if name == without else
        sample_value(store, model, model._meta.fields[name], variant)
        for name in model.editable_fields()
    }


def insert_sample(store: Store, model: type[SyncedModel], variant: int = 0) -> str:
    return store.insert(model, sample_values(store, model, variant))


def column_names(model: type[SyncedModel]) -> set[str]:
    return {field.column_name for field in model._meta.sorted_fields}
