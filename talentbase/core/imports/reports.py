"""Spreadsheets of an import: the error report (the rows in error with their original columns and a
reason column, ready to fix and upload again) and the template (dropdowns for coded columns, text cells
for numbers that must keep every digit, an instructions sheet)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter
from django.utils.translation import gettext as _

from talentbase.core.exports.workbooks import neutralise, workbook_bytes

from .columns import Column

TEMPLATE_ROWS = 10000


def reason_text(errors: Iterable[tuple[str, str]], warnings: Iterable[tuple[str, str]] = ()) -> str:
    parts = [f"{column}：{message}" if column else message for column, message in errors]
    parts += [_("警告：") + (f"{column}：{message}" if column else message) for column, message in warnings]
    return "；".join(parts)


def error_report_bytes(
    headers: list[str], rows: Iterable[tuple], warnings: Iterable[tuple[int, str, str]] = ()
) -> bytes:
    """The rows in error as the file had them, then the row number they had and the reasons (a row's
    warnings after its errors, marked "警告"). The extra columns are unknown to the import, so the fixed
    file can be uploaded again as it is. Every warning, also of rows that are imported, is listed on a
    second sheet (row, column, warning), which the import does not read."""
    rows = [(number, cells, errors, *rest) for number, cells, errors, *rest in rows]
    width = max([len(headers), *(len(row[1]) for row in rows)])
    header_row = [*headers, *[""] * (width - len(headers)), _("原行号"), _("错误原因")]
    body = (
        [*cells, *[""] * (width - len(cells)), number, reason_text(errors, rest[0] if rest else ())]
        for number, cells, errors, *rest in rows
    )
    warnings = list(warnings)
    extra = []
    if warnings:
        extra = [(_("警告"), [_("原行号"), _("列"), _("警告")], ([n, c, m] for n, c, m in warnings))]
    return workbook_bytes(header_row, body, sheet_name=_("错误行"), extra_sheets=extra)


def template_bytes(columns: list[Column], *, title: str, instructions: list[str]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False,
                                            "in_memory": True})  # fmt: skip
    data = workbook.add_worksheet(_("数据"))
    notes = workbook.add_worksheet(_("填写说明"))
    lists = workbook.add_worksheet("lists")
    lists.hide()
    header = workbook.add_format({"bold": True, "bg_color": "#E8F1EC", "border": 1})
    required = workbook.add_format(
        {"bold": True, "bg_color": "#E8F1EC", "border": 1, "font_color": "#B00020"}
    )
    text = workbook.add_format({"num_format": "@"})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})

    list_column = 0
    for index, column in enumerate(columns):
        data.write_string(0, index, str(column.label), required if column.required else header)
        data.set_column(index, index, column.width, text if column.text else None)
        comment = _("必填") if column.required else _("选填")
        if column.help_text:
            comment = f"{comment}。{column.help_text}"
        data.write_comment(0, index, comment, {"x_scale": 2, "y_scale": 1.5})
        labels = column.choice_labels()
        if labels:
            for row, label in enumerate(labels):
                lists.write_string(row, list_column, label)
            letter = xlsxwriter.utility.xl_col_to_name(list_column)
            data.data_validation(1, index, TEMPLATE_ROWS, index, {
                "validate": "list", "source": f"=lists!${letter}$1:${letter}${len(labels)}",
                "error_type": "warning", "error_title": str(column.label),
                "error_message": _("请从下拉列表中选择"),
            })  # fmt: skip
            list_column += 1
    data.freeze_panes(1, 0)

    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 60)
    notes.set_column(3, 4, 30)
    notes.write_string(0, 0, title, bold)
    row = 2
    general = [
        _("在“数据”工作表的第一行之下逐行填写，不要修改表头；红色列为必填。"),
        *(
            [_("{columns}请填为文本（模板已设为文本格式），不要填成数字，否则末尾几位会丢失。").format(
                columns="、".join(str(c.label) for c in columns if c.text)
            )]
            if any(c.text for c in columns) else []
        ),
        _("带下拉列表的列请从列表中选择；也可填写对应的代码。"),
        _(
            "上传后系统会逐行校验并显示错误（行号、列、原因），确认无误后再提交；有错误的行可下载为 Excel，修改后重新上传。"
        ),
    ]
    for line in [*instructions, *general]:
        notes.write_string(row, 0, str(line))
        row += 1
    row += 1
    for col, heading in enumerate([_("列名"), _("必填"), _("说明"), _("可选值"), _("示例")]):
        notes.write_string(row, col, heading, bold)
    for column in columns:
        row += 1
        notes.write_string(row, 0, str(column.label))
        notes.write_string(row, 1, _("是") if column.required else _("否"))
        notes.write_string(row, 2, neutralise(str(column.help_text)), wrap)
        notes.write_string(row, 3, "、".join(column.choice_labels()), wrap)
        notes.write_string(row, 4, neutralise(str(column.example)))
    workbook.close()
    return buffer.getvalue()
