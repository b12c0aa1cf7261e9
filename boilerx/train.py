"""``python -m boilerx.train``: retrain the models (see :mod:`boilerx.training.train`); the same
as ``boilerx train``, which says what to install when scikit-learn is missing."""

import sys

if __name__ == "__main__":
    from boilerx.cli import main

    sys.exit(main(["train", *sys.argv[1:]]))
