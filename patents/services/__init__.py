"""Writes to the patent tables: importing patents.csv and linking applicants to enterprises.

Modules: ``validation`` (one row at a time, in Python), ``patent_file`` (staging, comparing and writing
the whole file set-based) and ``linking`` (the applicant-to-enterprise rule and the relinking). Callers
import from this package.
"""

from .linking import applicants_link, applicants_link_name
from .patent_file import PATENT_COLUMNS, patent_import

__all__ = ["PATENT_COLUMNS", "applicants_link", "applicants_link_name", "patent_import"]
