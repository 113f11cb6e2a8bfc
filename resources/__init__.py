"""Files ChannelDesk ships: fonts (with their licences), branding and icons.

Kept at the top of the repository and installed as the package data of
``channeldesk.resources`` (``pyproject.toml`` maps this folder to that package), so a
wheel, a ``--user`` or system install, an editable checkout and the PyInstaller bundle
all hold them as plain files beside the code. Read them only through
``channeldesk.paths.resource``.
"""
