from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.areas.models import Park
from fugong.dispatch import services
from fugong.dispatch.models import DailyReport, ProjectReport, ReportVersion, Source, WeeklyReport, week_start
from fugong.enterprises import services as enterprise_services

pytestmark = pytest.mark.django_db

FORM = "/dispatch/report/"
GRID = "/dispatch/grid/"


@pytest.fixture(autouse=True)
def english(client, settings):
    # The messages are asserted in English; Chinese, the default, is asserted where it is named.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def today():
    return timezone.localdate()


def figures(**overrides):
    base = {"status": "production_resumed", "employees": 100, "on_duty": 70, "capacity_pct": "60", "note": ""}
    base.update(overrides)
    return base


def file(enterprise, day=None, actor=None, source=Source.API, **overrides):
    values = figures(**overrides)
    values["capacity_pct"] = Decimal(values["capacity_pct"])
    outcome = services.report_save(
        actor=actor, kind=services.DAILY, subject=enterprise, period=day or today(), values=values, source=source
    )
    assert outcome.ok, outcome.errors
    return outcome.report


def row_url(enterprise, day=None):
    return f"/dispatch/grid/{enterprise.credit_code}/{(day or today()).isoformat()}/"


# The enterprise's form -------------------------------------------------------------------------


def test_it_prefills_the_form_from_the_last_report(client, users, baotou_enterprise):
    file(baotou_enterprise, day=today() - timedelta(days=1), on_duty=55, note="昨日")
    client.force_login(users[Role.ENTERPRISE])
    response = client.get(FORM)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["on_duty"] == 55 and form.initial["note"] == "昨日"
    assert "version" not in form.initial, "a report for another day is no base version"
    assert response.context["filed"] is None
    page = response.text
    assert 'data-state="not_filed"' in page or 'data-state="overdue"' in page
    assert 'data-testid="deadline"' in page


def test_it_prefills_employees_from_the_registry_without_a_report(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    response = client.get(FORM)
    assert response.context["form"].initial == {"employees": baotou_enterprise.employees}


def test_it_files_today_in_one_post_and_shows_it_filed(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    response = client.post(FORM, figures(), follow=True)
    report = DailyReport.objects.get()
    assert report.date == today() and report.source == Source.FORM and report.on_behalf is False
    assert report.filed_by == users[Role.ENTERPRISE]
    assert response.redirect_chain[-1][0] == FORM
    assert response.context["filed"] == report
    assert 'data-state="filed"' in response.text
    version = ReportVersion.objects.get(kind="daily", report_id=report.pk)
    assert version.source == "form" and version.version == 1


def test_a_past_day_can_be_filed_but_not_a_future_one(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    yesterday = today() - timedelta(days=1)
    client.post(f"{FORM}?date={yesterday.isoformat()}", figures())
    assert DailyReport.objects.get().date == yesterday
    tomorrow = today() + timedelta(days=1)
    assert client.get(f"{FORM}?date={tomorrow.isoformat()}").context["period"] == today()


def test_refused_figures_show_the_field_errors_and_save_nothing(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    response = client.post(FORM, figures(on_duty=120))
    assert response.status_code == 200
    assert "on_duty" in response.context["form"].errors
    assert 'data-field="on_duty"' in response.text
    assert not DailyReport.objects.exists() and not ReportVersion.objects.exists()


def test_input_that_is_not_a_number_is_refused_by_the_form(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    response = client.post(FORM, figures(employees="many"))
    assert "employees" in response.context["form"].errors
    assert not DailyReport.objects.exists()


def test_a_save_on_a_stale_version_shows_their_values_and_keeps_them(client, users, baotou_enterprise):
    report = file(baotou_enterprise, actor=users[Role.ENTERPRISE], source=Source.FORM)
    client.force_login(users[Role.ENTERPRISE])
    opened = client.get(FORM)
    assert opened.context["form"].initial["version"] == 1
    # The league corrects the report while the enterprise's page is open.
    services.report_save(
        actor=users[Role.LEAGUE],
        kind=services.DAILY,
        subject=baotou_enterprise,
        period=today(),
        values={**figures(on_duty=80), "capacity_pct": Decimal(60)},
        source=Source.GRID,
        base_version=1,
    )
    response = client.post(FORM, figures(on_duty=90, version=1))
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert 'data-testid="conflict"' in response.text and "bob_league" in response.text
    assert ("Employees on duty", "80") in [(str(k), v) for k, v in response.context["conflict"]["values"]]
    report.refresh_from_db()
    assert report.on_duty == 80 and report.version == 2
    # The form now stands on version 2: saving again is a deliberate overwrite.
    assert response.context["form"]["version"].value() == "2"
    client.post(FORM, figures(on_duty=90, version=2))
    report.refresh_from_db()
    assert report.on_duty == 90 and report.version == 3


def test_success_shows_the_warnings(client, users, baotou_enterprise):
    client.force_login(users[Role.ENTERPRISE])
    response = client.post(FORM, figures(capacity_pct="120"), follow=True)
    assert DailyReport.objects.get().warnings[0]["code"] == "capacity_above_100"
    assert "above 100%" in response.text


def test_a_weekly_enterprise_files_for_this_weeks_monday(client):
    from config.testing import make_user

    park = Park.objects.get(name="包头铝业产业园区")
    weekly = make_enterprise(county="150203", above_scale=False, park=park)
    client.force_login(make_user("wendy_weekly", Role.ENTERPRISE, enterprise=weekly))
    client.post(FORM, figures())
    assert WeeklyReport.objects.get().week == week_start(today())
    assert not DailyReport.objects.exists()


def test_officials_do_not_get_the_enterprise_form(client, users):
    for role in (Role.LEAGUE, Role.REGION, Role.BANK):
        client.force_login(users[role])
        assert client.get(FORM).status_code == 404


# The key-project form --------------------------------------------------------------------------


@pytest.fixture
def project(baotou_enterprise):
    from fugong.areas.models import Area

    return enterprise_services.key_project_save(
        actor=None,
        source="command",
        data=enterprise_services.KeyProjectData(
            name="包头稀土新材料项目",
            county=Area.objects.get(code="150203"),
            total_investment=Decimal("50000"),
            planned_start="2020-03-01",
            owner=baotou_enterprise,
        ),
    )


def test_the_owner_files_the_weekly_project_report_and_the_league_on_behalf(client, users, project):
    url = f"/dispatch/projects/{project.pk}/report/"
    client.force_login(users[Role.ENTERPRISE])
    body = {"status": "started", "workers_on_site": 30, "investment_week": "120.5", "note": ""}
    client.post(url, body)
    report = ProjectReport.objects.get()
    assert report.week == week_start(today()) and report.on_behalf is False
    client.force_login(users[Role.LEAGUE])
    response = client.get(url)
    assert response.context["form"].initial["version"] == 1
    client.post(url, {**body, "workers_on_site": 40, "version": 1})
    report.refresh_from_db()
    assert report.workers_on_site == 40 and report.on_behalf is True and report.version == 2


def test_a_refused_project_report_shows_the_error(client, users, project):
    client.force_login(users[Role.ENTERPRISE])
    body = {"status": "not_started", "workers_on_site": 30, "investment_week": "0", "note": ""}
    response = client.post(f"/dispatch/projects/{project.pk}/report/", body)
    assert "workers_on_site" in response.context["form"].errors
    assert not ProjectReport.objects.exists()


# The grid --------------------------------------------------------------------------------------


def test_the_grid_lists_only_enterprises_due_daily_in_scope(client, users, baotou_enterprise, ordos_enterprise):
    park = Park.objects.get(name="包头铝业产业园区")
    weekly = make_enterprise(county="150203", above_scale=False, park=park, name="周报企业有限公司")
    other = make_enterprise(county="150202", name="包头铝业有限公司")
    client.force_login(users[Role.LEAGUE])
    response = client.get(GRID)
    names = {row.enterprise.name for row in response.context["rows"]}
    assert names == {baotou_enterprise.name, other.name}
    assert weekly.name not in response.text and ordos_enterprise.name not in response.text
    # The county filter narrows it.
    response = client.get(f"{GRID}?county=150202")
    assert [row.enterprise for row in response.context["rows"]] == [other]


def test_the_grid_shows_each_rows_state_and_prefill(client, users, baotou_enterprise):
    yesterday = today() - timedelta(days=1)
    other = make_enterprise(county="150202", name="包头铝业有限公司")
    third = make_enterprise(county="150202", name="包头第三企业有限公司", employees=321)
    file(baotou_enterprise, day=today(), actor=users[Role.LEAGUE], source=Source.GRID)
    file(other, day=yesterday, on_duty=44)
    client.force_login(users[Role.COUNTY])
    assert {r.enterprise for r in client.get(GRID).context["rows"]} == {baotou_enterprise}
    client.force_login(users[Role.LEAGUE])
    rows = {row.enterprise: row for row in client.get(GRID).context["rows"]}
    assert rows[baotou_enterprise].state == "on_behalf" and rows[baotou_enterprise].version == 1
    assert rows[other].state == "not_filed" and rows[other].values["on_duty"] == 44
    assert rows[other].prefilled_from == yesterday and rows[other].version is None
    assert rows[third].values == {"employees": 321}


def test_the_grid_queries_do_not_grow_with_rows(client, users, django_assert_max_num_queries):
    yesterday = today() - timedelta(days=1)
    client.force_login(users[Role.LEAGUE])
    for n in range(50):
        enterprise = make_enterprise(county="150202")
        if n % 2:
            file(enterprise, day=yesterday)
        if n % 3 == 0:
            file(enterprise, day=today())
    client.get(GRID)  # warm the session and the content types
    with django_assert_max_num_queries(12):
        response = client.get(GRID)
    assert len(response.context["rows"]) == 51


def test_a_row_save_creates_a_version_from_the_grid_on_behalf(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    response = client.post(row_url(baotou_enterprise), figures(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-state="on_behalf"' in response.text and 'data-result="created"' in response.text
    report = DailyReport.objects.get()
    assert report.on_behalf is True and report.source == Source.GRID and report.filed_by == users[Role.LEAGUE]
    version = ReportVersion.objects.get(kind="daily", report_id=report.pk)
    assert version.source == "grid" and version.on_behalf is True and version.user == users[Role.LEAGUE]
    # The row now stands on version 1: a correction based on it is an update.
    again = client.post(row_url(baotou_enterprise), figures(on_duty=75, version=1))
    assert 'data-result="updated"' in again.text
    report.refresh_from_db()
    assert report.version == 2 and report.on_duty == 75


def test_a_refused_row_shows_errors_in_its_cells_and_saves_nothing(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    response = client.post(row_url(baotou_enterprise), figures(status="not_resumed"))
    assert response.status_code == 200
    assert 'data-result="refused"' in response.text and "is-invalid" in response.text
    assert response.context["row"].errors.keys() == {"on_duty", "capacity_pct"}
    # What was typed stays in the inputs.
    assert 'value="70"' in response.text
    assert not DailyReport.objects.exists()


def test_a_row_on_a_stale_version_shows_the_other_values(client, users, baotou_enterprise):
    file(baotou_enterprise, actor=users[Role.ENTERPRISE], source=Source.FORM)
    services.report_save(
        actor=users[Role.ENTERPRISE],
        kind=services.DAILY,
        subject=baotou_enterprise,
        period=today(),
        values={**figures(on_duty=66), "capacity_pct": Decimal(60)},
        source=Source.FORM,
        base_version=1,
    )
    client.force_login(users[Role.LEAGUE])
    response = client.post(row_url(baotou_enterprise), figures(on_duty=90, version=1))
    assert 'data-result="conflict"' in response.text and 'data-testid="row-conflict"' in response.text
    assert response.context["row"].version == 2
    assert DailyReport.objects.get().on_duty == 66


def test_a_row_of_a_future_day_is_refused(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    response = client.post(row_url(baotou_enterprise, today() + timedelta(days=1)), figures())
    assert 'data-testid="row-error"' in response.text
    assert not DailyReport.objects.exists()


def test_out_of_scope_rows_and_pages_are_404(client, users, baotou_enterprise, ordos_enterprise):
    client.force_login(users[Role.LEAGUE])
    assert client.post(row_url(ordos_enterprise), figures()).status_code == 404
    assert client.get(row_url(ordos_enterprise)).status_code == 404
    assert client.get(f"/dispatch/grid/{baotou_enterprise.credit_code}/not-a-day/").status_code == 404
    client.force_login(users[Role.ENTERPRISE])
    assert client.get(GRID).status_code == 404
    assert client.post(row_url(baotou_enterprise), figures()).status_code == 404
    client.force_login(users[Role.WORKGROUP])
    assert client.get(GRID).status_code == 404
    assert not DailyReport.objects.exists()


def test_a_row_get_returns_the_partial(client, users, baotou_enterprise):
    file(baotou_enterprise)
    client.force_login(users[Role.COUNTY])
    response = client.get(row_url(baotou_enterprise))
    assert response.text.lstrip().startswith("<tr") and 'data-state="filed"' in response.text


# A report with its versions --------------------------------------------------------------------


def test_the_detail_shows_every_version_with_who_how_and_what_changed(client, users, baotou_enterprise):
    report = file(baotou_enterprise, actor=users[Role.ENTERPRISE], source=Source.FORM)
    client.force_login(users[Role.LEAGUE])
    client.post(row_url(baotou_enterprise), figures(on_duty=75, version=1))
    response = client.get(f"/dispatch/reports/daily/{report.pk}/")
    assert response.status_code == 200
    versions = response.context["versions"]
    assert [v.version.version for v in versions] == [2, 1]
    assert [(str(label), before, after) for label, before, after in versions[0].changes] == [
        ("Employees on duty", "70", "75")
    ]
    assert versions[0].version.on_behalf is True and versions[0].version.source == "grid"
    assert "bob_league" in response.text and "frank_enterprise" in response.text
    assert response.text.count('data-testid="version-row"') == 2


def test_details_are_404_out_of_scope(client, users, baotou_enterprise, ordos_enterprise, project):
    report = file(ordos_enterprise)
    project_report = services.report_save(
        actor=None,
        kind=services.PROJECT,
        subject=project,
        period=week_start(today()),
        values={"status": "started", "workers_on_site": 3, "investment_week": Decimal(1), "note": ""},
        source=Source.API,
    ).report
    client.force_login(users[Role.LEAGUE])
    assert client.get(f"/dispatch/reports/daily/{report.pk}/").status_code == 404
    assert client.get(f"/dispatch/reports/projects/{project_report.pk}/").status_code == 200
    client.force_login(users[Role.REGION])
    assert client.get(f"/dispatch/reports/daily/{report.pk}/").status_code == 200
    client.force_login(users[Role.ENTERPRISE])
    assert client.get(f"/dispatch/reports/daily/{report.pk}/").status_code == 404
    assert client.get(f"/dispatch/reports/projects/{project_report.pk}/").status_code == 200
    client.force_login(users[Role.BANK])
    assert client.get(f"/dispatch/reports/projects/{project_report.pk}/").status_code == 404


def test_one_view_opens_every_kind_of_report_behind_its_own_gate(client, users, baotou_enterprise, project):
    park = Park.objects.get(name="包头铝业产业园区")
    weekly = make_enterprise(county="150203", above_scale=False, park=park)
    project_values = {"status": "started", "workers_on_site": 3, "investment_week": Decimal(1), "note": ""}
    save = services.report_save
    reports = {
        "daily": file(baotou_enterprise),
        "weekly": save(
            actor=None,
            kind=services.WEEKLY,
            subject=weekly,
            period=week_start(today()),
            values={**figures(), "capacity_pct": Decimal(60)},
            source=Source.API,
        ).report,
        "projects": save(
            actor=None,
            kind=services.PROJECT,
            subject=project,
            period=week_start(today()),
            values=project_values,
            source=Source.API,
        ).report,
    }
    area = {Role.REGION, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP}
    wrong = []
    for role, user in users.items():
        client.force_login(user)
        for kind, report in reports.items():
            # The enterprise files daily: the weekly report is another enterprise's.
            expected = 200 if role in area or (role == Role.ENTERPRISE and kind != "weekly") else 404
            if client.get(f"/dispatch/reports/{kind}/{report.pk}/").status_code != expected:
                wrong.append((role, kind))
            if client.get(f"/dispatch/reports/{kind}/{report.pk + 1000}/").status_code != 404:
                wrong.append((role, kind, "missing"))
    assert wrong == []


def test_a_report_opens_where_its_enterprise_is_now(client, users, baotou_enterprise):
    """The detail follows the enterprise, as the figures and the drill-downs that link to it do."""
    from config.testing import make_user
    from fugong.areas.models import Area

    report = file(baotou_enterprise)
    ordos = Area.objects.get(code="150622")
    baotou_enterprise.county, baotou_enterprise.league_id = ordos, ordos.parent_id
    baotou_enterprise.save()
    client.force_login(users[Role.COUNTY])
    assert client.get(f"/dispatch/reports/daily/{report.pk}/").status_code == 404
    client.force_login(make_user("olga_ordos", Role.LEAGUE, area=Area.objects.get(code="150600")))
    assert client.get(f"/dispatch/reports/daily/{report.pk}/").status_code == 200


def test_without_javascript_a_saved_row_comes_back_to_the_same_place(client, users, baotou_enterprise):
    others = [make_enterprise(county="150203", name=f"包头格子{i}有限公司") for i in range(3)]
    client.force_login(users[Role.LEAGUE])
    back = f"date={today().isoformat()}&missing=1&q=包头&page=1&county=150203&evil=https://x.example"
    grid = client.get(f"{GRID}?{back}")
    # Each row is its own form, carrying where the grid stands.
    assert grid.text.count('data-testid="row-save"') == 4 and 'name="back"' in grid.text
    assert 'type="submit" form="rowform-' in grid.text
    response = client.post(row_url(others[1]), {**figures(), "back": back})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(GRID + "?") and location.endswith(f"#row-{others[1].credit_code}")
    for kept in ("missing=1", "page=1", "county=150203", f"date={today().isoformat()}", "q=%E5%8C%85%E5%A4%B4"):
        assert kept in location, kept
    assert "evil" not in location
    report = DailyReport.objects.get(enterprise=others[1], date=today())
    assert report.on_behalf and report.on_duty == 70 and report.filed_by == users[Role.LEAGUE]
    page = client.get(location)
    assert "包头格子1有限公司" in page.text  # the message names the row saved
    # Refused: the grid is shown at once, the row as typed and its error, nothing saved.
    refused = client.post(row_url(others[2]), {**figures(on_duty="abc"), "back": back})
    assert refused.status_code == 400
    row = refused.text.split(f'id="row-{others[2].credit_code}"')[1].split("</tr>")[0]
    assert 'value="abc"' in row and "is-invalid" in row
    assert not DailyReport.objects.filter(enterprise=others[2]).exists()


def test_with_htmx_the_row_is_swapped_in_place(client, users, baotou_enterprise):
    client.force_login(users[Role.LEAGUE])
    response = client.post(row_url(baotou_enterprise), figures(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response.text.lstrip().startswith("<tr")
    grid = client.get(GRID).text
    assert 'hx-params="not back"' in grid
