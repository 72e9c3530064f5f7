"""The demo's problem ledger: planned from the seed in plain Python, then replayed day by day through the services.

Each day of February 2020 raises its problems, makes the moves planned for it and ends with the sweep
(escalation, automatic confirmation), so states, timelines and escalations are what the ledger itself
would have produced. Every category and every state appear, even in the small demo of the tests.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fugong.accounts.models import Department, Role, User
from fugong.problems import services
from fugong.problems.deadlines import add_working_days, is_workday
from fugong.problems.models import Attachment, Category, Problem, Source, State

FIRST_DAY = date(2020, 1, 27)
LAST_DAY = date(2020, 2, 29)
FULL_SIZE = 420
SHANGHAI = ZoneInfo("Asia/Shanghai")

DESCRIPTIONS = {
    "approvals": [
        "复工复产备案审批进度慢，需协调加快办理",
        "新建项目环评手续因疫情暂停受理",
        "安全生产许可证延期手续待办",
    ],
    "labour": ["外地员工返岗受隔离政策限制，到岗不足四成", "一线操作工短缺约{n}人", "返岗员工集中隔离场所不足"],
    "financing": ["流动资金贷款到期，申请续贷", "需要低息贷款{n}万元用于购买原料", "银行抽贷压贷，请求协调"],
    "backlog": [
        "产品库存积压{n}吨，下游客户未复工",
        "出口订单取消，库存积压严重",
        "乳制品库存接近保质期，急需销售渠道",
    ],
    "transport": [
        "运输车辆进出旗县卡口受阻",
        "司机跨盟市运输须隔离14天，原料运不进来",
        "铁路发运计划压减，产品发不出去",
    ],
    "raw_materials": ["主要原料焦煤供应中断", "外省辅料供应商未复工，原料只够{n}天", "包装材料供应不足"],
    "funding": ["防疫物资生产线改造资金缺口{n}万元", "申请中小企业发展专项资金", "社保缴费申请缓缴"],
    "qualifications": ["危险化学品经营许可证到期需恢复", "医疗器械生产资质审批", "特种设备检验合格证过期"],
    "inspection": ["口罩产品需送检，检测机构排期长", "新产品送检受阻", "防护服检验报告办理"],
    "epidemic_supplies": ["复工急需口罩{n}只、测温枪若干", "消毒液供应不足", "缺少员工防疫物资"],
    "arrears": ["政府项目工程款拖欠{n}万元", "大型企业拖欠货款，申请清欠", "应收账款回款困难"],
    "supply_chain": ["上游配套企业未复工影响生产", "下游整车厂停产，配套零部件无法交付", "产业链配套协同复工需协调"],
    "other": ["用电用气价格优惠政策咨询", "申请减免厂房租金", "复工疫情防控方案指导"],
    "policy": ["系统显示我企业不符合稳岗返还条件，实际已复产", "社保费减免未到账", "专精特新认定信息未更新"],
}
RESOLUTIONS = {
    "approvals": "开通绿色通道，已办结相关手续", "labour": "协调人社部门组织专车接返员工，缺口已补齐",
    "financing": "协调银行完成续贷", "backlog": "对接商务部门和电商平台拓展销售渠道",
    "transport": "协调交通运输厅办理重点物资运输通行证", "raw_materials": "协调上游企业优先供应原料",
    "funding": "已纳入专项资金支持名单", "qualifications": "资质已延期恢复",
    "inspection": "协调检测机构优先检测，已出具报告",
    "epidemic_supplies": "调配防疫物资已送达企业", "arrears": "已督促付款单位支付欠款",
    "supply_chain": "组织上下游企业对接，配套企业已复工", "other": "已答复企业并落实相关政策",
    "policy": "已核实企业信息，政策已兑现",
}  # fmt: skip
# The final state each problem is drawn towards, and how often.
OUTCOMES = [
    ("submitted", 8), ("accepted", 8), ("in_progress", 18), ("resolved", 14), ("confirmed", 34),
    ("reopened", 5), ("declined", 8), ("rerouted", 5),
]  # fmt: skip


@dataclass
class PlannedProblem:
    credit_code: str
    category: str
    urgency: str
    description: str
    raised_on: date
    moves: list[tuple[date, str, dict]] = field(default_factory=list)


def _working_after(day: date, n: int) -> date:
    return add_working_days(day, n) if n else day


def plan_problems(enterprises, *, seed: int, scale: float) -> list[PlannedProblem]:
    rng = random.Random(f"{seed}:problems")  # noqa: S311  demo data, not secrets
    pool = sorted(enterprises, key=lambda e: e.credit_code)
    # Large and above-scale enterprises raise more; the parks' small ones raise some too.
    weights = [3.0 if e.above_scale else 1.0 for e in pool]
    count = max(len(Category.values) * 2, round(FULL_SIZE * scale))
    outcomes, outcome_weights = zip(*OUTCOMES, strict=True)
    days = [FIRST_DAY + timedelta(days=i) for i in range((date(2020, 2, 26) - FIRST_DAY).days + 1)]
    # Most are raised in February, as enterprises came back after the extended holiday.
    day_weights = [0.4 if d < date(2020, 2, 3) else (2.0 if d < date(2020, 2, 15) else 1.2) for d in days]
    planned = []
    for i in range(count):
        category = (
            Category.values[i % len(Category.values)] if i < 2 * len(Category.values) else rng.choice(Category.values)
        )
        outcome = outcomes[i % len(outcomes)] if i < len(outcomes) * 2 else rng.choices(outcomes, outcome_weights)[0]
        enterprise = rng.choices(pool, weights)[0]
        raised = rng.choices(days, day_weights)[0]
        urgency = "urgent" if rng.random() < 0.25 else "normal"
        text = rng.choice(DESCRIPTIONS[category]).format(n=rng.choice([20, 50, 80, 120, 300, 500]))
        p = PlannedProblem(enterprise.credit_code, category, urgency, text, raised)
        due = add_working_days(raised, services.deadline_days(category, urgency))
        day = _working_after(raised, rng.choice([0, 0, 1, 1, 2]))
        if outcome == "submitted":
            planned.append(p)
            continue
        if outcome == "rerouted":
            p.moves.append((day, "reroute", {"comment": "问题类别调整，转交相关部门办理"}))
            planned.append(p)
            continue
        if outcome == "declined":
            p.moves.append((day, "decline", {"comment": "经核实，不属于复工复产困难问题，已向企业说明"}))
            planned.append(p)
            continue
        p.moves.append((day, "accept", {}))
        if outcome == "accepted":
            planned.append(p)
            continue
        day = _working_after(day, rng.choice([0, 1, 1, 2]))
        p.moves.append((day, "start", {}))
        if outcome == "in_progress":
            planned.append(p)
            continue
        # About one in five is resolved after its deadline.
        late = rng.random() < 0.2
        span = max(0, (due - day).days)
        day = due + timedelta(days=rng.randint(1, 6)) if late else day + timedelta(days=rng.randint(0, span))
        p.moves.append((day, "resolve", {"comment": RESOLUTIONS[category]}))
        if outcome == "reopened":
            day += timedelta(days=rng.randint(1, 3))
            p.moves.append((day, "reopen", {"comment": "问题仅部分解决，企业不满意"}))
            day += timedelta(days=rng.randint(1, 4))
            p.moves.append((day, "resolve", {"comment": RESOLUTIONS[category] + "，并跟踪落实"}))
            outcome = "confirmed"
        if outcome == "confirmed" and rng.random() < 0.85:
            day += timedelta(days=rng.randint(0, 3))
            p.moves.append((day, "confirm", {}))
        planned.append(p)
    return planned


def _moment(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(9, 0), SHANGHAI) + timedelta(minutes=minute)


def build_problems(ctx) -> dict[str, int]:
    services.departments_seed()
    plan = plan_problems(ctx.plan.enterprises, seed=ctx.seed, scale=ctx.scale)
    handler = User.objects.filter(role=Role.HANDLER).select_related("department").first()
    enterprise_users = {u.enterprise_id: u for u in User.objects.filter(role=Role.ENTERPRISE)}
    departments = list(Department.objects.order_by("name"))
    rng = random.Random(f"{ctx.seed}:problems:replay")  # noqa: S311  demo data, not secrets
    raised_by_day = defaultdict(list)
    moves_by_day = defaultdict(list)
    for n, p in enumerate(plan):
        raised_by_day[p.raised_on].append((n, p))
        for day, action, extra in p.moves:
            if day <= LAST_DAY:
                moves_by_day[day].append((n, action, extra))
    problems: dict[int, Problem] = {}
    day = FIRST_DAY
    while day <= LAST_DAY:
        for minute, (n, p) in enumerate(raised_by_day[day]):
            enterprise = ctx.enterprises[p.credit_code]
            problems[n] = services.problem_raise(
                actor=enterprise_users.get(enterprise.pk),
                enterprise=enterprise,
                category=p.category,
                urgency=p.urgency,
                description=p.description,
                source=Source.DEMO,
                raised_on=day,
                at=_moment(day, minute),
            )
        for minute, (n, action, extra) in enumerate(moves_by_day[day]):
            problem = problems[n]
            if problem.state not in services.TRANSITIONS[action].sources:
                continue  # the sweep confirmed it first
            actor = None
            if action in ("confirm", "reopen"):
                actor = enterprise_users.get(problem.enterprise_id)
            elif handler is not None and problem.department_id == handler.department_id:
                actor = handler
            kwargs = dict(extra)
            if action == "reroute":
                kwargs["department"] = rng.choice([d for d in departments if d.pk != problem.department_id])
            problems[n] = services.problem_move(
                actor=actor, problem=problem, action=action, on=day, at=_moment(day, 120 + minute), **kwargs
            )
        if is_workday(day) or day == LAST_DAY:
            services.problems_sweep(as_of=day, at=_moment(day, 600))
        day += timedelta(days=1)
    by_state: defaultdict[str, int] = defaultdict(int)
    for state in Problem.objects.values_list("state", flat=True):
        by_state[state] += 1
    counts = {"problems": len(problems)}
    counts.update({f"problems {State(s).label}": by_state[s] for s in State.values})
    counts["problems escalated"] = Problem.objects.exclude(escalation="").count()
    return counts


def wipe_problems() -> None:
    Attachment.objects.all().delete()
    Problem.objects.all().delete()
