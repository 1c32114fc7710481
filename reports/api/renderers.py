"""``?format=csv`` for the indicator and snapshot lists (interfaces.md: list endpoints take json|csv)."""

from rest_framework.renderers import BaseRenderer

from utilities.export import csv_chunks, neutralise_row


def _flatten(row: dict, prefix: str = "") -> dict:
    """Nested dictionaries become dotted columns: metrics → its keys, pct_buckets → pct_buckets.0 …"""
    flat = {}
    for key, value in row.items():
        name = key if prefix in ("", "metrics.") else f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, prefix="metrics." if key == "metrics" else f"{name}."))
        else:
            flat[name] = value
    return flat


class CSVRenderer(BaseRenderer):
    """One line per result (or the single object), columns in first-seen order; UTF-8 with BOM for Excel.

    Written by the exports' own writer, so a name starting with = + - @ is neutralised as in every other
    export (utilities/export.py); numbers stay numbers.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            rows = data["results"]
        else:
            rows = data if isinstance(data, list) else [data]
        flat = [_flatten(dict(row)) for row in rows]
        columns: dict[str, None] = {}
        for row in flat:
            columns.update(dict.fromkeys(row))
        header = list(columns)
        rows = (neutralise_row([row.get(column) for column in header]) for row in flat)
        return b"".join(csv_chunks(header, rows, bom=True))
