"""Where the PDF's pages end, read from WeasyPrint's layout: no heading or chart caption stands alone at the foot
of a page, and no page but the last before a forced page break (a chapter's, a city page's) is left less than
40% filled. Checked on small documents that must fail, then on the demo national and 江苏 reports in both
languages (tests/publications/test_fidelity.py's data)."""

import re

import pytest
from django.utils import translation

from publications import services
from publications.rendering import report_layout
from tests.publications.test_fidelity import _demo_snapshot

pytestmark = pytest.mark.django_db

CAPTION = re.compile(r"^(图表\s*\d+\.\d+|Figure\s*\d+\.\d+)")
ENDS_BADLY = {"h1", "h2", "h3", "h4", "figcaption", "caption"}
FORCED = {"page", "left", "right", "recto", "verso"}
LEAVES = {"LineBox", "InlineReplacedBox", "BlockReplacedBox", "TableRowBox"}


def _printed(box, out: list, chain: tuple = ()) -> None:
    """The boxes that print something (lines of text, charts, table rows), each with its element boxes."""
    if type(box).__name__ in LEAVES:
        out.append((box, chain))
        return
    chain = (*chain, box) if getattr(box, "element", None) is not None else chain
    for child in getattr(box, "children", None) or ():
        _printed(child, out, chain)


def _text(element) -> str:
    return "".join(element.itertext()).strip()


def _page(page) -> dict | None:
    box = page._page_box
    printed: list = []
    _printed(box.children[0], printed)  # the document's root; the running heads are margin boxes after it
    if not printed:
        return None
    bottom = max(b.position_y + b.height for b, _chain in printed)
    last, chain = max(printed, key=lambda item: item[0].position_y + item[0].height)
    ending = next((b.element for b in reversed(chain) if b.element.tag in ENDS_BADLY), None)
    paragraph = _text(chain[-1].element)
    if ending is None and CAPTION.match(paragraph) and len(paragraph) < 120:
        ending = chain[-1].element  # a caption set as a paragraph
    return {
        "fill": (bottom - box.content_box_y()) / box.height,
        "ends_with": ending,
        "last": paragraph[:60],
        "break_before": any(b.style["break_before"] in FORCED for b in printed[0][1]),
        "break_after": any(b.style["break_after"] in FORCED for b in chain),
    }


def layout_faults(document) -> list[str]:
    """Each page that ends with a heading or caption, or that is under 40% filled though no forced break
    follows it."""
    pages = [_page(page) for page in document.pages]
    faults = []
    for i, page in enumerate(pages):
        if page is None:
            continue
        if page["ends_with"] is not None:
            faults.append(f"page {i + 1} ends with <{page['ends_with'].tag}> «{_text(page['ends_with'])[:50]}»")
        following = pages[i + 1] if i + 1 < len(pages) else None
        forced = following is None or page["break_after"] or (following and following["break_before"])
        if not forced and page["fill"] < 0.4:
            faults.append(f"page {i + 1} is {page['fill']:.0%} filled, ending «{page['last']}»")
    return faults


def _html(body: str):
    from weasyprint import HTML

    # Without WeasyPrint's own "keep a heading with what follows", so that a heading can be left behind.
    style = "<style>@page { size: A4; margin: 20mm } p { margin: 0; line-height: 10mm } * { break-after: auto }</style>"
    return HTML(string=f"<html><head>{style}</head><body>{body}</body></html>").render()


def test_the_check_finds_a_heading_or_a_caption_at_a_page_foot_and_a_page_left_mostly_empty():
    filler = "<p>text</p>" * 24  # 24 lines of 10 mm: the A4 page's 257 mm hold 25
    assert layout_faults(_html(filler + "<h3>Alone</h3><p>next</p>")) == ["page 1 ends with <h3> «Alone»"]
    caption = '<figure><figcaption>Figure 2.3 Scale</figcaption><div style="height: 120mm"></div></figure>'
    assert layout_faults(_html(filler + caption)) == ["page 1 ends with <figcaption> «Figure 2.3 Scale»"]
    empty = "<p>a</p>" * 5 + '<div style="height: 240mm; break-inside: avoid"></div><p>b</p>'
    assert layout_faults(_html(empty)) == ["page 1 is 20% filled, ending «a»"]
    # A short page before a forced break (a chapter's or a city page's end) is fine; so is the last page.
    forced = "<p>a</p>" * 5 + '<p style="break-before: page">b</p>'
    assert layout_faults(_html(forced)) == []
    assert layout_faults(_html(filler + "<p>last</p>" * 3)) == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_page_of_the_national_and_a_province_report_ends_badly(regions, language):
    snapshot = _demo_snapshot()
    for scope, code in (("national", "CN"), ("province", "320000")):
        report = services.report_content(scope=scope, code=code, snapshot=snapshot, language=language)
        with translation.override(language):
            document = report_layout(report, language=language)
        assert layout_faults(document) == [], (scope, language)
