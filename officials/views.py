"""The official's own page in the admin: their preferences (the weekly digest, its language)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .models import Official


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Official
        fields = ("digest_enabled", "language")


def preferences_view(request):
    """我的设置: any official edits their own preferences, nobody else's (there is no id in the address)."""
    from django.contrib import admin

    official = Official.objects.filter(user=request.user).first()
    if official is None:
        raise PermissionDenied  # a staff account without a role has no preferences to keep
    form = PreferencesForm(request.POST or None, instance=official)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("设置已保存。"))
        return redirect("admin:official_preferences")
    context = {
        **admin.site.each_context(request),
        "title": _("我的设置"),
        "form": form,
        "email": request.user.email,
    }
    return TemplateResponse(request, "officials/preferences.html", context)
