"""The source registry: one module per data source, found in this package.

Each module defines ``KIND``, ``TITLE``, ``PRIORITY`` (lower sniffs first: put specific formats
before general ones), ``sniff(head) -> bool`` and ``load(ctx) -> LoadCounts``; see
:mod:`reports.loading`. Adding a source means adding a module here and its fixtures.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from types import ModuleType

from reports.detect import Head
from reports.errors import UsageError


@cache
def registry() -> dict[str, ModuleType]:
    """Every source module by ``KIND``, in sniffing order."""
    modules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "KIND"):
            modules.append(module)
    modules.sort(key=lambda m: (m.PRIORITY, m.KIND))
    return {m.KIND: m for m in modules}


def get(kind: str) -> ModuleType:
    """The module for ``kind``; a UsageError listing the known kinds otherwise."""
    sources = registry()
    if kind not in sources:
        raise UsageError(f"unknown source kind {kind!r}; known kinds: {', '.join(sorted(sources))}")
    return sources[kind]


def detect(head: Head) -> str | None:
    """The kind whose sniffer first recognises ``head``, or None."""
    if head.shape in ("empty", "binary", "unknown"):
        return None
    for kind, module in registry().items():
        if module.sniff(head):
            return kind
    return None
