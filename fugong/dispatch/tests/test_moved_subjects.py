"""Reports follow their enterprise or key project to another county: the lists agree with the figures."""

import pytest

from config.testing import make_user
from fugong.accounts.models import Role
from fugong.areas.models import Area
from fugong.dispatch import selectors
from fugong.dispatch.tests import scenario
from fugong.enterprises import services as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(baotou_enterprise, ordos_enterprise):
    return scenario.build(baotou_enterprise, ordos_enterprise)


def test_a_key_projects_reports_follow_it(users, built):
    project = built["p_filed"]
    ordos = make_user("olga_league", Role.LEAGUE, area=Area.objects.get(code="150600"))
    assert [r.project_id for r in selectors.project_reports(user=users[Role.LEAGUE])] == [project.pk]
    data = registry.KeyProjectData(
        name=project.name, county=Area.objects.get(code="150602"), total_investment=project.total_investment,
        planned_start=project.planned_start, owner=project.owner,
    )  # fmt: skip
    registry.key_project_save(actor=None, source="command", data=data, project=project)
    assert list(selectors.project_reports(user=users[Role.LEAGUE])) == []
    assert [(r.project_id, r.league_id, r.county_id) for r in selectors.project_reports(user=ordos)] == [
        (project.pk, "150600", "150602")
    ]


def test_an_enterprises_daily_reports_follow_it_and_others_stay(users, built):
    baotou = built["baotou"]
    data = registry.enterprise_data_from(baotou, county=Area.objects.get(code="150202"))
    registry.enterprise_update(actor=users[Role.LEAGUE], enterprise=baotou, data=data, source="form")
    county = users[Role.COUNTY]  # Kundulun, 150203: loses Baotou Steel's report, keeps the late one's
    assert {r.enterprise_id for r in selectors.daily_reports(user=county)} == {built["b_late"].pk}
    moved = [r for r in selectors.daily_reports(user=users[Role.LEAGUE]) if r.enterprise_id == baotou.pk]
    assert [(r.league_id, r.county_id) for r in moved] == [("150200", "150202")]
