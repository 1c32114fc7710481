"""The test database as a URL, for the worker processes some tests start (they read DATABASE_URL)."""

from urllib.parse import quote

from django.db import connection


def worker_database_url() -> str:
    """``connection``'s database as ``postgres://…``; a socket folder as host (the development server in
    .pgdata/) is percent-encoded, as dj-database-url reads it."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres", safe="")
    if db.get("PASSWORD"):
        auth += f":{quote(db['PASSWORD'], safe='')}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{quote(db['HOST'] or '127.0.0.1', safe='')}{port}/{db['NAME']}"
