"""The one exception hierarchy of the ``reports`` package.

Every error a user can act on derives from :class:`ReportsError`; the CLI prints its message as
``Error: ...`` and exits with :attr:`ReportsError.exit_code`, without a traceback.

- :class:`ConfigError` (exit 2): the config file is missing, malformed or names a wrong value.
- :class:`UsageError` (exit 2): a command-line argument is wrong.
- :class:`WarehouseError` (exit 1): the DuckDB file cannot be opened, is locked, or was written
  by a newer schema.
- :class:`WarehouseLockedError` (exit 1): another process holds the write lock.
- :class:`IngestError` (exit 1): a file could not be read at all (its good records from other
  files still load).
- :class:`MetricError` (exit 1): a metric cannot be computed (unknown name, bad parameter).
"""

from __future__ import annotations


class ReportsError(Exception):
    """Base of every error the package raises on purpose."""

    exit_code = 1


class ConfigError(ReportsError):
    """The config file is missing, malformed, or holds a value of the wrong kind."""

    exit_code = 2


class UsageError(ReportsError):
    """A command-line argument or function parameter is wrong."""

    exit_code = 2


class WarehouseError(ReportsError):
    """The warehouse file cannot be opened or has an unexpected schema."""


class WarehouseLockedError(WarehouseError):
    """Another process holds the warehouse's write lock."""


class IngestError(ReportsError):
    """A file could not be read at all."""


class MetricError(ReportsError):
    """A metric cannot be computed with the given parameters."""
