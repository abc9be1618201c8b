"""ATCMP Reports: SLA and delivery reporting over a DuckDB warehouse.

``import reports`` stays light (nothing heavy is imported until used). In a notebook::

    import reports
    wh = reports.open()            # read-only handle: wh.sla("2026-10"), wh.metric(...), wh.sql(...)

See :mod:`reports.notebook`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reports.config import Config
    from reports.notebook import Warehouse

__all__ = ["open"]


def open(db: str | os.PathLike[str] | None = None, config: str | os.PathLike[str] | Config | None = None,
         *, admin: bool = False) -> Warehouse:
    """Open the warehouse read-only for analysis; see :func:`reports.notebook.open`.

    >>> with reports.open() as wh:  # doctest: +SKIP
    ...     wh.sla("2026-10")["objectives"]
    """
    from reports import notebook

    return notebook.open(db, config, admin=admin)
