"""Where demo files go: paths, record counts and planted bad records, deterministic JSON."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class BadRecord:
    """Deliberately bad records planted in one file (for the quarantine to show)."""

    path: str  # relative to the demo folder, with forward slashes
    count: int
    reason: str


class Output:
    """The demo folder being written: remembers each file and its record count."""

    def __init__(self, root: Path):
        self.root = root
        self.records: dict[str, int] = {}
        self.bad: list[BadRecord] = []
        self._lock = threading.Lock()

    def path(self, rel: str) -> Path:
        """The absolute path of ``rel``, its folder created."""
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def add(self, rel: str, records: int) -> None:
        with self._lock:
            self.records[rel] = records

    def plant(self, rel: str, count: int, reason: str) -> None:
        if count:
            with self._lock:
                self.bad.append(BadRecord(rel, count, reason))

    def json(self, rel: str, value: Any, records: int, indent: int | None = None) -> None:
        """Write one JSON document (compact as APIs answer, or indented as tools write files)."""
        separators = (",", ":") if indent is None else (",", ": ")
        text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
        self.path(rel).write_text(text + "\n", encoding="utf-8")
        self.add(rel, records)

    def concat(self, rel: str, parts: list[Path], records: int) -> None:
        """Join part files byte for byte (gzip members concatenate into one valid gzip file)."""
        with open(self.path(rel), "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    while chunk := handle.read(1 << 22):
                        out.write(chunk)
        self.add(rel, records)


def dumps(value: Any) -> str:
    """Compact JSON, as drains and APIs send it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
