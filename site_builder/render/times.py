"""How times and dates are shown, the same way in pages, feeds, citations and search.

A manifest records a time with its offset (`2024-03-07T02:30:00+05:00`). Every output
shows that instant in UTC, and says so: pages read "2024-03-06 21:30 UTC", with the time
as recorded beside it when its offset is not zero; dates (lists, citations, feeds, the
search year facet) are the UTC date, so a version made just after midnight in Karachi
is dated the same everywhere. The manifest's own value stays as written in the API.

A time whose UTC equivalent falls outside years 1-9999 (9999-12-31T23:00-05:00) cannot
be converted; it is shown as recorded, with its offset, rather than failing the build.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from markupsafe import Markup


def in_utc(value: datetime) -> datetime | None:
    """The same instant in UTC (a time without offset is read as UTC), or None if out of range."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


def utc_date(value: datetime) -> date:
    """The UTC date of the instant, or the recorded date when it has none."""
    converted = in_utc(value)
    return (converted or value).date()


def iso_utc(value: datetime) -> str:
    """ISO 8601 in UTC (`2024-03-06T21:30:00+00:00`) for feeds and metadata; as recorded if out of range."""
    converted = in_utc(value)
    return (converted or value).isoformat()


def offset_text(offset: timedelta) -> str:
    """`+05:00`, `-03:30`, `+05:30:15` for an offset of seconds."""
    sign = "-" if offset < timedelta(0) else "+"
    minutes, seconds = divmod(int(abs(offset).total_seconds()), 60)
    text = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return text + (f":{seconds:02d}" if seconds else "")


def minutes_text(value: datetime) -> str:
    """`2024-03-07 02:30`; four-digit years always (strftime writes year 1 as "1")."""
    return f"{value.year:04d}-{value:%m-%d %H:%M}"


def recorded_text(value: datetime) -> str:
    """The time as the manifest records it: `2024-03-07 02:30 +05:00`."""
    offset = value.utcoffset()
    return minutes_text(value) + (f" {offset_text(offset)}" if offset is not None else "")


def shown_datetime(value: datetime | None) -> Markup:
    """`<time>` with the UTC time, and the recorded time when its offset is not zero."""
    if value is None:
        return Markup("")
    converted = in_utc(value)
    if converted is None:
        return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), recorded_text(value))
    shown = Markup('<time datetime="{}">{} UTC</time>').format(
        converted.replace(tzinfo=None).isoformat() + "Z", minutes_text(converted))
    if value.utcoffset() in (None, timedelta(0)):
        return shown
    return shown + Markup(' <span class="recorded">(recorded as {})</span>').format(recorded_text(value))


def shown_date(value: datetime | str | None) -> str:
    """The UTC date, `2024-03-06`. Text is read as ISO 8601 (git's dates, the model zoo's index);
    text that is not is shown as its first 10 characters."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return value[:10]
        return utc_date(parsed).isoformat()
    return utc_date(value).isoformat()


def utc_sort_key(value: str) -> str:
    """An ISO 8601 text (git's committer date, with the committer's offset) as UTC ISO, so such
    texts sort by instant; text that is not ISO 8601 is kept as it is."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return value
    return iso_utc(parsed)
