"""The permission matrix's rules for the public pages and the API (see matrix_rules for the outcome classes)."""

from tests.factories import make_credit_code

from .matrix_rules import Rule, in_change_scope
from .matrix_world import Principal


# --- public pages and the API ---------------------------------------------------------------------------
def public(p, method, variant):
    return "ok"


YEAR_EARLIER_TABLES = frozenset(
    {
        "reports_pendingrecompute",
        "reports_pendingrefresh",
        "reports_snapshot",
        "reports_scopeindicator",
        "reports_enterprisemeasure",
    }
)

PUBLIC = {
    "healthz": Rule(public, methods=("GET",)),
    "set_language": Rule(
        lambda p, method, variant: "redirect", payload=lambda w, v, p: {"language": "en", "next": "/"}, query="?next=/"
    ),
    "sitemap": Rule(public, methods=("GET",)),
    "api-schema": Rule(public, methods=("GET",)),
    "api-docs": Rule(public, methods=("GET",)),
    "portal:overview": Rule(public, methods=("GET",)),
    "portal:province": Rule(
        public, methods=("GET",), variants=("in", "out"), args=lambda w, v: [w["province"][v].code]
    ),
    "portal:city": Rule(
        public,
        methods=("GET",),
        variants=("in", "out"),
        args=lambda w, v: [w["province"][v].code, w["city"][v].code],
    ),
    "portal:cluster": Rule(public, methods=("GET",), args=lambda w, v: ["yrd"]),
    "portal:compare": Rule(public, methods=("GET",)),
    "portal:ranking": Rule(public, methods=("GET",), args=lambda w, v: ["invention_share"]),
    "portal:search": Rule(public, methods=("GET",)),
    "portal:search-suggest": Rule(public, methods=("GET",)),
    "portal:enterprise-list": Rule(public, methods=("GET",)),
    "portal:enterprise-list-download": Rule(public, methods=("GET",)),
    "portal:enterprise": Rule(
        public, methods=("GET",), variants=("in", "out"), args=lambda w, v: [w["enterprise"][v].credit_code]
    ),
    "portal:methodology": Rule(public, methods=("GET",)),
    "portal:data": Rule(public, methods=("GET",)),
    "portal:data-indicators": Rule(public, methods=("GET",), args=lambda w, v: ["csv"]),
    "portal:chart-data": Rule(
        public,
        methods=("GET",),
        variants=("in", "out"),
        args=lambda w, v: ["province", w["province"][v].code, "panel", "csv"],
    ),
    # A report with a year-earlier comparison asks a worker for that snapshot when it is missing (the outbox);
    # the tests' worker runs in the request, so the snapshot's tables change too. Nothing else is written.
    "publications:report": Rule(
        public, methods=("GET",), args=lambda w, v: ["province", "320000"], may_touch=YEAR_EARLIER_TABLES
    ),
    # A rendered PDF is kept (publications_renderedreport) and served again to the next reader.
    "publications:report-pdf": Rule(
        public,
        methods=("GET",),
        args=lambda w, v: ["province", "320000"],
        may_touch=frozenset({"publications_renderedreport"}) | YEAR_EARLIER_TABLES,
    ),
}


def api_write(permission: str):
    """Reads are public; a write needs a signed-in user (session or token) with ``permission`` and the
    enterprise in one of their provinces."""

    def expect(p: Principal, method: str, variant: str) -> str:
        if method in ("GET", "HEAD", "OPTIONS"):
            return "ok"
        role = p.role
        if role is None or permission not in role.perms or not in_change_scope(role, variant):
            return "denied"
        return "done"

    return expect


def _new_enterprise(world, variant, principal):
    serial, division, province, city = (
        (9501, "320500", "江苏省", "苏州市") if variant == "in" else (9502, "440100", "广东省", "广州市")
    )
    return {
        "credit_code": make_credit_code(serial, division),
        "name": f"{city}矩阵新建科技有限公司",
        "province": province,
        "city": city,
        "industry_field": "next_gen_it",
        "employees": 10,
        "batch": 4,
        "designation_status": "confirmed",
        "designated_on": "2022-07-01",
    }


_CODE = lambda w, v: [w["enterprise"][v].credit_code]  # noqa: E731
_BOTH = ("in", "out")
API = {
    "reports-api:indicator-list": Rule(public, args=lambda w, v: ["province"]),
    "reports-api:indicator-detail": Rule(public, args=lambda w, v: ["province", "320000"]),
    "reports-api:snapshot-list": Rule(public),
    "enterprises-api:enterprise-list": Rule(
        api_write("enterprises.add_enterprise"), variants=_BOTH, payload=_new_enterprise, json=True
    ),
    "enterprises-api:enterprise-detail": Rule(
        api_write("enterprises.change_enterprise"),
        variants=_BOTH,
        args=_CODE,
        payload=lambda w, v, p: {"employees": 321},
        json=True,
    ),
    "enterprises-api:designation-list": Rule(
        api_write("enterprises.add_designation"),
        variants=_BOTH,
        args=_CODE,
        payload=lambda w, v, p: {"batch": 5, "designation_status": "confirmed", "designated_on": "2023-07-01"},
        json=True,
    ),
    "enterprises-api:designation-detail": Rule(
        api_write("enterprises.change_designation"),
        variants=_BOTH,
        args=lambda w, v: [w["enterprise"][v].credit_code, 3],
        payload=lambda w, v, p: {"designation_status": "revoked"},
        json=True,
    ),
    "patents-api:patent-list": Rule(public),
    "patents-api:patent-detail": Rule(public, variants=_BOTH, args=lambda w, v: [w["patent"][v].publication_number]),
    "regions-api:province-list": Rule(public),
    "regions-api:city-list": Rule(public),
}
