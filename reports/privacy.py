"""Masking of personal data (IP addresses, user identifiers) for viewers who are not admins.

METRICS.md: IP addresses and user identifiers are personal data, shown masked except to admins.

- An IPv4 address keeps its first two octets: ``203.0.113.7`` → ``203.0.x.x``.
- An IPv6 address keeps its first two groups: ``2001:db8::1`` → ``2001:db8:x:x:x:x:x:x``; an
  IPv4-mapped one (``::ffff:203.0.113.7``) is masked as the IPv4 address it carries.
- A port (``203.0.113.7:443``, ``[2001:db8::1]:443``), a prefix length (``/32``) or a list
  (``X-Forwarded-For: a, b``) is understood; anything that is not an address is fully masked.
- A user id becomes ``u…`` and six hex digits of a (keyed) SHA-256 hash: stable, so one actor's
  entries can still be followed, but not the id. Pass a per-installation ``key`` to stop anyone
  from recovering short numeric ids by hashing candidates.

>>> mask_ip("203.0.113.7")
'203.0.x.x'
>>> mask_ip("2001:db8::1")
'2001:db8:x:x:x:x:x:x'
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

UNKNOWN_IP = "x.x.x.x"
IP_COLUMNS = ("ip_address", "client_ip", "user_ip")
USER_COLUMNS = ("user_id",)

_BRACKETED = re.compile(r"^\[([^\]]+)\](?::\d+)?$")
_V4_PORT = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3}):\d+$")


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    bracketed = _BRACKETED.match(text)
    if bracketed:
        text = bracketed.group(1)
    else:
        with_port = _V4_PORT.match(text)
        if with_port:
            text = with_port.group(1)
    text = text.split("/", 1)[0].split("%", 1)[0]  # prefix length, IPv6 zone id
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _mask_one(text: str) -> str:
    address = _parse(text)
    if address is None:
        return UNKNOWN_IP
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if isinstance(address, ipaddress.IPv4Address):
        first, second = str(address).split(".")[:2]
        return f"{first}.{second}.x.x"
    groups = address.exploded.split(":")[:2]
    return ":".join(format(int(g, 16), "x") for g in groups) + ":x:x:x:x:x:x"


def mask_ip(value: Any) -> str | None:
    """An IP address (or a comma-separated list of them) with all but its network prefix hidden."""
    if _missing(value):
        return None
    if not isinstance(value, str):
        return UNKNOWN_IP
    if not value.strip():
        return value
    return ", ".join(_mask_one(part) for part in value.split(","))


def mask_user_id(value: Any, key: bytes = b"") -> str | None:
    """A user id as ``u…`` plus six hex digits of its keyed SHA-256 hash (stable per id and key)."""
    if _missing(value):
        return None
    text = str(value)
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
    return "u…" + digest[-6:]


def mask_frame(frame: pd.DataFrame, viewer_is_admin: bool, key: bytes = b"",
               ip_columns: Iterable[str] = IP_COLUMNS, user_columns: Iterable[str] = USER_COLUMNS) -> pd.DataFrame:
    """A copy of ``frame`` with its IP and user-id columns masked, unless the viewer is an admin."""
    if viewer_is_admin:
        return frame
    out = frame.copy()
    for column in ip_columns:
        if column in out.columns:
            out[column] = pd.Series([mask_ip(v) for v in out[column]], index=out.index, dtype=object)
    for column in user_columns:
        if column in out.columns:
            out[column] = pd.Series([mask_user_id(v, key) for v in out[column]], index=out.index, dtype=object)
    return out


def _missing(value: Any) -> bool:
    """None, NaN, pd.NA or NaT (what a DataFrame holds for SQL NULL)."""
    return value is None or (not isinstance(value, str | bytes) and bool(pd.isna(value)))
