"""The printable visit plan (走访计划表), its columns declared once."""

from django.utils.translation import gettext_lazy as _

from fugong.core.excel import Column

PLAN_COLUMNS = [
    Column("serial", _("No."), aliases=("序号",), width=6),
    Column("day", _("Day"), aliases=("计划日期",), width=12, export=lambda r: r.item.day),
    Column("league", _("League"), aliases=("盟市",), width=12, export=lambda r: r.item.league.name),
    Column("county", _("County"), aliases=("旗县",), width=12, export=lambda r: r.item.county.name),
    Column("park", _("Park"), aliases=("园区",), width=24, export=lambda r: r.item.park.name if r.item.park_id else ""),
    Column(
        "enterprise", _("Enterprise name"), aliases=("企业名称",), width=32, export=lambda r: r.item.enterprise.name
    ),
    Column(
        "credit_code",
        _("Credit code"),
        aliases=("统一社会信用代码",),
        width=22,
        export=lambda r: r.item.enterprise.credit_code,
    ),
    Column("done", _("Visited"), aliases=("是否已走访",), width=10, export=lambda r: "✓" if r.done else ""),
    Column("visited_on", _("Visited on"), aliases=("走访日期",), width=12, export=lambda r: r.visited_on),
    Column("note", _("Note"), aliases=("备注",), width=20, export=lambda _r: ""),
]


def plan_rows(progress):
    for n, row in enumerate(progress.rows, start=1):
        row.serial = n
        yield [c.value_of(row) for c in PLAN_COLUMNS]
