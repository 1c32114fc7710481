"""Linking applicants to enterprises, at import and later when enterprises arrive or change."""

import io

import pytest
from django.core.management import call_command

from enterprises.signals import enterprises_changed
from patents.models import PatentApplicant
from patents.services import applicants_link
from patents.signals import patent_links_changed
from tests.factories import EnterpriseFactory, PatentApplicantFactory, make_credit_code
from tests.patents.conftest import patent_row

pytestmark = pytest.mark.django_db


def links() -> list[tuple[int, str, int | None]]:
    return list(
        PatentApplicant.objects.order_by("patent_id", "position").values_list("position", "name", "enterprise_id")
    )


def test_applicants_link_by_credit_code_whatever_the_name(import_rows):
    enterprise = EnterpriseFactory(name="苏州甲科技股份有限公司")
    outcome = import_rows(
        [patent_row(1, applicant_names="甲科技（旧称）", applicant_credit_codes=enterprise.credit_code)]
    )
    assert links() == [(1, "甲科技（旧称）", enterprise.pk)]  # the name as printed
    assert outcome.counts["applicants_linked"] == 1


def test_applicants_link_by_normalised_name(import_rows):
    enterprise = EnterpriseFactory(name="苏州甲科技股份有限公司")
    import_rows([patent_row(1, applicant_names="苏州甲科技股份有限公司")])
    assert links() == [(1, "苏州甲科技股份有限公司", enterprise.pk)]


def test_applicants_link_by_former_name(import_rows):
    enterprise = EnterpriseFactory(name="苏州甲科技股份有限公司", former_names=["苏州甲电子有限公司"])
    import_rows([patent_row(1, applicant_names="苏州甲电子有限公司")])
    assert links()[0][2] == enterprise.pk


@pytest.mark.parametrize(
    "printed",
    [
        "甲科技（苏州）有限公司",
        "甲科技【苏州】有限公司",
        "甲科技[苏州]有限公司",
        "甲科技 (苏州) 有限公司",
        "甲科技（苏州）有限公司 ",
    ],
)
def test_brackets_and_spaces_do_not_prevent_a_name_match(import_rows, printed):
    enterprise = EnterpriseFactory(name="甲科技(苏州)有限公司")
    import_rows([patent_row(1, applicant_names=printed)])
    assert links()[0][2] == enterprise.pk


def test_a_name_borne_by_two_enterprises_is_ambiguous_and_left_unlinked(import_rows):
    EnterpriseFactory(name="甲公司")
    EnterpriseFactory(name="乙公司", former_names=["甲公司"])
    outcome = import_rows([patent_row(1, applicant_names="甲公司")])
    assert links() == [(1, "甲公司", None)]
    assert outcome.counts["applicants_ambiguous"] == 1
    assert outcome.counts["applicants_unmatched"] == 1


def test_a_credit_code_resolves_an_ambiguous_name(import_rows):
    EnterpriseFactory(name="甲公司")
    second = EnterpriseFactory(name="乙公司", former_names=["甲公司"])
    import_rows([patent_row(1, applicant_names="甲公司", applicant_credit_codes=second.credit_code)])
    assert links()[0][2] == second.pk


def test_an_enterprise_printed_twice_on_a_patent_is_linked_once_at_its_first_position(import_rows):
    enterprise = EnterpriseFactory(name="甲公司", former_names=["老甲公司"])
    outcome = import_rows([patent_row(1, applicant_names="乙大学;老甲公司;甲公司")])
    assert links() == [(1, "乙大学", None), (2, "老甲公司", enterprise.pk), (3, "甲公司", None)]
    assert outcome.counts["applicants_repeated"] == 1


def test_a_patent_counts_for_each_of_its_applicant_enterprises(import_rows):
    first, second = EnterpriseFactory(name="甲公司"), EnterpriseFactory(name="乙公司")
    import_rows([patent_row(1, applicant_names="甲公司;乙公司")])
    assert [link[2] for link in links()] == [first.pk, second.pk]


def test_unmatched_applicants_are_kept_with_name_normalised_name_and_code(import_rows):
    code = make_credit_code(424242)
    import_rows([patent_row(1, applicant_names="未知（北京）研究院", applicant_credit_codes=code)])
    applicant = PatentApplicant.objects.get()
    assert (applicant.name, applicant.name_normalized, applicant.credit_code) == (
        "未知（北京）研究院",  # kept as printed
        "未知(北京)研究院",  # the matching key
        code,
    )
    assert applicant.enterprise is None


def test_an_unknown_credit_code_does_not_link_by_name_to_an_enterprise_with_another_code(import_rows):
    EnterpriseFactory(name="甲公司")
    import_rows([patent_row(1, applicant_names="甲公司", applicant_credit_codes=make_credit_code(999999))])
    assert links()[0][2] is None


def test_an_unknown_credit_code_may_link_by_name_to_an_enterprise_missing_its_code(import_rows):
    incomplete = EnterpriseFactory(name="甲公司", credit_code=None)
    import_rows([patent_row(1, applicant_names="甲公司", applicant_credit_codes=make_credit_code(999999))])
    assert links()[0][2] == incomplete.pk


def test_an_enterprise_imported_after_its_patents_is_linked_when_enterprises_change(import_rows):
    import_rows([patent_row(1, applicant_names="甲公司"), patent_row(2, applicant_names="乙公司")])
    gained = []
    patent_links_changed.connect(
        lambda sender, enterprise_ids, **kw: gained.append(enterprise_ids), weak=False, dispatch_uid="t1"
    )
    try:
        enterprise = EnterpriseFactory(name="甲公司")
        enterprises_changed.send(sender=None, enterprise_ids=frozenset({enterprise.pk}))
    finally:
        patent_links_changed.disconnect(dispatch_uid="t1")
    assert [link[2] for link in links()] == [enterprise.pk, None]
    assert gained == [frozenset({enterprise.pk})]


def test_relinking_by_credit_code(import_rows):
    code = make_credit_code(31337)
    import_rows([patent_row(1, applicant_names="旧名称有限公司", applicant_credit_codes=code)])
    enterprise = EnterpriseFactory(name="新名称股份有限公司", credit_code=code)
    assert applicants_link(enterprise_ids=[enterprise.pk]) == {"linked": 1, "enterprises": 1}
    assert links()[0][2] == enterprise.pk


def test_relinking_by_former_name_added_later(import_rows):
    enterprise = EnterpriseFactory(name="甲股份有限公司")
    import_rows([patent_row(1, applicant_names="甲有限公司")])
    assert links()[0][2] is None
    enterprise.former_names = ["甲有限公司"]
    enterprise.save()
    applicants_link(enterprise_ids=[enterprise.pk])
    assert links()[0][2] == enterprise.pk


def test_relinking_only_links_to_the_changed_enterprises(import_rows):
    import_rows([patent_row(1, applicant_names="甲公司"), patent_row(2, applicant_names="乙公司")])
    first, second = EnterpriseFactory(name="甲公司"), EnterpriseFactory(name="乙公司")
    applicants_link(enterprise_ids=[first.pk])
    assert [link[2] for link in links()] == [first.pk, None]
    assert second.pk not in {link[2] for link in links()}


def test_relinking_leaves_ambiguous_names_unlinked(import_rows):
    import_rows([patent_row(1, applicant_names="甲公司")])
    first = EnterpriseFactory(name="甲公司")
    EnterpriseFactory(name="乙公司", former_names=["甲公司"])
    assert applicants_link(enterprise_ids=[first.pk])["linked"] == 0


def test_relinking_respects_once_per_patent(import_rows):
    import_rows([patent_row(1, applicant_names="老甲公司;甲公司;丙")])
    enterprise = EnterpriseFactory(name="甲公司", former_names=["老甲公司"])
    applicants_link(enterprise_ids=[enterprise.pk])
    assert [link[2] for link in links()] == [enterprise.pk, None, None]


def test_relinking_does_not_link_an_enterprise_already_linked_on_the_patent():
    enterprise = EnterpriseFactory(name="甲公司", former_names=["老甲公司"])
    linked = PatentApplicantFactory(enterprise=enterprise, position=2)
    PatentApplicantFactory(patent=linked.patent, position=1, name="老甲公司")
    applicants_link(enterprise_ids=[enterprise.pk])
    assert list(linked.patent.applicants.order_by("position").values_list("enterprise_id", flat=True)) == [
        None,
        enterprise.pk,
    ]


def test_relinking_never_changes_existing_links(import_rows):
    enterprise = EnterpriseFactory(name="甲公司")
    import_rows([patent_row(1, applicant_names="甲公司")])
    enterprise.name = "甲新公司"
    enterprise.save()
    other = EnterpriseFactory(name="甲公司")
    applicants_link(enterprise_ids=[other.pk])
    assert links()[0][2] == enterprise.pk


def test_link_applicants_command_relinks_every_enterprise(import_rows):
    import_rows([patent_row(1, applicant_names="甲公司"), patent_row(2, applicant_names="乙公司")])
    first, second = EnterpriseFactory(name="甲公司"), EnterpriseFactory(name="乙公司")
    out = io.StringIO()
    call_command("link_applicants", stdout=out)
    assert [link[2] for link in links()] == [first.pk, second.pk]
    assert "申请人：新关联到企业 2，新增专利的企业 2" in out.getvalue()


def test_relinking_makes_a_bounded_number_of_queries(import_rows, django_assert_max_num_queries):
    import_rows([patent_row(n, applicant_names=f"甲{n}公司") for n in range(1, 200)])
    enterprises = [EnterpriseFactory(name=f"甲{n}公司") for n in range(1, 200)]
    with django_assert_max_num_queries(20):
        result = applicants_link(enterprise_ids=[enterprise.pk for enterprise in enterprises])
    assert result == {"linked": 199, "enterprises": 199}
