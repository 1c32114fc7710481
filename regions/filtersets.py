"""FilterSets of the divisions (the API's /cities/ and the public pages)."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .choices import Cluster
from .models import City, Province


class CityFilterSet(filters.FilterSet):
    province = filters.ModelChoiceFilter(
        queryset=Province.objects.all(),
        label=_("省份"),
        help_text="Province code (e.g. 320000): the cities of that province.",
    )
    cluster = filters.ChoiceFilter(
        choices=Cluster.choices,
        label=_("城市群"),
        help_text="City cluster: jjj 京津冀, yrd 长三角, gba 粤港澳.",
    )

    class Meta:
        model = City
        fields: list[str] = []
