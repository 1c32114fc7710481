"""Receivers of other apps' signals (connected in ``PatentsConfig.ready``)."""

from .services import applicants_link


def link_on_enterprises_changed(sender, enterprise_ids=frozenset(), **kwargs) -> None:
    """Receiver of ``enterprises_changed``: an enterprise imported after its patents gets linked."""
    applicants_link(enterprise_ids=enterprise_ids)
