"""The 问题清单: the ledger's export, its columns declared once."""

from django.utils.translation import gettext_lazy as _

from fugong.core.excel import Column
from fugong.problems.models import State


def _progress(p) -> str:
    if p.state in (State.RESOLVED, State.CONFIRMED) and p.resolution:
        return f"{p.get_state_display()}：{p.resolution}"
    if p.state == State.DECLINED:
        return f"{p.get_state_display()}：{getattr(p, 'last_comment', '') or ''}".rstrip("：")
    return str(p.get_state_display())


def _closed(p) -> str:
    # 销号: off the list once the enterprise confirmed it, or it was declined.
    return str(_("Yes")) if p.state in (State.CONFIRMED, State.DECLINED) else str(_("No"))


COLUMNS = [
    Column("serial", _("No."), aliases=("序号",), width=6),
    Column("league", _("League"), aliases=("盟市",), width=12, export=lambda p: p.league.name),
    Column("enterprise", _("Enterprise name"), aliases=("企业名称",), width=32, export=lambda p: p.enterprise.name),
    Column(
        "category",
        _("Problem category"),
        aliases=("问题类别",),
        width=14,
        export=lambda p: str(p.get_category_display()),
    ),
    Column("description", _("Problem description"), aliases=("问题描述",), width=48),
    Column(
        "department", _("Responsible department"), aliases=("责任部门",), width=24, export=lambda p: p.department.name
    ),
    Column(
        "handler",
        _("Responsible person"),
        aliases=("责任人",),
        width=14,
        export=lambda p: (p.handler.get_full_name() or p.handler.username) if p.handler_id else "",
    ),
    Column("due_on", _("Deadline"), aliases=("办理时限",), width=12),
    Column("progress", _("Progress"), aliases=("办理进展",), width=40, export=_progress),
    Column("closed", _("Closed off"), aliases=("是否销号",), width=10, export=_closed),
]


def rows(problems):
    for n, p in enumerate(problems, start=1):
        p.serial = n
        yield [c.value_of(p) for c in COLUMNS]
