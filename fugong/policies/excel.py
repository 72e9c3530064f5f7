"""The list of enterprises eligible for a measure, as the department files it; columns declared once."""

from django.utils.translation import gettext_lazy as _

from fugong.core.excel import Column

ELIGIBLE_COLUMNS = [
    Column("serial", _("No."), aliases=("序号",), width=6),
    Column("name", _("Enterprise name"), aliases=("企业名称",), width=32),
    Column("credit_code", _("Credit code"), aliases=("统一社会信用代码",), width=22),
    Column("league", _("League"), aliases=("盟市",), width=12, export=lambda e: e.league.name),
    Column("county", _("County"), aliases=("旗县",), width=12, export=lambda e: e.county.name),
    Column("industry", _("Industry"), aliases=("行业",), width=20, export=lambda e: e.industry.name),
    Column("size_class", _("Size class"), aliases=("规模",), width=8, export=lambda e: str(e.get_size_class_display())),
    Column("employees", _("Employees"), aliases=("从业人数",), width=10),
]


def eligible_rows(enterprises):
    for n, e in enumerate(enterprises, start=1):
        e.serial = n
        yield [c.value_of(e) for c in ELIGIBLE_COLUMNS]


BENEFIT_COLUMNS = [
    Column("serial", _("No."), aliases=("序号",), width=6),
    Column("enterprise", _("Enterprise name"), aliases=("企业名称",), width=32, export=lambda b: b.enterprise.name),
    Column(
        "credit_code",
        _("Credit code"),
        aliases=("统一社会信用代码",),
        width=22,
        export=lambda b: b.enterprise.credit_code,
    ),
    Column("league", _("League"), aliases=("盟市",), width=12, export=lambda b: b.league.name),
    Column("county", _("County"), aliases=("旗县",), width=12, export=lambda b: b.county.name),
    Column("measure", _("Measure"), aliases=("政策措施",), width=30, export=lambda b: b.measure.title),
    Column("amount", _("Amount (10k yuan)"), aliases=("金额（万元）",), width=12),
    Column("on", _("Date"), aliases=("日期",), width=12),
    Column("source", _("Source"), aliases=("方式",), width=10, export=lambda b: str(b.get_source_display())),
]


def benefit_rows(benefits):
    for n, b in enumerate(benefits, start=1):
        b.serial = n
        yield [c.value_of(b) for c in BENEFIT_COLUMNS]
