"""axe-core on every page type, in both languages: no "serious" or "critical" violation.

axe-core is the npm package, vendored under tests/portal/vendor/axe-core/ with its licence (for the tests
only, never served); Playwright injects it into the page. The harness of test_browser.py (Debian's
Chromium), at 1366 px and at 390 px (the phone's layout is a different page to a screen reader too).
"""

from pathlib import Path

import pytest

from .test_browser import SCREENSHOTS, open_page
from .test_browser_phones import page_types, visit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

# WCAG 2.x A and AA and the best practices; the violations as "rule (impact): target — summary".
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    resultTypes: ['violations'],
  });
  return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n')[1]) }));
}"""


@pytest.fixture
def site(live_server, snapshots, world):
    SCREENSHOTS.mkdir(exist_ok=True)
    return live_server.url


def violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') refuses a <script> tag.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    return [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


# Both languages on a screen; the phone's layout (the tile list, framed tables) once, in English, whose
# longer words are the harder case.
@pytest.mark.parametrize(("prefix", "width"), [("", 1366), ("/en", 1366), ("/en", 390)])
def test_no_serious_or_critical_violations(browser, site, world, prefix, width):
    found = {}
    for kind, path in page_types(world).items():
        page, _errors = visit(browser, site + prefix + path, width=width)
        try:
            problems = violations(page)
            if problems:
                found[kind] = problems
        finally:
            page.close()
    assert found == {}


def test_axe_finds_what_it_is_there_to_find(browser, site):
    """The check can fail: a button without a name, put in a real page."""
    page, _errors, _foreign = open_page(browser, f"{site}/methodology/", "axe-control", width=1366)
    try:
        page.evaluate(
            """() => { const b = document.createElement('button'); b.className = 'chip-remove';
                       document.querySelector('main').appendChild(b); }"""
        )
        assert "button-name" in {v["id"] for v in violations(page)}
    finally:
        page.close()
