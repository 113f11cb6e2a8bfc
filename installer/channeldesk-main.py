"""The bundled app's entry point: the same ``channeldesk`` command as a pip install.

``freeze_support`` lets ``channeldesk export plans`` start its worker processes from the
frozen executable (PyInstaller re-runs this file in each worker).
"""

import multiprocessing
import sys

from channeldesk.cli.commands import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
