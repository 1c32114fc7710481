"""sitemap.xml: the overview, every province, city and cluster page and every enterprise page, in both
languages (Django's i18n sitemaps list each URL under / and /en/)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from enterprises.models import Enterprise
from regions.choices import Cluster
from regions.models import City, Province


class _PortalSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPages(_PortalSitemap):
    priority = 1.0

    def items(self):
        return ["portal:overview", "portal:enterprise-list", "portal:compare", "portal:methodology", "portal:data"]

    def location(self, item):
        return reverse(item)


class RegionPages(_PortalSitemap):
    priority = 0.8

    def items(self):
        provinces = [("province", code) for code in Province.objects.order_by("code").values_list("code", flat=True)]
        cities = [("city", code) for code in City.objects.order_by("code").values_list("code", flat=True)]
        return provinces + cities + [("cluster", c.value) for c in Cluster]

    def location(self, item):
        scope, code = item
        if scope == "province":
            return reverse("portal:province", args=[code])
        if scope == "city":
            return reverse("portal:city", args=[f"{code[:2]}0000", code])
        return reverse("portal:cluster", args=[code])


class EnterprisePages(_PortalSitemap):
    priority = 0.5
    limit = 20_000  # entries per sitemap page; twice as many URLs with the English alternates

    def items(self):
        return Enterprise.objects.exclude(credit_code__isnull=True).order_by("pk").values_list("credit_code", flat=True)

    def location(self, item):
        return reverse("portal:enterprise", args=[item])


SITEMAPS = {"pages": StaticPages, "regions": RegionPages, "enterprises": EnterprisePages}
