from django.core.serializers.json import DjangoJSONEncoder


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Stores Chinese text as itself, not as \\uXXXX escapes, so that a substring search
    (admin search on former names) finds it on SQLite as it does on PostgreSQL's jsonb."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)
