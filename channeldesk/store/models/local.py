"""Tables that never sync: the change journal (outbox) and facts about this copy."""

from __future__ import annotations

from peewee import AutoField, BareField, TextField

from channeldesk.store.models.base import LocalModel


class Change(LocalModel):
    """The change journal (outbox): one row per changed field, written by triggers."""

    seq = AutoField()
    change_id = TextField()
    table_name = TextField()
    row_id = TextField()
    field = TextField()
    value = BareField(null=True)  # untyped: text, integer, real or null, as written
    hlc = TextField()

    class Meta:
        table_name = "change"


class LocalMeta(LocalModel):
    """Facts about this copy of the database: device id and the like."""

    key = TextField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "local_meta"
