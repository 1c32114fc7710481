"""Signals the enterprise services send after they write, inside the writing transaction.

Receivers that start background work (the indicator recompute) must defer it with
``transaction.on_commit``; receivers that keep data consistent (linking patent applicants to newly
imported names) run synchronously in the same transaction.
"""

from django.dispatch import Signal

# kwargs: enterprise_ids (frozenset[int]) — enterprises created or changed by an import or a service.
enterprises_changed = Signal()
