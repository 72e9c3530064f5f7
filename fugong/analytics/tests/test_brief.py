"""The brief's house style: rounding rules, the headline sentence, sections other apps add."""

from datetime import date
from decimal import Decimal

import pytest

from fugong.accounts.models import Role, User
from fugong.analytics import brief
from fugong.analytics.figures import Figures, Scope
from fugong.analytics.tests.conftest import DAY

SEED_HEADLINE = (
    "截至2月22日，全区规模以上工业企业复工复产企业达到1792户，复产率65%；员工返岗人数68.7万人，到岗率64.5%。"
)


@pytest.mark.parametrize(
    "value,text",
    [("65.0", "65"), ("64.49", "64.5"), ("64.45", "64.5"), ("64.44", "64.4"), ("64.998", "65"), ("100", "100"),
     ("0", "0"), ("9.96", "10")],
)  # fmt: skip
def test_rates_have_one_decimal_and_drop_a_trailing_zero(value, text):
    assert brief.rate_text(Decimal(value)) == text


@pytest.mark.parametrize(
    "n,text",
    [(687000, "68.7万人"), (1065116, "106.5万人"), (10000, "1万人"), (10049, "1万人"), (9999, "9999人"), (0, "0人")],
)
def test_people_are_in_wan_to_one_decimal(n, text):
    assert brief.people_text(n) == text


def test_money_is_in_wan_or_yi_yuan():
    assert brief.money_text(Decimal("4706.78")) == "4706.8万元"
    assert brief.money_text(Decimal("123456")) == "12.35亿元"


def ctx(**fields) -> brief.BriefContext:
    now = Figures(as_of=date(2020, 2, 22), **fields)
    return brief.BriefContext(user=None, as_of=now.as_of, scope=Scope(), area="全区", figures=now,
                              previous=Figures(as_of=date(2020, 2, 21)))  # fmt: skip


def test_the_headline_follows_the_seed_at_full_scale():
    """The demo plan at full scale (2,757 enterprises, 1,065,116 employees) gives the seed's sentence."""
    from fugong.demo import reports
    from fugong.demo.plan import make_plan

    plan = make_plan(seed=2020)
    planned = reports.as_of(reports.make_report_plan(plan, seed=2020).daily, plan.above_scale, reports.HEADLINE_DAY)
    section = brief.headline(
        ctx(enterprises=planned.in_scope, production_resumed=planned.resumed, employees=planned.employees,
            on_duty=planned.on_duty)
    )  # fmt: skip
    assert section.text == SEED_HEADLINE


def test_an_empty_scope_says_so():
    assert brief.headline(ctx()).text == "截至2月22日，全区暂无规模以上工业企业纳入调度。"


def test_the_headline_of_the_picture_is_exact(picture):
    written = brief.brief(user=picture["users"][Role.REGION], as_of=DAY)
    assert written.headline.startswith(
        "截至2月22日，全区规模以上工业企业复工复产企业达到4户，复产率66.7%；员工返岗人数290人，到岗率48.3%。"
        "复产企业比前一日增加2户"
    )
    mine = ["headline", "areas", "industries", "leaders", "projects", "reporting"]
    assert [s.key for s in written.sections if s.key in mine] == mine
    assert written.paragraphs[1][0] == "一、分地区情况。"
    assert "呼伦贝尔市100%" in written.sections[1].text and "满洲里市复产1户" in written.sections[1].text
    assert "龙头企业1户，已复产1户，复产率100%" in written.text
    assert "重点项目2个，已开（复）工1个，开复工率50%" in written.text
    assert "当日规模以上工业企业应报6户，已填报4户，填报率66.7%；其中逾期填报1户，未报2户。" in written.text
    assert "，" in written.text and "," not in written.text and ";" not in written.text


def test_other_apps_add_sections_in_order(picture):
    def problems(ctx):
        return brief.Section("test_problems", "问题诉求办理情况", f"截至{brief.date_text(ctx.as_of)}，共收到问题0个。")

    brief.register("test_problems", problems, order=89)
    try:
        written = brief.brief(user=picture["users"][Role.REGION], as_of=DAY)
        keys = [s.key for s in written.sections]
        assert keys.index("test_problems") == keys.index("reporting") - 1
        headings = [heading for heading, _text in written.paragraphs]
        mine, last = headings[keys.index("test_problems")], headings[keys.index("reporting")]
        assert mine.endswith("、问题诉求办理情况。") and last.endswith("、数据报送情况。")
        numbers = [brief.numeral(n) for n in range(1, 100)]
        assert numbers.index(last.split("、")[0]) == numbers.index(mine.split("、")[0]) + 1
        assert "问题诉求办理情况。截至2月22日，共收到问题0个。" in written.text
    finally:
        brief.unregister("test_problems")
    assert "test_problems" not in brief.sections()


# The full demo, built in the test database, gives the seed's headline through the figures engine (the API and
# the brief): the one test at full size. It runs in every suite, in a group of its own so that its build (about a
# minute) runs on one worker while the other works through the rest.
@pytest.mark.xdist_group("full_demo")
def test_the_built_demo_prints_the_seed_headline(db, client):
    from fugong.demo import build as demo

    demo.build()
    region = User.objects.get(username="region")
    written = brief.brief(user=region, as_of=date(2020, 2, 22))
    assert written.headline.startswith(SEED_HEADLINE)
    # The demo's reports begin on 2020-02-03: the brief of the 22nd is the twentieth issue.
    assert (written.issue_line, written.issuer) == ("第20期", "内蒙古自治区工业和信息化厅")
    client.force_login(region)
    got = client.get("/api/v1/figures?as_of=2020-02-22").json()
    assert (got["enterprises"], got["production_resumed"], got["resumption_rate"]) == (2757, 1792, 65.0)
    assert (got["employees"], got["on_duty"], got["on_duty_rate"]) == (1065116, 687000, 64.5)
    drill = client.get("/analytics/drill/?as_of=2020-02-22&measure=production_resumed")
    assert drill.context["totals"].enterprises == 1792
    # ---- workgroups ----
    assert (
        "截至2月22日，7个工作组深入12个盟市（含满洲里、二连浩特），走访园区29个、企业1078户，"
        "现场发现问题92个，已协调解决41个。" in brief.brief(user=region, as_of=date(2020, 2, 22)).text
    )
    coverage = client.get("/api/v1/workgroups/coverage?as_of=2020-02-22").json()
    assert not any(row["uncovered"] for row in coverage["by_league"])


def test_headings_are_numbered_past_ten():
    assert [brief.numeral(n) for n in (1, 9, 10, 11, 15, 20, 21, 99)] == [
        "一", "九", "十", "十一", "十五", "二十", "二十一", "九十九"
    ]  # fmt: skip
