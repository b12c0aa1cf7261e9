"""Benchmark suite for boilerx: quality (shingle P/R/F1, snippets) and speed against peers.

Run it from the repository root with ``python -m benchmarks`` (``--help`` lists the options).
Modules: :mod:`benchmarks.datasets` (readers), :mod:`benchmarks.systems` (extractors),
:mod:`boilerx.training.metrics` (scores), :mod:`benchmarks.speed` (timing, memory, scaling),
:mod:`benchmarks.report` (JSON, markdown, plots), :mod:`benchmarks.demo` (built-in pages).
"""
