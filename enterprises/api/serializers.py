"""Shapes of the enterprise endpoints. Reads are ModelSerializers; writes take the interchange columns and
give them to the row service as an ``EnterpriseRow``."""

from rest_framework import serializers

from utilities.api.values import date_text, datetime_text

from ..models import Designation, Enterprise
from ..selectors import DESIGNATION_ROW_FIELDS
from ..services import EnterpriseRow
from ..validity import revocation_cause


class DesignationSerializer(serializers.ModelSerializer):
    revocation_cause = serializers.SerializerMethodField(
        help_text="Why it was revoked: failed_review (复核未通过, from a 复核 result list) or other (revoked "
        "otherwise, e.g. by an official); null unless revoked."
    )

    class Meta:
        model = Designation
        # The lean rows carry the same stored fields (one list of them), and the cause derived from them.
        fields = [*DESIGNATION_ROW_FIELDS, "revocation_cause"]
        extra_kwargs = {
            "program": {"help_text": "MIIT programme: little_giant 专精特新“小巨人”企业 (the portal's population)."},
            "batch": {"help_text": "Batch number (1 = first batch, 2019; 5 = fifth batch, 2023)."},
            "status": {"help_text": "announced 公示, confirmed 认定通过, reviewed 复核通过, revoked 撤销."},
            "designated_on": {"help_text": "Date the designation took effect (YYYY-MM-DD); null if unknown."},
            "reviewed_on": {
                "help_text": "Date of the passed 复核 (three-year review), from which validity runs again "
                "(YYYY-MM-DD); null unless reviewed."
            },
            "revoked_on": {"help_text": "Date of revocation (YYYY-MM-DD); null unless revoked."},
            "revocation_reason": {
                "help_text": "Why it was revoked, in the MIIT list's words (e.g. 复核未通过); empty unless revoked."
            },
            "updated_at": {"help_text": "When this designation last changed (ISO 8601 date-time)."},
        }

    def get_revocation_cause(self, designation: Designation) -> str | None:
        return designation.revocation_cause


_ENTERPRISE_HELP = {
    "credit_code": "Unified social credit code (统一社会信用代码, GB 32100-2015, 18 characters); null for an "
    "incomplete enterprise named on an MIIT list but not matched yet.",
    "name": "Registered name (企业名称).",
    "former_names": "Earlier registered names (曾用名), oldest first.",
    "province": "Province-level division code (GB/T 2260), e.g. 320000.",
    "city": "Prefecture-level city code, e.g. 320500; null if unknown.",
    "industry_field": "十大重点产业领域 key (data-formats.md), e.g. next_gen_it; empty if unknown.",
    "employees": "Insured employees (参保人数), persons; null if unknown.",
    "listing_board": "Capital-market board key (main, chinext, star, bse, neeq, hkex, sgx, overseas_other); "
    "empty = not listed.",
    "stock_code": "Security code, e.g. 688001 or 688001.SH; empty if not listed.",
    "primary_financing": "Has raised primary-market funding (一级市场融资); null if unknown.",
    "founded_on": "Date of establishment (成立日期), YYYY-MM-DD; null if unknown.",
    "updated_at": "When the enterprise's own data last changed (ISO 8601); designation changes carry their own.",
}


class EnterpriseSerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id", help_text=_ENTERPRISE_HELP["province"])
    province_name = serializers.CharField(source="province.name", help_text="Province name, e.g. 江苏省.")
    city = serializers.CharField(source="city_id", allow_null=True, help_text=_ENTERPRISE_HELP["city"])
    city_name = serializers.CharField(source="city.name", allow_null=True, default=None, help_text="City name.")
    designations = DesignationSerializer(
        many=True, read_only=True, help_text="小巨人 designations, oldest batch first."
    )

    class Meta:
        model = Enterprise
        fields = [
            "credit_code",
            "name",
            "former_names",
            "province",
            "province_name",
            "city",
            "city_name",
            "industry_field",
            "employees",
            "listing_board",
            "stock_code",
            "primary_financing",
            "founded_on",
            "designations",
            "updated_at",
        ]
        extra_kwargs = {name: {"help_text": text} for name, text in _ENTERPRISE_HELP.items()}


# --- writes: the columns of enterprises.csv --------------------------------------------------------

# What a partial write does not repeat: an omitted value, or one given empty, keeps the stored one.
_EMPTY = (None, "", [])


def enterprise_row(given: dict, *, stored: Enterprise | None = None, batch: int | None = None) -> EnterpriseRow:
    """The row the validated values ``given`` make: over ``stored``'s key columns and ``batch`` when they
    write an existing enterprise (``None`` among them keeps the stored value)."""
    values: dict = {}
    if stored is not None:
        values = {
            "credit_code": stored.credit_code or "",
            "name": stored.name,
            "province": stored.province_id,
            "city": stored.city_id or "",
            "batch": batch,
        }
    values.update({key: value for key, value in given.items() if value not in _EMPTY})
    values["former_names"] = tuple(values.get("former_names", ()))
    return EnterpriseRow(**values)


class EnterpriseWriteSerializer(serializers.Serializer):
    """One row of enterprises.csv. Values are checked by the enterprise importer itself (same rules, same
    messages); an omitted or empty optional value keeps the stored one (values are cleared in the admin)."""

    credit_code = serializers.CharField(max_length=40, help_text=_ENTERPRISE_HELP["credit_code"])
    name = serializers.CharField(max_length=400, help_text=_ENTERPRISE_HELP["name"])
    former_names = serializers.ListField(
        child=serializers.CharField(max_length=400), required=False, help_text="Former names to add."
    )
    province = serializers.CharField(
        max_length=40, help_text="Province: full name, short name or code (also a 计划单列市, see data-formats.md)."
    )
    city = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="City name or code within the province."
    )
    industry_field = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Industry key or label, e.g. next_gen_it."
    )
    employees = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, help_text="Insured employees (persons)."
    )
    listing_board = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Board key or label, e.g. star; empty = keep."
    )
    stock_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="Security code, e.g. 688001.SH."
    )
    primary_financing = serializers.BooleanField(
        required=False, allow_null=True, help_text="Has raised primary-market funding."
    )
    founded_on = serializers.DateField(required=False, allow_null=True, help_text="Date of establishment.")
    batch = serializers.IntegerField(min_value=1, help_text="小巨人 batch (1..).")
    designation_status = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="announced, confirmed (default), reviewed, revoked."
    )
    designated_on = serializers.DateField(
        required=False, allow_null=True, help_text="Date the designation took effect (YYYY-MM-DD)."
    )


class EnterpriseUpdateSerializer(EnterpriseWriteSerializer):
    """Partial: what is omitted keeps its stored value."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class DesignationWriteSerializer(serializers.Serializer):
    batch = serializers.IntegerField(min_value=1, help_text="小巨人 batch (1..).")
    designation_status = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="announced, confirmed (default), reviewed, revoked."
    )
    designated_on = serializers.DateField(
        required=False, allow_null=True, help_text="Date the designation took effect (YYYY-MM-DD)."
    )


class DesignationUpdateSerializer(serializers.Serializer):
    designation_status = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="announced, confirmed, reviewed or revoked."
    )
    designated_on = serializers.DateField(
        required=False, allow_null=True, help_text="Date the designation took effect (YYYY-MM-DD)."
    )


# --- lean reads: the rows of ``selectors.enterprise_rows`` in the shape of ``EnterpriseSerializer`` ----------


def designation_representation(row: dict) -> dict:
    return {
        "program": row["program"],
        "batch": row["batch"],
        "status": row["status"],
        "designated_on": date_text(row["designated_on"]),
        "reviewed_on": date_text(row["reviewed_on"]),
        "revoked_on": date_text(row["revoked_on"]),
        "revocation_reason": row["revocation_reason"],
        "updated_at": datetime_text(row["updated_at"]),
        "revocation_cause": revocation_cause(row["status"], row["reviewed_on"], row["revoked_on"]),
    }


def enterprise_representation(row: dict) -> dict:
    """What ``EnterpriseSerializer`` gives for the enterprise of ``row``, without a model instance or a
    field object per value: a list page costs one query and a few milliseconds of Python (#28)."""
    return {
        "credit_code": row["credit_code"],
        "name": row["name"],
        "former_names": row["former_names"],
        "province": row["province_id"],
        "province_name": row["province__name"],
        "city": row["city_id"],
        "city_name": row["city__name"],
        "industry_field": row["industry_field"],
        "employees": row["employees"],
        "listing_board": row["listing_board"],
        "stock_code": row["stock_code"],
        "primary_financing": row["primary_financing"],
        "founded_on": date_text(row["founded_on"]),
        "designations": [designation_representation(item) for item in row["designation_rows"] or ()],
        "updated_at": datetime_text(row["updated_at"]),
    }
