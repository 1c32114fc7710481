"""manage.py create_official USERNAME --role {national,provincial,analyst} [--province CODE ...] [--email ADDRESS] [--token]"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from officials.choices import Role
from officials.services import OfficialError, official_set_up, password_link_send


class Command(BaseCommand):
    help = "Create or update an official's account, role and provinces; --token prints their API token last."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--province", action="append", default=[], metavar="CODE", help="e.g. 320000; repeat")
        parser.add_argument(
            "--email",
            metavar="ADDRESS",
            help="the account's e-mail address; a link to set the password is sent to it (DJANGO_PORTAL_URL)",
        )
        parser.add_argument("--token", action="store_true", help="print the API token on the last line")

    def handle(self, *args, username, role, province, email, token, **options):
        try:
            official = official_set_up(username=username, role=role, province_codes=province, email=email)
            if email:
                password_link_send(official.user, base_url=settings.PORTAL_URL)
        except OfficialError as error:
            raise CommandError(str(error)) from error
        provinces = "、".join(p.name for p in official.provinces.order_by("code")) or "全部省份"
        self.stdout.write(f"{official.user.username}: {official.get_role_display()} · {provinces}")
        if email:
            self.stdout.write(f"设置密码的链接已发送到 {email}")
        elif not official.user.has_usable_password():
            self.stdout.write(f"设置密码：manage.py changepassword {official.user.username}")
        if token:
            self.stdout.write(Token.objects.get_or_create(user=official.user)[0].key)
