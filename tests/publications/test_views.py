"""The report's web page, its PDF download (kept and served as a file), the command and the background render."""

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from publications import rendering, services
from publications.models import RenderedReport
from reports import services as report_services
from tests.portal.conftest import AS_OF

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_cjk_font(monkeypatch):
    monkeypatch.setattr(rendering, "cjk_font_available", lambda: False)


def test_the_report_page_in_both_languages(client, snapshots):
    response = client.get("/reports/province/320000/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "江苏省专精特新“小巨人”企业科创力报告" in html
    assert "截至2023年7月31日，江苏省共有2家专精特新“小巨人”企业" in html
    assert 'href="/reports/province/320000/report.pdf"' in html
    english = client.get("/en/reports/province/320000/").content.decode()
    assert "Innovation report on the Little Giant enterprises of Jiangsu" in english
    assert 'href="/en/reports/province/320000/report.pdf"' in english


def test_the_report_page_at_an_older_snapshot(client, snapshots):
    html = client.get("/reports/national/CN/", {"as_of": "2022-12-31"}).content.decode()
    assert "截至2022年12月31日" in html
    assert "report.pdf?as_of=2022-12-31" in html


def test_unknown_reports_are_404(client, snapshots):
    for url in ("/reports/province/990000/", "/reports/industry/power/", "/reports/national/CN/?as_of=2020-01-01"):
        assert client.get(url).status_code == 404, url


def test_every_profile_page_links_to_its_report(client, snapshots):
    pages = {
        "/": "/reports/national/CN/",
        "/regions/320000/": "/reports/province/320000/",
        "/regions/320000/320500/": "/reports/city/320500/",
        "/clusters/gba/": "/reports/cluster/gba/",
    }
    for page, report in pages.items():
        assert f'href="{report}"' in client.get(page).content.decode(), page


def test_a_pdf_is_rendered_once_kept_and_then_served_as_a_file(client, snapshots, monkeypatch):
    response = client.get("/reports/city/320500/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    first = b"".join(response.streaming_content)
    assert first.startswith(b"%PDF")
    kept = RenderedReport.objects.get()
    assert (kept.scope, kept.code, kept.language, kept.snapshot_id) == (
        "city",
        "320500",
        "zh-hans",
        snapshots["current"].pk,
    )
    assert kept.computed_at == snapshots["current"].computed_at and kept.pages > 3

    def no_rendering(*args, **kwargs):
        raise AssertionError("a kept report must not be rendered again")

    monkeypatch.setattr(services, "report_pdf_render", no_rendering)
    again = client.get("/reports/city/320500/report.pdf")
    assert b"".join(again.streaming_content) == first


def test_a_refreshed_snapshot_renders_its_pdf_again(client, snapshots, world):
    client.get("/en/reports/city/320500/report.pdf")
    kept = RenderedReport.objects.get()
    world["A"].employees = 99
    world["A"].save()
    report_services.snapshot_refresh_enterprises(enterprise_ids=[world["A"].pk])  # what the receivers queue
    snapshot = snapshots["current"]
    snapshot.refresh_from_db()
    assert snapshot.data_read_at != kept.computed_at  # the refresh moved it
    assert services.report_pdf_stored(scope="city", code="320500", snapshot=snapshot, language="en") is None
    client.get("/en/reports/city/320500/report.pdf")
    assert RenderedReport.objects.get().computed_at == snapshot.data_read_at


def test_without_a_cjk_font_the_pdf_names_the_package_and_the_page_still_works(client, snapshots, no_cjk_font):
    response = client.get("/reports/national/CN/report.pdf")
    assert response.status_code == 503
    assert "fonts-noto-cjk" in response.content.decode()
    assert client.get("/reports/national/CN/").status_code == 200


def test_build_report_writes_pdf_and_html(snapshots, tmp_path):
    out = io.StringIO()
    call_command(
        "build_report",
        "--scope",
        "cluster",
        "--code",
        "gba",
        "--lang",
        "en",
        "--out",
        str(tmp_path / "r.pdf"),
        stdout=out,
    )
    assert "wrote" in out.getvalue()
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "r.pdf").pages)
    assert "Innovation report on the Little Giant enterprises of" in text
    call_command(
        "build_report",
        "--scope",
        "national",
        "--code",
        "CN",
        "--as-of",
        "2022-12-31",
        "--out",
        str(tmp_path / "r.html"),
        stdout=io.StringIO(),
    )
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<svg" in html and "截至2022年12月31日" in html


def test_build_report_fails_with_a_message(snapshots, tmp_path, no_cjk_font):
    with pytest.raises(CommandError, match="fonts-noto-cjk"):
        call_command("build_report", "--scope", "national", "--code", "CN", "--out", str(tmp_path / "r.pdf"))
    with pytest.raises(CommandError, match="no province"):
        call_command("build_report", "--scope", "province", "--code", "990000", "--out", str(tmp_path / "r.html"))
    with pytest.raises(CommandError, match="snapshot"):
        call_command("build_report", "--scope", "national", "--code", "CN", "--as-of", "2001-01-01", "--out", "x.html")


def test_a_completed_snapshot_renders_the_national_and_province_reports_after_commit(
    snapshots, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PUBLICATIONS_RENDER_ON_SNAPSHOT = True
    rendered = []
    monkeypatch.setattr(services, "_store", lambda **kw: rendered.append((kw["scope"], kw["code"], kw["language"])))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        snapshot = report_services.snapshot_compute(as_of=AS_OF)
    assert len(callbacks) == 1
    regions = {(scope, code) for scope, code, _lang in rendered}
    assert regions == {("national", "CN"), ("province", "320000"), ("province", "440000")}
    assert len(rendered) == 6  # both languages
    assert snapshot.status == "complete"


def test_in_process_tasks_leave_rendering_to_the_first_request(snapshots, settings, django_capture_on_commit_callbacks):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    with django_capture_on_commit_callbacks() as callbacks:
        report_services.snapshot_compute(as_of=AS_OF)
    assert callbacks == []


def test_pruning_a_snapshot_deletes_its_kept_files(client, snapshots):
    client.get("/reports/province/440000/report.pdf", {"as_of": "2022-12-31"})
    kept = RenderedReport.objects.get()
    storage, name = kept.file.storage, kept.file.name
    assert storage.exists(name)
    report_services.snapshots_prune(keep=1)
    assert not RenderedReport.objects.exists()
    assert not storage.exists(name)
