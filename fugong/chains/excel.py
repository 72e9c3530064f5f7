"""The exports of needs and offers, of the pairings and of the chains, their columns declared once."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from fugong import access
from fugong.chains import services
from fugong.chains.models import ChainLink, LinkRole
from fugong.core.excel import Column, Row, parse_row, parse_text
from fugong.core.imports import Importer
from fugong.core.text import clean
from fugong.enterprises.models import Enterprise, Tag

POST_COLUMNS = [
    Column("enterprise", _("Enterprise"), width=30, export=lambda p: p.enterprise.name),
    Column("credit_code", _("Credit code"), width=22, export=lambda p: p.enterprise.credit_code),
    Column("league", _("League"), width=12, export=lambda p: p.league.name),
    Column("side", _("Need or offer"), width=8, export=lambda p: str(p.get_side_display())),
    Column("category", _("Category"), width=10, export=lambda p: str(p.get_category_display())),
    Column("product", _("Product or service"), width=24),
    Column("quantity", _("Quantity or capacity"), width=14),
    Column("on", _("Needed by, or available from"), width=12),
    Column("industry", _("Industry"), width=20, export=lambda p: p.industry.name),
    Column("posted_on", _("Posted on"), width=12),
    Column("expires_on", _("Listed until"), width=12),
    Column("state", _("State"), width=8, export=lambda p: str(p.get_state_display())),
]

PAIRING_COLUMNS = [
    Column("paired_on", _("Paired on"), width=12),
    Column("league", _("League"), width=12, export=lambda p: p.league.name),
    Column("enterprise", _("Needing enterprise"), width=30, export=lambda p: p.enterprise.name),
    Column("credit_code", _("Credit code"), width=22, export=lambda p: p.enterprise.credit_code),
    Column("need", pgettext_lazy("chains", "Need"), width=24, export=lambda p: p.need.product),
    Column("supplier", _("Supplying enterprise"), width=30, export=lambda p: p.supplier.name),
    Column("supplier_code", _("Supplier's credit code"), width=22, export=lambda p: p.supplier.credit_code),
    Column("offer", _("Offer"), width=24, export=lambda p: p.offer.product),
    Column("state", _("State"), width=8, export=lambda p: str(p.get_state_display())),
    Column("failed_reason", _("Reason it failed"), width=30),
]

LINK_COLUMNS = [
    Column("leader", _("Leading enterprise"), width=30, export=lambda r: r.link.leader.name),
    Column("leader_code", _("Credit code"), width=22, export=lambda r: r.link.leader.credit_code),
    Column("relation", _("Supplier or customer"), width=8, export=lambda r: str(r.link.get_relation_display())),
    Column("partner", _("Partner"), width=30, export=lambda r: r.link.partner.name),
    Column("partner_code", _("Partner's credit code"), width=22, export=lambda r: r.link.partner.credit_code),
    Column("partner_league", _("League"), width=12, export=lambda r: r.link.partner.league.name),
    Column("product", _("Product"), width=20, export=lambda r: r.link.product),
    Column("status", _("Status on the day"), width=12, export=lambda r: r.status_label),
]


# --- The import of chain links (the one import flow, whole or not at all) -----------------------------------

_SUPPLIER_WORDS = {"supplier", "供应商", "上游", "供应", "上游供应商"}
_CUSTOMER_WORDS = {"customer", "客户", "下游", "下游客户", "采购商"}


def parse_relation(value) -> str:
    text = parse_text(value).lower()
    if text in _SUPPLIER_WORDS or text == str(LinkRole.SUPPLIER.label).lower():
        return LinkRole.SUPPLIER
    if text in _CUSTOMER_WORDS or text == str(LinkRole.CUSTOMER.label).lower():
        return LinkRole.CUSTOMER
    raise ValueError(gettext("Write 上游 (supplier) or 下游 (customer), not “%(value)s”.") % {"value": value})


IMPORT_COLUMNS = [
    Column(
        "leader", _("Credit code of the leading enterprise"), aliases=("龙头企业统一社会信用代码", "龙头企业信用代码"),
        width=22, required=True,
    ),
    Column("leader_name", _("Leading enterprise"), aliases=("龙头企业", "龙头企业名称"), width=28),
    Column(
        "relation", _("Supplier or customer"), aliases=("上下游", "配套类型", "关系"), width=10,
        parse=parse_relation, required=True,
    ),
    Column(
        "partner", _("Partner's credit code"), aliases=("配套企业统一社会信用代码", "配套企业信用代码"), width=22,
        required=True,
    ),
    Column("partner_name", _("Partner"), aliases=("配套企业", "配套企业名称"), width=28),
    Column("product", _("Product"), aliases=("配套产品", "产品"), width=20),
]  # fmt: skip
IMPORT_KEYS = {c.key for c in IMPORT_COLUMNS}


def plan_links(*, user, rows: list[Row], seen: dict | None = None) -> list[dict]:
    seen = {} if seen is None else seen
    codes = {clean(r.values.get(k) or "").upper() for r in rows for k in ("leader", "partner")}
    registry = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
    leaders = set(
        access.visible_enterprises(user)
        .filter(credit_code__in=codes, tags=Tag.Code.LEADING)
        .values_list("credit_code", flat=True)
    )
    existing = set(
        ChainLink.objects.filter(leader__credit_code__in=leaders).values_list(
            "leader__credit_code", "partner__credit_code", "relation"
        )
    )
    planned = []
    for row in rows:
        v, errors = row.values, dict(row.errors)
        leader = clean(v.get("leader") or "").upper()
        partner = clean(v.get("partner") or "").upper()
        if leader and "leader" not in errors:
            if leader not in leaders:
                errors["leader"] = gettext("No leading enterprise with this credit code in your area.")
            elif not access.can_edit_chain_links(user, registry[leader]):
                errors["leader"] = gettext("You cannot edit this enterprise's chain.")
        if partner and "partner" not in errors:
            if partner not in registry:
                errors["partner"] = gettext("No enterprise with this credit code in the registry.")
            elif partner == leader:
                errors["partner"] = gettext("An enterprise is not its own supplier or customer.")
        same = (leader, partner, v.get("relation"))
        if not errors:
            if same in seen:
                errors["partner"] = gettext("The same link as row %(row)d.") % {"row": seen[same]}
            elif same in existing:
                errors["partner"] = gettext("Already in this chain.")
        seen.setdefault(same, row.number)
        planned.append(
            {
                "row": row.number, "raw": row.raw, "action": "error" if errors else "create", "errors": errors,
                "leader": registry[leader].name if leader in registry else "",
                "partner": registry[partner].name if partner in registry else "",
            }
        )  # fmt: skip
    return planned


class LinkImporter(Importer):
    kind = "chains.links"
    columns = IMPORT_COLUMNS
    counted = (("create", _("To add to the chains")), ("error", _("Rows with errors")))
    writes = committed = ("create",)
    template = "chains/import_preview.html"

    def plan_chunk(self, *, user, rows, scan, options) -> list[dict]:
        return plan_links(user=user, rows=rows, seen=options.setdefault("_seen", {}))

    def commit_chunk(self, *, user, rows) -> dict:
        again = []
        for stored in rows:
            values, errors = parse_row(IMPORT_COLUMNS, stored["raw"])
            again.append(Row(number=stored["row"], raw=stored["raw"], values=values, errors=errors))
        planned = plan_links(user=user, rows=again)
        failed = [{"row": p["row"], "column": k, "message": m} for p in planned for k, m in p["errors"].items()]
        if failed:
            return {"created": 0, "failed": failed}
        codes = {clean(r.values[k]).upper() for r in again for k in ("leader", "partner")}
        registry = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        try:
            with transaction.atomic():
                for r in again:
                    services.link_create(
                        actor=user, leader=registry[clean(r.values["leader"]).upper()],
                        partner=registry[clean(r.values["partner"]).upper()], relation=r.values["relation"],
                        product=r.values.get("product") or "",
                    )  # fmt: skip
        except ValidationError as e:
            return {"created": 0, "failed": [{"row": rows[0]["row"], "column": "", "message": " ".join(e.messages)}]}
        return {"created": len(again)}


LINK_IMPORTER = LinkImporter()
