"""Honest dates: a day between snapshots shows the one before and says so; a stale snapshot says so;
404 and 500 pages of our own, in both languages."""

import uuid

import pytest
from django.template import loader
from django.test import RequestFactory
from django.utils import timezone, translation
from django.views.defaults import server_error

from reports.models import PendingRefresh
from reports.services import data_changed_mark

from .conftest import AS_OF, EARLIER

pytestmark = pytest.mark.django_db

STALE = "此日期的数据已更新，正在重新计算"


def test_a_day_between_snapshots_shows_the_earlier_one_and_says_so(client, snapshots, monkeypatch):
    from portal import caching

    stored = []
    monkeypatch.setattr(caching.cache, "set", lambda key, *args, **kwargs: stored.append(key))
    response = client.get("/regions/320000/", {"as_of": "2023-03-15"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "没有2023年3月15日的统计快照，这里显示此前最近的2022年12月31日的数据。" in page
    assert '<option value="2022-12-31" selected>' in page
    # Such a page is not kept: every day of the calendar would make its own cache entry (the snapshot
    # list, the same for every day, is).
    pages = lambda: [key for key in stored if key.startswith("portal:page:")]  # noqa: E731
    assert pages() == []
    client.get("/regions/320000/", {"as_of": EARLIER.isoformat()})
    assert len(pages()) == 1  # the snapshot's own date is


def test_the_note_is_in_english_too(client, snapshots):
    page = client.get("/en/enterprises/", {"as_of": "2024-01-02"}).content.decode()
    assert "There is no snapshot for" in page
    assert AS_OF.strftime("%Y") in page


def test_a_day_before_every_snapshot_is_not_found_on_our_own_page(client, snapshots):
    response = client.get("/regions/320000/", {"as_of": "2001-01-01"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "找不到这个页面" in page and "没有该日期或更早的统计快照" in page


def test_an_older_snapshot_is_marked_stale_after_an_edit(client, snapshots):
    assert STALE not in client.get("/regions/320000/", {"as_of": EARLIER.isoformat()}).content.decode()
    data_changed_mark(at=timezone.now())
    assert STALE in client.get("/regions/320000/", {"as_of": EARLIER.isoformat()}).content.decode()


def test_the_newest_snapshot_is_stale_until_its_refresh_ends(client, snapshots, world):
    assert STALE not in client.get("/").content.decode()  # the fresh page is now cached
    pending = PendingRefresh.objects.create(
        enterprise_id=world["A"].pk, requested_at=timezone.now(), token=uuid.uuid4()
    )
    assert STALE in client.get("/").content.decode()
    assert "The data for this date have changed" in client.get("/en/").content.decode()
    pending.delete()  # the refresh ended
    assert STALE not in client.get("/").content.decode()


@pytest.mark.parametrize(("prefix", "text"), [("", "找不到这个页面"), ("/en", "Page not found")])
def test_the_404_page_is_ours_in_both_languages(client, snapshots, prefix, text):
    response = client.get(f"{prefix}/enterprises/91320000000000000X/")
    assert response.status_code == 404
    assert text in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "服务器出错"), ("en", "Server error")])
def test_the_500_page_renders_without_a_request_or_the_database(language, text, django_assert_num_queries):
    with translation.override(language), django_assert_num_queries(0):
        assert text in loader.get_template("500.html").render()
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert text in response.content.decode()
