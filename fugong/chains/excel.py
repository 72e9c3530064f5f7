"""The exports of needs and offers and of the chains, their columns declared once."""

from django.utils.translation import gettext_lazy as _

from fugong.core.excel import Column

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
