"""Typed access to QSettings for the options declared in ``channeldesk/settings.py``.

QSettings hands back strings from INI files and QByteArrays for saved Qt state; this
turns them into the option's type (a bad stored value falls back to the default, so a
hand-edited settings file never breaks the window).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from channeldesk.settings import Option

log = logging.getLogger(__name__)


class Settings:
    """The window's settings: ``get``/``set`` by :class:`Option`, never by raw key."""

    def __init__(self, store: QSettings) -> None:
        self.qsettings = store

    def get(self, opt: Option, **parts: str) -> Any:
        raw = self.qsettings.value(opt.key_for(**parts))
        if raw is None:
            return opt.default
        try:
            return _typed(opt.kind, raw)
        except (TypeError, ValueError):
            log.warning("ignoring a bad stored value for %s: %r", opt.key, raw)
            return opt.default

    def set(self, opt: Option, value: Any, **parts: str) -> None:
        if opt.kind is bytes and isinstance(value, bytes):
            value = QByteArray(value)
        self.qsettings.setValue(opt.key_for(**parts), value)

    def sync(self) -> None:
        self.qsettings.sync()

    def file_name(self) -> str:
        return self.qsettings.fileName()


def _typed(kind: type, raw: Any) -> Any:
    if kind is bytes:
        if isinstance(raw, QByteArray):
            return raw
        if isinstance(raw, bytes | bytearray):
            return QByteArray(bytes(raw))
        raise TypeError("not saved Qt state")
    if kind is bool:
        if isinstance(raw, str):
            if raw.lower() in ("true", "1", "yes"):
                return True
            if raw.lower() in ("false", "0", "no", ""):
                return False
            raise ValueError(raw)
        return bool(raw)
    if kind is int:
        return int(raw)
    return str(raw)
