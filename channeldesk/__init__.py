"""ChannelDesk: an offline-first desktop workbench for channel account managers."""

__version__ = "0.1.0"
