"""The weekly digest: each official's workbench counts and the week's changes, by e-mail in their language.

Sent by ``manage.py send_official_digest`` and by beat every Monday (``workbench.official_digest_send``).
An official who turned it off (``Official.digest_enabled``, on their 我的设置 page) or whose account has
no e-mail address gets nothing; the language is the official's preference, Chinese by default.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from officials.models import Official
from regions.selectors import division_name

from .selectors import CHANGES_SINCE, workbench_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    to: str
    subject: str
    text: str
    html: str


def _admin_url(name: str) -> str:
    return f"{settings.PORTAL_URL}{reverse(name)}"


def digest_render(official: Official, *, now: datetime.datetime | None = None) -> Digest:
    """The digest of one official, rendered in their language (``Official.language``, else Chinese)."""
    now = now or timezone.now()
    language = official.language or settings.LANGUAGE_CODE
    with translation.override(language):
        bench = workbench_for(official.user, today=timezone.localdate(now), now=now)
        context = {
            "official": official,
            "language": language,
            "province_names": [division_name(province) for province in bench.provinces],
            "bench": bench,
            "since": timezone.localdate(now - CHANGES_SINCE),
            "workbench_url": _admin_url("admin:workbench"),
            "preferences_url": _admin_url("admin:official_preferences"),
        }
        subject = render_to_string("workbench/digest_subject.txt", context).strip()
        text = render_to_string("workbench/digest.txt", context)
        html = render_to_string("workbench/digest.html", context)
    return Digest(to=official.user.email, subject=subject, text=text, html=html)


def digest_recipients():
    """Officials who want the digest and can receive it: active accounts with an e-mail address."""
    return (
        Official.objects.filter(digest_enabled=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__username")
    )


def digests_send(*, now: datetime.datetime | None = None) -> dict:
    """Render and send every recipient's digest; one failing address does not stop the others."""
    sent, failed = [], []
    for official in digest_recipients():
        digest = digest_render(official, now=now)
        message = EmailMultiAlternatives(digest.subject, digest.text, settings.DEFAULT_FROM_EMAIL, [digest.to])
        message.attach_alternative(digest.html, "text/html")
        try:
            message.send()
        except Exception:  # an SMTP refusal of one address: logged, the others still get theirs
            logger.exception("could not send the weekly digest to %s", official.user.username)
            failed.append(official.user.username)
            continue
        sent.append(official.user.username)
    return {"sent": sent, "failed": failed}
