"""Where each feature adds its sub-commands to ``channeldesk``.

``commands.py`` builds the parser and hands a :class:`CommandSet` to every feature's
``register(commands)``; a feature adds top-level commands (``demo``, ``sync``), kinds of
a shared verb (``export prospects``, ``export plan``) and actions of its own noun
(``prospect move``, ``plan copy``). Nothing here names a feature, and no feature module
imports ``commands.py``, so there is no import cycle.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable, Mapping

from channeldesk.cli.errors import EPILOG, EXIT_USAGE, CommandError

Handler = Callable[[argparse.Namespace], int]


class CommandSet:
    """The sub-commands of one parser level, with the options every command accepts.

    ``groups`` holds the texts of the commands that take a second word (``import KIND``,
    ``export KIND``); a group is created the first time a feature adds to it, so the help
    lists it where its first kind was registered.
    """

    def __init__(self, subparsers, shared: argparse.ArgumentParser,
                 groups: Mapping[str, tuple[str, str]] | None = None) -> None:
        self._subparsers = subparsers
        self.shared = shared
        self._group_texts = dict(groups or {})
        self._groups: dict[str, CommandSet] = {}

    def add(self, name: str, handler: Handler, summary: str,
            description: str) -> argparse.ArgumentParser:
        """A command (or a kind/action of a group) that runs ``handler(args)``."""
        sub = self._subparsers.add_parser(
            name, parents=[self.shared], help=summary, description=textwrap.fill(description),
            epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.set_defaults(handler=handler)
        return sub

    def group(self, name: str, summary: str = "", description: str = "",
              word: str = "KIND") -> CommandSet:
        """The commands under ``name`` (``channeldesk NAME WORD ...``), made on first use.

        Texts not given here come from the ``groups`` table the parser was built with.
        """
        if name not in self._groups:
            summary, description = self._group_texts.get(name, (summary, description))
            parser = self.add(name, _missing_word, summary, description)
            subparsers = parser.add_subparsers(dest=word.lower(), metavar=word, required=True)
            self._groups[name] = CommandSet(subparsers, self.shared)
        return self._groups[name]


def _missing_word(args: argparse.Namespace) -> int:
    raise CommandError(EXIT_USAGE, f"Name what to {args.command}, e.g. channeldesk "
                                   f"{args.command} --help")
