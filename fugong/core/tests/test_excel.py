"""The shared Excel reader and writer, with a small column set of its own; the registry's tests cover HTTP."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from fugong.core.excel import (
    Column,
    SheetError,
    parse_bool,
    parse_date,
    parse_decimal,
    parse_int,
    parse_percent,
    read_table,
    write_xlsx,
)


@pytest.fixture(autouse=True)
def english():
    # The reasons are asserted in English; the Chinese default is covered by the pages' tests.
    with translation.override("en"):
        yield


COLUMNS = [
    Column("code", "Code", aliases=("统一社会信用代码", "信用代码"), required=True),
    Column("name", "Name", aliases=("企业名称", "单位名称"), required=True),
    Column("staff", "Employees", aliases=("员工总数",), parse=parse_int, required=True),
    Column("rate", "Capacity", aliases=("产能恢复率",), parse=parse_percent),
    Column("open", "Open", aliases=("是否复工",), parse=parse_bool),
]


def xlsx(rows, merge=None) -> bytes:
    out = io.BytesIO()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merge or ():
        sheet.merge_cells(cells)
    workbook.save(out)
    return out.getvalue()


def upload(content: bytes, name="data.xlsx"):
    return SimpleUploadedFile(name, content)


def read(content: bytes, name="data.xlsx", **kwargs):
    return read_table(upload(content, name), COLUMNS, **kwargs)


def refused(content: bytes, name="data.xlsx", **kwargs) -> str:
    with pytest.raises(SheetError) as caught:
        read(content, name, **kwargs)
    return caught.value.message


HEADER = ["统一社会信用代码", "企业名称", "员工总数", "产能恢复率", "是否复工"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1,234", 1234), ("１２３４", 1234), ("6.87万", 68700), (120.0, 120), (" 35 人", 35), ("1亿", 100_000_000)],
)
def test_it_parses_integers_as_people_type_them(cell, expected):
    assert parse_int(cell) == expected


@pytest.mark.parametrize("cell", ["12.5", "abc", "1.2.3", True])
def test_it_refuses_what_is_not_a_whole_number(cell):
    with pytest.raises(ValueError, match=r"\S"):
        parse_int(cell)


def test_it_parses_decimals():
    assert parse_decimal("１,２３４.５") == Decimal("1234.5")
    assert parse_decimal(0.1) == Decimal("0.1")
    with pytest.raises(ValueError, match="number"):
        parse_decimal("NaN")


@pytest.mark.parametrize(
    ("cell", "expected"), [("65%", 65), ("0.65", 65), ("65", 65), (0.645, Decimal("64.5")), ("６５％", 65)]
)
def test_it_parses_percentages_in_every_spelling(cell, expected):
    assert parse_percent(cell) == Decimal(expected)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("是", True), ("否", False), ("Y", True), ("n", False), (1, True), ("0", False), ("TRUE", True), ("false", False)],
)
def test_it_parses_yes_and_no(cell, expected):
    assert parse_bool(cell) is expected


def test_it_refuses_a_yes_no_it_cannot_read():
    with pytest.raises(ValueError, match="是"):
        parse_bool("也许")


@pytest.mark.parametrize("cell", ["2020-02-22", "2020/2/22", "2020年2月22日", "20200222", date(2020, 2, 22), 43883])
def test_it_parses_dates(cell):
    assert parse_date(cell) == date(2020, 2, 22)


def test_the_writer_makes_a_printable_sheet_with_title_header_and_frozen_panes():
    content = write_xlsx(
        COLUMNS,
        [["A1", '=HYPERLINK("http://x")', 12, Decimal("65.5"), True]],
        title="Report",
        subtitle="包头市 2020-02-22",
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert "Report" in sheet["A1"].value and "包头市" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == ["Code", "Name", "Employees", "Capacity", "Open"]
    assert sheet.freeze_panes == "A3"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    # A value that looks like a formula is written as text, never run by Excel.
    assert sheet["B3"].value == '=HYPERLINK("http://x")' and sheet["B3"].data_type == "s"
    assert sheet["C3"].value == 12


def test_it_finds_the_header_below_title_rows_and_numbers_rows_as_excel_does():
    content = xlsx(
        [
            ["2020年企业名录"],
            ["填报单位：包头市"],
            [],
            HEADER,
            ["  C1 ", "包头钢铁", "１２０", "65%", "是"],
            [],
            ["C2", "北方重工", 80],
        ]
    )
    table = read(content)
    assert table.header_row == 4
    assert [(r.number, r.values["code"], r.values["staff"]) for r in table.rows] == [(5, "C1", 120), (7, "C2", 80)]
    assert table.rows[0].values["rate"] == 65 and table.rows[0].values["open"] is True
    assert table.rows[1].values["open"] is None


def test_it_reads_a_two_row_merged_header_traditional_and_full_width_names():
    content = xlsx(
        [
            ["企業基本情況", None, "經營情況", None],
            ["統一社會信用代碼", "單位名稱", "員工總數（人）", "產能恢復率（％）"],
            ["C1", "包头钢铁", "6.87万", "0.5"],
        ],
        merge=["A1:B1", "C1:D1"],
    )
    table = read(content)
    assert [c.key for c in table.columns] == ["code", "name", "staff", "rate"]
    assert table.rows[0].values == {"code": "C1", "name": "包头钢铁", "staff": 68700, "rate": 50}


def test_it_combines_a_header_split_over_two_rows():
    content = xlsx([["统一社会", "企业", "员工"], ["信用代码", "名称", "总数"], ["C1", "包头钢铁", 5]])
    assert read(content).rows[0].values == {"code": "C1", "name": "包头钢铁", "staff": 5}


def test_it_lists_each_bad_cell_by_row_and_column():
    content = xlsx([HEADER, ["C1", "", "many", "65%", "maybe"], ["C2", "北方重工", 3, None, None]])
    issues = [(i.row, i.column) for i in read(content).issues]
    assert issues == [(2, "name"), (2, "staff"), (2, "open")]


def test_it_names_the_required_columns_a_sheet_lacks():
    message = refused(xlsx([["企业名称", "备注"], ["包头钢铁", "x"]]))
    assert "Code" in message and "Employees" in message and "Name" not in message


def test_it_skips_a_cover_sheet_and_reads_the_table_on_the_next():
    out = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["填表说明：请在第二页填写"])
    workbook.create_sheet("企业").append(HEADER)
    workbook["企业"].append(["C1", "包头钢铁", 5])
    workbook.save(out)
    assert read(out.getvalue()).sheet_name == "企业"


def test_it_reads_csv_in_utf8_with_bom_and_in_gb18030():
    text = '统一社会信用代码,企业名称,员工总数\nC1,包头钢铁,"1,200"\n'
    for encoded in (text.encode("utf-8-sig"), text.encode("gb18030")):
        assert read(encoded, "data.csv").rows[0].values == {"code": "C1", "name": "包头钢铁", "staff": 1200}


def test_formulas_without_cached_values_are_errors_in_their_cells_not_a_crash():
    content = xlsx([HEADER, ["=A1", '=B1&"x"', "=1+2"], ["=A1", "=B1", "=SUM(C1:C2)"]])
    table = read(content)
    assert {(i.row, i.column) for i in table.issues} == {(r, k) for r in (2, 3) for k in ("code", "name", "staff")}


def test_formulas_with_cached_values_are_read_as_their_values():
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, ["C1", "包头钢铁"])
    sheet.write_formula(1, 2, "=100+20", None, 120)
    workbook.close()
    assert read(out.getvalue()).rows[0].values["staff"] == 120


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"", "data.xlsx", "empty"),
        (b"PK\x03\x04 this is not really a zip file" * 10, "data.xlsx", "damaged"),
        (b"just some notes\n", "notes.txt", "Excel"),
        ("统一社会信用代码,企业名称\n".encode(), "renamed.xlsx", "not an Excel file"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 600
            + "EncryptedPackage".encode("utf-16-le")
            + b"\x00" * 600,
            "locked.xlsx",
            "password",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000, "old.xls", "damaged"),
        (b"\x00\x01binary", "data.csv", "not a CSV"),
    ],
)
def test_it_refuses_files_that_are_not_spreadsheets_with_a_reason(content, name, words):
    assert words in refused(content, name)


def test_it_refuses_an_empty_sheet():
    assert "empty" in refused(xlsx([[None], [None]]))


def test_it_refuses_a_header_without_data():
    assert "no data" in refused(xlsx([HEADER]))


def test_it_refuses_a_file_over_the_size_limit_before_reading_it(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    assert "larger than" in refused(b"PK\x03\x04" + b"\x00" * 2000)


def test_it_refuses_200001_csv_rows_before_parsing_them():
    text = "统一社会信用代码,企业名称,员工总数\n" + "C1,包头钢铁,5\n" * 200_001
    assert "more than 100,000 rows" in refused(text.encode(), "big.csv", max_bytes=10**8)


def test_it_refuses_too_many_xlsx_rows_from_the_sheet_dimension(settings):
    settings.IMPORT_MAX_ROWS = 20
    content = xlsx([HEADER] + [["C", "包头钢铁", 5]] * 40)
    assert "more than 20 rows" in refused(content)


def test_it_refuses_too_many_rows_even_when_the_sheet_hides_blank_rows(settings):
    settings.IMPORT_MAX_ROWS = 3
    assert "more than 3 rows" in refused(xlsx([HEADER] + [["C", "包头钢铁", 5]] * 5))


def zip_bomb(member_size: int, *, declared: int | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * member_size)
    content = out.getvalue()
    if declared is None:
        return content
    # Lie about the size in both headers, as a hand-made bomb does, to slip past the directory check.
    real = member_size.to_bytes(4, "little")
    return content.replace(real, declared.to_bytes(4, "little"))


def test_it_refuses_a_zip_bomb_from_its_directory_before_inflating_it(settings):
    settings.UPLOAD_MAX_BYTES = 100_000  # so the unpacked limit is 5 MB
    assert "unpacks to far more" in refused(zip_bomb(20 * 1024 * 1024))


def test_it_refuses_a_zip_bomb_that_lies_about_its_size(settings):
    settings.UPLOAD_MAX_BYTES = 100_000
    assert "damaged" in refused(zip_bomb(20 * 1024 * 1024, declared=1000))


def test_a_csv_that_is_mostly_blank_lines_is_fine():
    rows = [HEADER[:3], [], ["C1", "包头钢铁", "5"], ["", " ", ""]]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    assert len(read(out.getvalue().encode(), "x.csv").rows) == 1
