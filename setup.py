"""Build hook for the optional compiled parts; the project's metadata is in pyproject.toml.

``optional=True``: where no C compiler is found the build goes on without them and boilerx
does the same work with NumPy (same results, slower): ``_trees`` walks the classifier's trees,
``_shape`` counts the characters of each line."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(name, [name.replace(".", "/") + ".c"], optional=True, extra_compile_args=["-O3"])
        for name in ("boilerx.pipeline._trees", "boilerx.pipeline._shape")
    ]
)
