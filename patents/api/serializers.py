"""Shapes of the patent endpoints."""

from django.db import models
from rest_framework import serializers

from utilities.api.values import date_text, datetime_text

from ..models import Patent, PatentApplicant
from ..services.validation import PATENT_FIELDS


class LinkedEnterpriseSerializer(serializers.Serializer):
    credit_code = serializers.CharField(allow_null=True, help_text="The enterprise's unified social credit code.")
    name = serializers.CharField(help_text="The enterprise's current registered name.")


class ApplicantSerializer(serializers.ModelSerializer):
    enterprise = LinkedEnterpriseSerializer(
        allow_null=True,
        help_text="The enterprise this applicant is linked to (by credit code, else by unambiguous current or "
        "former name); null when unmatched.",
    )

    class Meta:
        model = PatentApplicant
        fields = ["position", "name", "credit_code", "enterprise"]
        extra_kwargs = {
            "position": {"help_text": "Print order on the patent, 1 = first applicant."},
            "name": {"help_text": "Applicant name as printed."},
            "credit_code": {"help_text": "Credit code given with the applicant in the data; empty if none."},
        }


class PatentSerializer(serializers.ModelSerializer):
    applicants = ApplicantSerializer(many=True, read_only=True, help_text="Applicants in print order.")

    class Meta:
        model = Patent
        fields = [
            *PATENT_FIELDS,
            "applicants",
            "updated_at",
        ]
        extra_kwargs = {
            "publication_number": {
                "help_text": "First publication number (公开号), the natural key, e.g. CN112345678A."
            },
            "application_number": {"help_text": "Application number (申请号), unique per office."},
            "jurisdiction": {"help_text": "Office, two letters: CN, WO (PCT international application), US, EP, ..."},
            "patent_type": {"help_text": "invention 发明, utility_model 实用新型, design 外观设计."},
            "title": {"help_text": "Title (标题)."},
            "application_date": {"help_text": "Filing date (申请日), YYYY-MM-DD."},
            "publication_date": {"help_text": "First publication date (公开日), YYYY-MM-DD."},
            "grant_date": {"help_text": "Grant date (授权日), YYYY-MM-DD; null if not granted."},
            "legal_status": {"help_text": "Today's legal status: valid 有效, pending 审中, invalid 失效."},
            "ipc_main": {"help_text": "Main IPC class, e.g. G06F16/35; empty if unknown."},
            "cited_by_count": {"help_text": "Times cited (被引次数), citations."},
            "license_count": {"help_text": "Times licensed (许可次数), licences."},
            "transfer_count": {"help_text": "Times assigned (转让次数), transfers."},
            "updated_at": {
                "help_text": "When the patent's fields or applicants (names, codes, links) last changed (ISO 8601)."
            },
        }


# --- lean reads: the rows of ``selectors.patent_rows`` in the shape of ``PatentSerializer`` --------------

_DATE_FIELDS = frozenset(
    field.name for field in Patent._meta.concrete_fields if isinstance(field, models.DateField)
) - {"updated_at"}


def _applicant_representation(row: dict) -> dict:
    linked = None
    if row["enterprise_id"] is not None:
        linked = {"credit_code": row["enterprise_credit_code"], "name": row["enterprise_name"]}
    return {"position": row["position"], "name": row["name"], "credit_code": row["credit_code"], "enterprise": linked}


def patent_representation(row: dict) -> dict:
    """What ``PatentSerializer`` gives for the patent of ``row``, without model instances (#28)."""
    data = {name: date_text(row[name]) if name in _DATE_FIELDS else row[name] for name in PATENT_FIELDS}
    data["applicants"] = [_applicant_representation(item) for item in row["applicant_rows"] or ()]
    data["updated_at"] = datetime_text(row["updated_at"])
    return data
