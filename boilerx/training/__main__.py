"""``python -m boilerx.training``: retrain the shipped models (same as ``boilerx train``)."""

import sys

from boilerx.cli import main

sys.exit(main(["train", *sys.argv[1:]]))
