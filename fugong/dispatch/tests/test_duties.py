"""Who owes which report is derived from the registry (docs/dispatch.md §1), and follows it."""

from datetime import date
from decimal import Decimal

import pytest

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.areas.models import Park
from fugong.dispatch import duties, services
from fugong.dispatch.models import Source
from fugong.enterprises import services as enterprise_services
from fugong.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db
TODAY = date(2020, 2, 22)
MONDAY = date(2020, 2, 17)
FIGURES = {"status": "work_resumed", "employees": 50, "on_duty": 10, "capacity_pct": Decimal("5"), "note": ""}


def park():
    return Park.objects.get(name="包头铝业产业园区")


@pytest.fixture
def registry(db):
    small = {"county": "150202", "above_scale": False, "size_class": "small"}
    return {
        "above scale": (make_enterprise(county="150202"), "daily"),
        "above scale in a park": (make_enterprise(county="150202", park=park()), "daily"),
        "leading in a key industry": (make_enterprise(**small, tags=["leading", "key_industry"]), "daily"),
        "backbone in a key industry, in a park": (
            make_enterprise(**small, park=park(), tags=["backbone", "key_industry"]),
            "daily",
        ),
        "leading, not a key industry, in a park": (make_enterprise(**small, park=park(), tags=["leading"]), "weekly"),
        "key industry alone": (make_enterprise(**small, tags=["key_industry"]), None),
        "specialised SME in a park": (make_enterprise(**small, park=park(), tags=["specialised"]), "weekly"),
        "small, outside any park": (make_enterprise(**small), None),
    }


def test_the_duty_of_each_kind_of_enterprise(registry):
    daily = set(Enterprise.objects.filter(duties.daily_q()).values_list("pk", flat=True))
    weekly = set(Enterprise.objects.filter(duties.weekly_q()).values_list("pk", flat=True))
    assert not daily & weekly, "nobody owes both"
    for label, (enterprise, duty) in registry.items():
        assert duties.duty_of(enterprise) == duty, label
        assert (enterprise.pk in daily, enterprise.pk in weekly) == (duty == "daily", duty == "weekly"), label


def test_the_service_accepts_exactly_the_reports_owed(registry):
    for label, (enterprise, duty) in registry.items():
        for kind, period in ((services.DAILY, TODAY), (services.WEEKLY, MONDAY)):
            outcome = services.report_save(
                actor=None, kind=kind, subject=enterprise, period=period, values=FIGURES, source=Source.API, today=TODAY
            )
            assert outcome.ok == (kind.name == duty), (label, kind.name, outcome.errors)


def test_the_duty_follows_a_change_in_the_registry(client, users):
    enterprise = make_enterprise(county="150202", name="包头升规企业有限公司", above_scale=False, park=park())
    client.force_login(users[Role.LEAGUE])
    assert enterprise.name not in client.get(f"/dispatch/grid/?date={TODAY}").text
    data = enterprise_services.enterprise_data_from(enterprise, above_scale=True)
    enterprise_services.enterprise_update(
        actor=users[Role.LEAGUE], enterprise=enterprise, data=data, source=enterprise_services.Source.FORM
    )
    assert duties.duty_of(Enterprise.objects.get(pk=enterprise.pk)) == "daily"
    assert enterprise.name in client.get(f"/dispatch/grid/?date={TODAY}").text
