"""Signals the patent services send after they write, inside the writing transaction."""

from django.dispatch import Signal

# kwargs: enterprise_ids (frozenset[int]) — enterprises whose linked patents were added, changed or relinked.
patent_links_changed = Signal()
