"""The one compiled module, storydiff.nlp._held_parse (spaCy's greedy parse with the GIL held;
why, in its docstring). It is built against the pinned spaCy's .pxd files, and it is optional:
without a compiler the package still installs, and spaCy's own parse runs (slower, same result).
Everything else about the package is in pyproject.toml."""

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

held_parse = Extension(
    "storydiff.nlp._held_parse",
    ["src/storydiff/nlp/_held_parse.pyx"],
    language="c++",
    include_dirs=[numpy.get_include()],  # spaCy's .pxd files cimport numpy
    optional=True,
)

setup(ext_modules=cythonize([held_parse], quiet=True))
