"""Synthetic 小巨人 enterprises and patents calibrated to the 2023 report (``generate_dataset``)."""

from .generator import ENTERPRISE_HEADER, PATENT_HEADER, SCALES, generate_dataset

__all__ = ["ENTERPRISE_HEADER", "PATENT_HEADER", "SCALES", "generate_dataset"]
