"""Build hook for the optional compiled parts; the project's metadata is in pyproject.toml.

``optional=True``: where no C compiler is found the build goes on without them and boilerx
does the same work in Python (same results, slower): ``_walk`` (Cython) walks the parsed HTML
into lines, ``_trees`` walks the classifier's trees, ``_shape`` counts the characters of each
line."""

from setuptools import Extension, setup

extensions = [
    Extension(name, [name.replace(".", "/") + ".c"], optional=True, extra_compile_args=["-O3"])
    for name in ("boilerx.pipeline._trees", "boilerx.pipeline._shape")
]
try:
    from Cython.Build import cythonize
except ImportError:  # no Cython (it is a build requirement, so only in a bare checkout)
    pass
else:
    extensions += cythonize(
        [
            Extension(
                "boilerx.pipeline._walk",
                ["boilerx/pipeline/_walk.pyx"],
                optional=True,
                extra_compile_args=["-O3"],
            )
        ],
        quiet=True,
    )

setup(ext_modules=extensions)
