"""``python -m boilerx.training``: retrain the shipped models (same as ``boilerx train``)."""

import sys

from boilerx.training.train import main

sys.exit(main())
