"""Every dataclass in cadence_tui carries a docstring we wrote.

Two reasons. Documentation: a dataclass is a domain object (a meeting's
record, a digest line, a page of actions) and one line saying what it is
saves reading its callers. Start-up time: for a class without a docstring,
Python 3.11's ``dataclass`` builds ``__doc__`` from ``inspect.signature``
of the generated ``__init__``, at import, and the app's start-up path
imports several of these modules.

The test imports every module of the package (none skipped) and looks at
the dataclasses defined in each; the generated docstring starts with
``ClassName(``, which is how an offender is recognised.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from pathlib import Path

import cadence_tui


def _raise(name: str) -> None:
    # walk_packages otherwise ignores a subpackage that fails to import, and
    # with it every module inside: none may be skipped silently.
    raise ImportError(f"cannot import {name}")


def _modules() -> list[str]:
    walked = pkgutil.walk_packages(cadence_tui.__path__, prefix="cadence_tui.", onerror=_raise)
    return ["cadence_tui", *sorted(info.name for info in walked)]


def test_every_module_is_walked() -> None:
    # Guards the walk itself: every .py file of the package is a module it visits.
    root = Path(cadence_tui.__file__).parent
    on_disk = {
        ".".join(("cadence_tui", *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
        for path in root.rglob("*.py")
    }
    assert set(_modules()) == on_disk


def test_every_dataclass_has_a_written_docstring() -> None:
    offenders: list[str] = []
    seen = 0
    for name in _modules():
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if not (isinstance(obj, type) and dataclasses.is_dataclass(obj)):
                continue
            if obj.__module__ != name or obj.__name__ != attr:
                continue
            seen += 1
            doc = obj.__doc__ or ""
            if not doc.strip() or doc.startswith(f"{obj.__name__}("):
                offenders.append(f"{name}.{obj.__qualname__}")
    assert seen, "no dataclass found: the walk is broken"
    assert not offenders, "dataclasses without a docstring:\n" + "\n".join(offenders)
