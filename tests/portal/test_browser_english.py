"""The English site is English: on every /en/ page type no CJK character in headings, labels, table
headers and cells, options, buttons, captions, legends, nor in the charts' names, axes and categories;
no full-width punctuation either. Enterprise names are what they are (Chinese), so they are taken out
first; places have English names and must use them. The harness of test_browser.py (Chromium, 1366 px)."""

import re

import pytest

from .test_browser import SCREENSHOTS, open_page
from .test_browser_phones import page_types, visit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # CJK text and full-width punctuation

# The visible texts of the elements a visitor reads as the page's words, outside anything marked as
# Chinese (the language switch's "中文").
TEXTS = """() => {
  const sel = 'h1, h2, h3, h4, th, td, label, option, button, legend, caption, figcaption, summary, dt, '
    + 'nav a, .button, .chip, .breadcrumb, .as-of-line, .note, .unit, .hint, .average, .change, .result-count';
  return [...document.querySelectorAll(sel)]
    .filter(el => { const l = el.closest('[lang]'); return !l || l === document.documentElement || !l.lang.startsWith('zh'); })
    .filter(el => el.tagName === 'OPTION' || el.checkVisibility({ visibilityProperty: true }))
    .map(el => el.tagName.toLowerCase() + ': ' + (el.innerText || el.textContent).trim());
}"""

# The words ECharts draws on its canvases: series names, axis names and categories, legend entries.
CHART_TEXTS = """() => {
  const out = [];
  document.querySelectorAll('[data-chart]').forEach(el => {
    const chart = window.echarts && window.echarts.getInstanceByDom(el);
    if (!chart) return;
    const o = chart.getOption();
    const id = el.dataset.chart;
    (o.series || []).forEach(s => {
      if (s.name) out.push(id + ' series: ' + s.name);
      (s.data || []).forEach(d => { if (d && d.name) out.push(id + ' item: ' + d.name); });
    });
    [...(o.xAxis || []), ...(o.yAxis || [])].forEach(a => {
      if (a.name) out.push(id + ' axis: ' + a.name);
      (a.data || []).forEach(c => out.push(id + ' category: ' + (c && c.value !== undefined ? c.value : c)));
    });
    (o.legend || []).forEach(l => (l.data || []).forEach(d => out.push(id + ' legend: ' + (d.name || d))));
  });
  return out;
}"""


@pytest.fixture
def site(live_server, snapshots, world):
    SCREENSHOTS.mkdir(exist_ok=True)
    return live_server.url


def data_words(world) -> list[str]:
    """The words that are data, not the site's: enterprise names, patent titles, the sources of the
    report's reference figures (Chinese publications, cited by their titles)."""
    from patents.models import Patent
    from publications.models import ReferenceFigure

    names = [e.name for e in world.values()] + [n for e in world.values() for n in e.former_names or []]
    names += list(Patent.objects.values_list("title", flat=True))
    names += list(ReferenceFigure.objects.values_list("source", flat=True))
    return sorted({n for n in names if n}, key=len, reverse=True)


def chinese_left(texts: list[str], names: list[str]) -> list[str]:
    found = []
    for text in texts:
        stripped = text
        for name in names:
            stripped = stripped.replace(name, "")
        if CJK.search(stripped):
            found.append(text[:120])
    return found


def test_english_pages_have_no_chinese_words(browser, site, world):
    names = data_words(world)
    found = {}
    for kind, path in page_types(world).items():
        page, errors = visit(browser, f"{site}/en{path}", width=1366)
        try:
            # A page that failed would pass for want of words: it must have answered, and said something.
            errors = [e for e in errors if not (kind == "404" and "status of 404" in e)]
            texts = page.evaluate(TEXTS)
            assert errors == [] and len(texts) >= 3, (kind, errors, texts)
            left = chinese_left(texts + page.evaluate(CHART_TEXTS), names)
            if left:
                found[kind] = sorted(set(left))
        finally:
            page.close()
    assert found == {}


def test_the_chinese_pages_are_checked_the_same_way(browser, site, world):
    """The check finds Chinese where there is Chinese: the same walk over the Chinese overview."""
    page, _errors, _foreign = open_page(browser, f"{site}/", "english-control", width=1366)
    try:
        assert len(chinese_left(page.evaluate(TEXTS), [])) > 20
        assert len(chinese_left(page.evaluate(CHART_TEXTS), [])) > 5
    finally:
        page.close()
