"""Divisions as the regions app knows them (``reports.api.serializers`` adds their counts in a snapshot)."""

from rest_framework import serializers

from ..models import City, Province


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name", "short_name", "name_en", "is_municipality"]
        extra_kwargs = {
            "code": {"help_text": "GB/T 2260 six-digit code, e.g. 320000."},
            "name": {"help_text": "Full Chinese name, e.g. 江苏省."},
            "short_name": {"help_text": "Short name, e.g. 江苏."},
            "name_en": {"help_text": "English name."},
            "is_municipality": {"help_text": "True for the four municipalities (直辖市)."},
        }


class CitySerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id", help_text="Code of the province the city lies in.")

    class Meta:
        model = City
        fields = [
            "code",
            "name",
            "short_name",
            "name_en",
            "province",
            "kind",
            "is_municipality",
            "is_separately_planned",
            "cluster",
        ]
        extra_kwargs = {
            "code": {"help_text": "GB/T 2260 six-digit code of the prefecture-level division, e.g. 320500."},
            "name": {"help_text": "Chinese name, e.g. 苏州市."},
            "short_name": {"help_text": "Short name, e.g. 苏州."},
            "name_en": {"help_text": "English name."},
            "kind": {"help_text": "city 地级行政区, or county_group 省直辖县级行政区划 (counties under the province)."},
            "is_municipality": {"help_text": "True when the city is one of the four municipalities itself."},
            "is_separately_planned": {
                "help_text": "True for the five 计划单列市 (Dalian, Ningbo, Xiamen, Qingdao, Shenzhen)."
            },
            "cluster": {"help_text": "City cluster: jjj 京津冀, yrd 长三角, gba 粤港澳; empty for none."},
        }
