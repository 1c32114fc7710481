"""The expected outcome of every cell of the permission matrix, written from the roles' rules.

``EXPECTED`` maps each URL pattern (``namespace:name``, or ``namespace:route`` when unnamed) to a ``Rule``:
the methods it accepts, the objects it is tried with ("in" the provincial official's province, "out" of it,
or "one") and ``expect(principal, method, variant)``, an outcome class:

    ok       200, nothing written            done     the write succeeds (2xx or 302)
    login    302 to the admin's login         missing  302 to the admin index ("does not exist")
    redirect 302 elsewhere, nothing written   denied   403        hidden  404
    refused  403 or 404                       method   405

Every class but "done" also means: the database is unchanged afterwards.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .matrix_world import ALL, PASSWORD, ROLES, Principal, Role

ADMIN = ("GET", "POST")


@dataclass(frozen=True)
class Rule:
    expect: Callable[[Principal, str, str], str]
    methods: tuple = ADMIN
    variants: tuple = ("one",)
    args: Callable[[dict, str], list] = lambda world, variant: []
    # (world, variant, principal) -> form data; "json" bodies for the API; "admin-form" built from the change page
    payload: Callable | str | None = None
    json: bool = False
    query: str = ""
    may_touch: frozenset = frozenset()  # tables a read may write (a cache of its own)
    notes: dict = field(default_factory=dict)


# --- the admin's model pages ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Admin:
    label: str  # "app.model" of its permissions
    scoped: bool | str = False  # True: rows in one's provinces only; "read-all": all read, writes in one's own
    allows: frozenset = frozenset({"view", "add", "change", "delete"})  # what the admin class ever allows
    national_only: bool = False  # granted to national administrators whatever the permissions say
    simple_history: bool = False  # SimpleHistoryAdmin with the project's previewed revert
    other_actions: Callable = lambda role: False  # whether the changelist offers the role an action besides delete

    @property
    def world_key(self) -> str:
        return self.label.split(".")[1]


EVERYTHING = frozenset({"view", "add", "change", "delete"})
ADMIN_MODELS = {
    # Accounts, tokens, two-factor devices and login records: no role holds any permission on them.
    "auth_group": Admin("auth.group"),
    "auth_user": Admin("auth.user"),
    "authtoken_tokenproxy": Admin("authtoken.tokenproxy"),
    "axes_accessattempt": Admin("axes.accessattempt"),
    "axes_accesslog": Admin("axes.accesslog"),
    "axes_accessfailurelog": Admin("axes.accessfailurelog"),
    "otp_totp_totpdevice": Admin("otp_totp.totpdevice"),
    # Divisions: read by every role, written by national administrators only.
    "regions_province": Admin("regions.province", scoped="read-all"),
    "regions_city": Admin("regions.city", scoped="read-all"),
    # The provinces' data.
    "enterprises_enterprise": Admin("enterprises.enterprise", scoped=True, simple_history=True),
    "enterprises_designation": Admin("enterprises.designation", scoped=True, simple_history=True),
    "imports_importrecord": Admin(
        "imports.importrecord",
        scoped=True,
        allows=frozenset({"view"}),
        other_actions=lambda role: "imports.view_importrecord" in role.perms,  # cancel one's own previews
    ),
    "patents_patent": Admin("patents.patent", scoped=True, simple_history=True),
    "patents_patentapplicant": Admin("patents.patentapplicant", scoped=True),
    # Computed rows: written by the engine only; a snapshot may be deleted.
    "reports_snapshot": Admin(
        "reports.snapshot",
        allows=frozenset({"view", "delete"}),
        other_actions=lambda role: "reports.recompute_snapshot" in role.perms,
    ),
    "reports_scopeindicator": Admin("reports.scopeindicator", allows=frozenset({"view", "delete"})),
    "reports_pendingrefresh": Admin("reports.pendingrefresh", allows=frozenset({"view"})),
    "reports_pendingrecompute": Admin("reports.pendingrecompute", allows=frozenset({"view"})),
    "reports_datastate": Admin("reports.datastate", allows=frozenset({"view"})),
    # Roles and provinces of officials: national administrators only.
    "officials_official": Admin("officials.official", national_only=True),
    # Reference figures of the report (科创板 firms, national totals …): national administrators only.
    "publications_referencefigure": Admin("publications.referencefigure", national_only=True),
}


def may(role: Role, admin: Admin, action: str) -> bool:
    if action not in admin.allows:
        return False
    if admin.national_only:
        return role.national
    app, model = admin.label.split(".")
    return f"{app}.{action}_{model}" in role.perms


def sees(role: Role, admin: Admin, variant: str) -> bool:
    """Whether the object of ``variant`` lies in the role's view scope."""
    if not admin.scoped or role.provinces is ALL:
        return True
    if not role.provinces:
        return False  # no role: no province, no row
    return admin.scoped == "read-all" or variant == "in"


def in_change_scope(role: Role, variant: str) -> bool:
    return role.provinces is ALL or (bool(role.provinces) and variant == "in")


def staff_only(inner):
    """The admin's gate: without a session of a staff user, every page sends to the login."""

    def expect(p: Principal, method: str, variant: str) -> str:
        return inner(p.role, method, variant) if p.session else "login"

    return expect


def _changelist(a):
    def inner(role, method, variant):
        if not (may(role, a, "view") or may(role, a, "change")):
            return "denied"
        if method == "GET":
            return "ok"
        # POSTed: delete_selected. Refused, the changelist redirects back, or, when it offers the role no
        # action at all, shows the list as for a GET; either way nothing is deleted.
        if may(role, a, "delete"):
            return "done" if sees(role, a, variant) else "redirect"
        return "redirect" if a.other_actions(role) else "ok"

    return inner


def _add(a):
    return lambda role, method, variant: ("ok" if method == "GET" else "done") if may(role, a, "add") else "denied"


def _change(a):
    def inner(role, method, variant):
        allowed = may(role, a, "change") if method == "POST" else may(role, a, "view") or may(role, a, "change")
        if not allowed:
            return "denied"
        if not sees(role, a, variant):
            return "missing"
        return "ok" if method == "GET" else "done"

    return inner


def _delete(a):
    def inner(role, method, variant):
        if not may(role, a, "delete"):
            return "denied"
        if not sees(role, a, variant):
            return "missing"
        return "ok" if method == "GET" else "done"

    return inner


def _history(a):
    def inner(role, method, variant):
        if a.scoped and not sees(role, a, variant):
            return "hidden"  # outside the scope the history answers like an unknown object
        return "ok" if may(role, a, "view") or may(role, a, "change") else "denied"

    return inner


def _history_form(a):
    """Contract (issue #22, finding 1): the stock "revert to this version" form never writes. GET sends a
    viewer to the object's history page; POST is refused for everybody."""

    def inner(role, method, variant):
        if not sees(role, a, variant):
            return "hidden" if method == "GET" else "refused"
        return "redirect" if method == "GET" else "denied"

    return inner


def _revert_change(a):
    def inner(role, method, variant):
        if not sees(role, a, variant):
            return "hidden"
        if not may(role, a, "change"):
            return "denied"
        return "ok" if method == "GET" else "done"

    return inner


def _object_id(world, key, variant):
    obj = world[key][variant]
    return obj.pk


def admin_model_rules(prefix: str, a: Admin) -> dict[str, Rule]:
    key = a.world_key
    variants = ("in", "out") if a.scoped else ("one",)
    obj = lambda world, variant: [_object_id(world, key, variant)]  # noqa: E731
    route = f"admin:admin/{a.label.replace('.', '/')}/<path:object_id>/"
    rules = {
        f"admin:{prefix}_changelist": Rule(staff_only(_changelist(a)), variants=variants, payload="delete-selected"),
        f"admin:{prefix}_add": Rule(staff_only(_add(a)), payload="admin-add"),
        f"admin:{prefix}_change": Rule(staff_only(_change(a)), variants=variants, args=obj, payload="admin-form"),
        f"admin:{prefix}_delete": Rule(
            staff_only(_delete(a)), variants=variants, args=obj, payload=lambda w, v, p: {"post": "yes"}
        ),
        f"admin:{prefix}_history": Rule(staff_only(_history(a)), variants=variants, args=obj),
        # The old URL of a change page: a redirect to it for any staff user, whatever they may do there.
        route: Rule(staff_only(lambda role, method, variant: "redirect"), variants=variants, args=obj),
    }
    if a.simple_history:

        def version(world, variant):
            return [_object_id(world, key, variant), world["history"][(key, variant)]]

        rules[f"admin:{prefix}_simple_history"] = Rule(
            staff_only(_history_form(a)), variants=variants, args=version, payload="history-form"
        )
        rules[f"admin:{prefix}_revert_change"] = Rule(staff_only(_revert_change(a)), variants=variants, args=version)
    return {name: replace(rule, notes={"admin": a}) for name, rule in rules.items()}


# --- the admin's own and the project's custom admin views ---------------------------------------------------
def _may_import(role: Role) -> bool:
    return {"enterprises.add_enterprise", "enterprises.change_enterprise"} <= role.perms


def _may_write_designations(role: Role) -> bool:
    return {"enterprises.add_designation", "enterprises.change_designation"} <= role.perms


def _import(role, method, variant):
    return ("ok" if method == "GET" else "done") if _may_import(role) else "denied"


def _import_decide(role, method, variant):
    if not _may_import(role):
        return "denied"
    if role != ROLES["provincial"]:
        return "hidden"  # only the importer decides on their own preview
    return "redirect" if method == "GET" else "done"  # POST: cancel


def _import_revert(role, method, variant):
    if not sees(role, ADMIN_MODELS["imports_importrecord"], variant):
        return "hidden"
    if not (_may_import(role) and _may_write_designations(role)):
        return "denied"
    return "ok" if method == "GET" else "done"


def _data_quality(role, method, variant):
    if method == "GET":
        return "ok" if {"patents.view_patentapplicant", "enterprises.view_enterprise"} <= role.perms else "denied"
    if not {"patents.change_patentapplicant", "enterprises.change_enterprise"} <= role.perms:
        return "denied"
    return "done" if in_change_scope(role, variant) else "redirect"  # "enterprise not found" for another province's


def _viewer_of_enterprises(yes: str, no: str):
    return lambda role, method, variant: yes if "enterprises.view_enterprise" in role.perms else no


def _any_role(role: Role) -> bool:
    return bool(role.perms)


CUSTOM_ADMIN = {
    "admin:index": Rule(staff_only(lambda role, method, variant: "ok")),
    "admin:login": Rule(
        lambda p, method, variant: "done" if method == "POST" else ("redirect" if p.session else "ok"),
        payload=lambda w, v, p: {"username": w["users"][p.user or "staff"].username, "password": PASSWORD},
    ),
    # Django's logout is POST-only; without a session it sends to the index (which asks for a login).
    "admin:logout": Rule(
        lambda p, method, variant: ("done" if method == "POST" else "method") if p.session else "redirect"
    ),
    "admin:password_change": Rule(
        staff_only(lambda role, method, variant: "ok" if method == "GET" else "done"),
        payload=lambda w, v, p: {
            "old_password": PASSWORD,
            "new_password1": "N3w-Matrix!",
            "new_password2": "N3w-Matrix!",
        },
    ),
    "admin:password_change_done": Rule(staff_only(lambda role, method, variant: "ok" if method == "GET" else "method")),
    "admin:autocomplete": Rule(
        staff_only(
            lambda role, method, variant: "method" if method == "POST" else "ok" if _any_role(role) else "denied"
        ),
        query="?app_label=enterprises&model_name=enterprise&field_name=province&term=江",
    ),
    "admin:jsi18n": Rule(staff_only(lambda role, method, variant: "ok" if method == "GET" else "method")),
    # No model has get_absolute_url: the shortcut finds nothing to show, for anyone.
    "admin:view_on_site": Rule(
        staff_only(lambda role, method, variant: "hidden"),
        args=lambda w, v: [w["content_type"], w["enterprise"]["in"].pk],
    ),
    "admin:app_list": Rule(
        staff_only(lambda role, method, variant: "ok" if variant == "enterprises" and _any_role(role) else "hidden"),
        variants=("enterprises", "auth"),
        args=lambda w, v: [v],
    ),
    "admin:admin/(?P<url>.*)$": Rule(
        staff_only(lambda role, method, variant: "hidden"), args=lambda w, v: ["no-such/"]
    ),
    # Any staff account may enrol a TOTP app: opening the page prepares an unconfirmed device.
    "admin:two_factor_setup": Rule(
        staff_only(lambda role, method, variant: "done"), payload=lambda w, v, p: {"otp_token": "000000"}
    ),
    "admin:otp_totp_totpdevice_config": Rule(
        staff_only(lambda role, method, variant: "denied"), args=lambda w, v: [w["totpdevice"]["one"].pk]
    ),
    "admin:otp_totp_totpdevice_qrcode": Rule(
        staff_only(lambda role, method, variant: "denied"), args=lambda w, v: [w["totpdevice"]["one"].pk]
    ),
    "admin:auth_user_password_change": Rule(
        staff_only(lambda role, method, variant: "denied"), args=lambda w, v: [w["users"]["staff"].pk]
    ),
    "admin:enterprises_enterprise_import": Rule(staff_only(_import), payload="import-upload"),
    "admin:enterprises_enterprise_import_decide": Rule(
        staff_only(_import_decide), args=lambda w, v: [w["preview"].pk], payload=lambda w, v, p: {"cancel": "1"}
    ),
    "admin:enterprises_enterprise_import_help": Rule(staff_only(_viewer_of_enterprises("ok", "denied"))),
    "admin:enterprises_enterprise_import_sample": Rule(
        staff_only(_viewer_of_enterprises("ok", "hidden")), args=lambda w, v: ["enterprises-sample.csv"]
    ),
    # The record pages' old address (before #24 moved them to the imports app) redirects, for everyone.
    "admin_importrecord_moved": Rule(lambda p, method, variant: "redirect"),
    "admin:imports_importrecord_revert": Rule(
        staff_only(_import_revert), variants=("in", "out"), args=lambda w, v: [w["importrecord"][v].pk]
    ),
    "admin:patents_data_quality": Rule(
        staff_only(_data_quality),
        variants=("in", "out"),
        payload=lambda w, v, p: {"link": "1", "name": "矩阵未匹配大学", "enterprise": w["enterprise"][v].credit_code},
    ),
    # The workbench (any staff account; without a role its counts are all empty) and its button that queues
    # the recompute of stale snapshots (those who curate data), an official's own preferences (a role needed).
    "admin:workbench": Rule(staff_only(lambda role, method, variant: "ok" if method == "GET" else "method")),
    "admin:workbench_recompute_stale": Rule(
        staff_only(
            lambda role, method, variant: (
                "method" if method == "GET" else "done" if "enterprises.change_enterprise" in role.perms else "denied"
            )
        )
    ),
    "admin:official_preferences": Rule(
        staff_only(
            lambda role, method, variant: ("ok" if method == "GET" else "done") if _any_role(role) else "denied"
        ),
        payload=lambda w, v, p: {"digest_enabled": "on", "language": "en"},
    ),
    # The set-password link's pages: open to whoever holds a link; a wrong token shows "invalid link".
    "admin:password_set": Rule(lambda p, method, variant: "ok", args=lambda w, v: ["MQ", "not-a-token"]),
    "admin:password_set_done": Rule(lambda p, method, variant: "ok" if method == "GET" else "method"),
    "admin:reports_snapshot_recompute_today": Rule(
        staff_only(
            lambda role, method, variant: (
                "method" if method == "GET" else "done" if "reports.recompute_snapshot" in role.perms else "denied"
            )
        )
    ),
}


def admin_rules() -> dict[str, Rule]:
    """The admin's pages: its own, the project's, and the standard pages of every registered model."""
    table = dict(CUSTOM_ADMIN)
    for prefix, admin in ADMIN_MODELS.items():
        table.update(admin_model_rules(prefix, admin))
    return table
