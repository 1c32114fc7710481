"""The list's default population is the profiles' (metrics.md): a profile's count equals its list's count."""

import html
import re

import pytest

from enterprises.models import Enterprise
from reports.choices import Scope
from reports.models import ScopeIndicator

from .conftest import AS_OF, EARLIER

pytestmark = pytest.mark.django_db

LIST_LINK = re.compile(r'<a class="button" href="(/enterprises/[^"]*)">查看')


def listed_count(client, url: str) -> int:
    page = client.get(url).content.decode()
    (count,) = re.findall(r"共(\d+)家企业", page)
    return int(count)


def profile_url(row) -> str:
    if row.scope == Scope.PROVINCE:
        return f"/regions/{row.code}/"
    if row.scope == Scope.CITY:
        return f"/regions/{row.code[:2]}0000/{row.code}/"
    return f"/clusters/{row.code}/"


@pytest.mark.parametrize("moved", [False, True])
@pytest.mark.parametrize("as_of", [EARLIER, AS_OF])
def test_every_profile_count_equals_its_list_count(client, snapshots, world, as_of, moved):
    if moved:
        # B moves from 深圳 to 苏州 after both snapshots (no refresh: a plain UPDATE). The snapshots still
        # count B in 广东, and so must their lists.
        Enterprise.objects.filter(pk=world["B"].pk).update(province_id="320000", city_id="320500")
    snapshot = snapshots["earlier" if as_of == EARLIER else "current"]
    rows = ScopeIndicator.objects.filter(snapshot=snapshot, scope__in=[Scope.PROVINCE, Scope.CITY, Scope.CLUSTER])
    checked = 0
    for row in rows.filter(enterprise_count__gt=0):
        url = profile_url(row)
        page = client.get(url, {"as_of": as_of.isoformat()}).content.decode()
        (link,) = LIST_LINK.findall(page)
        assert listed_count(client, html.unescape(link)) == row.enterprise_count, row.name
        checked += 1
    # 江苏, 广东, their cities 苏州, 南京, 深圳 and the clusters 长三角, 粤港澳 at 2023-07-31.
    assert checked >= 6


def test_the_uncounted_are_offered_beside_the_count(client, snapshots):
    # 南京: C is counted; R's only designation is revoked, so the profile does not count it.
    page = client.get("/enterprises/", {"city": "320100"}).content.decode()
    assert "共1家企业" in page
    assert "南京撤销科技有限公司" not in page
    assert "另有1家未纳入统计" in page
    assert 'href="/enterprises/?city=320100&amp;population=all"' in page


def test_all_enterprises_on_request_say_how_many_are_uncounted(client, snapshots):
    page = client.get("/enterprises/", {"city": "320100", "population": "all"}).content.decode()
    assert "共2家企业" in page
    assert "南京撤销科技有限公司" in page
    assert "其中1家未纳入统计" in page


def test_no_note_when_every_match_is_counted(client, snapshots):
    page = client.get("/enterprises/", {"city": "320500"}).content.decode()
    assert "未纳入统计" not in page
