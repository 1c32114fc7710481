from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from utilities.scoping_admin import NationalAdministratorsOnlyAdmin

from .models import Official
from .services import official_groups_sync, password_link_send


@admin.register(Official)
class OfficialAdmin(NationalAdministratorsOnlyAdmin, admin.ModelAdmin):
    """Roles and provinces: national administrators only (the same as ``create_official``)."""

    list_display = ("user", "role", "province_list")
    list_filter = ("role",)
    search_fields = ("user__username",)
    filter_horizontal = ("provinces",)
    autocomplete_fields = ("user",)
    actions = ["send_password_link"]

    @admin.action(description=_("发送设置密码的链接"))
    def send_password_link(self, request, queryset):
        """The link ``create_official --email`` sends, to the selected officials' e-mail addresses."""
        base_url = request.build_absolute_uri("/")
        sent, without = [], []
        for official in queryset.select_related("user"):
            if not official.user.email:
                without.append(official.user.get_username())
                continue
            password_link_send(official.user, base_url=base_url)
            sent.append(official.user.get_username())
        if sent:
            self.message_user(
                request, _("已发送设置密码的链接：%(names)s") % {"names": "、".join(sent)}, messages.SUCCESS
            )
        if without:
            self.message_user(
                request, _("没有电子邮箱，未发送：%(names)s") % {"names": "、".join(without)}, messages.WARNING
            )

    @admin.display(description=Official._meta.get_field("provinces").verbose_name)
    def province_list(self, official: Official) -> str:
        return "、".join(p.name for p in official.provinces.all()) or "—"

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        official_groups_sync(official=form.instance)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("provinces")
