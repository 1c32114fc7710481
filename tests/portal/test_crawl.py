"""A crawl of the demo: every region page and 200 enterprise pages answer 200 at both demo snapshots."""

import io

import pytest
from django.core.management import call_command

from enterprises.models import Enterprise
from regions.choices import Cluster
from regions.models import City, Province
from reports.models import Snapshot

pytestmark = pytest.mark.django_db


def test_every_region_and_200_enterprise_pages_answer_at_both_demo_snapshots(client):
    call_command("setup_demo", stdout=io.StringIO())
    dates = [s.as_of.isoformat() for s in Snapshot.objects.filter(status="complete")]
    assert len(dates) == 2
    urls = [f"/regions/{code}/" for code in Province.objects.values_list("code", flat=True)]
    urls += [f"/regions/{p}/{c}/" for c, p in City.objects.values_list("code", "province_id")]
    urls += [f"/clusters/{c}/" for c in Cluster.values]
    codes = list(
        Enterprise.objects.exclude(credit_code__isnull=True).order_by("pk").values_list("credit_code", flat=True)
    )
    step = max(1, len(codes) // 200)
    urls += [f"/enterprises/{code}/" for code in codes[::step][:200]]
    assert len(urls) > 400
    failures = []
    for as_of in dates:
        for url in ["/", "/compare/?codes=320000,440300,gba", *urls]:
            response = client.get(url, {"as_of": as_of})
            if response.status_code != 200:
                failures.append((as_of, url, response.status_code))
    assert failures == []
