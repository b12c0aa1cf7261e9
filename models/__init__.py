"""The shipped model files, installed as the package ``boilerx.models`` (see pyproject.toml).

A regular package, not a namespace one: ``importlib.resources.files`` then gives a real folder
(for a namespace package Python 3.10 and 3.11 give a ``MultiplexedPath`` whose ``str`` is no
path, and the installed models were not found)."""
