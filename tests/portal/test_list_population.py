"""The list's default population is the profiles' (metrics.md): a profile's count equals its list's count."""

import html
import re

import pytest

from reports.choices import Scope
from reports.models import ScopeIndicator

from .conftest import AS_OF, EARLIER

pytestmark = pytest.mark.django_db

LIST_LINK = re.compile(r'<a class="button" href="(/enterprises/[^"]*)">查看')


def listed_count(client, url: str) -> int:
    page = client.get(url).content.decode()
    (count,) = re.findall(r"共(\d+)家企业", page)
    return int(count)


@pytest.mark.parametrize("as_of", [EARLIER, AS_OF])
def test_every_profile_count_equals_its_list_count(client, snapshots, as_of):
    snapshot = snapshots["earlier" if as_of == EARLIER else "current"]
    rows = ScopeIndicator.objects.filter(snapshot=snapshot, scope__in=[Scope.PROVINCE, Scope.CITY])
    checked = 0
    for row in rows.filter(enterprise_count__gt=0):
        url = f"/regions/{row.code}/" if row.scope == Scope.PROVINCE else f"/regions/{row.code[:2]}0000/{row.code}/"
        page = client.get(url, {"as_of": as_of.isoformat()}).content.decode()
        (link,) = LIST_LINK.findall(page)
        assert listed_count(client, html.unescape(link)) == row.enterprise_count, row.name
        checked += 1
    # 江苏, 广东 and their cities 苏州, 南京, 深圳 at 2023-07-31; fewer at the end of 2022.
    assert checked >= 4


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
