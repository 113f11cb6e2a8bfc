"""How the app shows dates and numbers: in the user's locale, the same in every tab."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QLocale


def format_date(value: date | None) -> str:
    """A date in the user's locale, short form; ISO where no locale is set (the C locale)."""
    if value is None:
        return ""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return value.isoformat()
    return locale.toString(value, QLocale.FormatType.ShortFormat)
