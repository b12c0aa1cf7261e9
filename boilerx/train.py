"""``python -m boilerx.train``: retrain the models (see :mod:`boilerx.training.train`)."""

import sys

if __name__ == "__main__":
    from boilerx.training.train import main

    sys.exit(main())
