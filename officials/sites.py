"""The admin site: the stock one plus a second factor (TOTP, django-otp) for staff.

- Any staff account may enrol a TOTP app (``two-factor/``); from then on its login asks for the code.
- With ``DJANGO_REQUIRE_2FA=true`` a national administrator (or superuser) who has not passed a second
  factor in this session is sent to enrol or to log in again with the code; no admin page opens before.
- Enrolment asks for the password again, and a session that never passed the code of an enrolled user
  cannot add a device: a stolen session cookie must not survive the enrolment meant to lock it out.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate, logout
from django.contrib.auth.views import PasswordResetCompleteView, PasswordResetConfirmView
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from utilities.scoping import is_national_administrator


def second_factor_required(user) -> bool:
    return bool(settings.REQUIRE_2FA) and is_national_administrator(user)


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def lacks_second_factor(request) -> bool:
    """A signed-in staff user who must pass a second factor and has not, in this session."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    verified = getattr(user, "is_verified", lambda: False)()
    if verified:
        return False
    return second_factor_required(user) or has_second_factor(user)


class TwoFactorAuthenticationForm(AdminAuthenticationForm):
    """Password, and the 6-digit code of the user's TOTP app once they have enrolled one."""

    otp_token = forms.CharField(
        label=_("动态验证码"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("已启用两步验证时填写验证器应用显示的 6 位数字"),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is not None and has_second_factor(user):
            token = (cleaned.get("otp_token") or "").strip()
            device = match_token(user, token) if token else None
            if device is None:
                raise forms.ValidationError(_("请输入验证器应用显示的正确动态验证码。"), code="otp_invalid")
            # django-otp's user_logged_in handler marks the session verified with this device.
            user.otp_device = device
        return cleaned


class TwoFactorSetupForm(forms.Form):
    """The account's password again, and one code of the new app.

    The password, not the age of the login, is what proves the owner is at the keyboard: a session cookie
    copied a minute after login is as fresh as the owner's, and some sessions are opened without a login
    form at all. It goes through ``authenticate()``, so wrong guesses here count towards the login limit
    (django-axes) as on the login page.
    """

    password = forms.CharField(
        label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    otp_token = forms.CharField(label=_("动态验证码"), max_length=8)

    def __init__(self, *args, request, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.device = device

    def clean_password(self):
        password = self.cleaned_data["password"]
        user = self.request.user
        confirmed = authenticate(self.request, username=user.get_username(), password=password)
        if confirmed is None or confirmed.pk != user.pk:
            raise forms.ValidationError(_("密码不正确。"), code="password_invalid")
        return password

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"].strip()
        if not self.device.verify_token(token):
            raise forms.ValidationError(_("验证码不正确，请核对手机时间后重试。"), code="otp_invalid")
        return token


# Third-party apps and models that have no Chinese names of their own (django-axes, django-otp): named
# here for the index, the app pages and the navigation sidebar, in the page's language. Their models'
# Meta is left alone (changing it would ask for migrations in those packages).
THIRD_PARTY_NAMES = {
    "axes": _("登录保护"),
    "axes.accessattempt": _("登录失败计数"),
    "axes.accesslog": _("登录记录"),
    "axes.accessfailurelog": _("登录失败记录"),
    "otp_totp": _("两步验证"),
    "otp_totp.totpdevice": _("验证器设备"),
}


class PasswordSetView(PasswordResetConfirmView):
    success_url = reverse_lazy("admin:password_set_done")


class PasswordSetDoneView(PasswordResetCompleteView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "login_url": reverse("admin:login")}


class PortalAdminSite(admin.AdminSite):
    login_form = TwoFactorAuthenticationForm
    login_template = "officials/login.html"
    site_header = _("小巨人科创力门户 · 管理")
    site_title = _("小巨人科创力门户")
    index_title = _("数据管理")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Pages of apps above this one (the workbench), added at start-up by their AppConfig.ready():
        # this app may not import them (import-linter layers), so they register themselves.
        self._pages: list[tuple[str, object, str]] = []
        self.home_page: str | None = None

    def register_page(self, route: str, view, name: str, *, home: bool = False) -> None:
        """Serve ``view`` at ``route`` as ``admin:<name>``, behind the admin's login and second factor.

        ``home``: the page signing in lands on when no other page was asked for (the official's workbench).
        """
        self._pages = [page for page in self._pages if page[2] != name]
        self._pages.append((route, view, name))
        if home:
            self.home_page = name

    def login(self, request, extra_context=None):
        # Signing in without a page to return to lands on the home page (the workbench), not the index.
        if self.home_page and "next" not in request.GET and "next" not in request.POST:
            extra_context = {"next": reverse(f"admin:{self.home_page}", current_app=self.name), **(extra_context or {})}
        return super().login(request, extra_context)

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and not lacks_second_factor(request)

    def _build_app_dict(self, request, label=None):
        app_dict = super()._build_app_dict(request, label)
        for app in app_dict.values():  # every app, or only ``label``'s on an app's page
            app["name"] = THIRD_PARTY_NAMES.get(app.get("app_label"), app["name"])
            for model in app.get("models", []):
                key = f"{app['app_label']}.{model['object_name'].lower()}"
                model["name"] = THIRD_PARTY_NAMES.get(key, model["name"])
        return app_dict

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if lacks_second_factor(request):
                if has_second_factor(request.user):
                    # Enrolled but signed in without the code (an older session): sign in again with it.
                    logout(request)
                    return redirect(f"{reverse('admin:login', current_app=self.name)}?next={request.path}")
                return redirect("admin:two_factor_setup")
            return inner(request, *args, **kwargs)

        return wrapper

    def get_urls(self):
        # never_cache: the set-up page shows the TOTP secret, which no cache may keep.
        setup = never_cache(self.two_factor_setup_view)
        from .views import preferences_view

        return [
            # The set-password link (officials.services.password_link_send): Django's password-reset pages,
            # open without a session (whoever holds the link's token).
            path("password-set/<uidb64>/<token>/", PasswordSetView.as_view(), name="password_set"),
            path("password-set/done/", PasswordSetDoneView.as_view(), name="password_set_done"),
            path("two-factor/", setup, name="two_factor_setup"),
            path("preferences/", self.admin_view(preferences_view), name="official_preferences"),
            *(path(route, self.admin_view(view), name=name) for route, view, name in self._pages),
            *super().get_urls(),
        ]

    # The session key of the unconfirmed device this session is enrolling: each session gets a secret of
    # its own, so another session of the same account (an old or stolen cookie) never sees it.
    SETUP_DEVICE_SESSION_KEY = "officials_two_factor_setup_device"

    def two_factor_setup_view(self, request):
        """Enrol a TOTP app: scan the QR code (or type the key), then confirm with the password and one code.

        - Verified session of an enrolled user: nothing to do (no second device from here).
        - Enrolled user, session without the code (older than the enrolment, or a stolen cookie): signed
          out and sent to log in with the code, as every other admin page does. It may not add a device.
        - No confirmed device yet: enrolment, with the password again. Confirming rotates the session key,
          and every other session of the account then lacks the second factor and is signed out by the admin.
        """
        user = request.user
        login_url = f"{reverse('admin:login', current_app=self.name)}?next={request.path}"
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect(login_url)
        if has_second_factor(user):
            if lacks_second_factor(request):
                logout(request)
                return redirect(login_url)
            return TemplateResponse(
                request,
                "officials/two_factor_setup.html",
                {**self.each_context(request), "title": _("两步验证"), "enrolled": True},
            )
        device = self._setup_device(request)
        form = TwoFactorSetupForm(request.POST or None, request=request, device=device)
        if request.method == "POST" and form.is_valid():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            # A new session key: a copy of the old cookie is not the session that passed the second factor.
            request.session.cycle_key()
            request.session.pop(self.SETUP_DEVICE_SESSION_KEY, None)
            otp_login(request, device)
            self.message_user_done(request)
            return redirect("admin:index")
        import segno

        qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
        return TemplateResponse(
            request,
            "officials/two_factor_setup.html",
            {
                **self.each_context(request),
                "title": _("两步验证"),
                "form": form,
                "qr_svg": qr_svg,
                "secret": device.config_url.split("secret=")[1].split("&")[0],
                "required": second_factor_required(user),
            },
        )

    def _setup_device(self, request) -> TOTPDevice:
        """This session's unconfirmed device, created on its first visit."""
        device_id = request.session.get(self.SETUP_DEVICE_SESSION_KEY)
        device = (
            TOTPDevice.objects.filter(pk=device_id, user=request.user, confirmed=False).first() if device_id else None
        )
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, confirmed=False, name="TOTP")
            request.session[self.SETUP_DEVICE_SESSION_KEY] = device.pk
        return device

    @staticmethod
    def message_user_done(request) -> None:
        from django.contrib import messages

        messages.success(request, _("两步验证已启用：以后登录时需要输入动态验证码。"))
