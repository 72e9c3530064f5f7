"""The export of loans falling due and of a fund's loans, their columns declared once."""

from django.utils.translation import gettext_lazy as _

from fugong.core.excel import Column

LOAN_COLUMNS = [
    Column("enterprise", _("Enterprise name"), aliases=("企业名称",), width=32, export=lambda r: r.enterprise.name),
    Column(
        "credit_code",
        _("Credit code"),
        aliases=("统一社会信用代码",),
        width=22,
        export=lambda r: r.enterprise.credit_code,
    ),
    Column("league", _("League"), aliases=("盟市",), width=12, export=lambda r: r.league.name),
    Column("bank", _("Bank"), aliases=("贷款银行",), width=24, export=lambda r: r.bank.name),
    Column("amount", _("Loan amount (10k yuan)"), aliases=("贷款金额（万元）",), width=14, export=lambda r: r.amount),
    Column("granted_on", _("Loan date"), aliases=("放款日",), width=12, export=lambda r: r.granted_on),
    Column("due_on", _("Due date"), aliases=("到期日",), width=12, export=lambda r: r.due_on),
    Column(
        "requested",
        _("Arrangement asked"),
        aliases=("申请方式",),
        width=20,
        export=lambda r: str(r.get_requested_display()),
    ),
    Column(
        "guarantor",
        _("Guarantee institution"),
        aliases=("担保机构",),
        width=20,
        export=lambda r: r.guarantor.name if r.guarantor_id else "",
    ),
    Column("state", _("State"), aliases=("状态",), width=10, export=lambda r: str(r.get_state_display())),
    Column(
        "arranged", _("Arrangement"), aliases=("办理方式",), width=20, export=lambda r: str(r.get_arranged_display())
    ),
    Column(
        "arranged_amount",
        _("Arranged (10k yuan)"),
        aliases=("办理金额（万元）",),
        width=14,
        export=lambda r: r.arranged_amount,
    ),
    Column("new_due_on", _("New due date"), aliases=("新到期日",), width=12, export=lambda r: r.new_due_on),
    Column(
        "declined_reason", _("Reason declined"), aliases=("未办理原因",), width=24, export=lambda r: r.declined_reason
    ),
]

FUND_LOAN_COLUMNS = [
    Column("enterprise", _("Enterprise name"), aliases=("企业名称",), width=32, export=lambda r: r.enterprise.name),
    Column(
        "credit_code",
        _("Credit code"),
        aliases=("统一社会信用代码",),
        width=22,
        export=lambda r: r.enterprise.credit_code,
    ),
    Column("league", _("League"), aliases=("盟市",), width=12, export=lambda r: r.league.name),
    Column("bank", _("Bank"), aliases=("贷款银行",), width=24, export=lambda r: r.bank.name),
    Column("amount", _("Amount (10k yuan)"), aliases=("贷款金额（万元）",), width=14, export=lambda r: r.amount),
    Column("rate", _("Annual rate (%)"), aliases=("年利率（%）",), width=10, export=lambda r: r.rate),
    Column("term", _("Term (months)"), aliases=("期限（月）",), width=10, export=lambda r: r.term_months),
    Column("granted_on", _("Granted on"), aliases=("放款日",), width=12, export=lambda r: r.granted_on),
]
