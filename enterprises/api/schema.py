"""A schema hook: the ``batch`` filter lists the batches that exist, not every number it would accept.

The filter accepts batches 1–99 so that a batch announced next year works without a code change
(``enterprises.filtersets.BATCH_CHOICES``); the documentation lists the batches of the designations on
file (1–5 today), in their order, so that a reader picks from real values.
"""

from ..choices import BATCH_LABELS, Program
from ..models import Designation


def batches_on_file() -> list[str]:
    designations = Designation.objects.filter(program=Program.LITTLE_GIANT)  # as the filter reads them
    batches = designations.order_by("batch").values_list("batch", flat=True).distinct()
    return [str(batch) for batch in batches] or [str(batch) for batch in sorted(BATCH_LABELS)]


def batch_enum_hook(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: the ``batch`` query parameter's enum, real values only."""
    batches = None
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("name") != "batch" or parameter.get("in") != "query":
                    continue
                batches = batches if batches is not None else batches_on_file()
                schema = parameter.get("schema", {})
                target = schema.get("items", schema)
                if "enum" in target:
                    target["enum"] = batches
    return result
