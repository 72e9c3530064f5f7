"""The batch file sent with a referral batch, its columns declared once."""

from django.utils.translation import gettext_lazy as _

from fugong.core.excel import Column

COLUMNS = [
    Column("serial", _("No."), aliases=("序号",), width=6),
    Column("enterprise", _("Enterprise name"), aliases=("企业名称",), width=32, export=lambda r: r.enterprise.name),
    Column(
        "credit_code",
        _("Credit code"),
        aliases=("统一社会信用代码",),
        width=22,
        export=lambda r: r.enterprise.credit_code,
    ),
    Column("league", _("League"), aliases=("盟市",), width=12, export=lambda r: r.league.name),
    Column("county", _("County"), aliases=("旗县",), width=12, export=lambda r: r.county.name),
    Column("industry", _("Industry"), aliases=("行业",), width=20, export=lambda r: r.enterprise.industry.name),
    Column(
        "amount", _("Amount needed (10k yuan)"), aliases=("融资需求（万元）",), width=14, export=lambda r: r.need.amount
    ),
    Column("purpose", _("Purpose"), aliases=("资金用途",), width=28, export=lambda r: r.need.purpose),
    Column("term", _("Term (months)"), aliases=("期限（月）",), width=10, export=lambda r: r.need.term_months),
    Column("collateral", _("Collateral"), aliases=("担保方式",), width=20, export=lambda r: r.need.collateral),
    Column(
        "urgency", _("Urgency"), aliases=("紧急程度",), width=10, export=lambda r: str(r.need.get_urgency_display())
    ),
    Column("contact_name", _("Contact"), aliases=("联系人",), width=10, export=lambda r: r.contact_name),
    Column("contact_phone", _("Contact phone"), aliases=("联系电话",), width=14, export=lambda r: r.contact_phone),
    Column("state", _("State"), aliases=("状态",), width=10, export=lambda r: str(r.get_state_display())),
]


def rows(referrals, contact):
    for n, r in enumerate(referrals, start=1):
        r.serial = n
        r.contact_name, r.contact_phone = contact(r.enterprise)
        yield [c.value_of(r) for c in COLUMNS]
