import io
import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.accounts.services import token_create
from fugong.arrears.models import ArrearsItem, State
from fugong.arrears.tests.factories import make_item
from fugong.core.models import ImportBatch

pytestmark = pytest.mark.django_db


def clerk_sheet(rows, *, amount_header="拖欠金额（万元）") -> io.BytesIO:
    """A league's ledger as clerks keep it: a merged title row, Chinese headers, amounts as text with commas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["包头市清理拖欠民营企业中小企业账款台账（2020年2月）"])
    ws.merge_cells("A1:K1")
    ws.append([
        "序号", "企业名称", "统一社会信用代码", "欠款单位", "欠款主体类型", "所在地区", "合同名称", amount_header,
        "验收日期", "约定付款期限（天）", "是否背靠背",
    ])  # fmt: skip
    for n, row in enumerate(rows, start=1):
        ws.append([n, *row])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "包头清欠台账.xlsx"
    return out


def row(enterprise, contract, amount, **kw):
    return [
        enterprise.name, enterprise.credit_code, kw.get("debtor", "包头市某区住房和城乡建设局"),
        kw.get("type", "机关事业单位"), kw.get("area", "昆都仑区"), contract, amount,
        kw.get("accepted", "2019年11月5日"), kw.get("days", 30), kw.get("pww", "否"),
    ]  # fmt: skip


def upload(client, sheet):
    response = client.post("/arrears/import/", {"file": sheet})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_a_clerk_style_sheet_is_previewed_then_saved_whole(client, users, baotou_enterprise):
    other = make_enterprise(county="150203", name="包头市某机械配件有限公司")
    client.force_login(users[Role.LEAGUE])
    sheet = clerk_sheet([
        row(baotou_enterprise, "HT-2019-011", "1,234.50"),
        row(other, "配件采购合同2019-7", "86", type="国有企业", area="150200", days=60, pww="是"),
        row(other, "维修合同", "12.5万元", type="大型民营企业", accepted="2020-01-10"),
    ])  # fmt: skip
    preview = upload(client, sheet)
    page = client.get(preview).content.decode()
    assert 'data-testid="count-create">3<' in page and 'data-testid="commit"' in page
    assert not ArrearsItem.objects.exists()
    client.post(preview, {"action": "commit"})
    items = {i.contract: i for i in ArrearsItem.objects.all()}
    assert items["HT-2019-011"].amount == Decimal("1234.50")
    assert (items["HT-2019-011"].debtor_type, items["HT-2019-011"].due_on) == ("government", date(2019, 12, 5))
    parts = items["配件采购合同2019-7"]
    assert (parts.debtor_type, parts.debtor_area_id, parts.agreed_days, parts.pay_when_paid) == (
        "state_owned", "150200", 60, True
    )  # fmt: skip
    assert items["维修合同"].amount == Decimal("12.5") and items["维修合同"].debtor_type == "large_private"
    assert {i.source for i in items.values()} == {"excel"} and {i.state for i in items.values()} == {"reported"}
    assert ImportBatch.objects.get(kind="arrears").result["created"] == 3


def test_a_sheet_with_a_bad_row_saves_nothing_and_names_row_and_column(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    with translation.override("en"):
        sheet = clerk_sheet([
            row(baotou_enterprise, "A", "100"),
            row(baotou_enterprise, "A", "100"),  # the same contract again
            row(baotou_enterprise, "B", "-5"),
            row(baotou_enterprise, "C", "10", days=90),
            row(baotou_enterprise, "D", "10", type="银行"),
        ])  # fmt: skip
        preview = upload(client, sheet)
        page = client.get(preview).content.decode()
    issues = {(i["row"], i["column"]) for i in ImportBatch.objects.get().issues if i["level"] == "error"}
    assert issues == {(4, "contract"), (5, "amount"), (6, "agreed_days"), (7, "debtor_type")}
    assert 'data-testid="whole"' in page and 'data-testid="commit"' not in page
    client.post(preview, {"action": "commit"})
    assert not ArrearsItem.objects.exists()
    assert ImportBatch.objects.get().state == "preview"


def test_an_amount_that_looks_like_yuan_is_warned_with_the_factor(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    sheet = clerk_sheet([
        row(baotou_enterprise, "A", "125,000"),
        row(baotou_enterprise, "B", "80"),
        row(baotou_enterprise, "C", "3,600,000"),
    ])  # fmt: skip
    preview = upload(client, sheet)
    issues = [(i["row"], i["column"], i["level"]) for i in ImportBatch.objects.get().issues]
    assert issues == [(3, "amount", "warning"), (5, "amount", "error")]
    assert all("10,000" in i["message"] for i in ImportBatch.objects.get().issues)
    assert "10,000" in client.get(preview).content.decode()


def test_a_row_already_in_the_ledger_is_refused(client, users, baotou_enterprise):
    make_item(baotou_enterprise, contract="HT-2019-011")
    client.force_login(users[Role.LEAGUE])
    upload(client, clerk_sheet([row(baotou_enterprise, "HT-2019-011", "120")]))
    assert [(i["row"], i["column"]) for i in ImportBatch.objects.get().issues] == [(3, "contract")]


def test_an_enterprise_outside_the_area_is_refused(client, users, ordos_enterprise):
    client.force_login(users[Role.LEAGUE])
    upload(client, clerk_sheet([row(ordos_enterprise, "A", "100", area="准格尔旗")]))
    assert [(i["row"], i["column"]) for i in ImportBatch.objects.get().issues] == [(3, "credit_code")]


def test_the_export_has_the_import_columns_first(client, users, baotou_enterprise):
    make_item(baotou_enterprise, amount="55")
    client.force_login(users[Role.LEAGUE])
    response = client.get("/arrears/export.xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headers = [c.value for c in ws[2]]
    assert headers[:8] == [
        "序号",
        "债权企业",
        "统一社会信用代码",
        "债务人",
        "债务人类型",
        "债务人所在地",
        "合同",
        "拖欠金额（万元）",
    ]
    assert ws.cell(3, 3).value == baotou_enterprise.credit_code


def test_pages_for_the_creditor_and_the_league(client, users, baotou_enterprise, ordos_enterprise):
    mine = make_item(baotou_enterprise, amount="77")
    theirs = make_item(ordos_enterprise, debtor="鄂尔多斯某国企")
    client.force_login(users[Role.ENTERPRISE])
    page = client.get("/arrears/").content.decode()
    assert f'data-id="{mine.pk}"' in page and f'data-id="{theirs.pk}"' not in page
    assert client.get(f"/arrears/{theirs.pk}/").status_code == 404
    client.force_login(users[Role.LEAGUE])
    detail = client.get(f"/arrears/{mine.pk}/").content.decode()
    assert 'data-testid="move-confirm"' in detail
    client.post(f"/arrears/{mine.pk}/moves/", {"action": "confirm"})
    client.post(f"/arrears/{mine.pk}/moves/", {"action": "repay", "amount": "77", "on": "2020-02-20"})
    assert ArrearsItem.objects.get(pk=mine.pk).state == State.CLEARED
    figures = client.get("/arrears/figures/?as_of=2020-02-22").content.decode()
    assert "清偿拖欠中小企业账款77万元（已清偿1笔，清偿率100%）。" in figures


def test_the_list_query_count_does_not_grow_with_rows(client, users, baotou_enterprise, django_assert_max_num_queries):
    for n in range(30):
        make_item(baotou_enterprise, contract=f"C{n}")
    client.force_login(users[Role.LEAGUE])
    with django_assert_max_num_queries(12):
        assert client.get("/arrears/?past_due=1").status_code == 200


def test_the_form_records_an_item(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    response = client.post(
        "/arrears/new/",
        {"debtor": "包头市某局", "debtor_type": "government", "debtor_area": "150200", "contract": "HT-1",
         "amount": "30", "accepted_on": "2020-01-02", "agreed_days": "30"},
    )  # fmt: skip
    assert response.status_code == 302
    item = ArrearsItem.objects.get()
    assert (item.enterprise, item.created_by, item.source) == (baotou_enterprise, users[Role.ENTERPRISE], "form")


def api(client, user, method, url, body=None):
    token = token_create(user=user, name="t")[1]
    return getattr(client, method)(
        url, json.dumps(body) if body is not None else None, content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip


def test_the_api(client, users, baotou_enterprise):
    body = {
        "credit_code": baotou_enterprise.credit_code, "debtor": "包头市某局", "debtor_type": "government",
        "debtor_area": "150200", "contract": "HT-9", "amount": "45", "accepted_on": "2020-01-02",
    }  # fmt: skip
    created = api(client, users[Role.LEAGUE], "post", "/api/v1/arrears", body)
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert created.json()["due_on"] == "2020-02-01"
    again = api(client, users[Role.LEAGUE], "post", "/api/v1/arrears", body)
    assert again.status_code == 400 and "contract" in again.json()["error"]
    assert (
        api(client, users[Role.LEAGUE], "post", f"/api/v1/arrears/{item_id}/moves", {"action": "confirm"}).json()[
            "state"
        ]
        == "confirmed"
    )
    too_much = api(
        client, users[Role.LEAGUE], "post", f"/api/v1/arrears/{item_id}/moves", {"action": "repay", "amount": "46"}
    )
    assert too_much.status_code == 400 and "amount" in too_much.json()["error"]
    listed = api(client, users[Role.ENTERPRISE], "get", "/api/v1/arrears?state=confirmed").json()
    assert [i["id"] for i in listed["items"]] == [item_id]
    assert api(client, users[Role.BANK], "get", "/api/v1/arrears").json()["count"] == 0
    assert api(client, users[Role.BANK], "get", f"/api/v1/arrears/{item_id}").status_code == 404


@pytest.mark.parametrize(
    ("change", "status"),
    [({"amount": "-1"}, 400), ({"amount": "1e30"}, 400), ({"agreed_days": 61}, 400), ({"debtor_area": "999999"}, 400),
     ({"accepted_on": "2020-13-01"}, 422), ({"debtor_type": "bank"}, 400)],
)  # fmt: skip
def test_bad_api_input_is_refused_naming_the_field(client, users, baotou_enterprise, change, status):
    body = {
        "credit_code": baotou_enterprise.credit_code, "debtor": "包头市某局", "debtor_type": "government",
        "debtor_area": "150200", "contract": "HT-9", "amount": "45", "accepted_on": "2020-01-02", **change,
    }  # fmt: skip
    response = api(client, users[Role.LEAGUE], "post", "/api/v1/arrears", body)
    assert response.status_code == status, response.content
    assert not ArrearsItem.objects.exists()


def test_the_creditor_adds_a_comment_from_the_page(client, users, baotou_enterprise):
    item = make_item(baotou_enterprise)
    client.force_login(users[Role.ENTERPRISE])
    client.post(f"/arrears/{item.pk}/moves/", {"action": "comment", "comment": "债务人承诺3月底前支付"})
    events = list(item.events.values_list("action", "comment"))
    assert events == [("report", "表单"), ("comment", "债务人承诺3月底前支付")]
