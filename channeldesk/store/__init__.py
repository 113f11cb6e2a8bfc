"""The local database: models, the change journal, migrations, backup and blobs. No Qt."""

from channeldesk.store.database import Store, open_store
from channeldesk.store.errors import StoreOpenError

__all__ = ["Store", "StoreOpenError", "open_store"]
