"""The catalogue's workbooks, their columns declared once: the feed in a fixed layout, and the figures."""

from dataclasses import replace

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.core.excel import Column, ExtraSheet, export_rows, write_xlsx


def _free_months(p) -> str:
    return str(p.free_months) if p.free_months else "疫情期间"


# The feed's layout is fixed (platforms map its columns once): always these columns, in this order, in Chinese.
FEED_COLUMNS = [
    Column("number", gettext_lazy("Catalogue number"), width=10),
    Column("name", gettext_lazy("Product name"), width=28),
    Column("category", gettext_lazy("Product category"), width=12, export=lambda p: str(p.get_category_display())),
    Column("provider", gettext_lazy("Provider"), width=28, export=lambda p: p.provider.name),
    Column("provider_code", gettext_lazy("Provider credit code"), width=22, export=lambda p: p.provider.credit_code),
    Column("description", gettext_lazy("What it does"), width=40),
    Column("free_terms", gettext_lazy("What is free"), width=28),
    Column("free_months", gettext_lazy("Free period (months)"), width=10, export=_free_months),
    Column("limits", gettext_lazy("Limits"), width=20),
    Column("delivery", gettext_lazy("Delivery"), width=10, export=lambda p: str(p.get_delivery_display())),
    Column("link", gettext_lazy("Link"), width=30),
    Column("industries", gettext_lazy("Industries suited"), width=16, export=lambda p: p.industry_codes),
    Column("contact_name", gettext_lazy("Contact"), width=10),
    Column("contact_phone", gettext_lazy("Contact phone"), width=14),
    Column(
        "status",
        gettext_lazy("Listing status"),
        width=8,
        export=lambda p: _("Withdrawn") if p.withdrawn_at else _("Listed"),
    ),
    Column("updated_at", gettext_lazy("Updated"), width=20, export=lambda p: p.feed_updated_at.isoformat()),
]


def feed_workbook(products) -> bytes:
    with translation.override("zh-hans"):
        return write_xlsx(FEED_COLUMNS, export_rows(FEED_COLUMNS, products), title=_("IT product catalogue"))


TALLY_COLUMNS = [
    Column("label", gettext_lazy("Name"), width=28),
    Column("products", gettext_lazy("Products"), width=10),
    Column("claims", gettext_lazy("Claims"), width=10),
    Column("enterprises", gettext_lazy("Enterprises that claimed"), width=12, export=lambda t: t.enterprise_count),
    Column("delivered", gettext_lazy("Delivered"), width=10),
    Column("declined", gettext_lazy("Declined"), width=10),
    Column("rating", gettext_lazy("Average rating"), width=10, export=lambda t: t.average_rating or ""),
]


def figures_workbook(figures, vouchers=None) -> bytes:
    headers = [str(c.label) for c in TALLY_COLUMNS]
    sheets = [
        ExtraSheet(str(name), headers, list(export_rows(TALLY_COLUMNS, rows)), [c.width for c in TALLY_COLUMNS])
        for name, rows in (
            (_("By provider"), figures.by_provider),
            (_("By league"), figures.by_league),
            (_("By product"), figures.by_product),
        )
    ]
    if vouchers is not None:
        sheets += voucher_sheets(vouchers)
    return write_xlsx(
        TALLY_COLUMNS,
        export_rows(TALLY_COLUMNS, [*figures.by_category, replace(figures.total, label=_("Total"))]),
        title=_("IT product uptake"),
        subtitle=figures.as_of.isoformat(),
        sheet_name=str(_("By category")),
        extra_sheets=sheets,
    )


# --- Cloud-service vouchers -------------------------------------------------------------------------------


def _wan(amount) -> str:
    from fugong.catalogue.vouchers import wan

    return wan(amount) if amount is not None else ""


VOUCHER_COLUMNS = [
    Column("number", gettext_lazy("Voucher number"), width=14),
    Column("programme", gettext_lazy("Voucher programme"), width=24, export=lambda v: v.programme.name),
    Column("enterprise", gettext_lazy("Enterprise"), width=28, export=lambda v: v.enterprise.name),
    Column("credit_code", gettext_lazy("Credit code"), width=22, export=lambda v: v.enterprise.credit_code),
    Column("league", gettext_lazy("League"), width=12, export=lambda v: v.league.display_name),
    Column("face_value", gettext_lazy("Face value (10k yuan)"), width=10, export=lambda v: _wan(v.face_value)),
    Column("state", gettext_lazy("State"), width=12, export=lambda v: str(v.get_state_display())),
    Column("issued_on", gettext_lazy("Voucher issued on"), width=12, export=lambda v: v.issued_on.isoformat()),
    Column("provider", gettext_lazy("Provider"), width=28, export=lambda v: v.provider.name if v.provider else ""),
    Column(
        "product",
        gettext_lazy("IT product"),
        width=28,
        export=lambda v: f"{v.claim.product.number} {v.claim.product.name}" if v.claim else "",
    ),  # fmt: skip
    Column(
        "redeemed_on",
        gettext_lazy("Redeemed on"),
        width=12,
        export=lambda v: v.redeemed_on.isoformat() if v.redeemed_on else "",
    ),  # fmt: skip
    Column("paid_on", gettext_lazy("Paid on"), width=12, export=lambda v: v.paid_on.isoformat() if v.paid_on else ""),
    Column("paid_amount", gettext_lazy("Amount paid (10k yuan)"), width=10, export=lambda v: _wan(v.paid_amount)),
]


def vouchers_workbook(vouchers, *, subtitle: str = "") -> bytes:
    return write_xlsx(
        VOUCHER_COLUMNS, export_rows(VOUCHER_COLUMNS, vouchers), title=_("Cloud-service vouchers"), subtitle=subtitle
    )


VOUCHER_TALLY_COLUMNS = [
    Column("label", gettext_lazy("Name"), width=20),
    Column("issued", gettext_lazy("Vouchers issued"), width=10),
    Column("issued_amount", gettext_lazy("Issued (10k yuan)"), width=10, export=lambda t: _wan(t.issued_amount)),
    Column("redeemed", gettext_lazy("Vouchers redeemed"), width=10),
    Column("redeemed_amount", gettext_lazy("Redeemed (10k yuan)"), width=10, export=lambda t: _wan(t.redeemed_amount)),
    Column("in_review", gettext_lazy("In review"), width=10),
    Column("paid", gettext_lazy("Vouchers paid"), width=10),
    Column("paid_amount", gettext_lazy("Paid (10k yuan)"), width=10, export=lambda t: _wan(t.paid_amount)),
    Column("expired", gettext_lazy("Expired or carried over"), width=10),
]


def voucher_sheets(figures) -> list:
    headers = [str(c.label) for c in VOUCHER_TALLY_COLUMNS]
    widths = [c.width for c in VOUCHER_TALLY_COLUMNS]
    total = replace(figures.total, label=_("Total"))
    return [
        ExtraSheet(str(name), headers, list(export_rows(VOUCHER_TALLY_COLUMNS, rows)), widths)
        for name, rows in (
            (_("Vouchers by league"), [*figures.by_league, total]),
            (_("Vouchers by category"), [*figures.by_category, total]),
        )
    ]
