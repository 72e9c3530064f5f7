"""Policies, measures, programmes and applications for tests, built through the services."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from fugong.accounts.models import Role, User
from fugong.notices.models import Notice
from fugong.notices.services import notify
from fugong.policies import services
from fugong.policies.models import Application, Measure, Policy, Programme

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def make_policy(
    *,
    title="关于支持中小企业共渡难关的若干政策措施",
    number="内政发电〔2020〕1号",
    issuer="内蒙古自治区人民政府",
    issued_on=date(2020, 2, 5),
    valid_until=None,
    text="为支持中小企业复工复产，制定以下措施。",
) -> Policy:
    return services.policy_save(
        actor=None, title=title, number=number, issuer=issuer, issued_on=issued_on, valid_until=valid_until, text=text
    )


def make_measure(
    policy: Policy | None = None,
    *,
    rule=None,
    delivery="application",
    title="贷款贴息",
    benefit_type="interest",
    amount="50",
) -> Measure:
    return services.measure_save(
        actor=None,
        policy=policy or make_policy(),
        data=services.MeasureData(
            article="第三条",
            title=title,
            benefit_type=benefit_type,
            delivery=delivery,
            department="自治区工业和信息化厅",
            rule=rule if rule is not None else {"all": []},
            amount=Decimal(amount) if amount else None,
        ),
    )


SHEET = [{"item": "技术创新能力", "max": 40}, {"item": "市场前景", "max": 30}, {"item": "财务状况", "max": 30}]


def make_programme(
    measure: Measure, *, materials=("申报书", "营业执照"), days_open=30, score_sheet=None, notice_days=5
) -> Programme:
    today = timezone.localdate()
    return services.programme_save(
        score_sheet=SHEET if score_sheet is None else score_sheet,
        notice_days=notice_days,
        actor=None,
        measure=measure,
        name="2020年专精特新中小企业专项资金",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=days_open),
        max_amount=Decimal("100"),
        materials=list(materials),
        guide="申报条件、申报材料与评审程序。",
    )


def make_application(enterprise, measure: Measure, *, amount="30", programme=None) -> Application:
    return services.application_create(
        actor=None, enterprise=enterprise, measure=measure, requested_amount=Decimal(amount), programme=programme
    )


def matrix_context(inside, outside, users) -> dict:
    """One document open to everyone with a measure and a programme; a submitted application of the inside
    enterprise and one of the outside enterprise; a notice in each persona's inbox and one in another's."""
    policy = make_policy()
    measure = make_measure(policy)
    spare = make_measure(policy, title="稳岗补贴", benefit_type="subsidy")
    programme = make_programme(measure, materials=())
    application_in = make_application(inside, measure)
    application_out = make_application(outside, measure)
    for a in (application_in, application_out):
        services.application_move(actor=None, application=a, action="submit")
    policy_file = services.policy_attach(actor=None, policy=policy, name="正文.pdf", content=PDF)
    files = {
        a.pk: services.application_attach(actor=None, application=a, material="申报书", name="a.png", content=PNG)
        for a in (application_in, application_out)
    }
    notify(recipients=list(users.values()), text="测试通知", link="/policies/", kind="test")
    other = User.objects.get(username="oscar_outsider")
    notify(recipients=[other], text="别人的通知", link="/policies/", kind="test")
    review = review_context(inside, outside, users[Role.HANDLER], policy)
    return {
        **review,
        "policy": policy,
        "measure": measure,
        "spare_measure": spare,
        "programme": programme,
        "application_in": application_in,
        "application_out": application_out,
        "policy_file": policy_file,
        "application_file_in": files[application_in.pk],
        "application_file_out": files[application_out.pk],
        "notices": {u.role: Notice.objects.get(user=u) for u in users.values()},
        "notice_out": Notice.objects.get(user=other),
    }


def to_scoring(application: Application, *, league_user=None, region_user=None) -> Application:
    """Submit, pass the league, pass the region: the application waits for its experts."""
    for action, actor in (("submit", None), ("pass", league_user), ("region_pass", region_user)):
        application = services.application_move(actor=actor, application=application, action=action)
    return application


def score_all(application: Application, experts, points=(30, 20, 20)) -> None:
    for expert, base in zip(experts, points, strict=False):
        assignment = services.expert_assign(actor=None, application=application, expert=expert)
        sheet = application.programme.score_sheet
        services.scores_save(
            actor=expert,
            assignment=assignment,
            points={item["item"]: min(item["max"], base) for item in sheet},
        )


def review_context(inside, outside, expert, policy) -> dict:
    """A programme with the handler on its panel; an application of each enterprise in expert scoring, the inside
    one assigned to the expert; a measure delivered automatically published for public notice today, an objection
    recorded against the inside enterprise's entry."""
    measure = make_measure(policy, title="专精特新专项资金", benefit_type="subsidy", amount="100")
    programme = make_programme(measure, materials=())
    services.expert_add(actor=None, programme=programme, expert=expert)
    scoring_in = to_scoring(make_application(inside, measure, programme=programme))
    scoring_out = to_scoring(make_application(outside, measure, programme=programme))
    services.expert_assign(actor=None, application=scoring_in, expert=expert)
    automatic = make_measure(policy, title="免申即享补贴", delivery="automatic", amount="5")
    notice = services.notice_propose_automatic(actor=None, measure=automatic)
    entry_in = notice.entries.get(enterprise=inside)
    objection = services.objection_record(actor=None, entry=entry_in, objector="群众来信", text="该企业已停产")
    return {
        "review_programme": programme,
        "scoring_in": scoring_in,
        "scoring_out": scoring_out,
        "automatic": automatic,
        "public_notice": notice,
        "entry_in": entry_in,
        "entry_out": notice.entries.get(enterprise=outside),
        "objection": objection,
        "expert": expert,
    }
