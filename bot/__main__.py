"""`python -m bot` runs the `hemei` command."""

import sys

from bot.cli import main

sys.exit(main())
