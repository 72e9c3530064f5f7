"""The ledger in Excel: the columns the leagues' sheets use, declared once for the import and the export.

The import goes through the one import flow (fugong.core.imports) and is all or nothing: a sheet with any
row in error saves nothing; the clerk fixes it and uploads again.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import User
from fugong.areas.models import Area
from fugong.arrears import services
from fugong.arrears.models import AGREED_DAYS_MAX, STATUTORY_DAYS, ArrearsItem, DebtorType, Source
from fugong.core.excel import Column, Row, parse_bool, parse_date, parse_int, parse_row, parse_text
from fugong.core.imports import Importer
from fugong.core.text import clean, halfwidth
from fugong.enterprises.models import Enterprise

# An amount this large in 10k yuan (1 亿元 owed to one small enterprise on one contract) is more likely a
# sheet kept in yuan: the row is warned, with the factor.
YUAN_LOOKALIKE = Decimal(10_000)
YUAN_FACTOR = 10_000

_DEBTOR_TYPES = {
    DebtorType.GOVERNMENT: ("政府", "机关", "事业单位", "政府机关", "政府部门", "机关事业单位", "government"),
    DebtorType.STATE_OWNED: ("国有企业", "国企", "国有", "央企", "state_owned", "state-owned"),
    DebtorType.LARGE_PRIVATE: ("大型民营企业", "民营企业", "大型企业", "民企", "large_private", "private"),
}


def parse_debtor_type(value) -> str:
    text = parse_text(value)
    for choice, words in _DEBTOR_TYPES.items():
        if text in words or text == str(choice.label) or text == choice.value:
            return choice.value
    for choice, words in _DEBTOR_TYPES.items():
        if any(len(w) > 1 and w in text for w in words):
            return choice.value
    raise ValueError(_("Write 政府机关, 国有企业 or 大型民营企业, not “%(value)s”.") % {"value": value})


_NOISE = re.compile(r"[,，\s]")


def parse_wan(value) -> Decimal:
    """An amount in 10k yuan as clerks write it: 1,234.5 / "1，234.5" / "12.5万元" / "1.2亿"."""
    if isinstance(value, bool):
        raise ValueError(_("Enter a number."))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = _NOISE.sub("", halfwidth(str(value)))
        factor = Decimal(1)
        if text.endswith(("亿元", "亿")):
            factor, text = Decimal(YUAN_FACTOR), text.removesuffix("元").removesuffix("亿")
        elif text.endswith(("万元", "万")):
            text = text.removesuffix("元").removesuffix("万")
        elif text.endswith("元"):
            raise ValueError(_("Write the amount in 10,000 yuan (万元), not in yuan."))
        try:
            number = Decimal(text) * factor
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
    return number


def _export_area(item) -> str:
    return item.debtor_area.name


COLUMNS = [
    Column("serial", gettext_lazy("No."), aliases=("序号",), width=6, parse=parse_int),
    Column(
        "enterprise", gettext_lazy("Creditor enterprise"), aliases=("债权企业", "企业名称", "中小企业名称"), width=30,
        export=lambda i: i.enterprise.name,
    ),
    Column(
        "credit_code", gettext_lazy("Credit code"), aliases=("统一社会信用代码", "信用代码"), width=22, required=True,
        export=lambda i: i.enterprise.credit_code,
    ),
    Column(
        "debtor", gettext_lazy("Debtor"), aliases=("债务人", "欠款单位", "欠款主体", "拖欠主体"), width=28,
        required=True,
    ),
    Column(
        "debtor_type", gettext_lazy("Debtor type"), aliases=("债务人类型", "欠款主体类型", "欠款单位性质", "单位性质"),
        width=14, parse=parse_debtor_type, required=True, export=lambda i: str(i.get_debtor_type_display()),
    ),
    Column(
        "debtor_area", gettext_lazy("Debtor's area"), aliases=("债务人所在地", "欠款单位所在地", "所在地区"), width=14,
        export=_export_area,
    ),
    Column("contract", gettext_lazy("Contract"), aliases=("合同名称", "合同编号", "合同名称或编号", "合同"), width=28,
           required=True),
    Column(
        "amount", gettext_lazy("Amount owed (10k yuan)"),
        aliases=("拖欠金额(万元)", "欠款金额(万元)", "拖欠金额", "欠款金额"), width=14, parse=parse_wan, required=True,
    ),
    Column("accepted_on", gettext_lazy("Accepted on"), aliases=("验收日期", "交付验收日期", "验收时间"), width=12,
           parse=parse_date, required=True),
    Column(
        "agreed_days", gettext_lazy("Days to pay"), aliases=("约定付款期限(天)", "付款期限(天)", "约定付款期限"),
        width=10,
        parse=parse_int,
    ),
    Column(
        "overdue_since", gettext_lazy("Overdue since"), aliases=("逾期起始日期", "逾期时间", "拖欠起始日期"),
        width=12, parse=parse_date,
    ),
    Column(
        "pay_when_paid", gettext_lazy("Pay-when-paid clause"), aliases=("背靠背条款", "是否背靠背", "背靠背"), width=10,
        parse=parse_bool, export=lambda i: "是" if i.pay_when_paid else "否",
    ),
]  # fmt: skip
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}

# The export adds what the ledger knows after the import, after the sheet's own columns.
EXPORT_COLUMNS = [
    *COLUMNS,
    Column("due_on", gettext_lazy("Legal due date"), width=12),
    Column("days_past_due", gettext_lazy("Days past due"), width=10, export=lambda i: i.days_past_due(i.today)),
    Column("state", gettext_lazy("State"), width=10, export=lambda i: str(i.get_state_display())),
    Column("repaid", gettext_lazy("Repaid (10k yuan)"), width=12),
    Column("outstanding", gettext_lazy("Still owed (10k yuan)"), width=12),
    Column("cleared_on", gettext_lazy("Cleared on"), width=12),
]


def export_rows(items, *, today: date):
    for n, item in enumerate(items, start=1):
        item.serial, item.today = n, today
        yield [c.value_of(item) for c in EXPORT_COLUMNS]


class Action:
    CREATE = "create"
    ERROR = "error"


def _areas() -> dict[str, Area]:
    """Areas by code and by name (full and without the 盟/市/旗/县/区 suffix), for the debtor's area."""
    found: dict[str, Area] = {}
    for area in Area.objects.all():
        found.setdefault(area.code, area)
        found.setdefault(area.name, area)
    return found


def plan_rows(*, user: User, rows: list[Row], seen: dict | None = None) -> list[dict]:
    """Each row as the ledger would take it, or its errors by column; nothing is saved."""
    seen = {} if seen is None else seen
    codes = {clean(r.values.get("credit_code") or "").upper() for r in rows}
    enterprises = {e.credit_code: e for e in access.visible_enterprises(user).filter(credit_code__in=codes)}
    areas = _areas()
    existing = set(
        ArrearsItem.objects.filter(enterprise__in=enterprises.values()).values_list(
            "enterprise__credit_code", "debtor", "contract"
        )
    )
    planned = []
    today = timezone.localdate()
    for row in rows:
        v, errors = row.values, dict(row.errors)
        warnings: list[dict] = []
        code = clean(v.get("credit_code") or "").upper()
        enterprise = enterprises.get(code)
        if code and enterprise is None and "credit_code" not in errors:
            errors["credit_code"] = _("No enterprise with this credit code in your area.")
        area_text = clean(v.get("debtor_area") or "")
        area = areas.get(area_text) if area_text else (enterprise.county if enterprise else None)
        if area_text and area is None:
            errors["debtor_area"] = _("Unknown area “%(value)s”: write a league or county name or its code.") % {
                "value": area_text
            }
        amount = v.get("amount")
        yuan = None
        if isinstance(amount, Decimal) and amount >= YUAN_LOOKALIKE and "amount" not in errors:
            yuan = _(
                "%(amount)s (10k yuan) is %(yi)s 亿元 owed on one contract: if the sheet is in yuan, divide by "
                "%(factor)s."
            ) % {"amount": f"{amount:,}", "yi": f"{amount / YUAN_FACTOR:,.2f}", "factor": f"{YUAN_FACTOR:,}"}
            if amount > services.AMOUNT_MAX:
                errors["amount"] = yuan  # too large to be anything but yuan
            else:
                warnings.append({"column": "amount", "message": yuan})
        days = v.get("agreed_days")
        data = None
        if enterprise is not None and area is not None:
            data = services.ItemData(
                enterprise=enterprise,
                debtor=v.get("debtor") or "",
                debtor_type=v.get("debtor_type") or "",
                debtor_area=area,
                contract=v.get("contract") or "",
                amount=amount if isinstance(amount, Decimal) else Decimal(0),
                accepted_on=v.get("accepted_on"),  # type: ignore[arg-type]  # a blank one is an error below
                agreed_days=STATUTORY_DAYS if days is None else days,
                overdue_since=v.get("overdue_since"),
                pay_when_paid=bool(v.get("pay_when_paid")),
            )
            for key, messages in services.check_item(data, actor=user, today=today).items():
                errors.setdefault(key if key in COLUMNS_BY_KEY else "credit_code", " ".join(messages))
            if days is not None and not 1 <= days <= AGREED_DAYS_MAX:
                errors.setdefault("agreed_days", _("Payment is due within 60 days of acceptance at most."))
            same = (code, clean(data.debtor), clean(data.contract))
            if same in seen and not errors:
                errors["contract"] = _("The same creditor, debtor and contract as row %(row)d.") % {"row": seen[same]}
            elif same in existing and not errors:
                errors["contract"] = _("This contract with this debtor is already in the ledger.")
            seen.setdefault(same, row.number)
        planned.append(
            {
                "row": row.number,
                "raw": row.raw,
                "action": Action.ERROR if errors else Action.CREATE,
                "errors": errors,
                "warnings": warnings,
                "credit_code": code,
                "enterprise": enterprise.name if enterprise else "",
                "debtor": clean(v.get("debtor") or ""),
                "amount": str(amount) if isinstance(amount, Decimal) else "",
                "area": area.code if area is not None else "",
            }
        )
    return planned


class ArrearsImporter(Importer):
    kind = "arrears"
    columns = COLUMNS
    counted = (
        (Action.CREATE, gettext_lazy("To add to the ledger")),
        (Action.ERROR, gettext_lazy("Rows with errors")),
    )
    writes = committed = (Action.CREATE,)
    template = "arrears/import_preview.html"

    def plan_chunk(self, *, user, rows, scan, options) -> list[dict]:
        return plan_rows(user=user, rows=rows, seen=options.setdefault("_seen", {}))

    def commit_chunk(self, *, user, rows) -> dict:
        """The rows checked again (the ledger may have changed since the preview) and saved together."""
        again = []
        for stored in rows:
            values, errors = parse_row(COLUMNS, stored["raw"])
            again.append(Row(number=stored["row"], raw=stored["raw"], values=values, errors=errors))
        planned = plan_rows(user=user, rows=again)
        failed = [
            {"row": p["row"], "column": key, "message": message}
            for p in planned
            for key, message in p["errors"].items()
        ]
        if failed:
            return {"created": 0, "failed": failed}
        enterprises = {
            e.credit_code: e for e in Enterprise.objects.filter(credit_code__in={p["credit_code"] for p in planned})
        }
        areas = {a.code: a for a in Area.objects.filter(code__in={p["area"] for p in planned})}
        items = [
            _data(row, enterprises[p["credit_code"]], areas[p["area"]]) for p, row in zip(planned, again, strict=True)
        ]
        try:
            with transaction.atomic():
                services.item_bulk_create(actor=user, items=items, source=Source.EXCEL)
        except ValidationError as e:
            return {"created": 0, "failed": [{"row": rows[0]["row"], "column": "", "message": " ".join(e.messages)}]}
        return {"created": len(items)}


def _data(row: Row, enterprise: Enterprise, area: Area) -> services.ItemData:
    v = row.values
    days = v.get("agreed_days")
    return services.ItemData(
        enterprise=enterprise,
        debtor=v["debtor"],
        debtor_type=v["debtor_type"],
        debtor_area=area,
        contract=v["contract"],
        amount=v["amount"],
        accepted_on=v["accepted_on"],
        agreed_days=STATUTORY_DAYS if days is None else days,
        overdue_since=v.get("overdue_since"),
        pay_when_paid=bool(v.get("pay_when_paid")),
    )


IMPORTER = ArrearsImporter()
