"""The cleaning pipeline, one module a stage, run for a page by :mod:`boilerx.api`:

1. :mod:`~boilerx.pipeline.decode` — bytes to text, HTML or scraped text detected;
2. :mod:`~boilerx.pipeline.lines` — the page cut into lines (with their markup, for HTML);
3. :mod:`~boilerx.pipeline.features` — a feature row per line;
4. :mod:`~boilerx.pipeline.classify` and :mod:`~boilerx.pipeline.model` — the shipped,
   checksummed tree models score each line;
5–6. :mod:`~boilerx.pipeline.decide` — which lines are body, assembled into the article.
"""
