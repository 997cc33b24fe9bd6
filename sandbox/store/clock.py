"""Time: microsecond timestamps in the database, ISO-8601 on the wire, timezones by name."""

from __future__ import annotations

import functools
import time
import zoneinfo
from datetime import UTC, datetime, timedelta, tzinfo

UTC = UTC
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def now_us() -> int:
    return time.time_ns() // 1000


def iso(ts_us: int, zone: tzinfo = UTC) -> str:
    """HipChat's message date: 2017-05-20T13:56:46.750428+00:00."""
    return datetime.fromtimestamp(ts_us / 1_000_000, zone).isoformat(timespec="microseconds")


def iso_seconds(ts_us: int) -> str:
    """Room and user creation times, as HipChat gives them: 2013-11-27T15:33:24 (UTC, no offset)."""
    return datetime.fromtimestamp(ts_us // 1_000_000, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def unix_seconds(ts_us: int) -> int:
    return ts_us // 1_000_000


@functools.cache
def zone(name: str) -> tzinfo | None:
    """The timezone of that name, or None when there is none."""
    if name.upper() == "UTC":
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def parse_iso(text: str, default_zone: tzinfo = UTC) -> int | None:
    """An ISO-8601 date or date-time as microseconds, or None. A time without offset is in default_zone."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_zone)
    return (parsed - EPOCH) // timedelta(microseconds=1)
