"""`python -m channeldesk` is the same as the `channeldesk` command."""

import sys

from channeldesk.cli import main

sys.exit(main())
