"""Reads of enterprises that other apps use (HackSoft's selectors): they go through here, not the models."""

from .choices import Program
from .models import Designation, Enterprise
from .names import normalize_name


def enterprise_name_index() -> dict[str, tuple[int | None, bool]]:
    """normalised current or former name -> (enterprise id or None when ambiguous, has a credit code).

    Read once per operation (~13k enterprises). Names are normalised here with the one normalize_name,
    not read from the name_normalized column, so enterprises written by bulk operations match too.
    """
    names: dict[str, tuple[int | None, bool]] = {}
    rows = Enterprise.objects.values_list("id", "name", "former_names", "credit_code").iterator(chunk_size=5000)
    for enterprise_id, name, former_names, credit_code in rows:
        keys = {normalize_name(name)}
        if isinstance(former_names, list):
            keys.update(normalize_name(former) for former in former_names if isinstance(former, str))
        keys.discard("")
        for key in keys:
            known = names.get(key)
            if known is None:
                names[key] = (enterprise_id, bool(credit_code))
            elif known[0] != enterprise_id:
                # Two enterprises share this name: linking by it would be a guess.
                names[key] = (None, False)
    return names


def little_giant_batches() -> list[int]:
    """The 小巨人 batch numbers that have any designation, ascending."""
    return sorted(set(Designation.objects.filter(program=Program.LITTLE_GIANT).values_list("batch", flat=True)))
