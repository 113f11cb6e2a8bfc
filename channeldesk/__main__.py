"""`python -m channeldesk` is the same as the `channeldesk` command."""

import sys

from channeldesk.cli.commands import main

sys.exit(main())
