"""A small hand-built picture for 2020-02-22, with every figure worked out by hand in `expected`."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from config.testing import make_enterprise
from fugong.dispatch import services
from fugong.dispatch.models import Deadline
from fugong.dispatch.tests.scenario import project

DAY = date(2020, 2, 22)
MONDAY = date(2020, 2, 17)
TODAY = date(2020, 2, 25)


def file(kind, subject, period, values, *, late=False):
    due_at = Deadline.for_type(kind.period_type).due_at(period)
    outcome = services.reports_save(
        actor=None,
        kind=kind,
        items=[services.Item(subject=subject, period=period, values={"note": "", **values})],
        source="api",
        today=TODAY,
        now=due_at + timedelta(hours=1 if late else -1),
    )[0]
    assert outcome.ok, outcome.errors
    return outcome.report


def daily(status, on_duty, capacity, employees=100):
    return {"status": status, "employees": employees, "on_duty": on_duty, "capacity_pct": Decimal(capacity)}


PR, WR, NR = "production_resumed", "work_resumed", "not_resumed"


@pytest.fixture
def picture(users, baotou_enterprise, ordos_enterprise):
    """Six above-scale enterprises under daily dispatch, each with 100 employees and 1,000 of output.

    As of DAY: Baotou steel resumed (90 on duty, 80 %), Baotou backbone resumed (60, 50 %), Kundulun
    not resumed (filed, nobody), Manzhouli resumed and filed late (50, 40 %), Ordos carried forward
    from the day before (90, 95 %), a second Ordos enterprise never reported.
    """
    s = {
        "steel": baotou_enterprise,
        "ordos": ordos_enterprise,
        "backbone": make_enterprise(county="150203", name="包头骨干机械有限公司", tags=["backbone"]),
        "idle": make_enterprise(county="150202", name="包头东河停产有限公司", industry="06"),
        "manzhouli": make_enterprise(county="150781", name="满洲里口岸加工有限公司"),
        "silent": make_enterprise(county="150622", name="准格尔未报煤业有限公司", industry="06"),
        "below": make_enterprise(county="150203", name="包头小微企业", above_scale=False),
    }
    day_before = DAY - timedelta(days=1)
    file(services.DAILY, s["steel"], day_before, daily(PR, 80, "70"))
    file(services.DAILY, s["backbone"], day_before, daily(WR, 30, "10"))
    file(services.DAILY, s["ordos"], day_before, daily(PR, 90, "95"))
    file(services.DAILY, s["steel"], DAY, daily(PR, 90, "80"))
    file(services.DAILY, s["backbone"], DAY, daily(PR, 60, "50"))
    file(services.DAILY, s["idle"], DAY, daily(NR, 0, "0"))
    file(services.DAILY, s["manzhouli"], DAY, daily(PR, 50, "40"), late=True)
    s["project"] = project("包头稀土新材料项目", "150203", owner=baotou_enterprise)
    s["idle_project"] = project("准格尔煤制烯烃项目", "150622")
    values = {"status": "started", "workers_on_site": 30, "investment_week": Decimal("120.50")}
    file(services.PROJECT, s["project"], MONDAY, values)
    s["users"] = users
    return s


# Worked out by hand from the picture above.
EXPECTED = {
    "enterprises": 6, "production_resumed": 4, "work_resumed": 0, "not_resumed": 2, "resumption_rate": 66.7,
    "employees": 600, "on_duty": 290, "on_duty_rate": 48.3, "capacity_recovery": 44.2, "reporting_rate": 66.7,
    "due": 6, "filed": 4, "filed_late": 1, "missing": 2, "stale": 0, "never_reported": 1,
}  # fmt: skip
EXPECTED_BEFORE = {"production_resumed": 2, "on_duty": 200}
