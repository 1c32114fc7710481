"""Worker processes for work that one core cannot keep up with (see patents/services/staging.py)."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def _django_ready() -> None:
    # Runs first in each new process: this module imports nothing of the project, so that the process can
    # load it before Django is set up, then set Django up (settings from the inherited environment).
    import django

    django.setup()


def django_process_pool(processes: int) -> ProcessPoolExecutor:
    """A pool of ``processes`` new Python processes with Django set up, for pure functions of the project.

    spawn, not fork: a forked child would share this process's open database connection (and close it on
    exit). The children never touch the database.
    """
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"), initializer=_django_ready)
