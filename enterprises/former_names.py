"""Recording a name an enterprise was (or is also) known by, from the officials' data-quality page."""

from django.db import transaction

from .models import Enterprise
from .names import normalize_name


@transaction.atomic
def enterprise_add_former_name(
    *, enterprise: Enterprise, name: str, user, reason: str = "数据质量页：记为曾用名"
) -> bool:
    """Add ``name`` to the enterprise's former names unless it is (a form of) a name it already has.

    Saved through the model, so the change history records who added it and why. Returns whether
    anything changed.
    """
    key = normalize_name(name)
    known = {normalize_name(enterprise.name), *(normalize_name(n) for n in enterprise.former_names)}
    if not key or key in known:
        return False
    enterprise.former_names = [*enterprise.former_names, name.strip()]
    enterprise._history_user = user
    enterprise._change_reason = reason
    enterprise.save()
    return True
