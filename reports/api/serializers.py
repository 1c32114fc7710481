"""Response shapes of interfaces.md: {"scope", "code", "name", "as_of", "computed_at", "metrics"}; and the
enterprise and division shapes with what they join from a snapshot (their measures, their counts)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enterprises.api.serializers import EnterpriseSerializer
from regions.api import serializers as division_serializers

from ..choices import METRIC_KEYS, OVERSEAS_BUCKETS, PCT_BUCKETS
from ..models import EnterpriseMeasure, ScopeIndicator, Snapshot
from ..rollups import TOTAL_MEASURE_COLUMNS


def _ordered(metrics: dict) -> dict:
    """metrics.md order (jsonb sorts keys); year series oldest first, buckets smallest first."""
    out = {key: metrics[key] for key in METRIC_KEYS}
    for key in ("applications_by_year", "pct_by_year"):
        out[key] = dict(sorted(out[key].items()))
    out["pct_buckets"] = {b: out["pct_buckets"][b] for b in PCT_BUCKETS}
    out["overseas_buckets"] = {b: out["overseas_buckets"][b] for b in OVERSEAS_BUCKETS}
    return out


class MetricsField(serializers.JSONField):
    def to_representation(self, value):
        return _ordered(value)


class ScopeIndicatorSerializer(serializers.ModelSerializer):
    as_of = serializers.DateField(source="snapshot.as_of", help_text="The snapshot's cut-off date (YYYY-MM-DD).")
    computed_at = serializers.DateTimeField(
        source="snapshot.computed_at", help_text="When the snapshot read the data (ISO 8601)."
    )
    metrics = MetricsField(help_text="Exactly the keys of metrics.md; ratios with a zero denominator are null.")

    class Meta:
        model = ScopeIndicator
        fields = ["scope", "code", "name", "as_of", "computed_at", "metrics"]
        extra_kwargs = {
            "scope": {"help_text": "national, province, city, cluster, industry, batch or board (metrics.md)."},
            "code": {"help_text": "Code within the scope: CN, a division code, jjj/yrd/gba, an industry key, ..."},
            "name": {"help_text": "Display name of the code, e.g. 江苏省."},
        }


class ScopeIndicatorListSerializer(serializers.Serializer):
    """Every code of one scope (at most a few hundred, so the list is not paginated)."""

    scope = serializers.CharField(help_text="The scope listed.")
    as_of = serializers.DateField(help_text="The snapshot's cut-off date (YYYY-MM-DD).")
    computed_at = serializers.DateTimeField(help_text="When the snapshot read the data (ISO 8601).")
    count = serializers.IntegerField(help_text="Number of codes listed (codes).")
    results = ScopeIndicatorSerializer(many=True, help_text="One entry per code of the scope.")


class SnapshotSerializer(serializers.ModelSerializer):
    duration_seconds = serializers.SerializerMethodField(help_text="Computation time in seconds; null while running.")
    error = serializers.SerializerMethodField(
        help_text="Why a run failed: the traceback for staff, a summary for others."
    )

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "as_of",
            "status",
            "computed_at",
            "started_at",
            "finished_at",
            "duration_seconds",
            "enterprise_count",
            "patent_count",
            "scope_count",
            "error",
        ]
        extra_kwargs = {
            "id": {"help_text": "Snapshot number."},
            "as_of": {"help_text": "Cut-off date (YYYY-MM-DD): patents published up to this day count."},
            "status": {"help_text": "running, complete (readable) or failed."},
            "computed_at": {"help_text": "When the data behind the numbers was read (ISO 8601)."},
            "started_at": {"help_text": "When the computation started (ISO 8601)."},
            "finished_at": {"help_text": "When it finished (ISO 8601); null while running."},
            "enterprise_count": {"help_text": "Enterprises in the population (enterprises)."},
            "scope_count": {"help_text": "Scope rows computed (rows)."},
            "error": {"help_text": "The error of a failed computation; empty otherwise."},
        }

    def get_duration_seconds(self, obj: Snapshot) -> float | None:
        return obj.duration.total_seconds() if obj.duration is not None else None

    def get_error(self, obj: Snapshot) -> str:
        """A failed run's traceback names files, SQL and settings: only staff read it."""
        if not obj.error:
            return ""
        request = self.context.get("request")
        if request is not None and request.user.is_staff:
            return obj.error
        return "failed (details for staff in the admin)"


# --- enterprises and divisions with what they join from a snapshot ------------------------------------


class MeasuresSerializer(serializers.ModelSerializer):
    """The enterprise's per-enterprise measures of metrics.md in one snapshot."""

    as_of = serializers.DateField(source="snapshot.as_of", help_text="The snapshot's cut-off date.")
    computed_at = serializers.DateTimeField(
        source="snapshot.computed_at", help_text="When the snapshot read the data (ISO 8601)."
    )

    class Meta:
        model = EnterpriseMeasure
        # The measures a snapshot stores per enterprise, less the per-year columns (they feed the scopes' series).
        fields = ["as_of", "computed_at", "batch", *TOTAL_MEASURE_COLUMNS]
        extra_kwargs = {
            "batch": {"help_text": "The batch the enterprise counts in for this snapshot."},
            "applications": {"help_text": "Patent applications published up to as_of (applications)."},
            "invention_applications": {"help_text": "Invention applications among them (applications)."},
            "granted_inventions": {"help_text": "Granted inventions up to as_of (patents)."},
            "valid_inventions": {"help_text": "Inventions in force today (patents)."},
            "citations": {"help_text": "Times its patents were cited (citations)."},
            "licenses": {"help_text": "Times its patents were licensed (licences)."},
            "transfers": {"help_text": "Times its patents were assigned (transfers)."},
            "pct_applications": {"help_text": "PCT international applications, jurisdiction WO (applications)."},
            "overseas_markets": {"help_text": "Distinct offices other than CN and WO it filed at (markets)."},
        }


class EnterpriseDetailSerializer(EnterpriseSerializer):
    measures = serializers.SerializerMethodField(
        help_text="Measures in the snapshot chosen by ?as_of= (default: newest); null when the enterprise is "
        "not in that snapshot's population or no snapshot exists."
    )

    class Meta(EnterpriseSerializer.Meta):
        fields = [*EnterpriseSerializer.Meta.fields, "measures"]

    @extend_schema_field(MeasuresSerializer(allow_null=True))
    def get_measures(self, obj):
        measure = self.context.get("measure")
        return MeasuresSerializer(measure).data if measure is not None else None


class _IndicatorCounts(serializers.Serializer):
    enterprise_count = serializers.SerializerMethodField(
        help_text="小巨人 enterprises in the division in the snapshot (enterprises); null without a snapshot."
    )
    applications_total = serializers.SerializerMethodField(
        help_text="Patent applications of those enterprises up to the snapshot's as_of (applications); null "
        "without a snapshot."
    )

    def _indicator(self, obj):
        return self.context.get("indicators", {}).get(obj.code)

    def get_enterprise_count(self, obj) -> int | None:
        indicator = self._indicator(obj)
        return indicator.enterprise_count if indicator else (0 if self.context.get("indicators") else None)

    def get_applications_total(self, obj) -> int | None:
        indicator = self._indicator(obj)
        return indicator.applications_total if indicator else (0 if self.context.get("indicators") else None)


class ProvinceSerializer(_IndicatorCounts, division_serializers.ProvinceSerializer):
    class Meta(division_serializers.ProvinceSerializer.Meta):
        fields = [*division_serializers.ProvinceSerializer.Meta.fields, "enterprise_count", "applications_total"]


class CitySerializer(_IndicatorCounts, division_serializers.CitySerializer):
    class Meta(division_serializers.CitySerializer.Meta):
        fields = [*division_serializers.CitySerializer.Meta.fields, "enterprise_count", "applications_total"]
