"""Issue #22: every URL pattern × every principal × every method the view accepts, against the roles' rules.

The patterns come from ``config.urls`` (walked, not listed), the expected outcomes from ``matrix_rules``
(written from the roles, not from observed responses), the objects from ``matrix_world``: one in the
provincial official's province (江苏), one outside (广东). Writes send a body that succeeds for a permitted
user (the national administrator's and the provincial official's "done" cells prove it), so a refusal
proves something; after every cell but an allowed write, no table has changed (row counts and checksums).
Each cell runs in a savepoint rolled back afterwards, so allowed writes do not leak into the next cell.
"""

import json
import re
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms import CheckboxInput, MultiWidget
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation
from rest_framework.views import APIView

from enterprises.models import Designation, Enterprise
from tests.enterprises.import_helpers import csv_bytes, enterprise_row
from tests.factories import make_credit_code

from .matrix_api_rules import API, PUBLIC
from .matrix_rules import Rule, admin_rules
from .matrix_world import PRINCIPALS, Principal, client_for, database_state, url_fill, url_patterns, world_build

pytestmark = pytest.mark.django_db

# URL pattern -> its rule: methods, objects tried, and the expected outcome of each principal (matrix_*rules.py).
EXPECTED: dict[str, Rule] = {**PUBLIC, **API, **admin_rules()}

# One field changed on each change form (the rest is the form's current values).
CHANGE_TWEAKS = {
    "enterprise": {"employees": "999"},
    "designation": {"note": "矩阵核对"},
    "patent": {"title": "矩阵修改的标题"},
    "patentapplicant": {"name": "矩阵申请人有限公司"},
    "province": {"name_en": "Matrix"},
    "city": {"name_en": "Matrix"},
    "group": {"name": "矩阵组"},
    "user": {"first_name": "矩阵"},
    "totpdevice": {"name": "matrix"},
}
# A new object: the "in" object's form with its unique values replaced and its inlines emptied.
ADD_TWEAKS = {
    "enterprise": lambda w: {"credit_code": make_credit_code(9601), "name": "苏州矩阵后台新建有限公司"},
    "designation": lambda w: {"batch": "5"},
    "patent": lambda w: {"publication_number": "CN999000001A", "application_number": "CN202099900001.X"},
    "patentapplicant": lambda w: {"position": "9", "enterprise": ""},
    "province": lambda w: {
        "code": "990000",
        "name": "矩阵省",
        "short_name": "矩",
        "slug": "juzhen",
        "name_en": "Matrix",
    },
    "city": lambda w: {"code": "320599", "name": "矩阵市", "short_name": "矩阵", "slug": "juzhenshi"},
    "official": lambda w: {"user": str(w["users"]["staff"].pk), "role": "analyst"},
    "group": lambda w: {"name": "矩阵新组"},
    "referencefigure": lambda w: {"as_of": "2099-12-31"},
}
STRICT_DONE = ("admin-form", "admin-add", "delete-selected")  # an admin form that succeeds redirects


def form_data(form) -> dict:
    """What the browser would send back for ``form`` unchanged."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        bound = form[name]
        value = bound.value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(field.widget, MultiWidget):
            for index, part in enumerate(field.widget.decompress(value)):
                data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(item, "pk", item)) for item in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)
    return data


class Payloads:
    """Bodies for the admin's forms, read from the change pages by a superuser (before the baseline)."""

    def __init__(self, world):
        self.world = world
        self.oracle = Client()
        self.oracle.force_login(world["oracle"])
        self.cache = {}

    def change_form(self, url: str, key: str) -> tuple[dict, list[str]]:
        if url not in self.cache:
            response = self.oracle.get(url)
            assert response.status_code == 200, f"the superuser cannot open {url}: {response.status_code}"
            data = form_data(response.context["adminform"].form)
            prefixes = []
            for inline in response.context["inline_admin_formsets"]:
                prefixes.append(inline.formset.prefix)
                data.update(form_data(inline.formset.management_form))
                for form in inline.formset.forms:
                    data.update(form_data(form))
            self.cache[url] = ({**data, **CHANGE_TWEAKS.get(key, {}), "_save": "1"}, prefixes)
        return self.cache[url]

    def body(self, rule: Rule, pattern, variant: str, principal: Principal):
        admin = rule.notes.get("admin")
        if rule.payload in ("admin-form", "history-form"):
            key = admin.world_key
            url = reverse(f"admin:{admin.label.replace('.', '_')}_change", args=[self.world[key][variant].pk])
            return self.change_form(url, key)[0]
        if rule.payload == "admin-add":
            key = admin.world_key
            first = "in" if "in" in self.world[key] else "one"
            url = reverse(f"admin:{admin.label.replace('.', '_')}_change", args=[self.world[key][first].pk])
            data, prefixes = self.change_form(url, key)
            data = {k: v for k, v in data.items() if not any(k.startswith(f"{p}-") for p in prefixes)}
            for prefix in prefixes:
                data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
            return {**data, **ADD_TWEAKS.get(key, lambda w: {})(self.world)}
        if rule.payload == "delete-selected":
            obj = self.world[admin.world_key][variant]
            return {"action": "delete_selected", "_selected_action": [str(obj.pk)], "post": "yes"}
        if rule.payload == "import-upload":
            data = csv_bytes([enterprise_row(4242)])
            return {"kind": "enterprises", "file": SimpleUploadedFile("m.csv", data), "status": "confirmed"}
        if callable(rule.payload):
            return rule.payload(self.world, variant, principal)
        return {}


def methods_of(pattern, rule: Rule) -> tuple[str, ...]:
    """A DRF view says which methods it accepts; the admin's views take GET and POST."""
    cls = getattr(pattern.callback, "cls", None)
    if cls is not None and issubclass(cls, APIView):
        names = [m for m in cls.http_method_names if m != "trace"]
        return tuple(m.upper() for m in names if hasattr(cls, m) or (m == "head" and hasattr(cls, "get")))
    return rule.methods


def matches(expected: str, response, rule: Rule, key: str) -> bool:
    status, location = response.status_code, response.get("Location", "")
    if expected == "done":
        strict = rule.payload in STRICT_DONE or key.endswith("_delete")
        return status == 302 if strict else status in (200, 201, 204, 302)
    return {
        "ok": status == 200,
        "login": status == 302 and location.startswith(reverse("admin:login")),
        "missing": status == 302 and location == reverse("admin:index"),
        "redirect": status in (301, 302) and not location.startswith(reverse("admin:login")),
        "denied": status == 403,
        "hidden": status == 404,
        "refused": status in (403, 404),
        "method": status == 405,
    }[expected]


def send(client, method: str, url: str, body, as_json: bool):
    if method in ("GET", "HEAD", "OPTIONS"):
        return client.generic(method, url)
    if as_json:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


@pytest.fixture
def world(regions):
    cache.clear()  # throttles and cached pages of earlier tests
    built = world_build()
    built["content_type"] = ContentType.objects.get_for_model(Enterprise).pk
    return built


def test_every_url_pattern_is_classified():
    """A new view, or a package upgrade that adds one, must be given its expected outcomes here."""
    keys = [pattern.key for pattern in url_patterns()]
    assert len(keys) == len(set(keys)), "two patterns share a key"
    assert sorted(set(keys) - set(EXPECTED)) == [], "URL patterns the matrix does not classify"
    assert sorted(set(EXPECTED) - set(keys)) == [], "rules for URL patterns that no longer exist"


def run_matrix(principal: Principal, world: dict, *, language: str = "zh-hans", admin_writes_only=False) -> None:
    client = client_for(principal, world)
    client.raise_request_exception = False
    payloads = Payloads(world)
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    cells = [
        (pattern, rule, variant, method)
        for pattern in url_patterns()
        for rule in [EXPECTED[pattern.key]]
        if not admin_writes_only or pattern.key.startswith("admin:")
        for variant in rule.variants
        for method in methods_of(pattern, rule)
        if not admin_writes_only or method == "POST"
    ]
    bodies = {
        (pattern.key, variant, method): payloads.body(rule, pattern, variant, principal)
        for pattern, rule, variant, method in cells
        if method not in ("GET", "HEAD", "OPTIONS") and rule.payload != "import-upload"
    }
    baseline = database_state()
    failures = []
    for pattern, rule, variant, method in cells:
        url = url_fill(pattern.route, rule.args(world, variant))
        lang = language if pattern.key.startswith("admin:") else settings.LANGUAGE_CODE
        if lang != settings.LANGUAGE_CODE:
            url = prefix + url  # the admin lives in i18n_patterns: / in Chinese, /en/ in English
        with translation.override(lang):
            route = resolve(url).route
        assert route.removeprefix(prefix[1:] + "/") == re.sub(r"(^|/)\^", r"\1", pattern.route), url
        expected = rule.expect(principal, method, variant)
        body = bodies.get((pattern.key, variant, method))
        if body is None and rule.payload == "import-upload":
            body = payloads.body(rule, pattern, variant, principal)
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        with transaction.atomic():
            response = send(client, method, url + rule.query, body, rule.json)
            changed = []
            if expected != "done":
                state = database_state()
                changed = sorted(
                    table
                    for table, value in state.items()
                    if baseline.get(table) != value and table not in rule.may_touch
                )
            transaction.set_rollback(True)
        client.cookies = SimpleCookie(cookies)
        cell = f"{method} {pattern.key} [{variant}] {url}"
        with translation.override(lang):
            matched = matches(expected, response, rule, pattern.key)
        if not matched:
            where = response.get("Location", "")
            failures.append(f"{cell}: expected {expected}, got {response.status_code} {where}".rstrip())
        if changed:
            failures.append(f"{cell}: expected {expected} and no write, but changed {', '.join(changed)}")
    print(f"{principal.name} ({language}): {len(cells)} cells, {len(failures)} failing")
    assert not failures, f"{len(failures)} of {len(cells)} cells:\n" + "\n".join(failures)


@pytest.mark.parametrize("principal", PRINCIPALS, ids=[p.name for p in PRINCIPALS])
def test_matrix(principal, world):
    run_matrix(principal, world)


SIGNED_IN = [p for p in PRINCIPALS if p.session]


@pytest.mark.parametrize("principal", SIGNED_IN, ids=[p.name for p in SIGNED_IN])
def test_matrix_of_admin_writes_in_english(principal, world):
    """The admin under /en/ is the same views: every write is answered as in Chinese."""
    run_matrix(principal, world, language="en", admin_writes_only=True)


# The cells the issue names, spelled out: the rules must give exactly these (a reader's check of the rules).
LOGIN, DENIED = {"GET": "login", "POST": "login"}, {"GET": "denied", "POST": "denied"}
SPOT = {
    ("admin:enterprises_enterprise_change", "in"): {
        "anonymous": LOGIN,
        "token-national": LOGIN,
        "staff": DENIED,
        "analyst": {"GET": "ok", "POST": "denied"},
        "provincial": {"GET": "ok", "POST": "done"},
        "national": {"GET": "ok", "POST": "done"},
    },
    ("admin:enterprises_enterprise_change", "out"): {"provincial": {"GET": "missing", "POST": "missing"}},
    ("admin:enterprises_enterprise_simple_history", "in"): {
        "staff": {"GET": "hidden", "POST": "refused"},
        "analyst": {"GET": "redirect", "POST": "denied"},
        "provincial": {"GET": "redirect", "POST": "denied"},
        "national": {"GET": "redirect", "POST": "denied"},
    },
    ("admin:patents_patent_simple_history", "in"): {"provincial": {"GET": "redirect", "POST": "denied"}},
    ("admin:patents_patent_revert_change", "in"): {"provincial": DENIED, "national": {"GET": "ok", "POST": "done"}},
    ("admin:reports_snapshot_recompute_today", "one"): {
        "provincial": {"GET": "method", "POST": "denied"},
        "national": {"GET": "method", "POST": "done"},
    },
    ("admin:patents_data_quality", "out"): {"provincial": {"GET": "ok", "POST": "redirect"}},
    ("enterprises-api:enterprise-detail", "out"): {
        "anonymous": {"GET": "ok", "PATCH": "denied"},
        "token-provincial": {"GET": "ok", "PATCH": "denied"},
        "token-national": {"GET": "ok", "PATCH": "done"},
    },
    ("enterprises-api:designation-detail", "in"): {
        "token-analyst": {"PATCH": "denied"},
        "provincial": {"PATCH": "done"},
        "token-provincial": {"PATCH": "done"},
    },
}


def test_the_rules_give_the_issues_cells_as_spelled_out():
    principals = {p.name: p for p in PRINCIPALS}
    for (key, variant), rows in SPOT.items():
        for name, outcomes in rows.items():
            for method, outcome in outcomes.items():
                assert EXPECTED[key].expect(principals[name], method, variant) == outcome, (key, variant, name, method)


# --- beside the matrix ------------------------------------------------------------------------------------
def test_session_writes_need_the_csrf_token_in_the_api_and_the_admin(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["national"])
    enterprise = world["enterprise"]["in"]
    before = database_state()

    api = client.patch(
        reverse("enterprises-api:enterprise-detail", args=[enterprise.credit_code]),
        json.dumps({"employees": 321}),
        content_type="application/json",
    )
    admin = client.post(
        reverse("admin:enterprises_designation_change", args=[world["designation"]["in"].pk]), {"note": "x"}
    )

    assert (api.status_code, admin.status_code) == (403, 403)
    assert b"CSRF" in api.content and b"CSRF" in admin.content
    assert database_state() == before


def test_an_enterprise_write_through_the_api_needs_designation_permissions_to_add_a_designation(world):
    """Contract (issue #22, finding 8): with enterprise permissions only, a POST that carries a designation
    is refused, and nothing is written."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from rest_framework.authtoken.models import Token

    from imports.models import ImportRecord
    from officials.services import official_set_up

    user = official_set_up(username="m-enterprises-only", role="provincial", province_codes=["320000"]).user
    user.groups.clear()
    user.user_permissions.set(Permission.objects.filter(codename__in=["add_enterprise", "change_enterprise"]))
    user = get_user_model().objects.get(pk=user.pk)  # without the cached permissions
    client = Client(headers={"Authorization": f"Token {Token.objects.create(user=user).key}"})
    enterprise = world["enterprise"]["in"]
    before = database_state()

    created = client.post(
        reverse("enterprises-api:enterprise-list"),
        {**EXPECTED["enterprises-api:enterprise-list"].payload(world, "in", None), "designation_status": "revoked"},
        content_type="application/json",
    )
    revoked = client.patch(
        reverse("enterprises-api:enterprise-detail", args=[enterprise.credit_code]),
        {"batch": 3, "designation_status": "revoked"},
        content_type="application/json",
    )

    assert (created.status_code, revoked.status_code) == (403, 403)
    # The refusal comes from inside the import, which keeps an audit record of every attempt, refused ones too.
    after = database_state()
    audit = after.pop("enterprises_importrecord"), before.pop("enterprises_importrecord")
    assert after == before
    assert audit[0][0] == audit[1][0] + 2
    assert set(ImportRecord.objects.order_by("-pk")[:2].values_list("outcome", flat=True)) == {"rejected"}
    assert Designation.objects.get(enterprise=enterprise).status == "confirmed"
