"""Every page type on a 390 px phone, in both languages: nothing wider than the screen, no visible text
under 11 px (HTML, the tile map's SVG and the charts' ECharts options), and the wide tables scroll inside
a frame that says so. The harness of test_browser.py: Debian's Chromium, one browser per module; the
world is built once per test, and each test walks every page type in one language."""

import pytest

from .test_browser import SCREENSHOTS, open_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PHONE = 390
DESKTOP = 1366
MIN_FONT_PX = 11
LANGUAGES = ("", "/en")


def page_types(world) -> dict[str, str]:
    """One address per page type (the web report page is the publications app's)."""
    return {
        "overview": "/",
        "province": "/regions/320000/",
        "city": "/regions/320000/320500/",
        "enterprise": f"/enterprises/{world['B'].credit_code}/",
        "list": "/enterprises/?province=320000",
        "compare": "/compare/?places=320000,440300,yrd",
        "ranking": "/rankings/applications_per_enterprise/?level=city",
        "search": "/search/?q=%E5%8D%97%E4%BA%AC",
        "methodology": "/methodology/",
        "report": "/reports/province/320000/",
        "404": "/regions/999999/",
    }


def visit(browser, url: str, *, width: int):
    """Open ``url`` without a screenshot (a full-page one of the report takes seconds); returns (page, errors)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="networkidle")
    return page, errors


@pytest.fixture
def site(live_server, snapshots, world):
    SCREENSHOTS.mkdir(exist_ok=True)
    return live_server.url


# The visible elements whose own text (not their children's) is drawn under MIN_FONT_PX CSS pixels. SVG
# text is measured on screen (its font-size is in the drawing's units, scaled with the drawing).
SMALL_TEXT = """(min) => {
  const small = [];
  const shown = el => {
    if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'CANVAS'].includes(el.tagName)) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !shown(el)) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement && el.getScreenCTM) size *= el.getScreenCTM().a;
    if (size < min - 0.01) small.push(el.tagName + ' ' + size.toFixed(1) + 'px: ' + el.textContent.trim().slice(0, 30));
  }
  return small;
}"""

# The page's width when it is wider than the screen, with the outermost elements that stick out.
OVERFLOW = """() => {
  const width = document.scrollingElement.scrollWidth;
  if (width <= window.innerWidth) return null;
  const out = [...document.body.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
      && !(el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1));
  return [width, out.slice(0, 5).map(el => el.tagName + '.' + el.className + ' ' + el.textContent.trim().slice(0, 40))];
}"""

# Every fontSize set in the charts' options (ECharts draws on a canvas: the options are what there is).
CHART_FONTS = """(min) => {
  const small = [];
  const walk = (v, path) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, path + '[' + i + ']'));
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => {
      if (k === 'fontSize' && typeof x === 'number' && x < min) small.push(path + '.fontSize=' + x);
      else walk(x, path + '.' + k);
    });
  };
  document.querySelectorAll('[data-chart]').forEach(el => {
    const chart = window.echarts && window.echarts.getInstanceByDom(el);
    if (chart) walk(chart.getOption(), el.dataset.chart);
  });
  return small;
}"""


def phone_problems(page) -> dict:
    """What a phone visitor would suffer on the page open in ``page``: sideways scrolling, small text."""
    return {
        "overflow": page.evaluate(OVERFLOW),
        "small_text": page.evaluate(SMALL_TEXT, MIN_FONT_PX),
        "chart_fonts": page.evaluate(CHART_FONTS, MIN_FONT_PX),
    }


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_every_page_type_fits_a_phone(browser, site, world, prefix):
    found = {}
    for kind, path in page_types(world).items():
        name = f"phone{prefix.replace('/', '-')}-{kind}"
        page, errors, _foreign = open_page(browser, site + prefix + path, name, width=PHONE)
        try:
            problems = {k: v for k, v in phone_problems(page).items() if v}
            # The 404 page's own status is the one error its console may show.
            errors = [e for e in errors if not (kind == "404" and "status of 404" in e)]
            if errors:
                problems["errors"] = errors
            if problems:
                found[kind] = problems
        finally:
            page.close()
    assert found == {}


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_the_tile_map_is_a_list_of_provinces_by_name_on_a_phone(browser, site, prefix):
    page, _errors, _foreign = open_page(browser, f"{site}{prefix}/", f"tiles{prefix.replace('/', '-')}", width=PHONE)
    try:
        assert page.locator(".tile-map svg").is_hidden()
        links = page.locator(".tile-list a")
        assert links.count() == 31
        jiangsu = page.locator(".tile-list a[href*='/regions/320000/']")
        assert jiangsu.is_visible()
        assert ("Jiangsu" if prefix else "江苏") in jiangsu.inner_text()
        assert "2" in jiangsu.inner_text()  # A and C, 江苏's counted members
    finally:
        page.close()
    page, _errors, _foreign = open_page(
        browser, f"{site}{prefix}/", f"tiles-wide{prefix.replace('/', '-')}", width=DESKTOP
    )
    try:
        assert page.locator(".tile-map svg").is_visible()
        assert page.locator(".tile-list").is_hidden()
    finally:
        page.close()


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_the_overview_at_1366_draws_no_text_under_11_px(browser, site, prefix):
    # The tile map is drawn at its own size on a desktop: names and counts 11 px or more in both languages,
    # the longest English names on two lines, the full name in the link's label and the tile's title.
    page, errors = visit(browser, f"{site}{prefix}/", width=DESKTOP)
    try:
        assert page.locator(".tile-map svg").is_visible()
        assert "{#" not in page.locator(".tile-map").inner_text()  # a template comment left as text
        assert {k: v for k, v in phone_problems(page).items() if v} == {}
        assert errors == []
        tile = page.locator(".tile-map svg a[href*='/regions/150000/']")
        names = [t.strip() for t in tile.locator("text.tile-name").all_text_contents()]
        if prefix:
            assert names == ["Inner", "Mongolia"]
            assert tile.get_attribute("aria-label").startswith("Inner Mongolia ")
            assert tile.locator("title").text_content() == "Inner Mongolia"
        else:
            assert names == ["内蒙古"]
    finally:
        page.close()


def test_wide_tables_scroll_inside_a_frame_that_says_so(browser, site):
    # The enterprise list: the city ranking, once the example, now fits a phone (its values were off-screen).
    page, _errors, _foreign = open_page(browser, f"{site}/enterprises/?province=320000", "list-scroll", width=PHONE)
    try:
        frame = page.locator(".table-scroll").first
        assert frame.evaluate("f => f.scrollWidth > f.clientWidth")  # the table is wider than the phone
        assert frame.evaluate("f => getComputedStyle(f).overflowX") == "auto"
        assert frame.evaluate("f => f.classList.contains('scrolls')")  # portal.js marked it: shadow on
        hint = page.locator(".table-scroll-hint").first
        assert hint.is_visible() and "左右滑动" in hint.inner_text()
        # Scrolled to its end, the frame says there is nothing more to the right.
        frame.evaluate("f => { f.scrollLeft = f.scrollWidth; f.dispatchEvent(new Event('scroll')); }")
        assert frame.evaluate("f => f.classList.contains('at-end')")
    finally:
        page.close()
    page, _errors, _foreign = open_page(browser, f"{site}/enterprises/?province=320000", "list-wide", width=DESKTOP)
    try:
        assert page.locator(".table-scroll-hint").first.is_hidden()  # the table fits: no hint
    finally:
        page.close()
    # In English the hint is the catalogue's (base.html puts it on <body> for portal.js).
    page, _errors = visit(browser, f"{site}/en/enterprises/?province=320000", width=PHONE)
    try:
        hint = page.locator(".table-scroll-hint").first
        assert hint.is_visible() and hint.inner_text() == "Swipe sideways to see the whole table →"
    finally:
        page.close()
