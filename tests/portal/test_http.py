"""Caching per snapshot and language, conditional GETs, the CSP header and sitemap.xml."""

import datetime
import secrets
from pathlib import Path

import pytest
from django.conf import settings

from reports import services

pytestmark = pytest.mark.django_db


def test_pages_send_an_etag_and_answer_a_conditional_get_with_304(client, snapshots):
    first = client.get("/regions/320000/")
    assert first.status_code == 200
    etag = first["ETag"]
    assert first["Last-Modified"]
    again = client.get("/regions/320000/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_the_etag_differs_per_language_and_snapshot(client, snapshots):
    zh = client.get("/regions/320000/")["ETag"]
    en = client.get("/en/regions/320000/")["ETag"]
    earlier = client.get("/regions/320000/", {"as_of": "2022-12-31"})["ETag"]
    assert len({zh, en, earlier}) == 3


def test_a_new_current_snapshot_makes_cached_pages_unreachable(client, snapshots, world, django_assert_num_queries):
    old = client.get("/")
    # The second visit is served from the cache, the snapshot list included: no query (#28).
    with django_assert_num_queries(0):
        assert client.get("/").content == old.content
    services.snapshot_compute(as_of=datetime.date(2024, 1, 31))
    new = client.get("/")
    assert new["ETag"] != old["ETag"]
    assert "注：所有统计截至2024年1月31日" in new.content.decode()
    assert client.get("/", HTTP_IF_NONE_MATCH=old["ETag"]).status_code == 200


def test_an_incremental_refresh_makes_cached_pages_unreachable(client, snapshots, world):
    old = client.get("/regions/320000/")
    world["A"].employees = 99
    world["A"].save()
    services.snapshot_refresh_enterprises(enterprise_ids=[world["A"].pk])  # what the receivers queue
    snapshots["current"].refresh_from_db()
    assert snapshots["current"].refreshed_at is not None
    new = client.get("/regions/320000/")
    assert new["ETag"] != old["ETag"]
    assert client.get("/regions/320000/", HTTP_IF_NONE_MATCH=old["ETag"]).status_code == 200


def test_content_security_policy_allows_only_the_portals_own_scripts_and_styles(client, snapshots):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_pages_contain_no_inline_script_or_style(client, snapshots, world):
    for url in ("/", "/regions/320000/", f"/enterprises/{world['A'].credit_code}/", "/compare/?codes=320000"):
        page = client.get(url).content.decode()
        # json_script blocks are data (never executed); every other script has a src.
        for tag in page.split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert 'type="application/json"' in head or "src=" in head, head
        assert " style=" not in page and "<style" not in page


def test_charts_are_bundled_with_their_licence(client):
    vendor = Path(settings.BASE_DIR) / "portal/static/portal/vendor/echarts"
    assert (vendor / "LICENSE").read_text().startswith("\n                                 Apache License")
    assert "5.6.0" in (vendor / "VERSION").read_text()
    response = client.get("/static/portal/vendor/echarts/echarts.min.js")
    assert response.status_code == 200


def test_sitemap_lists_region_and_enterprise_pages_in_both_languages(client, snapshots, world):
    body = client.get("/sitemap.xml").content.decode()
    for path in (
        "/regions/320000/",
        "/regions/320000/320500/",
        "/clusters/gba/",
        f"/enterprises/{world['A'].credit_code}/",
        "/data/",
    ):
        assert f"http://testserver{path}" in body
        assert f"http://testserver/en{path}" in body


def test_pages_have_titles_and_meta_descriptions(client, snapshots):
    page = client.get("/regions/320000/").content.decode()
    assert "<title>江苏省 · 小巨人科创力门户</title>" in page
    assert '<meta name="description" content="江苏省专精特新“小巨人”企业科创力画像：2家企业' in page


def test_the_english_catalogue_is_complete():
    po = (Path(settings.BASE_DIR) / "portal/locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    untranslated = [e for e in entries if 'msgstr ""' in e and '\n"' not in e.split('msgstr ""', 1)[1]]
    assert untranslated == []
    assert "#, fuzzy" not in po
    assert (Path(settings.BASE_DIR) / "portal/locale/en/LC_MESSAGES/django.mo").stat().st_mtime >= 0


def test_the_admin_may_use_inline_styles_but_the_public_pages_may_not(admin_client, snapshots):
    admin_policy = admin_client.get("/admin/")["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in admin_policy
    assert "script-src 'self'" in admin_policy and "unsafe-eval" not in admin_policy
    assert "unsafe-inline" not in admin_client.get("/regions/320000/")["Content-Security-Policy"]


@pytest.fixture
def page_cache(settings):
    """A LocMemCache, whose entries the test can count (the Redis cache of CI is shared)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}}
    cache.clear()
    yield lambda: [key for key in cache._cache if "portal:page:" in key]  # LocMemCache's own dictionary
    cache.clear()


@pytest.mark.parametrize("url", ["/regions/320000/", "/enterprises/?province=320000", "/compare/?codes=320000"])
def test_junk_query_parameters_make_no_cache_entries_of_their_own(client, snapshots, page_cache, url):
    plain = client.get(url)
    for _ in range(50):
        junk = f"{secrets.token_hex(4)}={secrets.token_hex(4)}"
        response = client.get(f"{url}{'&' if '?' in url else '?'}{junk}")
        assert response.status_code == 200
        # The page is the page without the junk: its links and forms do not repeat it either.
        assert response.content == plain.content
    assert len(page_cache()) == 1


def test_the_cache_key_ignores_the_order_of_the_parameters_and_empty_ones(client, snapshots, page_cache):
    client.get("/enterprises/?province=320000&sort=-applications")
    client.get("/enterprises/?sort=-applications&province=320000&page=")
    assert len(page_cache()) == 1


@pytest.mark.parametrize(
    "page, name",
    [("/enterprises/", "province"), ("/compare/", "codes"), ("A", "type"), ("A", "office")],
)
def test_a_page_with_a_value_it_does_not_know_is_shown_but_not_kept(client, snapshots, world, page_cache, page, name):
    url = f"/enterprises/{world['A'].credit_code}/" if page == "A" else page
    for n in range(5):
        assert client.get(url, {name: f"junk{n}"}).status_code == 200
    assert page_cache() == []
