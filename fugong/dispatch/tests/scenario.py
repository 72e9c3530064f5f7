"""A small built dispatch scenario shared by the completeness, reminder and review tests."""

from datetime import date, timedelta
from decimal import Decimal

from config.testing import make_enterprise
from fugong.areas.models import Area, Park
from fugong.dispatch import services
from fugong.dispatch.models import Deadline
from fugong.enterprises import services as enterprise_services

DAY = date(2020, 2, 20)  # a Thursday
MONDAY = date(2020, 2, 17)
TODAY = date(2020, 2, 25)
FIGURES = {"status": "production_resumed", "employees": 100, "on_duty": 70, "capacity_pct": Decimal("60"), "note": ""}
PROJECT_FIGURES = {"status": "started", "workers_on_site": 30, "investment_week": Decimal("120"), "note": ""}


def file(kind, subject, period, *, late=False, **overrides):
    """File a report an hour before (or, late, an hour after) its deadline."""
    due_at = Deadline.for_type(kind.period_type).due_at(period)
    outcome = services.reports_save(
        actor=None,
        kind=kind,
        items=[services.Item(subject=subject, period=period, values={**FIGURES, **overrides})],
        source="api",
        today=TODAY,
        now=due_at + timedelta(hours=1 if late else -1),
    )[0]
    assert outcome.ok, outcome.errors
    return outcome.report


def project(name, county, owner=None):
    return enterprise_services.key_project_save(
        actor=None,
        source="command",
        data=enterprise_services.KeyProjectData(
            name=name,
            county=Area.objects.get(code=county),
            total_investment=Decimal("50000"),
            planned_start="2020-03-01",
            owner=owner,
        ),
    )


def build(baotou_enterprise, ordos_enterprise) -> dict:
    """Daily, for DAY: Baotou 3 due (1 on time, 1 late, 1 missing); Hulunbuir 2 due, Manzhouli's
    one on time and Hailar's missing; Ordos 1 on time. Weekly, for MONDAY: a Baotou park
    enterprise filed, a Manzhouli park one missing; a Baotou project filed late, an Ordos one missing.
    """
    s = {
        "baotou": baotou_enterprise,
        "ordos": ordos_enterprise,
        "b_late": make_enterprise(county="150203", name="包头迟报有限公司"),
        "b_missing": make_enterprise(
            county="150203", name="包头未报有限公司", contact_name="王五", contact_phone="13812341234"
        ),
        "manzhouli": make_enterprise(county="150781", name="满洲里口岸有限公司"),
        "h_missing": make_enterprise(county="150702", name="海拉尔未报有限公司", contact_phone="13900001111"),
        "below_scale": make_enterprise(county="150203", name="不调度小微企业", above_scale=False),
        "w_filed": make_enterprise(
            county="150202", name="包头园区周报企业", above_scale=False, park=Park.objects.get(name="包头铝业产业园区")
        ),
        "w_missing": make_enterprise(
            county="150781",
            name="满洲里园区周报企业",
            above_scale=False,
            park=Park.objects.get(name="满洲里进口资源加工园区"),
            contact_phone="13700002222",
        ),
        "p_filed": project("包头稀土新材料项目", "150203", owner=baotou_enterprise),
        "p_missing": project("准格尔煤制烯烃项目", "150622"),
    }
    file(services.DAILY, s["baotou"], DAY)
    file(services.DAILY, s["b_late"], DAY, late=True)
    file(services.DAILY, s["manzhouli"], DAY)
    file(services.DAILY, s["ordos"], DAY)
    # The day before: only Hailar's missing enterprise had filed, so it shows as last filed.
    file(services.DAILY, s["h_missing"], DAY - timedelta(days=1))
    file(services.WEEKLY, s["w_filed"], MONDAY)
    services_project = services.reports_save(
        actor=None,
        kind=services.PROJECT,
        items=[services.Item(subject=s["p_filed"], period=MONDAY, values=PROJECT_FIGURES)],
        source="api",
        today=TODAY,
        now=Deadline.for_type("weekly").due_at(MONDAY) + timedelta(hours=2),
    )[0]
    assert services_project.ok and services_project.report.late
    return s
