"""The import_patents command: thin, prints counts; an invalid file exits 1 with the report on stderr."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from patents.models import Patent
from tests.patents.conftest import patent_row, patents_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def write_file(tmp_path):
    def write(rows, **options):
        path = tmp_path / "patents.csv"
        path.write_bytes(patents_csv(rows, **options))
        return path

    return write


def test_the_command_imports_and_prints_counts(write_file):
    out = io.StringIO()
    call_command("import_patents", str(write_file([patent_row(1), patent_row(2)])), stdout=out)
    assert "专利：新建 2，更新 0，未变 0" in out.getvalue()
    assert "申请人：写入 2，其中关联到企业 0，未匹配企业 2" in out.getvalue()
    assert Patent.objects.count() == 2


def test_the_command_dry_run_writes_nothing(write_file):
    out = io.StringIO()
    call_command("import_patents", str(write_file([patent_row(1)])), "--dry-run", stdout=out)
    assert "试运行，未写入：专利：新建 1" in out.getvalue()
    assert not Patent.objects.exists()


def test_an_invalid_file_exits_with_status_1_and_the_full_report_on_stderr(write_file):
    path = write_file([patent_row(1), patent_row(2, jurisdiction="US"), patent_row(3, license_count="-1")])
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_patents", str(path), stdout=io.StringIO(), stderr=err)
    assert caught.value.returncode == 1
    report = err.getvalue()
    assert "第3行 [publication_number]" in report
    assert "第4行 [license_count] “-1”" in report
    assert not Patent.objects.exists()


def test_unknown_columns_need_ignore_unknown(write_file):
    path = write_file([{**patent_row(1), "extra": "1"}], header=[*patent_row(1), "extra"])
    with pytest.raises(CommandError):
        call_command("import_patents", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    err = io.StringIO()
    call_command("import_patents", str(path), "--ignore-unknown", stdout=io.StringIO(), stderr=err)
    assert "extra" in err.getvalue()
    assert Patent.objects.count() == 1


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_patents", str(tmp_path / "nope.csv"))


def test_verbosity_2_prints_where_the_time_went(write_file):
    out = io.StringIO()
    call_command("import_patents", str(write_file([patent_row(1)])), "-v", "2", stdout=out)
    phases = [line for line in out.getvalue().splitlines() if line.lstrip().startswith("phase ")]
    assert any("read, validate and stage" in line for line in phases)
    assert any("history written" in line for line in phases)
    assert "专利：新建 1" in out.getvalue()


def test_the_counts_are_printed_in_the_language_of_the_command(write_file, settings):
    settings.LANGUAGE_CODE = "en"
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_patents", str(write_file([patent_row(1)])), stdout=out)
    assert "Patents: created 1, updated 0, unchanged 0" in out.getvalue()
    assert "applicants: written 1, of which linked to an enterprise 0, unmatched 1" in out.getvalue()
