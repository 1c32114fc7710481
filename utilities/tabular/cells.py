"""One cell of an interchange file: how it is cleaned (trimmed, NFKC-normalised, a neutralising apostrophe
removed) and why its text cannot be data of ours (formulas, markup, control characters, undecoded bytes)."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils import translation


@dataclass(frozen=True)
class Column:
    """One column of an interchange file: its English key, Chinese alias and whether it is required."""

    key: str
    alias: str
    required: bool = False
    # Names and titles are kept as written (full-width brackets and all): only trimmed, never NFKC'd.
    # Matching normalises its own key (``enterprises.names.normalize_name``), not the stored text.
    verbatim: bool = False


# A spreadsheet runs a cell starting with one of these as a formula. Exports write such a text cell with a
# leading apostrophe (utilities/export.py), the spreadsheets' own mark for "text"; the reader removes it again,
# so that an exported file imports back unchanged.
FORMULA_PREFIXES = ("=", "+", "-", "@")
NEUTRALISING_PREFIX = "'"


def clean_cell(value: object, *, verbatim: bool = False) -> str:
    """Trim and NFKC-normalise a cell (full-width digits and letters become half-width).

    ``verbatim`` cells (registered names, titles) are only trimmed.
    An apostrophe that neutralises a formula prefix (``'=SUM(…)``, written by the exports) is removed.
    """
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    # NFKC leaves ASCII unchanged; skipping it saves a third of the parse time of a large file.
    text = text.strip() if verbatim or text.isascii() else unicodedata.normalize("NFKC", text).strip()
    if text.startswith(NEUTRALISING_PREFIX) and text[1:2] in FORMULA_PREFIXES:
        return text[1:]
    return text


# A cell a spreadsheet would run as a formula when the data is exported again (CSV injection), and
# markup that has no place in a name or a code.
_FORMULA = re.compile(r"^(?:[=@]|[+\-]\s*[A-Za-z(=@])")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNDECODED = re.compile("[\udc80-\udcff]")


def cell_problem(value: str, *, neutralised: bool = False) -> str | None:
    """Why a cell's text cannot be data of ours (any column), or None.

    Forms (the admin's, ``utilities/forms.py``) check every text with it too, so that whatever the admin
    stores exports and re-imports unchanged.

    A ``neutralised`` cell was written as ``'=…``: the spreadsheets' mark for "text, not a formula", which
    the exports write (utilities/export.py); its value is taken as text.
    """
    if _UNDECODED.search(value):
        return translation.gettext("含无法解码的字节：文件应通篇为 UTF-8 或 GB18030 编码")
    if "\n" in value or "\r" in value:
        return translation.gettext("单元格内含换行")
    if _CONTROL_CHARS.search(value):
        return translation.gettext("含控制字符")
    if _FORMULA.match(value) and not neutralised:
        return translation.gettext("以 = + - @ 开头，像电子表格公式，不予导入（作为文本请在前面加英文单引号 '）")
    if _MARKUP.search(value):
        return translation.gettext("含 HTML 或脚本标记")
    return None


def is_neutralised(value: object) -> bool:
    text = value.strip() if isinstance(value, str) else ""
    return text.startswith(NEUTRALISING_PREFIX) and text[1:2] in FORMULA_PREFIXES


def printable(value: str) -> str:
    return _UNDECODED.sub("\ufffd", value).replace("\x00", "\\0")
