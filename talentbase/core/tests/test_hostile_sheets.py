"""Spreadsheets made to take background work down (issue 13, item 1): each is refused before it is opened,
with its message, and its batch fails cleanly; a reader that crashes anyway ends its child process, not the
worker (these tests run the jobs in-process: the test process is the worker); a worker that died while
reading its file is not run again. The files are made at test time (``hostile_sheets``), never committed."""

from __future__ import annotations

import re

import pytest

from talentbase.core.actor import system_actor
from talentbase.core.imports import machinery, safety
from talentbase.core.imports.errors import ImportRefusal
from talentbase.core.imports.models import ImportStagedRow
from talentbase.core.imports.reading import ImportFileError, open_table, read_rows, reader_options
from talentbase.core.jobs.actions import reap_stale_jobs
from talentbase.core.jobs.models import READING_INPUT, Job
from talentbase.core.tests import hostile_sheets
from talentbase.core.tests.imports_support import FIXTURES, as_if_killed, import_settings, upload, write_xlsx
from talentbase.registry.models import Person

_fixtures = (import_settings,)

pytestmark = pytest.mark.django_db

# What each file gets: its code and a part of its message.
REFUSED = {
    "far_cell.xlsx": (
        ImportRefusal.TOO_MANY_ROWS,
        "表格声明的范围 A1:XFD1048576 有 1,048,576 行，超过每个文件 250,000 行的上限",
    ),
    "far_cell_undeclared.xlsx": (ImportRefusal.TOO_MANY_COLUMNS, "文件中至少有 16,384 列，最多 100 列"),
    "shared_strings_bomb.xlsx": (ImportRefusal.COMPRESSION_RATIO, "部件 xl/sharedStrings.xml 压缩比为"),
    "huge_xml.xlsx": (ImportRefusal.COMPRESSION_RATIO, "部件 xl/worksheets/sheet1.xml 压缩比为"),
    "forged_sizes.xlsx": (ImportRefusal.UNREADABLE, "无法读取该文件"),
    "content_bomb.ods": (ImportRefusal.COMPRESSION_RATIO, "部件 content.xml 压缩比为"),
}


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    """Every crafted file, made once (a few seconds: the bombs' CRCs are computed over their gigabytes)."""
    folder = tmp_path_factory.mktemp("hostile")
    return {name: hostile_sheets.make(name, folder) for name in hostile_sheets.MAKERS}


def limits(settings) -> safety.Limits:
    options = reader_options()
    options.pop("memory_mb"), options.pop("cpu_seconds")
    return safety.Limits(**options)


# --- before opening (no reader runs)


def test_every_crafted_file_is_small_on_disk(hostile):
    assert hostile["far_cell.xlsx"].stat().st_size < 2_000
    assert all(path.stat().st_size < 4 * 1024 * 1024 for path in hostile.values())


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_crafted_file_is_refused_before_it_is_opened(hostile, settings, name):
    code, _message = REFUSED[name]
    with pytest.raises(safety.Refused) as refused:
        safety.check(hostile[name].read_bytes(), limits(settings))
    assert refused.value.code == code


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_each_crafted_file_fails_its_batch_with_its_message_and_stages_nothing(
    hostile, name, personas, django_capture_on_commit_callbacks, import_settings
):
    code, message = REFUSED[name]
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), hostile[name])
    job = machinery.current_job(batch.pk, machinery.PREVIEW_KIND)
    assert batch.state == "failed" and message in batch.message
    assert job.state == "failed" and job.error == batch.message and job.phase == ""
    assert not ImportStagedRow.objects.filter(batch=batch).exists() and not batch.stored_file
    with pytest.raises(ImportFileError) as refused:
        open_table(hostile[name].read_bytes(), hostile[name].suffix[1:], [])
    assert refused.value.code == code


def test_the_total_once_inflated_and_the_number_of_parts_are_limits_too(hostile, settings):
    settings.TALENTBASE_IMPORT_MAX_RATIO = 10_000  # the huge sheet's ratio let through: its size is not
    with pytest.raises(ImportFileError, match="解压后约 1,024 MB，超过上限 1,024 MB") as refused:
        open_table(hostile["huge_xml.xlsx"].read_bytes(), "xlsx", [])
    assert refused.value.code == ImportRefusal.EXPANDS_TOO_MUCH
    settings.TALENTBASE_IMPORT_MAX_PARTS = 4
    with pytest.raises(ImportFileError, match="包含 5 个内部部件，超过上限 4 个") as refused:
        open_table(hostile["far_cell.xlsx"], "xlsx", [])
    assert refused.value.code == ImportRefusal.TOO_MANY_PARTS


def test_a_roster_at_the_limits_passes_and_one_row_or_column_more_is_refused():
    defaults = safety.Limits()
    assert defaults.max_rows >= 200_001  # a roster of 2 x 10^5 persons and its header
    safety.check_grid(defaults.max_rows, defaults.max_columns, defaults)
    with pytest.raises(safety.Refused):
        safety.check_grid(defaults.max_rows + 1, 9, defaults)
    with pytest.raises(safety.Refused):
        safety.check_grid(10, defaults.max_columns + 1, defaults)


@pytest.mark.parametrize("limit", [9, 10, 99, 100, 199, 250_000, 999_999, 1_048_576])
def test_the_pattern_of_references_past_a_limit_matches_exactly_those(limit):
    rows = re.compile(safety.above(str(limit), safety.DIGITS, 7))
    for number in {1, 9, 10, 11, limit - 1, limit, limit + 1, limit * 2, 1_048_576, 9_999_999} - {0}:
        assert bool(rows.fullmatch(str(number))) == (number > limit), number
    if limit <= 16_384:
        columns = re.compile(safety.above(safety.column_letters(limit), safety.LETTERS, 3))
        for number in {1, 26, 27, 702, 703, limit - 1, limit, limit + 1, 16_384} - {0}:
            letters = safety.column_letters(number)
            assert safety.column_number(letters) == number
            assert bool(columns.fullmatch(letters)) == (number > limit), letters


def test_cells_written_without_references_are_counted_row_by_row(tmp_path):
    def sheet(rows: list[int]) -> bytes:
        body = b"".join(b"<row>" + b"<c><v>1</v></c>" * cells + b"</row>" for cells in rows)
        part = hostile_sheets.Part("xl/worksheets/sheet1.xml",
                                   hostile_sheets.SHEET_HEAD + b"<sheetData>" + body + b"</sheetData></worksheet>")  # fmt: skip
        return hostile_sheets.write_zip(tmp_path / "plain.xlsx", hostile_sheets.xlsx_parts(part)).read_bytes()

    small = safety.Limits(max_rows=50, max_columns=20)
    safety.check(sheet([20] * 50), small)  # 50 rows of 20 cells: within
    with pytest.raises(safety.Refused) as refused:
        safety.check(sheet([5] * 10 + [21]), small)
    assert (refused.value.code, refused.value.params["columns"]) == (safety.TOO_MANY_COLUMNS, 21)
    with pytest.raises(safety.Refused) as refused:
        safety.check(sheet([1] * 51), small)
    assert (refused.value.code, refused.value.params["rows"]) == (safety.TOO_MANY_ROWS, 51)


def test_a_csv_past_the_row_or_column_limit_is_refused_as_it_streams(tmp_path, settings):
    settings.TALENTBASE_IMPORT_MAX_ROWS, settings.TALENTBASE_IMPORT_MAX_COLUMNS = 5, 3
    path = tmp_path / "long.csv"
    path.write_text("编号,备注\n" + "".join(f"{n},x\n" for n in range(10)), encoding="utf-8")
    with pytest.raises(ImportFileError, match="文件中至少有 6 行，每个文件最多 5 行"):
        list(read_rows(path, "csv"))
    path.write_text("a,b,c,d\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="文件中至少有 4 列，最多 3 列"):
        list(read_rows(path, "csv"))


# --- a reader that crashes: its child process, not the worker


def test_a_reader_that_runs_out_of_memory_fails_its_batch_and_the_worker_lives(
    hostile, settings, personas, django_capture_on_commit_callbacks, import_settings
):
    """Limits raised so that the far cell reaches python-calamine: it asks for 512 GB, which the child's
    address-space limit refuses, and the child aborts."""
    settings.TALENTBASE_IMPORT_MAX_ROWS = settings.TALENTBASE_IMPORT_MAX_COLUMNS = 10**8
    batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"), hostile["far_cell.xlsx"])
    job = machinery.current_job(batch.pk, machinery.PREVIEW_KIND)
    assert batch.state == "failed" and "读取该文件所需的内存超过上限（2048 MB）" in batch.message
    assert job.state == "failed" and job.error == batch.message
    assert not ImportStagedRow.objects.filter(batch=batch).exists()
    assert "Traceback" not in batch.message


def test_a_reader_with_too_little_memory_fails_the_batch_with_a_message(
    settings, personas, django_capture_on_commit_callbacks, import_settings
):
    settings.TALENTBASE_IMPORT_READER_MEMORY_MB = 8  # not even enough to import python-calamine
    batch = upload(
        django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / "roster_mixed.xlsx"
    )
    assert batch.state == "failed" and "读取该文件时读取程序异常退出，未导入任何数据" in batch.message
    assert not ImportStagedRow.objects.filter(batch=batch).exists()


def test_a_file_calamine_refuses_itself_fails_as_unreadable(hostile):
    """1 KB of OpenDocument repeating one cell over the whole sheet: within the zip limits; python-calamine
    refuses the 17 × 10^9 cells it would make."""
    with pytest.raises(ImportFileError) as refused:
        open_table(hostile["repeated_cells.ods"].read_bytes(), "ods", [])
    assert refused.value.code == ImportRefusal.UNREADABLE


def test_the_reader_gets_no_keys_and_the_rows_stream_in_chunks(tmp_path, monkeypatch):
    import subprocess

    from talentbase.core.imports import reading

    started = []
    real_popen = subprocess.Popen

    def recording(*args, **kwargs):
        started.append(kwargs["env"])
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(reading.subprocess, "Popen", recording)
    path = write_xlsx(tmp_path / "many.xlsx", ("编号",), [[str(n)] for n in range(2500)])
    rows = read_rows(path, "xlsx")
    assert next(rows) == (1, ["编号"])
    assert sum(1 for _row in rows) == 2500
    assert set(started[0]) == {"PYTHONPATH", "PYTHONIOENCODING"}


# --- the reaper: a worker that died reading its file


def test_the_preview_marks_its_job_while_it_opens_the_file(
    personas, django_capture_on_commit_callbacks, import_settings, monkeypatch
):
    seen = []
    real_open_table = machinery.open_table

    def opening(*args, **kwargs):
        seen.append(Job.objects.filter(kind=machinery.PREVIEW_KIND).values_list("phase", flat=True).get())
        return real_open_table(*args, **kwargs)

    monkeypatch.setattr(machinery, "open_table", opening)
    batch = upload(
        django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / "roster_mixed.xlsx"
    )
    assert batch.state == "previewed" and seen == [READING_INPUT]
    assert machinery.current_job(batch.pk, machinery.PREVIEW_KIND).phase == ""


def test_a_job_whose_worker_died_reading_its_file_is_failed_not_run_again(
    personas, django_capture_on_commit_callbacks, import_settings
):
    import datetime

    import time_machine

    batch = upload(
        django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / "roster_mixed.xlsx"
    )
    before = Person.objects.count()
    job = as_if_killed(batch, "validating", phase=READING_INPUT)
    stored = machinery.media_path(batch.stored_file)
    later = time_machine.travel(job.updated_at + datetime.timedelta(minutes=11), tick=False)
    with later, django_capture_on_commit_callbacks(execute=True):
        result = reap_stale_jobs(actor=system_actor())
    assert result.failed == [job.pk] and result.requeued == []
    batch.refresh_from_db()
    job.refresh_from_db()
    assert batch.state == "failed" and "读取上传的文件时导入任务中断" in batch.message
    assert job.state == "failed" and job.attempts == 0 and "读取上传的文件时" in job.error
    assert not stored.exists() and not ImportStagedRow.objects.filter(batch=batch).exists()
    assert Person.objects.count() == before


def test_a_job_killed_in_another_phase_is_still_started_again(
    personas, django_capture_on_commit_callbacks, import_settings
):
    import datetime

    import time_machine

    batch = upload(
        django_capture_on_commit_callbacks, personas.actor("employer"), FIXTURES / "roster_mixed.xlsx"
    )
    job = as_if_killed(batch, "validating")  # killed while validating or staging (a deploy, a restart)
    later = time_machine.travel(job.updated_at + datetime.timedelta(minutes=11), tick=False)
    with later, django_capture_on_commit_callbacks(execute=True):
        result = reap_stale_jobs(actor=system_actor())
    assert result.requeued == [job.pk] and result.failed == []
    batch.refresh_from_db()
    assert batch.state == "previewed"
