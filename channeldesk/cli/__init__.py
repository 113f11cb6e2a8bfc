"""The ``channeldesk`` command line."""

from channeldesk.cli.commands import main

__all__ = ["main"]
