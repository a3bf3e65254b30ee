"""The import machinery on its own (DESIGN.md §2): reading cells and headers of every format, and the job's
promises with a small importer of its own: chunks staged and committed with progress, one publication
that writes everything or nothing, late errors taken out again, cancellation, a job run twice."""

from __future__ import annotations

import datetime
import io
import itertools
import json
from pathlib import Path

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from talentbase.core.errors import DomainError
from talentbase.core.imports import bulk, machinery
from talentbase.core.imports.columns import Column
from talentbase.core.imports.models import ImportBatch, ImportRowError, ImportStagedRow
from talentbase.core.imports.reading import (
    ImportFileError,
    find_header,
    normalise_header,
    open_table,
    read_rows,
    render_cell,
)
from talentbase.core.imports.reports import error_report_bytes, template_bytes
from talentbase.core.imports.values import CellValueError, parse_date
from talentbase.core.models import AuditEvent, Decision
from talentbase.core.roles import Role
from talentbase.core.tests.imports_support import (
    FIXTURES,
    as_if_killed,
    commit,
    import_settings,
    row_errors,
    upload,
    write_xlsx,
)

_fixtures = (import_settings,)

KIND = "tests.notes"
CODE = Column("code", "编号", required=True, aliases=("code", "no"))
NOTE = Column("note", "备注", aliases=("remark",))


@machinery.register
class NoteImporter(machinery.Importer):
    """Writes one Decision row per note (a table every database has); ``fail_after`` in the options makes
    the publication fail after writing that many rows, ``chunk_size`` is small to see several chunks."""

    kind = KIND
    label = "测试"
    columns = [CODE, NOTE]
    roles = frozenset({Role.EMPLOYER})
    chunk_size = 3

    def validate(self, rows, *, actor, mode, options):
        first_row: dict[str, int] = {}
        for number, (code, note) in rows:
            if not code.isdigit():
                yield machinery.Outcome(number, errors=(("编号", "编号应为数字"),))
                continue
            if code in first_row:
                yield machinery.Outcome(number, errors=(("编号", f"与第 {first_row[code]} 行重复"),))
                yield machinery.Outcome(first_row[code], errors=(("编号", f"与第 {number} 行重复"),))
                continue
            first_row[code] = number
            yield machinery.Outcome(number, payload={"code": code, "note": note})

    def prepare(self, payloads, *, actor, options):
        return [{**payload, "note": payload["note"].upper()} for payload in payloads]

    def recheck(self, batch, *, actor, since):
        """``refuse_at_commit`` / ``skip_at_commit`` in the options: codes that "changed since the preview"."""
        refuse, skip = batch.options.get("refuse_at_commit", []), batch.options.get("skip_at_commit", [])
        for number, payload in machinery.staged_rows(batch.pk):
            if payload["code"] in refuse:
                yield machinery.Outcome(number, errors=(("编号", "预览后已被占用"),))
            elif payload["code"] in skip:
                yield machinery.Outcome(number, payload={machinery.ACTION_KEY: machinery.SKIP})

    def publish(self, batch, rows, *, actor):
        fail_after = batch.options.get("fail_after")
        written = 0
        now = timezone.now()
        for number, payload in rows:
            bulk.insert_rows(Decision, ["at", "object_type", "object_id", "transition", "from_state", "to_state",
                                        "role", "comment"],
                             [(now, KIND, payload["code"], "import", "", "", "employer", payload["note"])])  # fmt: skip
            written += 1
            if fail_after is not None and written >= fail_after:
                raise RuntimeError(f"publication broke after row {number}")
        return machinery.PublishResult(created=written)


def notes_file(tmp_path: Path, rows, *, headers=("编号", "备注"), name="notes.xlsx") -> Path:
    return write_xlsx(tmp_path / name, headers, rows)


def published():
    return Decision.objects.filter(object_type=KIND)


# --- headers and cells (no database)


@pytest.mark.parametrize(
    "text",
    [
        "证件号码",
        " 证件 号码 ",
        "＊证件号码（必填）",
        "*证件号码(必填)",
        "证件号码【格式：18位】",
        "证件号码：",
        "证件号码\n",
    ],
)
def test_header_variants_normalise_to_the_label(text):
    assert normalise_header(text) == "证件号码"


def test_english_aliases_normalise_without_spaces_case_or_underscores():
    assert normalise_header("ID_Number") == normalise_header("id number") == "idnumber"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (310101199001011000.0, "310101199001011000.0"),  # an ID typed into a number cell: digits were lost
        (3.10101199001011e17, "310101199001011000.0"),
        (13800138000.0, "13800138000"),
        (42, "42"),
        (1.5, "1.5"),
        (datetime.datetime(2020, 1, 31), "2020-01-31"),
        (datetime.datetime(2020, 1, 31, 8, 30), "2020-01-31 08:30:00"),
        (datetime.date(2020, 1, 31), "2020-01-31"),
        ("  张三\u3000", "张三"),
        ("'=1+1", "=1+1"),  # what core.exports.workbooks.neutralise wrote, read back
        (None, ""),
        (True, "TRUE"),
    ],
)
def test_cells_are_rendered_as_a_clerk_reads_them(value, text):
    assert render_cell(value) == text


def test_the_header_is_found_under_a_title_row_and_over_two_rows():
    head = [
        ["2026年花名册", "", ""],
        ["编号", "说明信息", ""],
        ["", "备注", "其他"],
        ["1", "a", ""],
    ]
    index, cells = find_header(head, [CODE, NOTE])
    assert index == 2
    assert cells[:2] == ["编号", "备注"]


def test_merged_ranges_fill_a_header_merged_down():
    head = [["编号", "分组"], ["", "备注"], ["1", "x"]]
    index, cells = find_header(head, [CODE, NOTE], merged=[((0, 0), (1, 0))])
    assert (index, cells[:2]) == (1, ["编号", "备注"])


def test_a_missing_required_column_a_duplicate_column_and_no_header_are_refused(tmp_path):
    with pytest.raises(ImportFileError, match="缺少必填列：编号"):
        open_table(notes_file(tmp_path, [["x"]], headers=("备注",)), "xlsx", [CODE, NOTE])
    with pytest.raises(ImportFileError, match="两列都是"):
        open_table(notes_file(tmp_path, [["1", "2"]], headers=("编号", "No")), "xlsx", [CODE, NOTE])
    with pytest.raises(ImportFileError, match="没有找到表头"):
        open_table(notes_file(tmp_path, [["1", "2"]], headers=("甲", "乙")), "xlsx", [CODE, NOTE])


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("编号,备注\n1,甲\n", "utf-8"),
        ("编号,备注\n1,甲\n", "utf-8-sig"),
        ("编号,备注\n1,甲\n", "gbk"),
        ("编号;备注\n1;甲\n", "gb18030"),
        ("编号\t备注\n1\t甲\n", "utf-8"),
    ],
)
def test_csv_in_utf8_with_or_without_bom_gbk_and_other_separators(tmp_path, content, encoding):
    path = tmp_path / "notes.csv"
    path.write_bytes(content.encode(encoding))
    assert list(read_rows(path, "csv")) == [(1, ["编号", "备注"]), (2, ["1", "甲"])]


def test_the_gbk_fixture_written_by_libreoffice_reads_as_the_xlsx_does():
    assert (
        list(read_rows(FIXTURES / "roster_mixed_gbk.csv"))[2]
        == list(read_rows(FIXTURES / "roster_mixed.xlsx"))[2]
    )


def test_row_numbers_are_the_sheets_own_in_every_format():
    for name in ("roster_mixed.xlsx", "roster_mixed.xls", "roster_mixed.ods", "roster_mixed.csv"):
        rows = dict(read_rows(FIXTURES / name))
        assert rows[2][0] == "姓名*" and rows[4][0] == "李四" and not any(rows[5]), name


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2020-01-31", datetime.date(2020, 1, 31)),
        ("2020/1/31", datetime.date(2020, 1, 31)),
        ("2020.1.31", datetime.date(2020, 1, 31)),
        ("2020年1月31日", datetime.date(2020, 1, 31)),
        ("20200131", datetime.date(2020, 1, 31)),
        ("2020-01-31 08:00:00", datetime.date(2020, 1, 31)),
        ("43861", datetime.date(2020, 1, 31)),  # an Excel serial day number
        ("", None),
    ],
)
def test_dates_in_the_forms_clerks_type(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize("text", ["2020-02-30", "昨天", "31/01/2020"])
def test_impossible_or_unreadable_dates_are_refused(text):
    with pytest.raises(CellValueError):
        parse_date(text)


def test_the_error_report_neutralises_formulas_and_keeps_numbers_as_text():
    content = error_report_bytes(
        ["编号", "备注"], [(2, ["=HYPERLINK(1)", "310101199001011234"], [("编号", "错")])]
    )
    rows = list(CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).iter_rows())
    assert rows[0] == ["编号", "备注", "原行号", "错误原因"]
    assert rows[1] == ["'=HYPERLINK(1)", "310101199001011234", 2.0, "编号：错"]


def test_the_template_offers_a_dropdown_for_coded_columns():
    coded = Column("kind", "类别", choices=[("a", "甲类"), ("b", "乙类")])
    content = template_bytes([CODE, coded], title="测试", instructions=["说明"])
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert workbook.sheet_names[:2] == ["数据", "填写说明"]
    assert list(workbook.get_sheet_by_name("lists").iter_rows()) == [["甲类"], ["乙类"]]


def test_coded_columns_accept_labels_codes_and_aliases():
    column = Column("kind", "类别", choices=[("a", "甲类")], choice_aliases={"甲": "a"})
    lookup = column.choice_lookup()
    assert lookup["甲类"] == lookup["a"] == lookup["甲"] == "a"


# --- the job, with the note importer


@pytest.mark.django_db
@pytest.mark.usefixtures("import_settings")
class TestTheJob:
    def test_the_preview_stages_rows_in_committed_chunks_with_progress_and_the_commit_publishes_at_once(
        self, personas, django_capture_on_commit_callbacks, tmp_path, monkeypatch
    ):
        actor = personas.actor("employer")
        rows = [[str(n), f"note {n}"] for n in range(10)]
        seen = []
        flush = machinery.ImportRun._flush

        def watch(run):
            flush(run)
            batch = ImportBatch.objects.get(pk=run.batch.pk)
            seen.append(
                (batch.state, ImportStagedRow.objects.filter(batch=batch).count(), published().count())
            )

        monkeypatch.setattr(machinery.ImportRun, "_flush", watch)
        batch = upload(django_capture_on_commit_callbacks, actor, notes_file(tmp_path, rows), kind=KIND)
        assert (batch.total_rows, batch.valid_rows, batch.error_rows) == (10, 10, 0)
        # Chunks of 3, each committed with its progress while the preview runs; nothing published.
        assert seen[:3] == [("validating", 3, 0), ("validating", 6, 0), ("validating", 9, 0)]
        assert batch.rows_staged and ImportStagedRow.objects.filter(batch=batch).count() == 10
        batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
        assert batch.state == "done" and batch.written_rows == 10 and batch.progress == 10
        assert len(seen) == 4  # the commit staged nothing
        assert sorted(published().values_list("comment", flat=True)) == sorted(f"NOTE {n}" for n in range(10))
        assert not ImportStagedRow.objects.filter(batch=batch).exists()

    def test_the_commit_publishes_the_staged_rows_without_reading_or_validating_the_file(
        self, personas, django_capture_on_commit_callbacks, tmp_path, monkeypatch
    ):
        actor = personas.actor("employer")
        batch = upload(django_capture_on_commit_callbacks, actor, notes_file(tmp_path, [[str(n), "x"] for n in range(5)]),
                       kind=KIND)  # fmt: skip
        # The stored copy changed (it now has an error) and validating would break: neither is looked at.
        machinery.write_private(
            batch.stored_file, notes_file(tmp_path, [["bad", ""]], name="changed.xlsx").read_bytes()
        )

        def refuse(*args, **kwargs):
            raise AssertionError("the commit validated the file again")

        monkeypatch.setattr(NoteImporter, "validate", refuse)
        monkeypatch.setattr(machinery, "open_table", refuse)
        batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
        assert batch.state == "done", batch.message
        assert sorted(published().values_list("object_id", flat=True)) == ["0", "1", "2", "3", "4"]

    def test_a_failure_while_publishing_leaves_nothing_behind(
        self, personas, django_capture_on_commit_callbacks, tmp_path
    ):
        actor = personas.actor("employer")
        path = notes_file(tmp_path, [[str(n), ""] for n in range(8)])
        batch = upload(django_capture_on_commit_callbacks, actor, path, kind=KIND, options={"fail_after": 5})
        batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
        assert batch.state == "failed"
        assert "内部错误" in batch.message
        assert not published().exists()
        assert not ImportStagedRow.objects.filter(batch=batch).exists()

    def test_a_row_found_in_error_later_is_taken_out_of_the_staged_rows(
        self, personas, django_capture_on_commit_callbacks, tmp_path
    ):
        """Row 2 is staged in the first chunk; row 9 repeats its code: only valid rows are published."""
        actor = personas.actor("employer")
        rows = [["1", ""], ["2", ""], ["3", ""], ["4", ""], ["5", ""], ["6", ""], ["7", ""], ["1", "again"]]
        batch = upload(django_capture_on_commit_callbacks, actor, notes_file(tmp_path, rows), kind=KIND,
                       policy="valid_only")  # fmt: skip
        assert (batch.valid_rows, batch.error_rows) == (6, 2)
        assert row_errors(batch) == {2: [("编号", "与第 9 行重复")], 9: [("编号", "与第 2 行重复")]}
        batch = commit(django_capture_on_commit_callbacks, actor, batch)
        assert batch.state == "done"
        assert sorted(published().values_list("object_id", flat=True)) == ["2", "3", "4", "5", "6", "7"]
        report = CalamineWorkbook.from_filelike(io.BytesIO(machinery.read_private(batch.error_report)))
        report = report.get_sheet_by_index(0)
        assert [row[:2] for row in itertools.islice(report.iter_rows(), 1, None)] == [
            ["1", ""],
            ["1", "again"],
        ]

    def test_a_cancelled_preview_stops_at_its_next_chunk_and_leaves_nothing_staged(
        self, personas, django_capture_on_commit_callbacks, tmp_path, monkeypatch
    ):
        actor = personas.actor("employer")
        flush = machinery.ImportRun._flush

        def cancel_after_first(run):
            flush(run)
            with django_capture_on_commit_callbacks(execute=True):
                machinery.cancel(actor=actor, batch=run.batch)

        monkeypatch.setattr(machinery.ImportRun, "_flush", cancel_after_first)
        batch = upload(django_capture_on_commit_callbacks, actor, notes_file(tmp_path, [[str(n), ""] for n in range(9)]),
                       kind=KIND)  # fmt: skip
        assert batch.state == "cancelled"
        assert not ImportStagedRow.objects.filter(batch=batch).exists()
        assert not published().exists()

    def test_cancelling_a_previewed_batch_removes_its_staged_rows(
        self, personas, django_capture_on_commit_callbacks, tmp_path
    ):
        actor = personas.actor("employer")
        batch = upload(
            django_capture_on_commit_callbacks, actor, notes_file(tmp_path, [["1", ""], ["2", ""]]), kind=KIND
        )
        assert ImportStagedRow.objects.filter(batch=batch).count() == 2
        with django_capture_on_commit_callbacks(execute=True):
            machinery.cancel(actor=actor, batch=batch)
        assert not ImportStagedRow.objects.filter(batch=batch).exists()

    def test_a_crashed_preview_run_again_resumes_after_its_last_staged_row(
        self, personas, django_capture_on_commit_callbacks, tmp_path
    ):
        """As if killed after the first chunk: its staged rows stay, and the next run stages only the rest."""
        actor = personas.actor("employer")
        batch = upload(django_capture_on_commit_callbacks, actor, notes_file(tmp_path, [[str(n), "x"] for n in range(7)]),
                       kind=KIND)  # fmt: skip
        ImportStagedRow.objects.filter(batch=batch, row_number__gt=4).delete()
        for row in ImportStagedRow.objects.filter(batch=batch):
            row.payload = json.dumps({"code": str(row.row_number - 2), "note": "FROM THE FIRST RUN"})
            row.save()
        as_if_killed(batch, "validating", batch_values={"rows_staged": False})
        machinery.run_preview(batch.pk)
        batch.refresh_from_db()
        assert (batch.state, batch.valid_rows, batch.rows_staged) == ("previewed", 7, True)
        batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
        assert batch.state == "done"
        notes = dict(published().values_list("object_id", "comment"))
        assert notes == {"0": "FROM THE FIRST RUN", "1": "FROM THE FIRST RUN", "2": "FROM THE FIRST RUN",
                         "3": "X", "4": "X", "5": "X", "6": "X"}  # fmt: skip
        machinery.run_import(batch.pk)
        assert published().count() == 7

    def test_a_resumed_preview_takes_out_a_staged_row_that_is_now_in_error(
        self, personas, django_capture_on_commit_callbacks, tmp_path
    ):
        actor = personas.actor("employer")
        path = notes_file(tmp_path, [["1", ""], ["2", ""], ["3", ""]])
        batch = upload(django_capture_on_commit_callbacks, actor, path, kind=KIND)
        # The crashed run staged rows 2-4; the file now repeats row 2's code on row 4 (as if read differently).
        machinery.write_private(batch.stored_file,
                                notes_file(tmp_path, [["1", ""], ["2", ""], ["1", ""]], name="v2.xlsx").read_bytes())  # fmt: skip
        as_if_killed(batch, "validating")
        machinery.run_preview(batch.pk)
        batch.refresh_from_db()
        assert (batch.valid_rows, batch.error_rows) == (1, 2)
        assert set(ImportStagedRow.objects.filter(batch=batch).values_list("row_number", flat=True)) == {3}

    def test_rows_refused_by_the_recheck_at_commit_are_errors_in_a_new_report_and_the_rest_is_published(
        self, personas, django_capture_on_commit_callbacks, tmp_path
    ):
        actor = personas.actor("employer")
        rows = [["1", "a"], ["x", "bad"], ["3", "c"], ["4", "d"], ["5", "e"]]
        batch = upload(django_capture_on_commit_callbacks, actor, notes_file(tmp_path, rows), kind=KIND,
                       policy="valid_only", options={"refuse_at_commit": ["4"], "skip_at_commit": ["5"]})  # fmt: skip
        assert (batch.valid_rows, batch.error_rows, batch.create_rows) == (4, 1, 4)
        first_report = batch.error_report
        batch = commit(django_capture_on_commit_callbacks, actor, batch)
        assert batch.state == "done", batch.message
        assert sorted(published().values_list("object_id", flat=True)) == ["1", "3"]
        assert (batch.valid_rows, batch.error_rows, batch.create_rows, batch.skip_rows) == (3, 2, 2, 1)
        assert row_errors(batch) == {3: [("编号", "编号应为数字")], 5: [("编号", "预览后已被占用")]}
        assert batch.error_report != first_report and not machinery.media_path(first_report).exists()
        report = CalamineWorkbook.from_filelike(io.BytesIO(machinery.read_private(batch.error_report)))
        assert [row[:2] for row in itertools.islice(report.get_sheet_by_index(0).iter_rows(), 1, None)] == [
            ["x", "bad"],
            ["4", "d"],
        ]
        event = AuditEvent.objects.get(verb=machinery.IMPORT_VERB, object_id=str(batch.pk))
        assert (event.changes["created"], event.changes["skipped"], event.changes["errors"]) == (2, 1, 2)

    def test_all_or_nothing_fails_when_the_recheck_at_commit_refuses_a_row(
        self, personas, django_capture_on_commit_callbacks, tmp_path
    ):
        actor = personas.actor("employer")
        path = notes_file(tmp_path, [[str(n), ""] for n in range(5)])
        batch = upload(
            django_capture_on_commit_callbacks, actor, path, kind=KIND, options={"refuse_at_commit": ["3"]}
        )
        batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
        assert batch.state == "failed" and "1 行错误" in batch.message
        assert not published().exists()
        assert not ImportStagedRow.objects.filter(batch=batch).exists()
        assert row_errors(batch) == {5: [("编号", "预览后已被占用")]}
        assert batch.error_report and batch.stored_file == ""

    def test_a_batch_previewed_before_the_preview_staged_is_validated_again_at_commit(
        self, personas, django_capture_on_commit_callbacks, tmp_path
    ):
        actor = personas.actor("employer")
        path = notes_file(tmp_path, [[str(n), ""] for n in range(5)])
        batch = upload(django_capture_on_commit_callbacks, actor, path, kind=KIND)
        ImportStagedRow.objects.filter(batch=batch).delete()
        ImportBatch.objects.filter(pk=batch.pk).update(rows_staged=False)
        # The job reads the stored copy again: changed since the preview, it now has an error.
        changed = notes_file(tmp_path, [["0", ""], ["bad", ""]], name="changed.xlsx").read_bytes()
        machinery.write_private(batch.stored_file, changed)
        batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
        assert batch.state == "failed" and "1 行错误" in batch.message
        assert not published().exists()
        assert not ImportStagedRow.objects.filter(batch=batch).exists()
        assert ImportRowError.objects.filter(batch=batch, row_number=3).exists()

    def test_a_batch_previewed_before_the_preview_staged_is_staged_and_published_by_the_commit(
        self, personas, django_capture_on_commit_callbacks, tmp_path
    ):
        actor = personas.actor("employer")
        batch = upload(django_capture_on_commit_callbacks, actor, notes_file(tmp_path, [[str(n), "y"] for n in range(4)]),
                       kind=KIND)  # fmt: skip
        ImportStagedRow.objects.filter(batch=batch).delete()
        ImportBatch.objects.filter(pk=batch.pk).update(rows_staged=False)
        batch = commit(django_capture_on_commit_callbacks, actor, batch, "all")
        assert batch.state == "done" and published().count() == 4

    def test_commit_twice_starts_one_job(self, personas, django_capture_on_commit_callbacks, tmp_path):
        actor = personas.actor("employer")
        batch = upload(
            django_capture_on_commit_callbacks, actor, notes_file(tmp_path, [["1", ""]]), kind=KIND
        )
        ImportBatch.objects.filter(pk=batch.pk).update(state="committing")
        with pytest.raises(DomainError):
            machinery.commit(actor=actor, batch=batch, policy="all")

    def test_a_batch_of_another_organisation_is_not_found(
        self, personas, django_capture_on_commit_callbacks, tmp_path
    ):
        from django.http import Http404

        batch = upload(django_capture_on_commit_callbacks, personas.actor("employer"),
                       notes_file(tmp_path, [["1", ""]]), kind=KIND)  # fmt: skip
        with pytest.raises(Http404):
            machinery.commit(actor=personas.actor("employer", outsider=True), batch=batch, policy="all")


@pytest.mark.django_db
def test_bulk_insert_and_ids_handed_out_once():
    first = bulk.allocate_ids(Decision, 3)
    assert first == sorted(first) and len(set(first)) == 3
    now = timezone.now()
    rows = [(pk, now, KIND, str(pk), "t", "", "", "city", "") for pk in first]
    columns = [
        "id",
        "at",
        "object_type",
        "object_id",
        "transition",
        "from_state",
        "to_state",
        "role",
        "comment",
    ]
    assert bulk.insert_rows(Decision, columns, rows) == 3
    assert min(bulk.allocate_ids(Decision, 2)) > max(first)
    assert published().count() == 3
