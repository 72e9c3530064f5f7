import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.testing import credit_code, make_enterprise
from fugong.accounts.models import Role
from fugong.core.models import ImportBatch
from fugong.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    # The messages are asserted in English; the last test asks for Chinese, the default.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


HEADER = [
    "统一社会信用代码", "企业名称", "旗县代码", "园区", "行业代码", "是否规上", "企业规模", "标签", "员工总数",
    "正常产值（万元）", "联系人", "联系电话",
]  # fmt: skip


def row(code, name="包头新材料有限公司", county="150202", **cells):
    values = {
        "park": "", "industry": "32", "above_scale": "是", "size": "小型", "tags": "专精特新", "employees": 50,
        "output": 300, "contact": "王五", "phone": "13900000000",
    }  # fmt: skip
    values.update(cells)
    return [code, name, county, *values.values()]


def xlsx(rows, merge=()) -> bytes:
    workbook = openpyxl.Workbook()
    for cells in rows:
        workbook.active.append(cells)
    for cells in merge:
        workbook.active.merge_cells(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, content: bytes, name="registry.xlsx"):
    return client.post(reverse("enterprises:import"), {"file": SimpleUploadedFile(name, content)})


def preview(client, content: bytes, name="registry.xlsx") -> ImportBatch:
    response = upload(client, content, name)
    assert response.status_code == 302, response.text
    batch_id = re.search(r"/import/([0-9a-f-]+)/", response["Location"]).group(1)
    return ImportBatch.objects.get(pk=batch_id)


def decide(client, batch, action):
    return client.post(reverse("enterprises:import_preview", args=[batch.pk]), {"action": action})


def issues(response) -> set[tuple[int, str]]:
    return {
        (int(r), c) for r, c in re.findall(r'data-testid="issue" data-row="(\d+)" data-column="(\w*)"', response.text)
    }


def test_it_exports_the_filtered_list_as_the_page_shows_it(
    client, users, settings, baotou_enterprise, ordos_enterprise
):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)  # in Chinese, the default
    donghe = [make_enterprise(county="150202") for _ in range(3)]
    client.force_login(users[Role.LEAGUE])
    page = client.get(reverse("enterprises:list"), {"county": "150202"}).text
    response = client.get(reverse("enterprises:export"), {"county": "150202"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "包头市" in sheet["A1"].value and timezone.localdate().isoformat() in sheet["A1"].value
    assert sheet["A2"].value == "统一社会信用代码"
    exported = [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(exported) == sorted(e.credit_code for e in donghe)
    assert all(code in page for code in exported) and baotou_enterprise.credit_code not in page
    first = next(sheet.iter_rows(min_row=3, max_row=3, values_only=True))
    assert first[2] == "150202 东河区" and first[4].startswith("31 ")


def test_an_enterprise_user_exports_only_its_own_enterprise(client, users, baotou_enterprise, ordos_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    response = client.get(reverse("enterprises:export"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)] == [baotou_enterprise.credit_code]


def test_the_export_reimports_as_updates(client, users, baotou_enterprise):
    client.force_login(users[Role.COUNTY])
    content = b"".join(client.get(reverse("enterprises:export")).streaming_content)
    batch = preview(client, content, "export.xlsx")
    assert [r["action"] for r in batch.rows] == ["update"], batch.issues
    decide(client, batch, "commit")
    baotou_enterprise.refresh_from_db()
    assert set(baotou_enterprise.tags.values_list("code", flat=True)) == {"leading", "key_industry"}
    assert baotou_enterprise.history.first().history_change_reason == "excel"


def test_the_template_round_trips(client, users):
    client.force_login(users[Role.LEAGUE])
    response = client.get(reverse("enterprises:template"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet, codes = workbook.worksheets
    assert len([c for c in sheet[2] if c.value]) == len(HEADER)
    assert sheet["C3"].value.startswith("1502")  # the example row uses a county of the user's league
    kinds = list(codes.iter_rows(min_row=3, values_only=True))
    assert any(r[1] == "150202" for r in kinds) and not any(r[1] == "150622" for r in kinds)
    assert any(r[1] == "specialised" for r in kinds) and any(r[1] == "31" for r in kinds)
    new = [credit_code("150202"), credit_code("150207")]
    sheet.append(row(new[0], "包头新材料有限公司", "150202 东河区", tags="龙头、专精特新"))
    sheet.append(row(new[1], "包头稀土科技有限公司", "150207", park="包头稀土高新技术产业开发区", size="中型"))
    out = io.BytesIO()
    workbook.save(out)
    batch = preview(client, out.getvalue(), "template.xlsx")
    page = client.get(reverse("enterprises:import_preview", args=[batch.pk]))
    assert 'data-testid="count-create">2<' in page.text and 'data-testid="count-error">0<' in page.text
    assert not Enterprise.objects.filter(credit_code__in=new).exists()
    decide(client, batch, "commit")
    first, second = (Enterprise.objects.get(credit_code=c) for c in new)
    assert first.county_id == "150202" and first.league_id == "150200" and first.industry_id == "32"
    assert set(first.tags.values_list("code", flat=True)) == {"leading", "specialised"}
    assert first.above_scale and first.size_class == "small" and first.normal_output == Decimal("300")
    assert second.park.name == "包头稀土高新技术产业开发区" and second.size_class == "medium"
    assert first.history.first().history_user == users[Role.LEAGUE]


def test_it_reads_a_messy_sheet(client, users):
    code = credit_code("150203")
    rows = [
        ["2020年包头市规上工业企业名录"],
        ["填报单位：昆都仑区工信局", None, None, "日期：2020-02-10"],
        ["基本信息", None, None, "经营情况", None, None],
        ["統一社會信用代碼", "單位名稱", "旗縣", "員工總數（人）", "正常產值（萬元）", "行業", "企業規模"],
        [],
        [
            f"  {code.lower()} ",
            " 包頭  鋼鐵新材料有限公司 ",
            "崑都崙區",
            "6.87万",
            "１，２００．５",
            "黑色金属冶炼和压延加工业",
            " 大型 ",
        ],
        [None, None, "   ", None],
    ]
    client.force_login(users[Role.COUNTY])
    batch = preview(client, xlsx(rows, merge=["A3:C3", "D3:F3"]))
    assert batch.issues == []
    decide(client, batch, "commit")
    enterprise = Enterprise.objects.get(credit_code=code)
    assert enterprise.name == "包头 钢铁新材料有限公司" or enterprise.name == "包头钢铁新材料有限公司"
    assert (enterprise.county_id, enterprise.industry_id, enterprise.size_class) == ("150203", "31", "large")
    assert enterprise.employees == 68700 and enterprise.normal_output == Decimal("1200.50")
    assert enterprise.tags.count() == 0 and not enterprise.above_scale


def test_it_reads_a_csv_in_gb18030(client, users):
    code = credit_code("150202")
    text = ",".join(HEADER) + "\n" + ",".join(str(c) for c in row(code)) + "\n"
    client.force_login(users[Role.LEAGUE])
    batch = preview(client, text.encode("gb18030"), "registry.csv")
    decide(client, batch, "commit")
    assert Enterprise.objects.filter(credit_code=code, name="包头新材料有限公司").exists()


def test_every_error_is_listed_by_row_and_column_and_nothing_is_saved(client, users):
    good = credit_code("150202")
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        HEADER,
        row(good),
        row(bad_check, "校验位错误"),
        row(
            "91150202MA0ABC",
            "",
            county="不存在的旗",
            industry="99",
            size="巨型",
            tags="龙头、未知",
            employees="很多",
        ),
        row(credit_code("150202"), "负数", employees=-5, output="-1", above_scale="也许"),
        row(credit_code("150202"), "园区不在本盟", park="呼和浩特经济技术开发区"),
    ]
    client.force_login(users[Role.LEAGUE])
    batch = preview(client, xlsx(rows))
    response = client.get(reverse("enterprises:import_preview", args=[batch.pk]))
    assert issues(response) == {
        (3, "credit_code"),
        (4, "credit_code"), (4, "name"), (4, "county"), (4, "industry"), (4, "size_class"), (4, "tags"),
        (4, "employees"),
        (5, "employees"), (5, "normal_output"), (5, "above_scale"),
        (6, "park"),
    }  # fmt: skip
    assert "18th" in response.text or "第18位" in response.text
    assert 'data-testid="count-create">1<' in response.text and 'data-testid="count-error">4<' in response.text
    assert Enterprise.objects.filter(county_id="150202").count() == 0
    decide(client, batch, "commit")
    assert list(Enterprise.objects.filter(county_id="150202").values_list("credit_code", flat=True)) == [good]


def test_discard_saves_nothing(client, users):
    client.force_login(users[Role.LEAGUE])
    batch = preview(client, xlsx([HEADER, row(credit_code("150202"))]))
    response = decide(client, batch, "discard")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DISCARDED
    assert not Enterprise.objects.filter(county_id="150202").exists()
    decide(client, batch, "commit")
    assert not Enterprise.objects.filter(county_id="150202").exists()


def test_a_second_commit_creates_nothing_twice(client, users):
    client.force_login(users[Role.LEAGUE])
    code = credit_code("150202")
    batch = preview(client, xlsx([HEADER, row(code)]))
    decide(client, batch, "commit")
    versions = Enterprise.history.filter(credit_code=code).count()
    decide(client, batch, "commit")
    assert Enterprise.objects.filter(credit_code=code).count() == 1
    assert Enterprise.history.filter(credit_code=code).count() == versions
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.COMMITTED and batch.result["created"] == 1


def test_another_users_batch_is_404(client, users):
    client.force_login(users[Role.LEAGUE])
    batch = preview(client, xlsx([HEADER, row(credit_code("150202"))]))
    client.force_login(users[Role.REGION])
    assert client.get(reverse("enterprises:import_preview", args=[batch.pk])).status_code == 404
    assert decide(client, batch, "commit").status_code == 404
    assert not Enterprise.objects.filter(county_id="150202").exists()


def test_a_row_outside_ones_area_is_refused(client, users, ordos_enterprise):
    client.force_login(users[Role.COUNTY])  # Kundulun only
    rows = [HEADER, row(credit_code("150202")), row(ordos_enterprise.credit_code, ordos_enterprise.name, "150622")]
    batch = preview(client, xlsx(rows))
    response = client.get(reverse("enterprises:import_preview", args=[batch.pk]))
    assert issues(response) == {(2, "county"), (3, "credit_code")}
    assert "outside your area" in response.text or "您的" in response.text
    decide(client, batch, "commit")
    assert not Enterprise.objects.filter(county_id="150202").exists()
    ordos_enterprise.refresh_from_db()
    assert ordos_enterprise.history.count() == 1


def test_a_credit_code_twice_in_the_file_names_both_rows(client, users):
    code = credit_code("150202")
    client.force_login(users[Role.LEAGUE])
    batch = preview(client, xlsx([HEADER, row(code), row(credit_code("150202")), row(code, "重复企业")]))
    by_row = {i["row"]: i["message"] for i in batch.issues}
    assert set(by_row) == {2, 4}
    assert "4" in by_row[2] and "2" in by_row[4]


def test_an_enterprise_in_scope_is_updated(client, users, baotou_enterprise):
    client.force_login(users[Role.COUNTY])
    rows = [HEADER, row(baotou_enterprise.credit_code, baotou_enterprise.name, "150203", employees=31000, tags="")]
    batch = preview(client, xlsx(rows))
    assert batch.rows[0]["action"] == "update"
    decide(client, batch, "commit")
    baotou_enterprise.refresh_from_db()
    assert baotou_enterprise.employees == 31000 and baotou_enterprise.tags.count() == 0


def test_columns_missing_from_the_sheet_keep_their_registered_values(client, users, baotou_enterprise):
    client.force_login(users[Role.COUNTY])
    header = ["统一社会信用代码", "企业名称", "旗县", "行业", "企业规模", "员工总数", "正常产值"]
    batch = preview(
        client, xlsx([header, [baotou_enterprise.credit_code, baotou_enterprise.name, "昆都仑区", "31", "大型", 5, 9]])
    )
    decide(client, batch, "commit")
    baotou_enterprise.refresh_from_db()
    assert baotou_enterprise.employees == 5 and baotou_enterprise.above_scale
    assert set(baotou_enterprise.tags.values_list("code", flat=True)) == {"leading", "key_industry"}


def test_the_commit_checks_again_what_changed_since_the_preview(client, users):
    taken = credit_code("150202")
    client.force_login(users[Role.COUNTY])
    batch = preview(
        client, xlsx([HEADER, row(taken, county="150203"), row(credit_code("150203"), "另一家企业", "150203")])
    )
    assert [r["action"] for r in batch.rows] == ["create", "create"]
    make_enterprise(county="150202", credit_code=taken, name="别处先登记的企业")  # outside Kundulun
    decide(client, batch, "commit")
    batch.refresh_from_db()
    assert batch.result["created"] == 1
    assert [(f["row"], f["column"]) for f in batch.result["failed"]] == [(2, "credit_code")]
    page = client.get(reverse("enterprises:import_preview", args=[batch.pk]))
    assert 'data-testid="failure" data-row="2"' in page.text
    assert Enterprise.objects.get(credit_code=taken).name == "别处先登记的企业"


def test_the_example_row_of_the_template_is_not_imported(client, users):
    client.force_login(users[Role.LEAGUE])
    content = b"".join(client.get(reverse("enterprises:template")).streaming_content)
    batch = preview(client, content, "template.xlsx")
    assert batch.rows == []


@pytest.mark.parametrize("role", [Role.WORKGROUP, Role.ENTERPRISE, Role.BANK])
def test_only_officials_may_import(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("enterprises:import")).status_code == 404
    assert upload(client, xlsx([HEADER, row(credit_code("150202"))])).status_code == 404
    assert client.get(reverse("enterprises:template")).status_code == 404
    assert ImportBatch.objects.count() == 0


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * (20 * 1024 * 1024))
    return out.getvalue()


FORMULAS = ["=A1", "=B1", "=C1", "", "=E1", "", "=G1", "", "=1+1", "=2*2"]
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BAD_FILES = {
    "broken": (b"PK\x03\x04" + b"\x13\x37" * 500, "registry.xlsx", "damaged"),
    "empty": (b"", "registry.xlsx", ""),  # Django's own message, already in the user's language
    "renamed text": (b"name,county\nabc,150202\n", "registry.xlsx", "not an Excel file"),
    "text file": (b"name,county\n", "registry.txt", ".xlsx"),
    "encrypted": (OLE2 + b"\x00" * 512 + "EncryptedPackage".encode("utf-16-le"), "locked.xlsx", "password"),
    "zip bomb": (zip_bomb(), "bomb.xlsx", "unpacks"),
    "formulas": (xlsx([HEADER] + [FORMULAS] * 3), "f.xlsx", "formula"),
    "no header": (xlsx([["备注"], ["这不是企业名录"]]), "notes.xlsx", "missing"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_saved(client, users, settings, case):
    settings.UPLOAD_MAX_BYTES = 200_000  # keeps the zip bomb's unpacked limit at 10 MB
    content, name, words = BAD_FILES[case]
    client.force_login(users[Role.LEAGUE])
    response = upload(client, content, name)
    if case == "formulas":
        batch = ImportBatch.objects.get()
        assert {(i["row"], i["column"]) for i in batch.issues} >= {(2, "credit_code"), (3, "name"), (4, "employees")}
        assert all(r["action"] == "error" for r in batch.rows) and len(batch.rows) == 3
        page = client.get(reverse("enterprises:import_preview", args=[batch.pk])).text
        assert words in page and 'data-testid="commit"' not in page
        return
    assert response.status_code == 200
    assert 'data-testid="file-error"' in response.text and words in response.text
    assert ImportBatch.objects.count() == 0
    assert Enterprise.objects.count() == 1


def test_a_file_over_the_size_limit_is_refused(client, users, settings):
    settings.UPLOAD_MAX_BYTES = 5_000
    client.force_login(users[Role.LEAGUE])
    content = xlsx([HEADER] + [row(credit_code("150202"), f"企业{n}") for n in range(200)])
    response = upload(client, content)
    assert "larger than" in response.text and ImportBatch.objects.count() == 0


def test_a_sheet_over_the_row_limit_is_refused(client, users, settings):
    settings.IMPORT_MAX_ROWS = 30
    client.force_login(users[Role.LEAGUE])
    response = upload(client, xlsx([HEADER] + [row(credit_code("150202"), f"企业{n}") for n in range(50)]))
    assert "more than 30 rows" in response.text and ImportBatch.objects.count() == 0


def test_a_200001_row_csv_is_refused_quickly(client, users):
    client.force_login(users[Role.LEAGUE])
    header = "统一社会信用代码,企业名称,旗县,行业,企业规模,员工总数,正常产值\n"
    content = (header + "X,n,1,3,s,1,1\n" * 200_001).encode()
    response = upload(client, content, "huge.csv")
    assert response.status_code == 200 and "more than 100,000 rows" in response.text
    assert ImportBatch.objects.count() == 0


def test_the_upload_page_offers_the_template(client, users):
    client.force_login(users[Role.COUNTY])
    response = client.get(reverse("enterprises:import"))
    assert response.status_code == 200 and reverse("enterprises:template") in response.text


def test_a_date_in_the_title_row_does_not_confuse_the_header(client, users):
    client.force_login(users[Role.LEAGUE])
    batch = preview(client, xlsx([[date(2020, 2, 22)], HEADER, row(credit_code("150202"))]))
    assert batch.issues == [] and len(batch.rows) == 1


def test_rows_are_saved_one_by_one_when_the_bulk_insert_is_refused(client, users, monkeypatch):
    from django.core.exceptions import ValidationError

    from fugong.enterprises import services

    def refuse(**kwargs):
        raise ValidationError({"credit_code": ["raced"]})

    monkeypatch.setattr(services, "enterprise_bulk_create", refuse)
    codes = [credit_code("150202"), credit_code("150202")]
    client.force_login(users[Role.LEAGUE])
    batch = preview(client, xlsx([HEADER, row(codes[0]), row(codes[1], "第二家企业")]))
    decide(client, batch, "commit")
    assert Enterprise.objects.filter(credit_code__in=codes).count() == 2


def test_the_export_query_count_does_not_grow_with_rows(client, users, django_assert_max_num_queries):
    for _ in range(30):
        make_enterprise(county="150202", tags=["leading"])
    client.force_login(users[Role.LEAGUE])
    # +2: the export's audit entry (the chain's head read and one INSERT, fugong/security); +1 on PostgreSQL, the
    # chain's advisory lock.
    with django_assert_max_num_queries(10 + (connection.vendor == "postgresql")):
        response = client.get(reverse("enterprises:export"))
        b"".join(response.streaming_content)


def test_a_bad_file_is_explained_in_chinese_by_default(client, users, settings):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    client.force_login(users[Role.LEAGUE])
    response = upload(client, b"PK\x03\x04" + b"\x13\x37" * 500)
    assert response.wsgi_request.LANGUAGE_CODE == "zh-hans"
    error = response.text.split('data-testid="file-error">')[1].split("<")[0]
    assert "文件已损坏" in error and ImportBatch.objects.count() == 0
