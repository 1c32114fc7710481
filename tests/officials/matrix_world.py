"""The world, principals and URL walk of the permission matrix (test_permission_matrix.py).

One object in the provincial official's province (江苏 320000, the variant "in") and one outside it
(广东 440000, "out") for every model a route names; a concrete URL for every pattern of ``config.urls``;
and one checksum of every table a refused request must leave alone.
"""

import datetime
import re
import uuid
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from imports.models import ImportRecord
from officials.roles import GROUP_NAMES
from officials.services import official_set_up
from publications.models import ReferenceFigure
from regions.models import City, Province
from reports.models import DataState, PendingRecompute, PendingRefresh
from reports.services import snapshot_compute
from tests.factories import DesignationFactory, EnterpriseFactory, PatentApplicantFactory, make_credit_code

PASSWORD = "Matrix-pass-2026!"
ALL = None  # every province

# --- the roles, restated from their rules (officials/roles.py's docstring and the issue), not read from the code ---
_VIEW_EVERYTHING = frozenset(
    {
        "enterprises.view_enterprise",
        "enterprises.view_designation",
        "imports.view_importrecord",
        "patents.view_patent",
        "patents.view_patentapplicant",
        "regions.view_province",
        "regions.view_city",
        "reports.view_snapshot",
        "reports.view_scopeindicator",
        "reports.view_datastate",
    }
)
_CURATE = frozenset(
    {
        "enterprises.add_enterprise",
        "enterprises.change_enterprise",
        "enterprises.add_designation",
        "enterprises.change_designation",
        "enterprises.delete_designation",
        "patents.change_patentapplicant",
    }
)
_NATIONAL_ONLY = frozenset(
    {
        "enterprises.delete_enterprise",
        *(f"patents.{a}_{m}" for a in ("add", "change", "delete") for m in ("patent", "patentapplicant")),
        *(f"regions.{a}_{m}" for a in ("add", "change") for m in ("province", "city")),
        "reports.recompute_snapshot",
        "reports.delete_snapshot",
        *(f"officials.{a}_official" for a in ("view", "add", "change")),
    }
)


@dataclass(frozen=True)
class Role:
    perms: frozenset
    provinces: frozenset | None  # ALL (None) or the codes; empty: no data at all
    national: bool = False


ROLES = {
    "staff": Role(frozenset(), frozenset()),  # staff without a role: signs in, sees no data
    "analyst": Role(_VIEW_EVERYTHING, ALL),
    "provincial": Role(_VIEW_EVERYTHING | _CURATE, frozenset({"320000"})),
    "national": Role(_VIEW_EVERYTHING | _CURATE | _NATIONAL_ONLY, ALL, national=True),
}


@dataclass(frozen=True)
class Principal:
    name: str
    user: str | None  # a key of ROLES, None for anonymous
    via: str | None  # "session" (admin login) or "token" (DRF token header, no session)

    @property
    def role(self) -> Role | None:
        return ROLES[self.user] if self.user else None

    @property
    def session(self) -> bool:
        return self.via == "session"


PRINCIPALS = [
    Principal("anonymous", None, None),
    *(Principal(user, user, "session") for user in ROLES),
    *(Principal(f"token-{user}", user, "token") for user in ROLES),
]


# --- the world -------------------------------------------------------------------------------------------
def _touch(obj, **values):
    """A change after the creation, so the object has a "~" history record to revert or to open."""
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return obj.history.filter(history_type="~").latest("history_id").history_id


def world_build() -> dict:
    user_model = get_user_model()
    users = {
        "staff": user_model.objects.create_user("m-staff", is_staff=True),
        "analyst": official_set_up(username="m-analyst", role="analyst").user,
        "provincial": official_set_up(username="m-provincial", role="provincial", province_codes=["320000"]).user,
        "national": official_set_up(username="m-national", role="national").user,
    }
    for user in users.values():
        user.set_password(PASSWORD)
        user.save()
    oracle = user_model.objects.create_superuser("m-oracle", password=PASSWORD)
    tokens = {name: Token.objects.create(user=user).key for name, user in users.items()}

    guangdong, guangzhou = Province.objects.get(code="440000"), City.objects.get(code="440100")
    enterprises = {
        "in": EnterpriseFactory(name="苏州矩阵测试有限公司"),
        "out": EnterpriseFactory(
            name="广州矩阵测试有限公司",
            credit_code=make_credit_code(9401, "440100"),
            province=guangdong,
            city=guangzhou,
        ),
    }
    world = {"users": users, "oracle": oracle, "tokens": tokens, "enterprise": enterprises}
    world["designation"], world["patent"], world["patentapplicant"], world["history"] = {}, {}, {}, {}
    for variant, enterprise in enterprises.items():
        designation = DesignationFactory(enterprise=enterprise, batch=3)
        applicant = PatentApplicantFactory(enterprise=enterprise)
        world["designation"][variant] = designation
        world["patent"][variant] = applicant.patent
        world["patentapplicant"][variant] = applicant
        world["history"][("enterprise", variant)] = _touch(enterprise, employees=150)
        world["history"][("designation", variant)] = _touch(designation, note="核对")
        world["history"][("patent", variant)] = _touch(applicant.patent, title=applicant.patent.title + "（修订）")
    world["province"] = {"in": Province.objects.get(code="320000"), "out": guangdong}
    world["city"] = {"in": City.objects.get(code="320500"), "out": guangzhou}

    now = timezone.now()
    world["importrecord"] = {}
    for variant, code in (("in", "320000"), ("out", "440000")):
        record = ImportRecord.objects.create(
            kind=ImportRecord.Kind.ENTERPRISES,
            outcome=ImportRecord.Outcome.APPLIED,
            file_name=f"{variant}.csv",
            file_size=10,
            sha256=(code * 11)[:64],
            started_at=now,
        )
        record.provinces.set([code])
        world["importrecord"][variant] = record
    # A fresh preview of the provincial official's own: only they may confirm or cancel it.
    world["preview"] = ImportRecord.objects.create(
        kind=ImportRecord.Kind.ENTERPRISES,
        outcome=ImportRecord.Outcome.PREVIEWED,
        file_name="preview.csv",
        file_size=10,
        sha256="e" * 64,
        started_at=now,
        imported_by=users["provincial"],
    )
    world["preview"].provinces.set(["320000"])

    snapshot = snapshot_compute(as_of=datetime.date(2024, 6, 30))  # the engine's own rows, as the API reads them
    world["snapshot"] = {"one": snapshot}
    world["scopeindicator"] = {"one": snapshot.indicators.get(scope="province", code="320000")}
    # Saving an enterprise asks for its refresh already: the row exists, keep it.
    refresh = PendingRefresh.objects.update_or_create(
        enterprise=enterprises["in"], defaults={"requested_at": now, "token": uuid.uuid4()}
    )[0]
    world["pendingrefresh"] = {"one": refresh}
    world["pendingrecompute"] = {
        "one": PendingRecompute.objects.create(as_of=datetime.date(2024, 7, 31), requested_at=now)
    }
    world["datastate"] = {"one": DataState.objects.update_or_create(pk=1, defaults={"changed_at": now})[0]}
    world["official"] = {"one": users["provincial"].official}
    world["referencefigure"] = {"one": ReferenceFigure.objects.order_by("pk").first()}  # seeded by migration
    world["user"] = {"one": users["staff"]}
    world["group"] = {"one": Group.objects.get(name=GROUP_NAMES["analyst"])}
    world["tokenproxy"] = {"one": users["staff"]}  # the admin's token pages are keyed by the user's id
    world["totpdevice"] = {"one": TOTPDevice.objects.create(user=users["staff"], name="m", confirmed=False)}
    attempt = {"username": "m-nobody", "ip_address": "10.0.0.9", "user_agent": "m", "path_info": "/admin/login/"}
    world["accessattempt"] = {
        "one": AccessAttempt.objects.create(
            **attempt, http_accept="*/*", get_data="", post_data="", failures_since_start=1
        )
    }
    world["accesslog"] = {"one": AccessLog.objects.create(**attempt, http_accept="*/*")}
    world["accessfailurelog"] = {"one": AccessFailureLog.objects.create(**attempt, http_accept="*/*", locked_out=False)}
    return world


def client_for(principal: Principal, world: dict) -> Client:
    if principal.via == "token":
        return Client(headers={"Authorization": f"Token {world['tokens'][principal.user]}"})
    client = Client()
    if principal.session:
        client.force_login(world["users"][principal.user])
    return client


# --- the URL configuration, walked ----------------------------------------------------------------------
@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or "namespace:route" for the admin's unnamed patterns
    route: str  # the full route, as ResolverMatch.route gives it
    callback: object


def url_patterns(resolver=None, prefix: str = "", namespace: str = "") -> list[Pattern]:
    """Every pattern of the URL configuration, recursively (the admin inside i18n_patterns included)."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            found.extend(url_patterns(entry, prefix + str(entry.pattern), inner))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            found.append(Pattern(f"{namespace}{entry.name or route}", route, entry.callback))
    return found


_PLACEHOLDER = re.compile(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)|\([^)]*\)")


def url_fill(route: str, args: list) -> str:
    """The route with its converters and regex groups replaced by ``args``, in order."""
    values = iter(str(arg) for arg in args)
    path = _PLACEHOLDER.sub(lambda _match: next(values), re.sub(r"(^|/)\^", r"\1", route).replace("$", ""))
    return "/" + path


# --- what a refused request must leave alone --------------------------------------------------------------
def _checked_tables() -> list[str]:
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return sorted(tables - {"django_session"})  # a login or logout changes sessions, no data


def database_state() -> dict[str, tuple[int, str]]:
    """Row count and md5 of every row of every model's table (enterprises, designations, patents, history,
    users, groups, permissions, tokens, OTP devices, axes, indicators, import records …), in one query."""
    # Rows in byte order ("C"): the same rows give the same digest, whatever their physical order.
    digest = """md5(coalesce(string_agg(t::text, '|' ORDER BY t::text COLLATE "C"), ''))"""
    parts = [f"SELECT '{table}', count(*), {digest} FROM \"{table}\" t" for table in _checked_tables()]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}
