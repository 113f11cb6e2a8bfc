"""Every user option, declared once: its key, type, default and what it is for.

The desktop app keeps the values in QSettings (``ui/shell/settings.py`` reads and writes
them typed); nothing else spells a settings key. A key may hold ``{placeholders}`` for
options kept per thing (a device's name per device id). Qt-free, so the CLI and tests can
list the options without a display.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_OPTIONS: dict[str, Option] = {}


@dataclass(frozen=True)
class Option:
    """One option: ``kind`` is bytes (Qt's saved geometry/state), str, int or bool."""

    key: str
    kind: type
    default: Any
    title: str

    def key_for(self, **parts: str) -> str:
        """The stored key, with this option's placeholders filled in."""
        return self.key.format(**parts) if parts else self.key


def option(key: str, kind: type, default: Any, title: str) -> Option:
    """Declare an option; the same key declared twice is a programming error."""
    if key in _OPTIONS and _OPTIONS[key] != Option(key, kind, default, title):
        raise ValueError(f"the option {key!r} is declared twice")
    if kind not in (bytes, str, int, bool):
        raise TypeError(f"the option {key!r} has an unsupported type {kind!r}")
    declared = _OPTIONS[key] = Option(key, kind, default, title)
    return declared


def declared_options() -> list[Option]:
    """Every option declared so far (modules declare theirs when imported)."""
    return sorted(_OPTIONS.values(), key=lambda o: o.key)


WINDOW_GEOMETRY = option("window/geometry", bytes, None, "Main window size and position")
WINDOW_STATE = option("window/state", bytes, None, "Main window toolbars and docks")
CURRENT_TAB = option("window/tab", str, "", "The tab shown when the window last closed")
