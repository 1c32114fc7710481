"""Every user-facing string has its English text, and no label pairs both languages.

Msgids are read from the sources the way makemessages reads them (``_()``/``gettext``/``pgettext`` calls,
``{% translate %}`` and ``{% blocktranslate %}``), so a new string without an English entry in a
catalogue fails here, not in front of an English-speaking official.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
SOURCES = [
    "config",
    "enterprises",
    "patents",
    "regions",
    "reports",
    "officials",
    "utilities",
    "templates",
    "demo",
    "workbench",
    "imports",
]
CJK = re.compile(r"[\u4e00-\u9fff]")
# A Chinese label followed by its English in brackets: "导入 (import)".
PAIRED = re.compile(r"[\u4e00-\u9fff][^()（）]*\s\((?=[a-z])[a-z][a-z ,;/'-]+\)")

_CALL = re.compile(
    r"""\b(?:_|gettext|gettext_lazy|ngettext|ngettext_lazy|pgettext|pgettext_lazy)\(\s*(?:"[^"]*"\s*,\s*)?"""
    r"""((?:"(?:[^"\\\n]|\\.)*"\s*)+)""",
)
_PGETTEXT = re.compile(r"""\bpgettext(?:_lazy)?\(\s*"([^"]*)"\s*,\s*"((?:[^"\\\n]|\\.)*)"\s*\)""")
_TRANSLATE = re.compile(r"""\{%\s*translate\s+(["'])(.*?)\1""")
_BLOCK = re.compile(r"\{%\s*blocktranslate([^%]*)%\}(.*?)\{%\s*endblocktranslate\s*%\}", re.S)


def _py_msgids(text: str):
    contexts = {(m.group(2)) for m in _PGETTEXT.finditer(text)}
    for match in _CALL.finditer(text):
        parts = re.findall(r'"((?:[^"\\\n]|\\.)*)"', match.group(1))
        msgid = "".join(parts).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        yield ("plural" if msgid in contexts else None), msgid


def _block_msgids(text: str):
    for match in _BLOCK.finditer(text):
        options, body = match.group(1), match.group(2)
        singular = body.split("{% plural %}")[0]
        singular = re.sub(r"\{\{\s*(\w+)[^}]*\}\}", r"%(\1)s", singular)
        if "trimmed" in options:
            singular = " ".join(line.strip() for line in singular.strip().splitlines() if line.strip())
        yield singular, bool(re.search(r"(^|\s)count\s+\w+\s*=", options))


def source_msgids():
    found = set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*"):
            if "migrations" in path.parts or path.suffix not in {".py", ".html"}:
                continue
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".py":
                for context, msgid in _py_msgids(text):
                    found.add((context, msgid, False, str(path.relative_to(ROOT))))
            else:
                for match in _TRANSLATE.finditer(text):
                    found.add((None, match.group(2), False, str(path.relative_to(ROOT))))
                for msgid, plural in _block_msgids(text):
                    found.add((None, msgid, plural, str(path.relative_to(ROOT))))
    return sorted(found, key=lambda item: (item[3], item[1]))


def english(context, msgid, plural) -> str:
    with translation.override("en"):
        if plural:
            return translation.ngettext(msgid, msgid, 1)
        if context:
            return translation.pgettext(context, msgid)
        return translation.gettext(msgid)


def test_the_source_scan_finds_the_strings():
    msgids = {msgid for _c, msgid, _p, _path in source_msgids()}
    assert {"导入", "数据是否最新", "文件被拒绝，未写入任何数据：%(counter)s 个错误"} <= msgids


def test_every_chinese_msgid_has_english_text():
    missing = [
        f"{path}: {msgid}"
        for context, msgid, plural, path in source_msgids()
        if CJK.search(msgid) and english(context, msgid, plural) == msgid
    ]
    assert missing == []


def test_no_label_pairs_chinese_with_english():
    paired = [f"{path}: {msgid}" for _c, msgid, _p, path in source_msgids() if PAIRED.search(msgid)]
    assert paired == []


PAGES = [
    "admin:index",
    "admin:enterprises_enterprise_changelist",
    "admin:enterprises_enterprise_add",
    "admin:enterprises_enterprise_import",
    "admin:enterprises_designation_changelist",
    "admin:imports_importrecord_changelist",
    "admin:patents_patent_changelist",
    "admin:patents_patentapplicant_changelist",
    "admin:patents_data_quality",
    "admin:reports_snapshot_changelist",
    "admin:reports_scopeindicator_changelist",
    "admin:officials_official_changelist",
    "admin:two_factor_setup",
    "admin:workbench",
]


@pytest.mark.parametrize("name", PAGES)
def test_admin_pages_under_en_have_no_chinese_label(admin_client, regions, name):
    """With no data, nothing Chinese is left on an English admin page (province names are data, not labels)."""
    html = admin_client.get("/en" + reverse(name)).content.decode()
    text = re.sub(r"<(script|style|svg)\b.*?</\1>", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    assert CJK.findall(text) == [], re.findall(r"\S*[\u4e00-\u9fff]+\S*", text)[:20]


@pytest.mark.parametrize("name", PAGES)
def test_admin_pages_under_the_default_path_are_chinese(admin_client, regions, name):
    html = admin_client.get(reverse(name)).content.decode()
    assert '<html lang="zh-hans"' in html and CJK.search(html)
