from django.core.serializers.json import DjangoJSONEncoder


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """Stores Chinese text as itself, not as \\uXXXX escapes, so that a substring search of the JSON as
    text (the admin's and the portal's search on former names) finds it."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)
