"""A first look at a file's content: compression, shape (NDJSON, JSON document, CSV) and keys.

Detection looks at content, never only at the name. :func:`read_head` decompresses at most
:data:`HEAD_BYTES` and never loads a large file into memory.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

HEAD_BYTES = 256 * 1024
_KEY = re.compile(r'"((?:[^"\\]|\\.){1,80})"\s*:')

Shape = Literal["lines", "document", "csv", "empty", "binary", "unknown"]


@dataclass
class Head:
    """The start of a file, decoded, with what could be learned from it."""

    name: str
    text: str
    gz: bool
    complete: bool  # the head is the whole (decompressed) file
    shape: Shape = "unknown"
    first: dict[str, Any] | None = None  # the first record that parsed as a JSON object
    top: Any = None  # the whole document, when it fits in the head and parses
    keys: set[str] = field(default_factory=set)  # JSON keys seen anywhere in the head
    header: list[str] | None = None  # CSV header cells

    def has(self, *keys: str) -> bool:
        """True when every key was seen in the head."""
        return all(k in self.keys for k in keys)

    def header_has(self, *names: str) -> bool:
        cells = {c.strip().lower() for c in self.header or []}
        return all(n.lower() in cells for n in names)


def _first_object(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                return item
    return None


def read_head(path: Path) -> Head:
    """Read and classify the first :data:`HEAD_BYTES` of a file (decompressed when gzip)."""
    with open(path, "rb") as raw:
        magic = raw.read(2)
    gz = magic == b"\x1f\x8b"
    data = b""
    complete = False
    try:
        if gz:
            with gzip.open(path, "rb") as handle:
                data = handle.read(HEAD_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(HEAD_BYTES + 1)
        complete = len(data) <= HEAD_BYTES
    except (EOFError, OSError, zlib.error):
        complete = False
    data = data[:HEAD_BYTES]
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    head = Head(name=path.name, text=text, gz=gz, complete=complete)
    head.shape = _shape(head, data)
    head.keys = {m.group(1) for m in _KEY.finditer(text)}
    return head


def _shape(head: Head, data: bytes) -> Shape:
    text = head.text
    stripped = text.lstrip()
    if not stripped:
        return "empty"
    window = data[:4096]
    if window.count(b"\x00") > len(window) // 20 or text[:4096].count("\ufffd") > len(window) // 4:
        return "binary"
    if stripped[0] in "[{":
        return _json_shape(head, stripped)
    first_line = stripped.split("\n", 1)[0]
    if any(sep in first_line for sep in (",", "\t", ";")):
        try:
            head.header = next(csv.reader(io.StringIO(first_line)))
        except (csv.Error, StopIteration):
            return "unknown"
        return "csv"
    return "unknown"


def _json_shape(head: Head, stripped: str) -> Shape:
    lines = stripped.split("\n")
    whole_first_line = len(lines) > 1 or head.complete
    if whole_first_line:
        for line in lines[:50]:
            # records of NDJSON start at column 0; inner lines of pretty-printed JSON are indented
            if not line.strip() or line[0] not in "[{":
                continue
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict | list):
                head.first = _first_object(value)
                if len(lines) <= 2 and head.complete:
                    head.top = value
                return "lines"
    elif len(lines) == 1:  # a first line longer than the head: NDJSON with a huge record or array
        if stripped.startswith("["):
            head.first = _first_element(stripped)
        return "lines"
    if head.complete:
        try:
            head.top = json.loads(stripped)
        except ValueError:
            return "document"
        head.first = _first_object(head.top)
    elif stripped.startswith("["):
        head.first = _first_element(stripped)  # a large array: its first record is enough
    return "document"


def _first_element(text: str) -> dict[str, Any] | None:
    """The first element of a JSON array whose text is cut, when it is an object."""
    try:
        value, _ = json.JSONDecoder().raw_decode(text, len(text) - len(text[1:].lstrip()))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
