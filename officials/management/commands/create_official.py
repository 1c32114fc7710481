"""manage.py create_official USERNAME --role {national,provincial,analyst} [--province CODE ...] [--token]"""

from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from officials.choices import Role
from officials.services import OfficialError, official_set_up


class Command(BaseCommand):
    help = "Create or update an official's account, role and provinces; --token prints their API token last."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--province", action="append", default=[], metavar="CODE", help="e.g. 320000; repeat")
        parser.add_argument("--token", action="store_true", help="print the API token on the last line")

    def handle(self, *args, username, role, province, token, **options):
        try:
            official = official_set_up(username=username, role=role, province_codes=province)
        except OfficialError as error:
            raise CommandError(str(error)) from error
        provinces = "、".join(p.name for p in official.provinces.order_by("code")) or "全部省份"
        self.stdout.write(f"{official.user.username}: {official.get_role_display()} · {provinces}")
        if not official.user.has_usable_password():
            self.stdout.write(f"设置密码：manage.py changepassword {official.user.username}")
        if token:
            self.stdout.write(Token.objects.get_or_create(user=official.user)[0].key)
