"""Build hook for the optional compiled parts; the project's metadata is in pyproject.toml.

Each compiled module of ``boilerx/pipeline`` is built from its Cython source (``NAME.pyx``)
when there is one, else from its C source (``NAME.c``). ``optional=True``: where no C compiler
is found the build goes on without them and boilerx does the same work in Python and NumPy
(same results, slower): ``_walk`` walks the parsed HTML into lines, ``_trees`` walks the
classifier's trees, ``_shape`` counts the characters of each line."""

from pathlib import Path

from setuptools import Extension, setup

MODULES = ("_walk", "_trees", "_shape")
HERE = Path(__file__).resolve().parent
PIPELINE = "boilerx/pipeline"


def extension(name: str, source: str) -> Extension:
    return Extension(
        f"boilerx.pipeline.{name}", [source], optional=True, extra_compile_args=["-O3"]
    )


c_modules = [m for m in MODULES if not (HERE / PIPELINE / f"{m}.pyx").exists()]
cython_modules = [m for m in MODULES if m not in c_modules]
extensions = [extension(m, f"{PIPELINE}/{m}.c") for m in c_modules]
try:
    from Cython.Build import cythonize
except ImportError:  # no Cython (it is a build requirement, so only in a bare checkout)
    pass
else:
    cythonized = cythonize(
        [extension(m, f"{PIPELINE}/{m}.pyx") for m in cython_modules], quiet=True
    )
    for ext in cythonized:  # cythonize makes new Extension objects, without ``optional``
        ext.optional = True
    extensions += cythonized

setup(ext_modules=extensions)
