"""Training the shipped models: reading and labelling the datasets
(:mod:`~boilerx.training.train`), the scikit-learn estimator (:mod:`~boilerx.training.estimator`)
and the scores (:mod:`~boilerx.training.metrics`). Needs the ``[train]`` extra; cleaning never
imports this package."""
