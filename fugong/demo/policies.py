"""The demo's support policies: the three documents the seed names (§6) and one State Council measure, each with
representative measures written here (marked illustrative: not the issuers' wording), their eligibility as data,
the 专精特新 support-fund programme with its application guide (§3), applications through review to award for a
plausible share of the eligible enterprises, and benefits delivered automatically (免申即享).
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fugong.accounts.models import Role, User
from fugong.enterprises.models import Enterprise
from fugong.notices.models import Notice, SmsMessage
from fugong.policies import eligibility, services
from fugong.policies.models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    Benefit,
    Conflict,
    ExpertAssignment,
    Measure,
    NoticeEntry,
    Objection,
    Policy,
    PolicyAttachment,
    Programme,
    PublicNotice,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
AUTOMATIC_DAY = date(2020, 2, 20)  # 稳岗返还 paid to the first eligible enterprises
SOCIAL_INSURANCE_DAY = date(2020, 3, 16)  # the relief shows on the March contributions, after the headline day


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), SHANGHAI)


def crit(fact, op, value, article):
    return {"fact": fact, "op": op, "value": value, "article": article}


SMES = ["medium", "small", "micro"]
RESUMED = ["work_resumed", "production_resumed"]
SPECIALISED = crit("tags", "any", ["specialised"], "第二条")

DOCUMENTS: list[dict[str, Any]] = [
    {
        "title": "关于阶段性减免企业社会保险费的通知",
        "number": "人社部发〔2020〕11号",
        "issuer": "人力资源社会保障部 财政部 税务总局",
        "issued_on": date(2020, 2, 20),
        "valid_until": date(2020, 6, 30),
        "text": "（示意文本）为贯彻2020年2月18日国务院常务会议部署，"
        "阶段性减免企业基本养老保险、失业保险、工伤保险单位缴费部分，支持企业复工复产。一、自2020年2月起，免征中小微企业三项社会保险单位缴费部分，免征期限不超过5个月。"
        "二、大型企业等其他参保单位三项社会保险单位缴费部分可减半征收，减征期限不超过3个月。",
        "measures": [
            ("第一条", "免征中小微企业三项社会保险单位缴费", "social_insurance", "automatic", None, None,
             {"all": [crit("size_class", "in", SMES, "第一条")]}),
            ("第二条", "大型企业三项社会保险单位缴费减半征收", "social_insurance", "automatic", None, Decimal(50),
             {"all": [crit("size_class", "in", ["large"], "第二条")]}),
        ],
    },
    {
        "title": "内蒙古自治区支持防疫重点保障企业和受疫情影响生产经营困难中小企业的政策措施",
        "number": "内政发电〔2020〕1号",
        "issuer": "内蒙古自治区人民政府",
        "issued_on": date(2020, 2, 4),
        "valid_until": date(2020, 12, 31),
        "text": "（示意文本）为支持防疫重点保障企业和受疫情影响生产经营困难的中小企业渡过难关，提出以下政策措施。"
        "一、对防疫重点保障企业新增贷款给予贴息。三、对不裁员或少裁员的中小企业返还上年度失业保险费。"
        "五、对承租国有资产类经营用房的中小微企业减免房租。",
        "measures": [
            ("第一条", "防疫重点保障企业贷款贴息", "interest", "application", Decimal(200), Decimal(50),
             {"all": [crit("tags", "any", ["epidemic_supply"], "第一条")]}),
            ("第三条", "中小企业稳岗返还", "subsidy", "automatic", Decimal(30), None,
             {"all": [crit("size_class", "in", SMES, "第三条"), crit("resumption", "in", RESUMED, "第三条")]}),
            ("第五条", "中小微企业国有房产租金减免", "rent", "application", Decimal(20), None,
             {"all": [crit("size_class", "in", ["small", "micro"], "第五条"),
                      crit("above_scale", "is", False, "第五条")]}),
        ],
    },
    {
        "title": "关于做好中小企业复工复产工作的通知",
        "number": "内工信中小字〔2020〕28号",
        "issuer": "内蒙古自治区工业和信息化厅",
        "issued_on": date(2020, 2, 10),
        "valid_until": None,
        "text": "（示意文本）各盟市工信局：为帮助中小企业复工复产，现就有关事项通知如下。"
        "二、尽快发布资金申报指南，下达专精特新中小企业专项资金。四、中小企业公共服务平台为中小企业免费提供服务。",
        "measures": [
            ("第二条", "专精特新中小企业专项资金", "subsidy", "application", Decimal(100), None,
             {"all": [SPECIALISED, crit("size_class", "in", SMES, "第二条")]}),
            ("第四条", "中小企业公共服务平台免费服务", "service", "automatic", None, None,
             {"any": [crit("size_class", "in", ["small", "micro"], "第四条"), SPECIALISED | {"article": "第四条"}]}),
        ],
    },
    {
        "title": "支持疫情防控物资生产企业的十条政策措施（十条政策）",
        "number": "",
        "issuer": "内蒙古自治区工业和信息化厅",
        "issued_on": date(2020, 2, 7),
        "valid_until": date(2020, 6, 30),
        "text": "（示意文本）为支持疫情防控物资生产企业扩产增产，制定以下十条政策措施。"
        "二、对防疫物资生产企业技术改造给予补助。六、对扩产转产购置设备的企业给予奖励，"
        "2020年3月1日起从业人员门槛由50人降为20人。",
        "measures": [
            ("第二条", "防疫物资生产企业技术改造补助", "subsidy", "application", Decimal(200), None,
             {"all": [crit("tags", "any", ["epidemic_supply"], "第二条"), crit("above_scale", "is", True, "第二条")]}),
            ("第六条", "扩产转产设备购置奖励", "subsidy", "application", Decimal(50), None,
             {"all": [crit("tags", "any", ["epidemic_supply"], "第六条"),
                      {"fact": "employees", "op": "gte", "article": "第六条",
                       "values": [{"from": "2020-02-07", "value": 50}, {"from": "2020-03-01", "value": 20}]}]}),
        ],
    },
]  # fmt: skip

GUIDE = """（示意文本）2020年自治区专精特新中小企业专项资金申报指南

一、支持对象：自治区认定的专精特新中小企业，受疫情影响生产经营困难、已复工复产的优先。
二、支持标准：每户不超过100万元。
三、申报材料：申报书、营业执照副本、2019年度财务报表。
四、申报时间：2020年2月15日至3月15日，由盟市工信局初审后报自治区工业和信息化厅。"""
MATERIALS = ["申报书", "营业执照副本", "2019年度财务报表"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def build_policies(ctx) -> dict[str, int]:
    rng = random.Random(f"{ctx.seed}:policies")  # noqa: S311  demo data, not secrets
    region = User.objects.filter(role=Role.REGION).first()
    league_users = {u.area_id: u for u in User.objects.filter(role=Role.LEAGUE)}
    measures: dict[str, Measure] = {}
    for doc in DOCUMENTS:
        policy = services.policy_save(
            actor=None,
            title=doc["title"],
            number=doc["number"],
            issuer=doc["issuer"],
            issued_on=doc["issued_on"],
            valid_until=doc["valid_until"],
            text=doc["text"],
            illustrative=True,
        )
        for article, title, kind, delivery, amount, rate, rule in doc["measures"]:
            measures[title] = services.measure_save(
                actor=None,
                policy=policy,
                data=services.MeasureData(
                    article=article,
                    title=title,
                    benefit_type=kind,
                    delivery=delivery,
                    department="自治区工业和信息化厅" if "人社" not in doc["number"] else "人力资源社会保障厅",
                    contacts="0471-0000000（示意）",
                    rule=rule,
                    amount=amount,
                    rate=rate,
                ),
            )
    fund = measures["专精特新中小企业专项资金"]
    fund.payment_days = PAYMENT_DAYS
    fund.save(update_fields=["payment_days"])
    Policy.objects.filter(number="内工信中小字〔2020〕28号").update(guide_required=True)
    programme = Programme.objects.create(
        measure=fund,
        name="2020年自治区专精特新中小企业专项资金",
        guide=GUIDE,
        opens_on=date(2020, 2, 15),
        closes_on=date(2020, 3, 15),
        materials=MATERIALS,
        max_amount=Decimal(100),
        published_on=GUIDE_DAY,
        score_sheet=SCORE_SHEET,
        notice_days=5,
    )
    experts = _experts(programme)
    candidates: list[tuple[Application, Decimal]] = []
    everyone = Enterprise.objects.all()
    counts = {"policies": len(DOCUMENTS), "measures": len(measures), "applications": 0, "awarded": 0}

    def apply(enterprise, measure, day, amount, programme=None):
        application = services.application_create(
            actor=None,
            enterprise=enterprise,
            measure=measure,
            requested_amount=amount,
            programme=programme,
            at=_at(day),
        )
        for material in programme.materials if programme else []:
            ApplicationAttachment.objects.create(
                application=application,
                material=material,
                path="demo/none.png",
                original_name=f"{material}.png",
                content_type="image/png",
                size=len(PNG),
            )
        counts["applications"] += 1
        return application

    def review(application, day, award_share, amount):
        services.application_move(actor=None, application=application, action="submit", at=_at(day))
        programme_path = application.programme_id is not None
        reviewer = league_users.get(application.league_id) or region
        if rng.random() < 0.15:
            services.application_move(
                actor=reviewer,
                application=application,
                action="return",
                comment="请补充2019年度财务报表盖章页",
                at=_at(day + timedelta(days=1)),
            )
            return
        if day + timedelta(days=2) > date(2020, 2, 21):
            return  # still with the league on the headline day
        services.application_move(
            actor=reviewer, application=application, action="pass", at=_at(day + timedelta(days=1))
        )
        if rng.random() < award_share:
            if programme_path:  # on to region review, the experts and the public notice (stages below)
                candidates.append((application, amount))
                return
            services.application_move(
                actor=region, application=application, action="award", amount=amount, at=_at(day + timedelta(days=2))
            )
            counts["awarded"] += 1

    # 专精特新 support funds: most specialised SMEs apply in the window; the first are awarded by the 21st.
    day = date(2020, 2, 20)
    specialised = list(eligibility.eligible(everyone, fund.rule, day).order_by("credit_code"))
    for e in rng.sample(specialised, round(len(specialised) * 0.7)):
        applied_on = date(2020, 2, 15) + timedelta(days=rng.randint(0, 5))
        a = apply(e, fund, applied_on, Decimal(rng.choice([30, 50, 80, 100])), programme)
        review(a, applied_on, 0.8, Decimal(rng.choice([30, 50, 50, 80])))
    counts.update(_stages(programme, candidates, experts, region, random.Random(f"{ctx.seed}:stages")))  # noqa: S311
    # Interest discounts and technical-upgrade subsidies for producers of epidemic-control supplies.
    for title, share, amounts in (
        ("防疫重点保障企业贷款贴息", 0.6, [20, 50, 100]),
        ("防疫物资生产企业技术改造补助", 0.5, [50, 100, 150]),
    ):
        measure = measures[title]
        pool = list(eligibility.eligible(everyone, measure.rule, day).order_by("credit_code"))
        for e in rng.sample(pool, round(len(pool) * share)):
            applied_on = date(2020, 2, 10) + timedelta(days=rng.randint(0, 8))
            a = apply(e, measure, applied_on, Decimal(rng.choice(amounts)))
            review(a, applied_on, 0.75, Decimal(rng.choice(amounts)))
    # 免申即享: 稳岗返还 paid to a share of the eligible by the 20th; social-insurance relief in March.
    stable = measures["中小企业稳岗返还"]
    pool = list(eligibility.eligible(everyone, stable.rule, AUTOMATIC_DAY).order_by("credit_code"))
    paid = rng.sample(pool, round(len(pool) * 0.35))
    counts["automatic"] = _deliver(
        stable, paid, AUTOMATIC_DAY, lambda e: min(Decimal(30), Decimal(e.employees) * Decimal("0.02"))
    )
    for title in ("免征中小微企业三项社会保险单位缴费", "大型企业三项社会保险单位缴费减半征收"):
        measure = measures[title]
        reached = list(eligibility.eligible(everyone, measure.rule, SOCIAL_INSURANCE_DAY))
        counts["automatic"] += _deliver(
            measure, reached, SOCIAL_INSURANCE_DAY, lambda e: Decimal(e.employees) * Decimal("0.06")
        )
    return counts


GUIDE_DAY = date(2020, 2, 14)  # the guide of 28号 (issued 10 February), due by the 19th: on time
PAYMENT_DAYS = 10  # the support funds are paid within 10 working days of the award
SCORE_SHEET = [
    {"item": "技术创新能力", "max": 30},
    {"item": "专业化水平", "max": 25},
    {"item": "市场前景", "max": 25},
    {"item": "财务状况", "max": 20},
]
EXPERTS = [("expert_zhang", "张", "教授"), ("expert_wang", "王", "高工"), ("expert_liu", "刘", "会计师")]
EXPERT_DEPARTMENT = "评审专家库"


def _experts(programme) -> list[User]:
    """Three outside experts, handler accounts of the experts' department, on the programme's panel."""
    from fugong.accounts import services as account_services
    from fugong.accounts.models import Department
    from fugong.demo.steps import PASSWORD

    department = Department.objects.get_or_create(name=EXPERT_DEPARTMENT)[0]
    experts = []
    for username, last, first in EXPERTS:
        user = account_services.user_create(
            username=username, role=Role.HANDLER, password=PASSWORD, department=department
        )
        User.objects.filter(pk=user.pk).update(last_name=last, first_name=first)
        services.expert_add(actor=None, programme=programme, expert=user)
        experts.append(user)
    return experts


def _stages(programme, candidates, experts, region, rng) -> dict[str, int]:
    """The 专精特新 applications the league passed go on through the stages, so that each stage holds a few by the
    end of March: region review on 24 February, three experts (one declares a conflict with one applicant), a first
    shortlist published on 3 March for 5 working days (an objection dismissed, one upheld), awards on 11 March and
    payments within 10 working days (one late, a few not yet); a second shortlist in public notice from 23 March,
    a third shortlisted after it, and a few still with the experts."""
    day = {"region": date(2020, 2, 24), "assign": date(2020, 2, 25), "score": date(2020, 2, 27)}
    stage_counts = {"scoring": 0, "not_shortlisted": 0, "noticed": 0}

    def scored(application, quality):
        for k, expert in enumerate(experts):
            if application.enterprise_id == conflicted and k == 0:
                continue
            assignment = services.expert_assign(
                actor=region, application=application, expert=expert, at=_at(day["assign"])
            )
            points = {}
            for item in SCORE_SHEET:
                share = min(1.0, max(0.3, quality + rng.uniform(-0.08, 0.08)))
                points[item["item"]] = Decimal(round(item["max"] * share, 1)).quantize(Decimal("0.1"))
            services.scores_save(actor=expert, assignment=assignment, points=points, at=_at(day["score"]))

    conflicted = candidates[1][0].enterprise_id if len(candidates) > 1 else None
    if conflicted is not None:  # the first expert once worked for this applicant
        services.conflict_declare(
            actor=experts[0],
            programme=programme,
            enterprise=candidates[1][0].enterprise,
            reason="曾在该企业任技术顾问",
            at=_at(day["region"]),
        )
    first: list[tuple[Application, Decimal]] = []
    second: list[tuple[Application, Decimal]] = []
    third: list[tuple[Application, Decimal]] = []
    for i, (application, amount) in enumerate(candidates):
        application = services.application_move(
            actor=region, application=application, action="region_pass", at=_at(day["region"])
        )
        if i % 8 == 0:  # still with the experts: one assigned, not yet scored
            services.expert_assign(actor=region, application=application, expert=experts[-1], at=_at(date(2020, 3, 25)))
            stage_counts["scoring"] += 1
            continue
        scored(application, rng.uniform(0.5, 0.95))
        average = services.score_summary(application.assignments.all()).average or Decimal(0)
        if average < 60:
            services.application_move(
                actor=region,
                application=application,
                action="not_shortlisted",
                reason="综合得分未达入围分数线（60分）",
                at=_at(date(2020, 3, 2)),
            )
            stage_counts["not_shortlisted"] += 1
            continue
        (second if i % 8 == 1 else third if i % 8 == 2 else first).append((application, amount))

    def shortlist(batch, on):
        for application, _amount in batch:
            services.application_move(actor=region, application=application, action="shortlist", at=_at(on))

    shortlist(first, date(2020, 3, 2))
    if first:
        notice = services.notice_publish_shortlist(actor=region, programme=programme, published_on=date(2020, 3, 3))
        entries = list(notice.entries.order_by("pk"))
        handled = {}
        for j, (outcome, objector, text, reason) in enumerate(
            [
                (
                    "dismissed",
                    "某同行企业（匿名来电）",
                    "该企业研发投入数据偏高",
                    "经核对2019年度审计报告，研发投入数据属实",
                ),
                (
                    "upheld",
                    "包头市市场监管局（来函）",
                    "该企业2019年度存在严重违法失信记录",
                    "经核实列入严重违法失信名单，撤销支持",
                ),
            ][: max(0, len(entries) - 1)]
        ):
            objection = services.objection_record(
                actor=region, entry=entries[j], objector=objector, text=text, at=_at(date(2020, 3, 5 + j))
            )
            services.objection_handle(
                actor=region, objection=objection, outcome=outcome, reason=reason, at=_at(date(2020, 3, 9))
            )
            handled[entries[j].pk] = outcome
        for j, entry in enumerate(entries):
            if handled.get(entry.pk) == "upheld":
                continue
            application, drawn = next((app, a) for app, a in first if app.pk == entry.application_id)
            amount = min(entry.amount or drawn, drawn)
            awarded = services.application_move(
                actor=region, application=application, action="award", amount=amount, at=_at(date(2020, 3, 11))
            )
            if j % 4 == 3:
                continue  # not paid yet: its clock runs past 25 March
            paid_on = date(2020, 3, 27) if j == 4 else date(2020, 3, 18)
            services.application_move(
                actor=region, application=awarded, action="disburse", amount=amount, on=paid_on, at=_at(paid_on)
            )
        stage_counts["noticed"] += len(entries)
    shortlist(second, date(2020, 3, 20))
    if second:
        services.notice_publish_shortlist(actor=region, programme=programme, published_on=date(2020, 3, 23))
    shortlist(third, date(2020, 3, 27))
    # Before the stages, the demo awarded every candidate by 21 February: what the brief of the 22nd counted then.
    stage_counts["candidates"] = len(candidates)
    stage_counts["candidate_amount"] = int(sum(amount for _a, amount in candidates))
    return {f"zjtx_{k}": v for k, v in stage_counts.items()}


def _deliver(measure, enterprises, day, amount_of) -> int:
    rows = [
        Benefit(
            enterprise_id=e.pk,
            league_id=e.league_id,
            county_id=e.county_id,
            measure=measure,
            amount=amount_of(e).quantize(Decimal("0.01")),
            on=day,
            source=Benefit.Source.AUTOMATIC,
        )
        for e in enterprises
    ]
    Benefit.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def wipe_policies() -> None:
    Objection.objects.all().delete()
    NoticeEntry.objects.all().delete()
    PublicNotice.objects.all().delete()
    ExpertAssignment.objects.all().delete()
    Conflict.objects.all().delete()
    Benefit.objects.all().delete()
    ApplicationAttachment.objects.all().delete()
    ApplicationEvent.objects.all().delete()
    Application.objects.all().delete()
    Programme.objects.all().delete()
    User.objects.filter(department__name=EXPERT_DEPARTMENT).delete()
    Measure.objects.all().delete()
    PolicyAttachment.objects.all().delete()
    Policy.objects.all().delete()
    Notice.objects.all().delete()
    SmsMessage.objects.all().delete()
