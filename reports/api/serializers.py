"""Response shapes of interfaces.md: {"scope", "code", "name", "as_of", "computed_at", "metrics"}."""

from rest_framework import serializers

from ..choices import METRIC_KEYS, OVERSEAS_BUCKETS, PCT_BUCKETS
from ..models import ScopeIndicator, Snapshot


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
    as_of = serializers.DateField(source="snapshot.as_of")
    computed_at = serializers.DateTimeField(source="snapshot.computed_at")
    metrics = MetricsField(help_text="Exactly the keys of metrics.md; ratios with a zero denominator are null.")

    class Meta:
        model = ScopeIndicator
        fields = ["scope", "code", "name", "as_of", "computed_at", "metrics"]


class ScopeIndicatorListSerializer(serializers.Serializer):
    """Every code of one scope (at most a few hundred, so the list is not paginated)."""

    scope = serializers.CharField()
    as_of = serializers.DateField()
    computed_at = serializers.DateTimeField()
    count = serializers.IntegerField()
    results = ScopeIndicatorSerializer(many=True)


class SnapshotSerializer(serializers.ModelSerializer):
    duration_seconds = serializers.SerializerMethodField()
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
