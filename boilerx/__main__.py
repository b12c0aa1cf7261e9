"""``python -m boilerx``: the command line (see :mod:`boilerx.cli`)."""

import sys

from boilerx.cli import main

sys.exit(main())
