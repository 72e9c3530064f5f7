"""The benefits import: what reached whom, from the lists other departments keep (tax, social insurance, finance),
through the one import flow (fugong.core.imports), saved whole or not at all.

A row names the enterprise (credit code, or its registered name when the code is blank), the measure (its
number as the measure's page shows it, its title, or the document number and article: 内政发电〔2020〕1号第三条),
the amount in 10k yuan or the relief given, the day it was delivered and how (申请 or 免申即享; blank: as the
measure delivers). A totals row (合计) and a numbered row left empty are skipped; a line already in the ledger
(the same enterprise, measure, day, amount and relief) is counted and left alone, so importing the same
sheet again adds nothing.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong import access
from fugong.accounts.models import User
from fugong.arrears.excel import YUAN_FACTOR, YUAN_LOOKALIKE, parse_wan
from fugong.core import bounds
from fugong.core.excel import Column, Row, parse_date, parse_int, parse_row, parse_text
from fugong.core.imports import Importer
from fugong.core.text import clean, clean_name, halfwidth
from fugong.enterprises.credit_code import normalise
from fugong.enterprises.models import Enterprise
from fugong.policies.models import Benefit, Delivery, Measure

AMOUNT_MAX = Decimal("9999999999.99")  # the ledger's 12 digits, 2 after the point
RELIEF_MAX = 200
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "total")

_DELIVERY_WORDS = {
    Delivery.APPLICATION: ("申请", "依申请", "申报", "企业申请", "申请兑现", "application", "by application"),
    Delivery.AUTOMATIC: ("免申即享", "免申", "免申请", "自动", "直达", "自动兑现", "automatic", "automatically"),
}


def parse_delivery(value) -> str:
    text = parse_text(value).lower().replace(" ", "")
    for choice, words in _DELIVERY_WORDS.items():
        if text in words or text == str(choice.label).lower().replace(" ", ""):
            return choice.value
    raise ValueError(_("Write 申请 (by application) or 免申即享 (automatic), not “%(value)s”.") % {"value": value})


def parse_amount(value) -> Decimal:
    amount = parse_wan(value)
    if amount < 0:
        raise ValueError(_("The amount cannot be negative."))
    if amount > AMOUNT_MAX:
        raise ValueError(_("“%(value)s” is too large.") % {"value": value})
    return amount.quantize(Decimal("0.01"))


COLUMNS = [
    Column("serial", gettext_lazy("No."), aliases=("序号",), width=6, parse=parse_int),
    Column(
        "enterprise", gettext_lazy("Enterprise name"),
        aliases=("企业名称", "单位名称", "企业全称", "受益企业", "享受企业", "企业"), width=32,
        export=lambda b: b.enterprise.name,
    ),
    Column(
        "credit_code", gettext_lazy("Credit code"), aliases=("统一社会信用代码", "社会信用代码", "信用代码"), width=22,
        export=lambda b: b.enterprise.credit_code,
    ),
    Column(
        "measure", gettext_lazy("Measure"),
        aliases=("政策措施", "政策措施名称", "政策名称", "享受政策", "政策条款", "措施", "政策"), width=34,
        required=True,
        export=lambda b: f"{b.measure.policy.number}{b.measure.article} {b.measure.title}".strip(),
    ),
    Column(
        "amount", gettext_lazy("Amount (10k yuan)"),
        aliases=("金额(万元)", "兑现金额(万元)", "兑现金额", "金额", "资金(万元)", "补助金额(万元)", "减免金额(万元)"),
        width=12, parse=parse_amount,
    ),
    Column(
        "relief", gettext_lazy("Relief"),
        aliases=("减免内容", "减免情况", "优惠内容", "享受内容", "兑现内容", "兑现情况"), width=24,
    ),
    Column(
        "on", gettext_lazy("Delivered on"),
        aliases=("兑现日期", "兑现时间", "发放日期", "拨付日期", "享受日期", "日期"), width=12,
        parse=parse_date, required=True,
    ),
    Column(
        "delivery", gettext_lazy("How delivered"),
        aliases=("方式", "兑现方式", "享受方式", "申报方式"), width=10, parse=parse_delivery,
        export=lambda b: b.get_how_display(),
    ),
]  # fmt: skip
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}


class Action:
    CREATE = "create"
    KNOWN = "known"
    SKIP = "skip"
    ERROR = "error"


# --- Finding the measure a clerk names ----------------------------------------------------------------------

_OPEN, _CLOSE = "〔【[（(", "〕】]）)"


def measure_key(text) -> str:
    """A measure's name or number as compared: cleaned, no spaces, every kind of bracket the same."""
    key = clean(text).replace(" ", "").lower()
    for ch in _OPEN:
        key = key.replace(ch, "(")
    for ch in _CLOSE:
        key = key.replace(ch, ")")
    return key


class Measures:
    """The measures of the library, loaded once per import, by every way a sheet may name them."""

    def __init__(self, user: User):
        self.all = list(access.visible_measures(user).select_related("policy"))
        self.by_id = {str(m.pk): m for m in self.all}
        self.by_key: dict[str, list[Measure]] = {}
        for m in self.all:
            keys = {measure_key(m.title), measure_key(f"{m.policy.number}{m.article}")}
            keys |= {measure_key(f"{m.policy.number}{m.article}{m.title}"), measure_key(f"{m.policy.title}{m.article}")}
            for key in keys - {""}:
                self.by_key.setdefault(key, []).append(m)

    def find(self, text: str) -> Measure:
        digits = halfwidth(text).strip().lstrip("#№")
        if digits.isdigit():
            if digits in self.by_id:
                return self.by_id[digits]
            raise ValueError(_("No measure has the number %(n)s.") % {"n": digits})
        key = measure_key(text)
        found = self.by_key.get(key) or [m for m in self.all if len(key) >= 4 and key in measure_key(m.title)]
        if len(found) == 1:
            return found[0]
        if found:
            names = "、".join(f"{m.pk} {m.title}" for m in found[:5])
            raise ValueError(_("“%(text)s” names several measures (%(names)s): write its number.") % {
                "text": text, "names": names
            })  # fmt: skip
        raise ValueError(_("No measure “%(text)s” in the library: write its number or its title.") % {"text": text})


# --- The plan ---------------------------------------------------------------------------------------------------


@dataclass
class Line:
    """One valid row, as the ledger will take it."""

    enterprise: Enterprise
    measure: Measure
    amount: Decimal
    relief: str
    on: date
    delivery: str

    @property
    def key(self) -> tuple:
        return (self.enterprise.pk, self.measure.pk, self.on, self.amount, self.relief)


def _is_skipped(row: Row) -> bool:
    raw = row.raw
    texts = [clean(raw.get(k) or "").replace(" ", "").lower() for k in ("serial", "enterprise", "credit_code")]
    if any(t.startswith(TOTAL_WORDS) for t in texts if t):
        return True  # 合计 / 总计: the clerk's totals, not an enterprise
    # A numbered row left empty (a template pre-numbered beyond the data).
    return all(raw.get(k) in (None, "") for k in ("enterprise", "credit_code", "measure", "amount", "relief"))


def _enterprises(user: User, rows: list[Row]) -> tuple[dict, dict, set[int]]:
    codes = {normalise(str(r.raw.get("credit_code") or "")) for r in rows} - {""}
    names = {clean_name(r.raw.get("enterprise") or "") for r in rows if not r.raw.get("credit_code")} - {""}
    by_code = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)} if codes else {}
    by_name: dict[str, list[Enterprise]] = {}
    for e in Enterprise.objects.filter(name__in=names) if names else []:
        by_name.setdefault(e.name, []).append(e)
    found = [e.pk for e in by_code.values()] + [e.pk for es in by_name.values() for e in es]
    visible = set(access.visible_enterprises(user).filter(pk__in=found).values_list("pk", flat=True))
    return by_code, by_name, visible


def plan_rows(*, user: User, rows: list[Row], measures: Measures, seen: dict | None = None) -> tuple[list, list]:
    """Each row as the ledger would take it, or its errors by column; nothing is saved. Returns the stored dicts
    and the valid lines (None where a row is not saved)."""
    seen = {} if seen is None else seen
    by_code, by_name, visible = _enterprises(user, rows)
    planned: list[dict] = []
    lines: list[Line | None] = []
    for row in rows:
        v, errors = row.values, dict(row.errors)
        warnings: list[dict] = []
        if _is_skipped(row):
            planned.append({"row": row.number, "raw": row.raw, "action": Action.SKIP, "errors": {}})
            lines.append(None)
            continue
        enterprise = _enterprise(v, by_code, by_name, visible, errors, warnings)
        measure = None
        if v.get("measure") and "measure" not in errors:
            try:
                measure = measures.find(v["measure"])
            except ValueError as e:
                errors["measure"] = str(e)
        amount, relief = v.get("amount"), clean(v.get("relief") or "")
        if "relief" not in errors and (refused := bounds.text_problem(relief, max_length=RELIEF_MAX)):
            errors["relief"] = refused
        if amount is None and not relief and "amount" not in errors:
            errors["amount"] = _("Give the amount in 10,000 yuan (万元), or describe the relief.")
        if isinstance(amount, Decimal) and amount >= YUAN_LOOKALIKE and "amount" not in errors:
            yuan = _(
                "%(amount)s (10k yuan) is %(yi)s 亿元 to one enterprise: if the sheet is in yuan, divide by %(factor)s."
            )
            figures = {"amount": f"{amount:,}", "yi": f"{amount / YUAN_FACTOR:,.2f}", "factor": f"{YUAN_FACTOR:,}"}
            warnings.append({"column": "amount", "message": yuan % figures})
        on = v.get("on")
        if measure is not None and isinstance(on, date) and "on" not in errors:
            start = min(measure.policy.issued_on, measure.policy.valid_from)
            if on < start:
                errors["on"] = _("Before the policy was issued (%(day)s).") % {"day": start.isoformat()}
        line = None
        if not errors and enterprise is not None and measure is not None and isinstance(on, date):
            delivery = v.get("delivery") or measure.delivery
            line = Line(enterprise, measure, amount or Decimal(0), relief, on, delivery)
            if line.key in seen:
                errors["measure"] = _("The same enterprise, measure, day and amount as row %(row)d.") % {
                    "row": seen[line.key]
                }
                line = None
            else:
                seen[line.key] = row.number
        planned.append({
            "row": row.number, "raw": row.raw, "errors": errors, "warnings": warnings,
            "action": Action.ERROR if errors else Action.CREATE,
            "enterprise": enterprise.name if enterprise else "", "measure": measure.title if measure else "",
            "amount": str(amount) if isinstance(amount, Decimal) else "", "relief": relief,
        })  # fmt: skip
        lines.append(line)
    _mark_known(planned, lines)
    return planned, lines


def _enterprise(v, by_code, by_name, visible, errors, warnings) -> Enterprise | None:
    code = normalise(str(v.get("credit_code") or ""))
    name = clean_name(v.get("enterprise") or "")
    if "credit_code" in errors:
        return None
    if code:
        enterprise = by_code.get(code)
        if enterprise is None:
            errors["credit_code"] = _("No enterprise with this credit code in the registry.")
            return None
        if name and name.replace(" ", "") != enterprise.name.replace(" ", ""):
            named = _("The registry names this enterprise “%(name)s”.") % {"name": enterprise.name}
            warnings.append({"column": "enterprise", "message": named})
    elif name:
        found = by_name.get(name, [])
        if len(found) != 1:
            errors["enterprise"] = (
                _("No enterprise of this name in the registry: give its credit code.")
                if not found
                else _("Several enterprises have this name: give the credit code.")
            )
            return None
        enterprise = found[0]
    else:
        errors["credit_code"] = _("Give the enterprise's credit code or its registered name.")
        return None
    if enterprise.pk not in visible:
        errors["credit_code" if code else "enterprise"] = _("This enterprise is registered outside your area.")
        return None
    return enterprise


def _mark_known(planned: list[dict], lines: list) -> None:
    """Rows whose line is already in the ledger (from any source) are counted and left alone."""
    valid = [line for line in lines if line is not None]
    if not valid:
        return
    existing = set(
        Benefit.objects.filter(
            enterprise_id__in={line.enterprise.pk for line in valid}, measure_id__in={line.measure.pk for line in valid}
        ).values_list("enterprise_id", "measure_id", "on", "amount", "relief")
    )
    for i, line in enumerate(lines):
        if line is not None and line.key in existing:
            planned[i]["action"] = Action.KNOWN
            lines[i] = None


# --- The write ----------------------------------------------------------------------------------------------------


def benefits_import(*, actor: User, lines: list[Line]) -> int:
    """The lines into the ledger as imported, all or none."""
    try:
        with transaction.atomic():
            created = Benefit.objects.bulk_create(
                Benefit(
                    enterprise=line.enterprise,
                    league_id=line.enterprise.league_id,
                    county_id=line.enterprise.county_id,
                    measure=line.measure,
                    amount=line.amount,
                    relief=line.relief,
                    on=line.on,
                    source=Benefit.Source.IMPORT,
                    delivery=line.delivery,
                    recorded_by=actor,
                )  # fmt: skip
                for line in lines
            )
    except IntegrityError:
        # Another import of the same lines got there first: this one saves nothing.
        return -1
    return len(created)


class BenefitImporter(Importer):
    kind = "policies.benefits"
    columns = COLUMNS
    counted = (
        (Action.CREATE, gettext_lazy("To add to the ledger")),
        (Action.KNOWN, gettext_lazy("Already in the ledger")),
        (Action.SKIP, gettext_lazy("Totals and empty rows, skipped")),
        (Action.ERROR, gettext_lazy("Rows with errors")),
    )
    writes = committed = (Action.CREATE,)
    template = "policies/benefit_import_preview.html"

    def plan_chunk(self, *, user, rows, scan, options) -> list[dict]:  # noqa: ARG002
        measures = options.setdefault("_measures", Measures(user))
        return plan_rows(user=user, rows=rows, measures=measures, seen=options.setdefault("_seen", {}))[0]

    def commit_chunk(self, *, user, rows) -> dict:
        """The rows checked again (the ledger or the registry may have changed since the preview), then saved."""
        again = []
        for stored in rows:
            values, errors = parse_row(COLUMNS, stored["raw"])
            again.append(Row(number=stored["row"], raw=stored["raw"], values=values, errors=errors))
        planned, lines = plan_rows(user=user, rows=again, measures=Measures(user))
        failed = [{"row": p["row"], "column": k, "message": m} for p in planned for k, m in p["errors"].items()]
        if failed:
            return {"created": 0, "failed": failed}
        created = benefits_import(actor=user, lines=[line for line in lines if line is not None])
        if created < 0:
            meanwhile = _("These lines were saved meanwhile by another import.")
            return {"created": 0, "failed": [{"row": rows[0]["row"], "column": "", "message": meanwhile}]}
        return {"created": created, "known": sum(p["action"] == Action.KNOWN for p in planned)}


IMPORTER = BenefitImporter()
