"""The work brief (工作简报): the figures of a date and scope written in the house style of the seed.

Rules (DESIGN.md, dispatch semantics): rates to one decimal, a trailing ".0" dropped; people in
万人 to one decimal (under ten thousand, in 人); counts in 户 (projects in 个); full-width
punctuation. The brief is a Chinese document whatever the interface language.

A brief is a list of sections. Each section is a function of a BriefContext answering a Section or
None (nothing to say); other apps add theirs with `register`, e.g. in their AppConfig.ready():

    brief.register("problems", problems_section, order=60)
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from fugong.accounts.models import User
from fugong.analytics import selectors
from fugong.analytics.figures import Figures, Scope, breakdown, change, figures
from fugong.analytics.selectors import IN_SCOPE
from fugong.areas import naming
from fugong.areas.models import Area
from fugong.dispatch.models import PeriodType
from fugong.enterprises.models import Industry, Tag


def rate_text(value: Decimal | None) -> str:
    """65.0 -> "65", 64.49 -> "64.5"; None (nothing to divide by) -> "0"."""
    rounded = selectors.one_decimal(value if value is not None else Decimal(0))
    text = f"{rounded:.1f}"
    return text[:-2] if text.endswith(".0") else text


def people_text(n: int) -> str:
    """687000 -> "68.7万人"; 3456 -> "3456人"."""
    if n < 10_000:
        return f"{n}人"
    wan = (Decimal(n) / 10_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{wan:.1f}"
    return f"{text[:-2] if text.endswith('.0') else text}万人"


def money_text(amount: Decimal) -> str:
    """An amount in 10k yuan: 亿元 to two decimals from 10,000 on, else 万元 to one decimal."""
    if amount >= 10_000:
        yi = (Decimal(amount) / 10_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{yi.normalize():f}亿元"
    wan = Decimal(amount).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{wan.normalize():f}万元"


def change_text(now: int, before: int, unit: str = "户") -> str:
    delta = now - before
    if delta == 0:
        return "与前一日持平"
    return f"比前一日{'增加' if delta > 0 else '减少'}{abs(delta)}{unit}"


def date_text(day: date) -> str:
    return f"{day.month}月{day.day}日"


NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """Chinese numerals for the headings, 1 to 99: 一 … 十, 十一 … 十九, 二十, 二十一 …"""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else NUMERALS[tens - 1] + "十"
    return head + (NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class BriefContext:
    user: User
    as_of: date
    scope: Scope
    area: str  # 全区, a league, a county
    figures: Figures
    previous: Figures


@dataclass(frozen=True)
class Section:
    key: str
    heading: str  # without number or full stop: "重点项目情况"; "" for the opening paragraph
    text: str


@dataclass(frozen=True)
class Brief:
    title: str
    as_of: date
    area: str
    sections: list[Section] = field(default_factory=list)
    issuer: str = ""  # the issuing body: 内蒙古自治区工业和信息化厅, 包头市工业和信息化局
    issue: int | None = None  # the issue number (期号), counted from the emergency's first brief day
    file_name: str = ""

    @property
    def date_line(self) -> str:
        return f"{self.as_of.year}年{self.as_of.month}月{self.as_of.day}日"

    @property
    def issue_line(self) -> str:
        return f"第{self.issue}期" if self.issue else ""

    @property
    def headline(self) -> str:
        return self.sections[0].text if self.sections else ""

    @property
    def paragraphs(self) -> list[tuple[str, str]]:
        """(heading, text) in order; headings are numbered 一、二、… as the sections come."""
        out, n = [], 0
        for s in self.sections:
            if s.heading:
                n += 1
                out.append((f"{numeral(n)}、{s.heading}。", s.text))
            else:
                out.append(("", s.text))
        return out

    @property
    def text(self) -> str:
        body = "\n".join(heading + text for heading, text in self.paragraphs)
        return f"{self.title}\n{self.date_line}\n\n{body}\n"


SectionFunction = Callable[[BriefContext], Section | None]
_SECTIONS: list[tuple[int, str, SectionFunction]] = []


def register(key: str, function: SectionFunction, *, order: int) -> None:
    """Adds (or replaces) a section; sections are written in `order` (the headline is 10, reporting 90)."""
    _SECTIONS[:] = [s for s in _SECTIONS if s[1] != key]
    _SECTIONS.append((order, key, function))
    _SECTIONS.sort(key=lambda s: (s[0], s[1]))


def unregister(key: str) -> None:
    _SECTIONS[:] = [s for s in _SECTIONS if s[1] != key]


def sections() -> list[str]:
    return [key for _order, key, _f in _SECTIONS]


def subject(scope: Scope) -> str:
    return "规模以上工业企业" if scope.above_scale else "工业企业"


def headline(ctx: BriefContext) -> Section:
    f = ctx.figures
    if not f.enterprises:
        return Section("headline", "", f"截至{date_text(ctx.as_of)}，{ctx.area}暂无{subject(ctx.scope)}纳入调度。")
    text = (
        f"截至{date_text(ctx.as_of)}，{ctx.area}{subject(ctx.scope)}复工复产企业达到{f.production_resumed}户，"
        f"复产率{rate_text(f.resumption_rate)}%；员工返岗人数{people_text(f.on_duty)}，"
        f"到岗率{rate_text(f.on_duty_rate)}%。"
    )
    p = ctx.previous
    if p.enterprises:
        text += (
            f"复产企业{change_text(f.production_resumed, p.production_resumed)}，"
            f"产能恢复率{rate_text(f.capacity_recovery)}%。"
        )
    return Section("headline", "", text)


def areas(ctx: BriefContext) -> Section | None:
    level = selectors.ranking_level(user=ctx.user, scope=ctx.scope)
    if not level:
        return None
    table = selectors.table(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope, by=level)
    # The brief names areas in Chinese whatever the interface language.
    names = dict(Area.objects.filter(code__in=[r.code for r in table.rows]).values_list("code", "name"))
    main = [r for r in table.rows if not r.separately_listed and r.row.figures.enterprises]
    if not main:
        return None
    listed = "、".join(f"{names.get(r.code, r.name)}{rate_text(r.row.figures.resumption_rate)}%" for r in main)
    word = "盟市" if level == "league" else "旗县（市、区）"
    text = f"分{word}看，复产率由高到低依次为：{listed}。"
    single = [r for r in table.rows if r.separately_listed and r.row.figures.enterprises]
    if single:
        text += "计划单列市中，" + "；".join(
            f"{names.get(r.code, r.name)}复产{r.row.figures.production_resumed}户，"
            f"复产率{rate_text(r.row.figures.resumption_rate)}%"
            for r in single
        ) + "。"  # fmt: skip
    return Section("areas", "分地区情况", text)


def industries(ctx: BriefContext) -> Section | None:
    scope = replace(ctx.scope, tag=ctx.scope.tag or Tag.Code.KEY_INDUSTRY)
    rows = [r for r in breakdown(user=ctx.user, as_of=ctx.as_of, scope=scope, by="industry") if r.figures.enterprises]
    if not rows:
        return None
    rows.sort(key=lambda r: (-r.figures.enterprises, r.code))
    names = dict(Industry.objects.filter(code__in=[r.code for r in rows]).values_list("code", "name"))
    listed = "；".join(
        f"{names.get(r.code, r.name)}{r.figures.enterprises}户、复产{r.figures.production_resumed}户，"
        f"复产率{rate_text(r.figures.resumption_rate)}%"
        for r in rows
    )
    return Section("industries", "重点行业情况", f"重点行业中，{listed}。")


def leaders(ctx: BriefContext) -> Section | None:
    parts = []
    for code, word in ((Tag.Code.LEADING, "龙头企业"), (Tag.Code.BACKBONE, "骨干企业")):
        f = figures(user=ctx.user, as_of=ctx.as_of, scope=replace(ctx.scope, tag=code))
        if f.enterprises:
            parts.append(
                f"{word}{f.enterprises}户，已复产{f.production_resumed}户，复产率{rate_text(f.resumption_rate)}%，"
                f"到岗率{rate_text(f.on_duty_rate)}%，产能恢复率{rate_text(f.capacity_recovery)}%"
            )
    if not parts:
        return None
    return Section("leaders", "龙头骨干企业情况", "；".join(parts) + "。")


def projects(ctx: BriefContext) -> Section | None:
    p = selectors.project_figures(user=ctx.user, as_of=ctx.as_of, scope=ctx.scope)
    if not p.projects:
        return None
    text = (
        f"重点项目{p.projects}个，已开（复）工{p.started}个，开复工率{rate_text(p.start_rate)}%；"
        f"在岗施工人员{people_text(p.workers_on_site)}，本周完成投资{money_text(p.investment_week)}。"
    )
    return Section("projects", "重点项目情况", text)


def scope_words(scope: Scope) -> str:
    """Which enterprises a count is about, as the brief names them."""
    if scope.above_scale is None:
        return "纳入调度企业"
    return "规模以上工业企业" if scope.above_scale else "规模以下企业"


def reporting(ctx: BriefContext) -> Section:
    f = ctx.figures
    period = "当周" if ctx.scope.duty == PeriodType.WEEKLY else "当日"
    # The same words and the same scope as the completeness page and the dashboard (docs/terms.md).
    text = (
        f"{period}{scope_words(ctx.scope)}应报{f.due}户，已填报{f.filed}户，填报率{rate_text(f.reporting_rate)}%；"
        f"其中逾期填报{f.filed_late}户，未报{f.missing}户。"
    )
    return Section("reporting", "数据报送情况", text)


register("headline", headline, order=10)
register("areas", areas, order=20)
register("industries", industries, order=30)
register("leaders", leaders, order=40)
register("projects", projects, order=50)
register("reporting", reporting, order=90)


def brief(*, user: User, as_of: date, scope: Scope = IN_SCOPE) -> Brief:
    now, before = change(user=user, as_of=as_of, scope=scope)
    area = selectors.area_name(user=user, scope=scope)
    ctx = BriefContext(user=user, as_of=as_of, scope=scope, area=area, figures=now, previous=before)
    written = [s for _order, _key, function in list(_SECTIONS) if (s := function(ctx)) is not None]
    return Brief(
        title=f"{area}工业企业复工复产工作简报",
        as_of=as_of,
        area=area,
        sections=written,
        issuer=naming.issuing_body(user),
        issue=selectors.brief_issue(as_of),
        file_name=selectors.export_name(user=user, scope=scope, what="复工复产简报", day=as_of, ext="docx"),
    )
