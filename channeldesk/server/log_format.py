"""Log lines that say what happened and nothing more: untrusted text (an email typed at
login, a value in a refusal) cannot forge a line by carrying a newline.

Every control character of a message (C0, DEL, C1, and the Unicode line and paragraph
separators) is written as a visible escape (``\\n``, ``\\x1b``, ``\\u2028``); a traceback
after the message stays as it is (it is the server's own text).
"""

from __future__ import annotations

import logging
import re

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """``text`` with every control character as a visible escape."""
    def visible(match: re.Match[str]) -> str:
        char = match.group()
        if char in _NAMED:
            return _NAMED[char]
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    return _CONTROL.sub(visible, text)


class EscapingFormatter(logging.Formatter):
    """A formatter that escapes control characters in the message part of a line."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)


def install(logger: logging.Logger | None = None, fmt: str = LOG_FORMAT) -> None:
    """Give every handler of ``logger`` (the root logger by default) the escaping
    formatter."""
    for handler in (logger or logging.getLogger()).handlers:
        handler.setFormatter(EscapingFormatter(fmt))
