"""Reports by Excel: the template, messy sheets, matching, the preview, commit, scope and bad files."""

import csv
import io
import struct
import time
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.areas.models import Park
from fugong.core.models import ImportBatch
from fugong.dispatch import services
from fugong.dispatch.models import DailyReport, ReportVersion, Source, WeeklyReport

pytestmark = pytest.mark.django_db

DAY = date(2020, 2, 20)  # a Thursday
HEADER = ["统一社会信用代码", "企业名称", "复工状态", "员工总数", "到岗人数", "产能恢复率(%)", "备注"]


def xlsx(rows, merge=()) -> bytes:
    out = io.BytesIO()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    workbook.save(out)
    return out.getvalue()


# The legacy .xls format, built here since no installed library writes it (xlwt is not a dependency).
def _xls_record(kind, data=b""):
    return struct.pack("<HH", kind, len(data)) + data


def _xls_bof(dt):
    return _xls_record(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))


def _xls_cell(r, c, value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _xls_record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
    text = str(value).encode("utf-16-le")
    return _xls_record(0x0204, struct.pack("<HHHHB", r, c, 0, len(text) // 2, 1) + text)


def _biff8(rows, sheet="Sheet1"):
    """A BIFF8 workbook stream: globals (BOF, BOUNDSHEET, EOF), then one sheet of LABEL and NUMBER cells."""
    name = sheet.encode("utf-16-le")
    cells = b"".join(_xls_cell(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row) if v not in (None, ""))
    width = max((len(r) for r in rows), default=0)
    body = (
        _xls_bof(0x0010)
        + _xls_record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        + cells
        + _xls_record(0x000A)
    )
    boundsheet_len = 4 + 8 + len(name)
    globals_len = 20 + boundsheet_len + 4
    globals_ = (
        _xls_bof(0x0005)
        + _xls_record(0x0085, struct.pack("<IBBBB", globals_len, 0, 0, len(name) // 2, 1) + name)
        + _xls_record(0x000A)
    )
    assert len(globals_) == globals_len
    return globals_ + body


def _ole2(stream, name="Workbook"):
    """The stream in a version-3 compound file: header, one FAT sector, one directory sector, the stream."""
    stream = stream + b"\x00" * max(0, 4096 - len(stream))  # above the mini-stream cutoff: plain sectors
    stream += b"\x00" * (-len(stream) % 512)
    n = len(stream) // 512
    end, free, fatsect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    assert 2 + n <= 128
    fat = [fatsect, end] + [3 + i for i in range(n - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *([free] * 108))
    )

    def entry(label, kind, child, start, size):
        raw = (label + "\x00").encode("utf-16-le") if label else b""
        return (
            raw.ljust(64, b"\x00")
            + struct.pack("<HBBIII", len(raw), kind, 1, nostream, nostream, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, size)
        )

    real = len(stream)
    directory = entry("Root Entry", 5, 1, end, 0) + entry(name, 2, nostream, 2, real)
    directory += (
        b"\x00" * 64
        + struct.pack("<HBBIII", 0, 0, 0, nostream, nostream, nostream)
        + b"\x00" * 36
        + struct.pack("<IQ", 0, 0)
    ) * 2
    return header + struct.pack("<128I", *fat) + directory + stream


def xls(rows) -> bytes:
    return _ole2(_biff8(rows))


def upload(client, content: bytes, name="reports.xlsx", day=DAY, period_type="daily"):
    data = {"file": SimpleUploadedFile(name, content), "date": day.isoformat(), "period_type": period_type}
    return client.post(reverse("dispatch:excel_upload"), data)


def preview(client, content: bytes, name="reports.xlsx", **kwargs) -> ImportBatch:
    response = upload(client, content, name, **kwargs)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return ImportBatch.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def decide(client, batch, action="commit"):
    return client.post(reverse("dispatch:excel_preview", args=[batch.pk]), {"action": action})


def issues(batch, level="error") -> set[tuple[int, str]]:
    return {(i["row"], i["column"]) for i in batch.issues if i["level"] == level}


def rows_by_number(batch) -> dict[int, dict]:
    return {r["row"]: r for r in batch.rows}


def file(enterprise, day, **overrides):
    values = {"status": "production_resumed", "employees": 100, "on_duty": 60, "capacity_pct": Decimal(50)}
    outcome = services.report_save(
        actor=None, kind=services.DAILY, subject=enterprise, period=day, values={**values, **overrides}, source="api"
    )
    assert outcome.ok, outcome.errors
    return outcome.report


@pytest.fixture(autouse=True)
def english(client, settings):
    # The messages are asserted in English; one test below asks for Chinese.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def league(client, users):
    client.force_login(users[Role.LEAGUE])
    return users[Role.LEAGUE]


# The template ----------------------------------------------------------------------------------


def test_the_template_lists_the_enterprises_due_with_their_last_figures(
    client, league, baotou_enterprise, ordos_enterprise
):
    other = make_enterprise(county="150202", name="包头东河制造有限公司")
    make_enterprise(county="150202", name="包头不规上有限公司", above_scale=False)
    file(baotou_enterprise, DAY - timedelta(days=1), on_duty=61, capacity_pct=Decimal("0.5"))
    response = client.get(reverse("dispatch:excel_template"), {"date": DAY.isoformat(), "league": "150200"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "2020-02-20" in sheet["A1"].value
    header = [c.value for c in sheet[2]]
    assert header[:2] == ["统一社会信用代码", "企业名称"] or header[:2] == ["Credit code", "Enterprise name"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {baotou_enterprise.credit_code, other.credit_code}
    baotou = rows[baotou_enterprise.credit_code]
    assert baotou[4] in ("已复产", "Production resumed") and baotou[5] == 100 and baotou[6] == 61
    assert baotou[7] == "0.5%"  # written with its sign, so it cannot come back as 50%
    assert rows[other.credit_code][5] == 100 and rows[other.credit_code][6] is None  # the registry's headcount


def test_a_league_out_of_scope_gets_no_template(client, league):
    response = client.get(reverse("dispatch:excel_template"), {"league": "150600"})
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.WORKGROUP, Role.ENTERPRISE, Role.BANK, Role.HANDLER])
def test_only_officials_may_use_excel(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("dispatch:excel_template")).status_code == 404
    assert client.get(reverse("dispatch:excel_upload")).status_code == 404
    assert upload(client, xlsx([HEADER])).status_code == 404
    assert ImportBatch.objects.count() == 0


def test_the_template_filled_in_round_trips(client, league, baotou_enterprise):
    other = make_enterprise(county="150202", name="包头东河制造有限公司")
    content = b"".join(client.get(reverse("dispatch:excel_template"), {"date": DAY.isoformat()}).streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=3):
        if row[0].value == baotou_enterprise.credit_code:
            row[4].value, row[6].value, row[7].value, row[8].value = "已复产", 80, 0.65, "夜班恢复"
    out = io.BytesIO()
    workbook.save(out)
    batch = preview(client, out.getvalue())
    by_code = {r["raw"]["credit_code"]: r for r in batch.rows}
    assert by_code[other.credit_code]["action"] == "blank"  # left as it came: nothing to file
    assert by_code[baotou_enterprise.credit_code]["action"] == "created"
    assert DailyReport.objects.count() == 0
    response = decide(client, batch)
    assert response.status_code == 302
    report = DailyReport.objects.get()
    assert (report.enterprise, report.date, report.on_duty, report.capacity_pct) == (
        baotou_enterprise,
        DAY,
        80,
        Decimal("65.0"),
    )
    assert report.source == Source.EXCEL and report.on_behalf and report.filed_by == league
    assert report.note == "夜班恢复"
    assert ReportVersion.objects.get(report_id=report.pk).source == Source.EXCEL


# Messy sheets ------------------------------------------------------------------------------------


def test_it_reads_a_messy_sheet(client, league, baotou_enterprise):
    second = make_enterprise(county="150202", name="包头东河制造有限公司", employees=70000)
    third = make_enterprise(county="150203", name="内蒙古稀土（集团）有限公司")
    rows = [
        ["包头市复工复产调度表"],
        ["填报单位：包头市工信局", None, None, None, "2020年2月20日"],
        ["信用代码", "单位名称", "状态", "员工情况", None, "产能恢复"],
        [None, None, None, "员工总数（人）", "返岗人数", None],
        [f" {baotou_enterprise.credit_code.lower()} ", None, "已复产", "１２０", " 96 ", "65%"],
        [],
        [None, "包头東河製造有限公司", "复产", "6.87万", "6万", "0.8"],
        [None, " 内蒙古稀土(集团)有限公司 ", "停产", 50, 0, 0],
    ]
    batch = preview(client, xlsx(rows, merge=["D3:E3"]))
    assert batch.issues == [] or issues(batch) == set(), batch.issues
    by_row = rows_by_number(batch)
    assert by_row[5]["values"] | {} == {
        "status": "production_resumed",
        "employees": 120,
        "on_duty": 96,
        "capacity_pct": "65",
        "note": "",
    }
    assert by_row[7]["enterprise_id"] == second.pk and by_row[7]["values"]["employees"] == 68700
    assert by_row[7]["values"]["capacity_pct"] == "80"
    assert by_row[8]["enterprise_id"] == third.pk and by_row[8]["values"]["status"] == "not_resumed"
    decide(client, batch)
    assert DailyReport.objects.filter(date=DAY).count() == 3


def test_it_reads_a_csv_in_gb18030(client, league, baotou_enterprise):
    text = io.StringIO()
    csv.writer(text).writerows(
        [["企业名称", "复工状态", "返岗人数", "产能恢复率"], [baotou_enterprise.name, "已复工", "30", "20%"]]
    )
    batch = preview(client, text.getvalue().encode("gb18030"), "reports.csv")
    row = batch.rows[0]
    assert row["action"] == "created" and row["values"]["employees"] == 100  # the registry's headcount
    assert row["values"]["status"] == "work_resumed"


def test_it_reads_a_legacy_xls_workbook(client, league, baotou_enterprise):
    second = make_enterprise(county="150202", name="包头东河制造有限公司")
    rows = [
        ["包头市复工复产调度表"],
        ["信用代码", "单位名称", "复工状态", "员工总数", "返岗人数", "产能恢复率"],
        [baotou_enterprise.credit_code, "", "已复产", 100, 96, 0.65],
        ["", "包头東河製造有限公司", "已復工", 80, 20, 0.1],
    ]
    batch = preview(client, xls(rows), "reports.xls")
    assert [(r["enterprise_id"], r["action"]) for r in batch.rows] == [
        (baotou_enterprise.pk, "created"),
        (second.pk, "created"),
    ]
    assert [r["values"]["capacity_pct"] for r in batch.rows] == ["65", "10"]


def test_a_date_column_overrides_the_date_of_the_upload(client, league, baotou_enterprise):
    header = ["日期", *HEADER]
    batch = preview(client, xlsx([header, ["2020-02-18", baotou_enterprise.credit_code, "", "已复产", 100, 60, 50]]))
    assert batch.rows[0]["period"] == "2020-02-18"


@pytest.mark.parametrize(
    ("cells", "expected", "warned"),
    [
        ([0.65, 0.8], ["65", "80"], set()),  # a column formatted as percentages holds fractions
        (["65%", "0.5%"], ["65", "0.5"], set()),  # a sign says what was meant
        ([65, 0.5], ["65", "50"], {1}),  # mixed spellings: read as a fraction, but flagged
        (["65%", 0.5], ["65", "50"], {1}),  # likewise beside a per cent typed with its sign
        ([1, 0.5], ["100", "50"], set()),  # a fraction column: 1 is 100%
        ([1, 70], ["1", "70"], set()),  # a per-cent column: 1 is 1%
        ([1, 1], ["100", "100"], {0, 1}),  # nothing else to go by: flagged
        ([65.43, 70], ["65.4", "70"], {0}),  # rounded to one decimal, flagged
    ],
)
def test_capacity_is_read_as_a_careful_official_would(client, league, cells, expected, warned):
    enterprises = [make_enterprise(county="150202") for _ in cells]
    rows = [[e.credit_code, "", "已复产", 100, 50, cell] for e, cell in zip(enterprises, cells, strict=True)]
    batch = preview(client, xlsx([HEADER[:6], *rows]))
    assert [r["values"]["capacity_pct"] for r in batch.rows] == expected
    assert {i["row"] - 2 for i in batch.issues if i["column"] == "capacity_pct" and i["level"] == "warning"} == warned


@pytest.mark.parametrize(
    ("cell", "status"),
    [("未复工", "not_resumed"), ("停产", "not_resumed"), ("已復工", "work_resumed"), ("复工复产", "production_resumed"),
     ("Production resumed", "production_resumed"), (" 已复产 ", "production_resumed")],
)  # fmt: skip
def test_status_is_read_in_its_usual_spellings(client, league, baotou_enterprise, cell, status):
    on_duty = 0 if status == "not_resumed" else 10
    capacity = 0 if status == "not_resumed" else 10
    batch = preview(client, xlsx([HEADER[:6], [baotou_enterprise.credit_code, "", cell, 100, on_duty, capacity]]))
    assert batch.rows[0]["values"]["status"] == status, batch.issues


# Matching ----------------------------------------------------------------------------------------


def test_rows_matching_no_enterprise_are_listed(client, league, baotou_enterprise):
    unknown = make_enterprise(county="150203").credit_code.replace("T", "Z", 1)
    rows = [
        HEADER,
        [unknown, "", "已复产", 100, 50, 50],
        ["", "并不存在的企业有限公司", "已复产", 100, 50, 50],
        [unknown, baotou_enterprise.name, "已复产", 100, 50, 50],
        [baotou_enterprise.credit_code, "", "已复产", 100, 50, 50],
    ]
    batch = preview(client, xlsx(rows))
    by_row = rows_by_number(batch)
    assert [by_row[n]["action"] for n in (2, 3, 4, 5)] == ["unmatched", "unmatched", "unmatched", "created"]
    assert issues(batch) == {(2, "credit_code"), (3, "name"), (4, "credit_code")}
    hint = next(i["message"] for i in batch.issues if i["row"] == 4)
    assert baotou_enterprise.credit_code in hint  # in scope: the likely right code is offered
    page = client.get(reverse("dispatch:excel_preview", args=[batch.pk])).text
    assert page.count('data-action="unmatched"') == 3 and "并不存在的企业有限公司" in page


def test_a_league_official_cannot_import_into_another_league(client, league, baotou_enterprise, ordos_enterprise):
    rows = [
        HEADER,
        [ordos_enterprise.credit_code, "", "已复产", 100, 50, 50],
        ["", ordos_enterprise.name, "已复产", 100, 50, 50],
    ]
    batch = preview(client, xlsx(rows))
    assert [r["action"] for r in batch.rows] == ["unmatched", "unmatched"]
    # Refused as not found, in the very words used for an enterprise that does not exist at all.
    never = make_enterprise(county="150203").credit_code.replace("T", "Z", 1)
    fake = preview(
        client, xlsx([HEADER, [never, "", "已复产", 100, 50, 50], ["", "并无此企业", "已复产", 100, 50, 50]])
    )
    said = [i["message"] for i in batch.issues]
    assert said == [
        fake.issues[0]["message"].replace(never, ordos_enterprise.credit_code),
        fake.issues[1]["message"].replace("并无此企业", ordos_enterprise.name),
    ]
    page = client.get(reverse("dispatch:excel_preview", args=[batch.pk])).text
    assert ordos_enterprise.county.display_name not in page and 'data-testid="commit"' not in page
    assert decide(client, batch).status_code == 302
    assert DailyReport.objects.filter(enterprise=ordos_enterprise, date=DAY).count() == 0


def test_two_enterprises_of_one_name_ask_for_the_code(client, league):
    make_enterprise(county="150202", name="包头同名有限公司")
    make_enterprise(county="150203", name="包头同名有限公司")
    batch = preview(client, xlsx([HEADER, ["", "包头同名有限公司", "已复产", 100, 50, 50]]))
    assert issues(batch) == {(2, "name")} and batch.rows[0]["action"] == "error"


def test_a_name_different_from_the_registry_is_a_warning(client, league, baotou_enterprise):
    batch = preview(client, xlsx([HEADER, [baotou_enterprise.credit_code, "包钢", "已复产", 100, 50, 50]]))
    assert issues(batch, "warning") == {(2, "name")} and batch.rows[0]["action"] == "created"


def test_the_same_enterprise_twice_names_both_rows(client, league, baotou_enterprise):
    row = [baotou_enterprise.credit_code, "", "已复产", 100, 50, 50]
    batch = preview(client, xlsx([HEADER, row, ["", baotou_enterprise.name, "已复产", 100, 40, 50]]))
    assert issues(batch) == {(2, ""), (3, "")}
    assert "row 3" in batch.issues[0]["message"] or "3" in batch.issues[0]["message"]


# Errors, preview and commit --------------------------------------------------------------------


def test_every_error_is_listed_by_row_and_column_and_nothing_is_saved(client, league, baotou_enterprise):
    good = make_enterprise(county="150202")
    bad = [make_enterprise(county="150202") for _ in range(4)]
    rows = [
        HEADER,
        [good.credit_code, "", "已复产", 100, 60, "60%"],
        [bad[0].credit_code, "", "已复产", 100, 120, 60],  # more on duty than employees
        [bad[1].credit_code, "", "也许", 100, 50, 60],  # no such status
        [bad[2].credit_code, "", "未复工", 100, 10, 0],  # not resumed with people on duty
        [bad[3].credit_code, "", "已复产", "很多", 50, "250%"],  # not a number; capacity out of range
    ]
    batch = preview(client, xlsx(rows))
    assert issues(batch) == {(3, "on_duty"), (4, "status"), (5, "on_duty"), (6, "employees")}
    assert DailyReport.objects.count() == 0
    page = client.get(reverse("dispatch:excel_preview", args=[batch.pk])).text
    assert 'data-row="3" data-column="on_duty"' in page and 'data-testid="commit"' in page
    decide(client, batch)
    assert list(DailyReport.objects.values_list("enterprise_id", flat=True)) == [good.pk]


def test_the_preview_writes_nothing_anywhere(client, league, baotou_enterprise):
    from django.apps import apps

    models = [DailyReport, ReportVersion, *apps.get_app_config("analytics").get_models()]
    before = {m.__name__: list(m.objects.values()) for m in models}
    batch = preview(client, xlsx([HEADER, [baotou_enterprise.credit_code, "", "已复产", 100, 50, 50]]))
    assert {m.__name__: list(m.objects.values()) for m in models} == before
    decide(client, batch)
    # The same comparison sees the commit: the report, its version and the figures rollup move.
    changed = {m.__name__ for m in models if list(m.objects.values()) != before[m.__name__]}
    assert {"DailyReport", "ReportVersion"} < changed


def test_warnings_are_shown_and_saved_with_the_report(client, league, baotou_enterprise):
    file(baotou_enterprise, DAY - timedelta(days=1), on_duty=20, capacity_pct=Decimal(20))
    batch = preview(client, xlsx([HEADER, [baotou_enterprise.credit_code, "", "已复产", 100, 90, 150]]))
    assert issues(batch, "warning") >= {(2, "on_duty"), (2, "capacity_pct")}
    decide(client, batch)
    codes = {w["code"] for w in DailyReport.objects.get(date=DAY).warnings}
    assert {"on_duty_jump", "capacity_above_100"} <= codes


def test_discard_saves_nothing(client, league, baotou_enterprise):
    batch = preview(client, xlsx([HEADER, [baotou_enterprise.credit_code, "", "已复产", 100, 50, 50]]))
    decide(client, batch, "discard")
    decide(client, batch, "commit")
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DISCARDED and DailyReport.objects.count() == 0


def test_the_same_file_twice_creates_nothing_twice(client, league, baotou_enterprise):
    content = xlsx([HEADER, [baotou_enterprise.credit_code, "", "已复产", 100, 50, 50]])
    first, second = preview(client, content), preview(client, content)  # both previewed before either is saved
    decide(client, first)
    decide(client, first)  # a double click
    decide(client, second)
    assert DailyReport.objects.count() == 1 and ReportVersion.objects.count() == 1
    second.refresh_from_db()
    assert second.result["unchanged"] == 1 and second.result["failed"] == []
    third = preview(client, content)
    assert [r["action"] for r in third.rows] == ["unchanged"]
    assert 'data-testid="commit"' not in client.get(reverse("dispatch:excel_preview", args=[third.pk])).text


def test_a_report_changed_after_the_preview_is_not_overwritten(client, league, baotou_enterprise):
    batch = preview(client, xlsx([HEADER, [baotou_enterprise.credit_code, "", "已复产", 100, 50, 50]]))
    file(baotou_enterprise, DAY, on_duty=77)  # filed by the enterprise meanwhile
    decide(client, batch)
    batch.refresh_from_db()
    assert batch.result["created"] == 0 and [f["row"] for f in batch.result["failed"]] == [2]
    assert DailyReport.objects.get(date=DAY).on_duty == 77


def test_a_locked_day_is_refused_at_preview(client, league, baotou_enterprise):
    services.period_lock(actor=league, league_code="150200", period_type="daily", period=DAY)
    batch = preview(client, xlsx([HEADER, [baotou_enterprise.credit_code, "", "已复产", 100, 50, 50]]))
    assert issues(batch) == {(2, "date")}


def test_another_users_batch_is_404(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    batch = preview(client, xlsx([HEADER, [baotou_enterprise.credit_code, "", "已复产", 100, 50, 50]]))
    client.force_login(users[Role.COUNTY])
    assert client.get(reverse("dispatch:excel_preview", args=[batch.pk])).status_code == 404
    assert decide(client, batch).status_code == 404
    assert DailyReport.objects.count() == 0


def test_a_county_official_files_only_in_the_county(client, users, baotou_enterprise):
    elsewhere = make_enterprise(county="150202")
    client.force_login(users[Role.COUNTY])
    rows = [
        HEADER,
        [baotou_enterprise.credit_code, "", "已复产", 100, 50, 50],
        [elsewhere.credit_code, "", "已复产", 100, 50, 50],
    ]
    batch = preview(client, xlsx(rows))
    assert [r["action"] for r in batch.rows] == ["created", "unmatched"]


def test_weekly_reports_are_filed_for_the_week_of_the_date(client, league):
    park = Park.objects.get(name="包头铝业产业园区")
    weekly = make_enterprise(county="150203", above_scale=False, park=park)
    content = b"".join(
        client.get(
            reverse("dispatch:excel_template"), {"date": DAY.isoformat(), "period_type": "weekly"}
        ).streaming_content
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)] == [weekly.credit_code]
    batch = preview(client, xlsx([HEADER, [weekly.credit_code, "", "已复工", 100, 50, 30]]), period_type="weekly")
    decide(client, batch)
    assert WeeklyReport.objects.get().week == date(2020, 2, 17)


def test_the_upload_page_offers_the_template(client, league):
    response = client.get(reverse("dispatch:excel_upload"))
    assert response.status_code == 200 and reverse("dispatch:excel_template") in response.text


# Bad files ---------------------------------------------------------------------------------------


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (20 * 1024 * 1024))
    return out.getvalue()


def formulas() -> bytes:
    # openpyxl saves formulas without their results, as a program would (Excel saves both).
    return xlsx([HEADER] + [["=A1", "=B1", "=C1", "=D1", "=E1", "=F1"]] * 3)


def huge_sheet(rows: int) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADER[:3])
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, ["", f"企业{r}", "已复产"])
    workbook.close()
    return out.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BAD_FILES = {
    "broken": (lambda: b"PK\x03\x04" + b"\x13\x37" * 500, "reports.xlsx", "damaged"),
    "empty": (lambda: b"", "reports.xlsx", ""),  # Django's own message, already in the user's language
    "renamed text": (lambda: "企业名称,状态\n包钢,已复产\n".encode(), "reports.xlsx", "not an Excel file"),
    "not a spreadsheet": (lambda: b"%PDF-1.4 not a sheet", "reports.pdf", ".xlsx"),
    "encrypted": (lambda: OLE2 + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"), "locked.xlsx", "password"),
    "zip bomb": (zip_bomb, "bomb.xlsx", "unpacks"),
    "no header": (lambda: xlsx([["备注"], ["这不是调度表"]]), "notes.xlsx", "header"),
    "header only": (lambda: xlsx([HEADER]), "reports.xlsx", "no data"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_saved(client, league, baotou_enterprise, settings, case):
    settings.UPLOAD_MAX_BYTES = 200_000  # keeps the zip bomb's unpacked limit at 10 MB
    build, name, words = BAD_FILES[case]
    response = upload(client, build(), name)
    assert response.status_code == 200
    assert 'data-testid="file-error"' in response.text and words in response.text
    assert ImportBatch.objects.count() == 0 and DailyReport.objects.count() == 0


def test_a_bad_file_is_explained_in_chinese_to_a_chinese_user(client, league, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = upload(client, b"PK\x03\x04" + b"\x13\x37" * 500)
    with translation.override("zh-hans"):
        # As the catalogue words it: 文件已损坏，或不是Excel能打开的电子表格。
        expected = translation.gettext("The file is damaged or not a spreadsheet Excel can open.")
    assert '<html lang="zh-hans">' in response.text and expected in response.text
    assert ImportBatch.objects.count() == 0


def test_a_sheet_of_formulas_without_results_is_refused_cell_by_cell(client, league, baotou_enterprise):
    batch = preview(client, formulas(), "formulas.xlsx")
    assert {(2, "credit_code"), (2, "name"), (3, "status")} <= issues(batch)
    assert all(r["action"] in ("error", "unmatched") for r in batch.rows)
    page = client.get(reverse("dispatch:excel_preview", args=[batch.pk])).text
    assert "formula" in page and 'data-testid="commit"' not in page
    decide(client, batch)
    assert DailyReport.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(client, league, settings):
    settings.UPLOAD_MAX_BYTES = 5_000
    content = xlsx([HEADER] + [[f"X{n}", f"企业{n}", "已复产", 100, 50, 50] for n in range(300)])
    response = upload(client, content)
    assert "larger than" in response.text and ImportBatch.objects.count() == 0


def test_a_sheet_of_200000_rows_is_refused_quickly(client, league):
    content = huge_sheet(200_000)
    start = time.perf_counter()
    response = upload(client, content)
    assert response.status_code == 200 and "more than 100,000 rows" in response.text
    assert time.perf_counter() - start < 10  # refused from the sheet's declared size, before parsing
    assert ImportBatch.objects.count() == 0


def test_a_csv_of_200001_rows_is_refused(client, league):
    content = ("企业名称,复工状态\n" + "某企业,已复产\n" * 200_001).encode()
    response = upload(client, content, "huge.csv")
    assert "more than 100,000 rows" in response.text and ImportBatch.objects.count() == 0


def test_the_grid_links_to_the_template_of_its_day_and_to_the_upload(client, league, baotou_enterprise):
    page = client.get(reverse("dispatch:grid"), {"date": DAY.isoformat(), "league": "150200"}).text
    assert f"{reverse('dispatch:excel_template')}?date=2020-02-20&amp;league=150200" in page
    assert reverse("dispatch:excel_upload") in page


def test_the_preview_query_count_does_not_grow_with_rows(client, league, django_assert_max_num_queries):
    enterprises = [make_enterprise(county="150202") for _ in range(40)]
    rows = [[e.credit_code, "", "已复产", 100, 50 + n, 50] for n, e in enumerate(enterprises)]
    rows += [[f"UNKNOWN{n}", "", "已复产", 100, 50, 50] for n in range(20)]
    batch = preview(client, xlsx([HEADER, *rows]))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("dispatch:excel_preview", args=[batch.pk])).status_code == 200
