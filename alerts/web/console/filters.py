"""Template filters: times in UTC (the browser adds the officer's local time)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask


def utc(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).isoformat()


def duration(seconds: int | float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(seconds)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    return f"{sign}{minutes}m {secs:02d}s"


def register_filters(app: Flask) -> None:
    app.add_template_filter(utc, "utc")
    app.add_template_filter(iso, "iso")
    app.add_template_filter(duration, "duration")
