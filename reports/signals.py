"""Signals other apps listen to."""

from django.dispatch import Signal

# Sent inside the transaction that makes a full snapshot visible (``services.snapshot_compute``), with
# ``snapshot``; receivers that start work use ``transaction.on_commit`` so it sees the committed rows.
snapshot_completed = Signal()
