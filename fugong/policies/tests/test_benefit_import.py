"""The benefits import: a clerk-style list from another department, through the one import flow."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.core.models import ImportBatch
from fugong.policies.models import Benefit
from fugong.policies.tests.factories import make_measure, make_policy

pytestmark = pytest.mark.django_db

HEADER = ["序号", "企业名称", "统一社会信用代码", "政策措施", "金额（万元）", "减免内容", "兑现日期", "方式"]


def clerk_sheet(rows, *, totals=True) -> io.BytesIO:
    """A list as another department sends it: a merged title row, a blank row, Chinese headers, a totals row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2020年一季度惠企政策兑现情况统计表（人社厅报送）"])
    ws.merge_cells("A1:H1")
    ws.append([])
    ws.append(HEADER)
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row] if row else [])
    if totals:
        ws.append(["合计", "", "", "", "=SUM(E4:E9)", "", "", ""])
        ws.append([len(rows) + 1])  # a numbered row left empty
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "政策兑现清单.xlsx"
    return out


def spaced(code: str) -> str:
    """A credit code as typed by hand: full-width digits and spaces."""
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in code)
    return f"{wide[:6]} {wide[6:12]} {wide[12:]}"


@pytest.fixture
def measures(db):
    policy = make_policy()
    wages = make_measure(policy, title="中小企业稳岗返还", benefit_type="subsidy", delivery="automatic")
    rent = make_measure(
        make_policy(number="内工信中小字〔2020〕28号", title="关于做好中小企业复工复产工作的通知"),
        title="国有房产租金减免",
        benefit_type="rent",
    )
    return wages, rent


def upload(client, sheet):
    response = client.post("/policies/benefits/import/", {"file": sheet})
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"]


def test_it_previews_then_saves_a_clerk_style_list(client, users, baotou_enterprise, measures):
    wages, rent = measures
    other = make_enterprise(county="150203", name="包头市某机械配件有限公司")
    client.force_login(users[Role.LEAGUE])
    sheet = clerk_sheet([
        ["包头钢铁（集团）有限责任公司", spaced(baotou_enterprise.credit_code), "中小企业稳岗返还", "１２.５",
         "", "2020年3月16日", "免申即享"],
        None,  # a blank row in the middle
        [other.name, other.credit_code, str(wages.pk), "3,000.00", "", "2020/03/20", ""],
        ["包头市某机械配件有限公司", "", "内工信中小字(2020)28号 第三条", "", "减免3个月房租", "2020-03-01", "申请"],
    ])  # fmt: skip
    preview = upload(client, sheet)
    page = client.get(preview).content.decode()
    assert 'data-testid="count-create">3<' in page and 'data-testid="count-skip">2<' in page
    assert 'data-testid="commit"' in page and not Benefit.objects.exists()
    client.post(preview, {"action": "commit"})
    saved = {(b.enterprise_id, b.measure_id): b for b in Benefit.objects.all()}
    first = saved[(baotou_enterprise.pk, wages.pk)]
    assert (first.amount, first.on, first.source, first.delivery) == (
        Decimal("12.50"), date(2020, 3, 16), "import", "automatic"
    )  # fmt: skip
    assert (first.league_id, first.county_id, first.recorded_by) == ("150200", "150203", users[Role.LEAGUE])
    assert saved[(other.pk, wages.pk)].delivery == "automatic"  # blank: as the measure delivers
    relief = saved[(other.pk, rent.pk)]
    assert (relief.amount, relief.relief, relief.delivery) == (Decimal(0), "减免3个月房租", "application")
    assert ImportBatch.objects.get(kind="policies.benefits").result["created"] == 3


def test_the_same_list_imported_again_adds_nothing(client, users, baotou_enterprise, measures):
    wages, _rent = measures
    client.force_login(users[Role.LEAGUE])
    rows = [[baotou_enterprise.name, baotou_enterprise.credit_code, "中小企业稳岗返还", "12.5", "", "2020-03-16", ""]]
    client.post(upload(client, clerk_sheet(rows)), {"action": "commit"})
    assert Benefit.objects.count() == 1
    again = upload(client, clerk_sheet(rows))
    page = client.get(again).content.decode()
    assert 'data-testid="count-known">1<' in page and 'data-testid="commit"' not in page
    client.post(again, {"action": "commit"})
    assert Benefit.objects.count() == 1
    # A line of the ledger from an award counts as known too: the department's list repeats what was awarded.
    more = rows + [
        [baotou_enterprise.name, baotou_enterprise.credit_code, "中小企业稳岗返还", "5", "", "2020-04-01", ""]
    ]
    client.post(upload(client, clerk_sheet(more)), {"action": "commit"})
    assert sorted(Benefit.objects.values_list("amount", flat=True)) == [Decimal("5.00"), Decimal("12.50")]


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_saved(
    client, users, baotou_enterprise, ordos_enterprise, measures
):
    client.force_login(users[Role.LEAGUE])
    code = baotou_enterprise.credit_code
    with translation.override("zh-hans"):
        sheet = clerk_sheet([
            [baotou_enterprise.name, code, "中小企业稳岗返还", "10", "", "2020-03-16", ""],  # row 4: fine
            ["某不存在企业", "91150000MA0000000X", "中小企业稳岗返还", "10", "", "2020-03-16", ""],  # 5: unknown
            [ordos_enterprise.name, ordos_enterprise.credit_code, "中小企业稳岗返还", "10", "", "2020-03-16", ""],  # 6
            [baotou_enterprise.name, code, "不存在的政策", "10", "", "2020-03-16", ""],  # 7: unknown measure
            [baotou_enterprise.name, code, "中小企业稳岗返还", "-3", "", "2020-03-16", ""],  # 8: negative
            [baotou_enterprise.name, code, "中小企业稳岗返还", "十万", "", "2020-03-16", ""],  # 9: not a number
            [baotou_enterprise.name, code, "中小企业稳岗返还", "10", "", "2020-02-30", ""],  # 10: no such day
            [baotou_enterprise.name, code, "中小企业稳岗返还", "10", "", "2019-12-01", ""],  # 11: before the policy
            [baotou_enterprise.name, code, "中小企业稳岗返还", "10", "", "2020-03-16", ""],  # 12: same as row 4
            [baotou_enterprise.name, code, "中小企业稳岗返还", "", "", "2020-03-17", ""],  # 13: no amount, no relief
            [baotou_enterprise.name, code, "中小企业稳岗返还", "1", "", "2020-03-18", "邮寄"],  # 14: unknown 方式
        ])  # fmt: skip
        preview = upload(client, sheet)
        page = client.get(preview).content.decode()
    issues = {(i["row"], i["column"]) for i in ImportBatch.objects.get().issues if i["level"] == "error"}
    assert issues == {
        (5, "credit_code"), (6, "credit_code"), (7, "measure"), (8, "amount"), (9, "amount"), (10, "on"),
        (11, "on"), (12, "measure"), (13, "amount"), (14, "delivery"),
    }  # fmt: skip
    messages = {(i["row"], i["column"]): i["message"] for i in ImportBatch.objects.get().issues}
    assert messages[(6, "credit_code")] == "该企业登记在您的辖区以外。"  # in the user's language
    assert "4" in messages[(12, "measure")]
    assert 'data-testid="whole"' in page and 'data-testid="commit"' not in page
    assert "统一社会信用代码" in page or "信用代码" in page  # the column named in the user's language
    client.post(preview, {"action": "commit"})
    assert not Benefit.objects.exists() and ImportBatch.objects.get().state == "preview"


def test_an_amount_that_looks_like_yuan_is_warned(client, users, baotou_enterprise, measures):
    client.force_login(users[Role.LEAGUE])
    row = [baotou_enterprise.name, baotou_enterprise.credit_code, "中小企业稳岗返还", "125000", "", "2020-03-16", ""]
    upload(client, clerk_sheet([row]))
    assert [(i["row"], i["column"], i["level"]) for i in ImportBatch.objects.get().issues] == [(4, "amount", "warning")]


def test_an_ambiguous_measure_asks_for_its_number(client, users, baotou_enterprise, measures):
    make_measure(make_policy(number="人社部发〔2020〕11号"), title="中小企业稳岗返还（人社）")
    client.force_login(users[Role.LEAGUE])
    row = [baotou_enterprise.name, baotou_enterprise.credit_code, "稳岗返还", "1", "", "2020-03-16", ""]
    upload(client, clerk_sheet([row], totals=False))
    [issue] = ImportBatch.objects.get().issues
    assert issue["column"] == "measure" and str(measures[0].pk) in issue["message"]


def test_who_may_import(client, users):
    for role in (Role.ENTERPRISE, Role.HANDLER, Role.WORKGROUP):
        client.force_login(users[role])
        assert client.get("/policies/benefits/import/").status_code == 404
    client.force_login(users[Role.COUNTY])
    assert client.get("/policies/benefits/import/").status_code == 200


def test_imported_lines_count_as_reached_and_the_rest_are_eligible_not_reached(
    client, users, baotou_enterprise, measures
):
    from django.utils import timezone

    from fugong.policies import selectors

    wages, _rent = measures  # open to every enterprise
    other = make_enterprise(county="150203")
    client.force_login(users[Role.LEAGUE])
    row = [baotou_enterprise.name, baotou_enterprise.credit_code, "中小企业稳岗返还", "8", "", "2020-03-16", ""]
    client.post(upload(client, clerk_sheet([row])), {"action": "commit"})
    found = selectors.matching(user=users[Role.LEAGUE], measure=wages, day=timezone.localdate())
    assert (found.eligible, found.received, found.not_reached) == (2, 1, 1)
    assert [(r.key, r.eligible, r.received, r.not_reached) for r in found.by_league] == [("150200", 2, 1, 1)]
    page = client.get(f"/policies/measures/{wages.pk}/enterprises/?which=not_reached").content.decode()
    assert other.name in page and baotou_enterprise.name not in page


def test_the_api_gives_the_relief_and_how_it_was_delivered(client, users, baotou_enterprise, measures):
    from fugong.policies.tests.test_library_and_api import api

    client.force_login(users[Role.LEAGUE])
    row = [
        baotou_enterprise.name,
        baotou_enterprise.credit_code,
        "国有房产租金减免",
        "",
        "减免3个月房租",
        "2020-03-01",
        "",
    ]
    client.post(upload(client, clerk_sheet([row])), {"action": "commit"})
    [line] = api(client, users[Role.ENTERPRISE], "get", "/api/v1/benefits").json()["items"]
    assert (line["relief"], line["delivery"], line["source"], line["amount"]) == (
        "减免3个月房租",
        "application",
        "import",
        "0.00",
    )
