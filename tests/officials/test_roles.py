"""The three roles: created by a migration and by `create_official`, never by hand."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from officials.models import Official
from officials.roles import GROUP_NAMES
from utilities.scoping import user_province_codes

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("create_official", *args, stdout=out)
    return out.getvalue()


def test_the_migrations_create_the_three_role_groups_with_their_permissions():
    groups = {group.name: group for group in Group.objects.prefetch_related("permissions")}
    assert set(GROUP_NAMES.values()) <= set(groups)
    national = {p.codename for p in groups["全国管理员"].permissions.all()}
    provincial = {p.codename for p in groups["省级管理员"].permissions.all()}
    analyst = {p.codename for p in groups["只读分析员"].permissions.all()}
    assert "recompute_snapshot" in national and "change_province" in national
    assert "recompute_snapshot" not in provincial and "change_province" not in provincial
    assert {"add_enterprise", "change_enterprise", "add_designation"} <= provincial
    assert all(codename.startswith("view_") for codename in analyst)


def test_create_official_makes_a_provincial_official_of_two_provinces(regions):
    output = run("wang", "--role", "provincial", "--province", "320000", "--province", "330000")

    user = get_user_model().objects.get(username="wang")
    assert user.is_staff and not user.is_superuser
    assert [g.name for g in user.groups.all()] == ["省级管理员"]
    assert user_province_codes(user) == {"320000", "330000"}
    assert "江苏省" in output


def test_create_official_prints_the_api_token_on_the_last_line(regions):
    output = run("li", "--role", "analyst", "--token")

    assert output.strip().splitlines()[-1] == Token.objects.get(user__username="li").key


def test_create_official_changes_the_role_of_an_existing_account(regions):
    run("zhao", "--role", "provincial", "--province", "320000")
    run("zhao", "--role", "national")

    user = get_user_model().objects.get(username="zhao")
    assert [g.name for g in user.groups.all()] == ["全国管理员"]
    assert Official.objects.get(user=user).provinces.count() == 0
    assert user_province_codes(user) is None


@pytest.mark.parametrize(
    "args",
    [
        ("--role", "provincial"),  # a provincial official needs a province
        ("--role", "provincial", "--province", "999999"),  # unknown code
        ("--role", "national", "--province", "320000"),  # national means every province
    ],
)
def test_create_official_refuses_an_impossible_setup(regions, args):
    with pytest.raises(CommandError):
        run("sun", *args)


def test_a_staff_account_without_a_role_sees_no_province(regions):
    user = get_user_model().objects.create_user("clerk", is_staff=True)
    assert user_province_codes(user) == frozenset()
