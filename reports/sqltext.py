"""Quoting for the few SQL pieces that cannot be bound parameters.

Values are always bound (``$name`` / ``?``). Identifiers that come from code, file paths given
to DuckDB table functions that do not accept parameters, and JSON paths go through these helpers,
which are tested against hostile input.
"""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """Quote an SQL identifier: ``quote_ident('a"b') == '"a""b"'``."""
    if "\x00" in name:
        raise ValueError("identifier contains a NUL character")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """Quote a string literal: ``quote_literal("it's") == "'it''s'"``."""
    if "\x00" in value:
        raise ValueError("literal contains a NUL character")
    return "'" + value.replace("'", "''") + "'"


def json_path(*keys: str) -> str:
    """A JSON path selecting nested object keys, each key quoted: ``$."trace.id"``."""
    parts = []
    for key in keys:
        if '"' in key or "\\" in key:
            raise ValueError(f"unsupported character in JSON key {key!r}")
        parts.append(f'"{key}"')
    return "$." + ".".join(parts)
