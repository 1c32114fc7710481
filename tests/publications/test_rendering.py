"""WeasyPrint fetches only the portal's static files and data: URIs (issue #22): never a local file or a URL."""

import base64
import io

import pytest
from pypdf import PdfReader

from portal.charts import Chart
from publications import rendering, services
from publications.svg import chart_svg

pytestmark = pytest.mark.django_db

# A 1x1 PNG: an image WeasyPrint would embed if it fetched it.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def fetcher():
    return rendering.report_url_fetcher()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://report.invalid/../../etc/passwd",
        "http://127.0.0.1:6379/",
        "https://example.com/static/portal/favicon.svg",
        "https://report.invalid/media/reports/1/national-CN-en.pdf",
        "https://report.invalid/static/../config/settings.py",
        "https://report.invalid/static/portal/%2e%2e/%2e%2e/config/settings.py",
        "https://report.invalid/static/portal/no-such-file.css",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files_and_data(fetcher, url):
    with pytest.raises(rendering.ResourceRefused):
        fetcher(url)


def test_the_fetcher_serves_static_files_and_data_uris(fetcher, settings):
    static = fetcher(f"https://report.invalid{settings.STATIC_URL}portal/favicon.svg")
    assert static.read().lstrip().startswith(b"<svg") and static.content_type == "image/svg+xml"
    data = fetcher("data:image/png;base64," + base64.b64encode(PNG).decode())
    assert data.read() == PNG


def _render_with(monkeypatch, snapshot, extra: str) -> tuple[PdfReader, int]:
    """The national report with ``extra`` markup at the top of its body."""
    original = rendering.report_document_html
    monkeypatch.setattr(
        rendering,
        "report_document_html",
        lambda report, *, language: original(report, language=language).replace("<body>", "<body>" + extra, 1),
    )
    pdf, pages = services.report_pdf_render(scope="national", code="CN", snapshot=snapshot, language="zh-hans")
    return PdfReader(io.BytesIO(pdf)), pages


def _images(reader: PdfReader) -> int:
    return sum(len(page.images) for page in reader.pages)


def test_a_local_file_named_by_the_document_is_not_read_and_the_report_still_renders(snapshots, tmp_path, monkeypatch):
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    data_image = f'<img src="data:image/png;base64,{base64.b64encode(PNG).decode()}">'
    expected, _pages = _render_with(monkeypatch, snapshots["current"], data_image)
    hostile = f'<link rel="stylesheet" href="file:///etc/passwd"><img src="file://{secret}">{data_image}'
    reader, pages = _render_with(monkeypatch, snapshots["current"], hostile)
    # The data: image is in the document; the file's copy of the same image is not.
    assert _images(reader) == _images(expected)
    # Its print stylesheet (A4) and its Chinese font are there as before.
    first = reader.pages[0]
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert any("CJK" in font for font in fonts), fonts
    assert pages > 3


def test_a_bar_chart_draws_its_reference_lines_with_their_labels():
    chart = Chart(
        id="t",
        title="t",
        kind="grouped",
        categories=["第1批", "第2批"],
        series=[{"name": "a", "values": [1.0, 3.0]}],
        lines=[("全部小巨人平均 2.0", 2.0)],
    )
    svg = chart_svg(chart)
    # As attributes: WeasyPrint ignores SVG style="" declarations, so the line would print black and solid.
    assert "全部小巨人平均 2.0" in svg and 'stroke-dasharray="6,3"' in svg and 'stroke="#c0392b"' in svg
