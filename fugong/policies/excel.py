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


# A programme's stage list as the department files it: title row, 序号, enterprise, credit code, league, the amounts
# and scores of the stage, and a signature and date footer.
def _score(attr):
    return lambda a: getattr(a.scores, attr)


STAGE_COLUMNS = {
    c.key: c
    for c in [
        Column("serial", _("No."), aliases=("序号",), width=6),
        Column("enterprise", _("Enterprise name"), aliases=("企业名称",), width=32, export=lambda a: a.enterprise.name),
        Column(
            "credit_code",
            _("Credit code"),
            aliases=("统一社会信用代码",),
            width=22,
            export=lambda a: a.enterprise.credit_code,
        ),
        Column("league", _("League"), aliases=("盟市",), width=12, export=lambda a: a.league.name),
        Column("requested_amount", _("Amount requested (10k yuan)"), aliases=("申请金额（万元）",), width=14),
        Column("submitted_on", _("Submitted on"), aliases=("申报日期",), width=12),
        Column("experts", _("Experts scored"), aliases=("评审专家数",), width=10, export=_score("count")),
        Column("average", _("Average score"), aliases=("平均分",), width=10, export=_score("average")),
        Column("spread", _("Spread (highest − lowest)"), aliases=("极差",), width=12, export=_score("spread")),
        Column("proposed", _("Amount proposed (10k yuan)"), aliases=("拟支持金额（万元）",), width=14,
               export=lambda a: getattr(getattr(a, "notice_entry", None), "amount", None)),
        Column("awarded_amount", _("Awarded (10k yuan)"), aliases=("支持金额（万元）",), width=14),
        Column("awarded_on", _("Awarded on"), aliases=("下达日期",), width=12),
        Column("disbursed_amount", _("Disbursed (10k yuan)"), aliases=("拨付金额（万元）",), width=14),
        Column("disbursed_on", _("Disbursed on"), aliases=("拨付日期",), width=12),
    ]
}  # fmt: skip
_BASE = ["serial", "enterprise", "credit_code", "league", "requested_amount"]
STAGE_FORMS = {
    "league": [*_BASE, "submitted_on"],
    "region": [*_BASE, "submitted_on"],
    "scoring": [*_BASE, "experts", "average", "spread"],
    "shortlist": [*_BASE, "experts", "average", "spread"],
    "notice": [*_BASE, "average", "proposed"],
    "awarded": [*_BASE, "average", "awarded_amount", "awarded_on"],
    "disbursed": [*_BASE, "awarded_amount", "disbursed_amount", "disbursed_on"],
}
FOOTER = ("填报单位（盖章）：", "负责人（签字）：　　　　　　经办人（签字）：　　　　　　日期：　　年　　月　　日")


def stage_columns(stage: str) -> list[Column]:
    return [STAGE_COLUMNS[key] for key in STAGE_FORMS[stage]]


def stage_rows(applications, stage: str):
    columns = stage_columns(stage)
    for n, a in enumerate(applications, start=1):
        a.serial = n
        yield [c.value_of(a) for c in columns]


NOTICE_COLUMNS = [
    Column("serial", _("No."), aliases=("序号",), width=6),
    Column("enterprise", _("Enterprise name"), aliases=("企业名称",), width=32, export=lambda e: e.enterprise.name),
    Column(
        "credit_code",
        _("Credit code"),
        aliases=("统一社会信用代码",),
        width=22,
        export=lambda e: e.enterprise.credit_code,
    ),
    Column("league", _("League"), aliases=("盟市",), width=12, export=lambda e: e.league.name),
    Column("county", _("County"), aliases=("旗县",), width=12, export=lambda e: e.county.name),
    Column("score", _("Average score"), aliases=("平均分",), width=10),
    Column("amount", _("Amount proposed (10k yuan)"), aliases=("拟支持金额（万元）",), width=14),
    Column("removed_reason", _("Reason removed"), aliases=("撤销原因",), width=24),
]


def notice_rows(entries):
    for n, e in enumerate(entries, start=1):
        e.serial = n
        yield [c.value_of(e) for c in NOTICE_COLUMNS]
