"""Opening a stored file (evidence, a signed copy) with the system's viewer."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from channeldesk.store import Store
from channeldesk.store.blobs import BlobError


def open_stored_file(parent: QWidget, store: Store, sha256: str, file_name: str) -> bool:
    """Copy the blob to a temporary file named as the person named it and open it; a
    file not on this computer (not synced yet) or damaged is said, not raised."""
    try:
        data = store.blobs.read_bytes(sha256)
    except BlobError:
        QMessageBox.information(parent, parent.tr("Open file"), parent.tr(
            "“%s” is not on this computer yet (it was added on another device), or its "
            "copy here is damaged. Sync now to fetch it, then try again.") % file_name)
        return False
    folder = Path(tempfile.mkdtemp(prefix="channeldesk-"))
    target = folder / (Path(file_name).name or "file")
    target.write_bytes(data)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
