"""Build hook for the optional compiled tree scorer; the project's metadata is in pyproject.toml.

``optional=True``: where no C compiler is found the build goes on without it and boilerx
scores its trees with NumPy (same results, slower)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("boilerx._trees", ["boilerx/_trees.c"], optional=True, extra_compile_args=["-O3"])
    ]
)
