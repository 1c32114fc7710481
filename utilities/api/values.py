"""Plain values rendered as DRF's fields render them: for the lean reads that serialise rows of
``values()`` (and JSON aggregates of related rows) without a serializer field per value (#28)."""

import datetime

from rest_framework import serializers

_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


def date_text(value) -> str | None:
    """A date (or the ISO text of one, from a JSON aggregate) as ``DateField`` renders it."""
    return None if value is None else _DATE.to_representation(value)


def datetime_text(value) -> str | None:
    """A date-time (or the ISO text PostgreSQL writes into JSON) as ``DateTimeField`` renders it: in the
    site's time zone, whatever the database session's zone was."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return _DATETIME.to_representation(value)
