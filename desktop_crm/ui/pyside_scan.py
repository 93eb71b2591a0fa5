"""PySide6's look at every module imported after it, made cheap.

Once PySide6 is imported, every module imported after it (SQLAlchemy's,
the models, the services: about 370 on the way to Today) is asked by
PySide whether it "uses PySide6", for its ``from __feature__ import``
(snake_case, true_property): its answer, kept in ``pyside_feature_dict``,
decides which form of PySide's classes that module's code sees. PySide
6.10 answers with ``inspect.getsource(module)``, which reads the whole
source file through ``linecache``, splits it into lines and keeps them in
memory for the life of the process: at 100,000 clients about 6% of the
window thread's instructions until Today is filled (callgrind) and 23 MB
of the 147 MB peak (the bench's start, ``benchmarks/window.py``).

``cheapen_pyside_scan`` keeps the question and the answer and changes only
how the file is read: its bytes, searched for ``b"PySide6"`` (the source
of a module is ASCII-compatible text, so the bytes hold the name exactly
when the text does), nothing kept. A module with no source file (built in,
an extension, a frozen bundle's) says no, as ``inspect.getsource`` failing
did. Nothing changes when PySide is a version without that check.
"""

from __future__ import annotations

import sys
from importlib.machinery import SOURCE_SUFFIXES
from types import ModuleType

# where PySide6 keeps its ``__feature__`` support once QtCore is imported
FEATURE_MODULE = "shibokensupport.feature"
_SOURCE_SUFFIXES = tuple(SOURCE_SUFFIXES)


def uses_pyside(module: ModuleType) -> bool:
    """PySide's question about ``module`` (its source file names PySide6),
    answered from the file's bytes."""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(_SOURCE_SUFFIXES):
        return False
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def cheapen_pyside_scan() -> bool:
    """Answer PySide's per-module question with ``uses_pyside`` from now
    on; True when PySide asks it (it is loaded and has that check). Call
    it once PySide6 is imported and before the rest of the app is."""
    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    return True
