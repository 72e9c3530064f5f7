"""The dashboard, drill-down, exports, brief and API over HTTP, against the hand-built picture."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from python_calamine import CalamineWorkbook

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.analytics import selectors
from fugong.analytics.tests.conftest import DAY, EXPECTED, EXPECTED_BEFORE, PR, daily, file
from fugong.dispatch import services
from fugong.dispatch.tests.scenario import project

AS_OF = f"as_of={DAY.isoformat()}"
HEADLINE = "截至2月22日，全区规模以上工业企业复工复产企业达到4户，复产率66.7%；员工返岗人数290人，到岗率48.3%。"


def sheet(response) -> list[list]:
    content = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def as_region(client, picture, role=Role.REGION):
    client.force_login(picture["users"][role])
    return client


def test_the_dashboard_asks_a_fixed_number_of_queries(client, picture, django_assert_max_num_queries):
    as_region(client, picture)
    client.get(f"/analytics/?{AS_OF}")
    with CaptureQueriesContext(connection) as small:
        client.get(f"/analytics/?{AS_OF}")
    for n in range(6):
        more = make_enterprise(county="150602", name=f"鄂尔多斯新增{n}有限公司", tags=["backbone"])
        file(services.DAILY, more, DAY, daily(PR, 10 + n, "20"))
    project("鄂尔多斯新增项目", "150602")
    # About fourteen engine calls for the trend line, a few for each table; none per row.
    with django_assert_max_num_queries(100):
        client.get(f"/analytics/?{AS_OF}")
    with CaptureQueriesContext(connection) as large:
        client.get(f"/analytics/?{AS_OF}")
    assert len(large) == len(small)


def test_it_shows_the_figures_as_of_the_date(client, picture):
    as_region(client, picture)
    response = client.get(f"/analytics/?{AS_OF}")
    assert response.status_code == 200
    board = response.context["board"]
    cards = {k.key: k for k in board.kpis}
    assert cards["production_resumed"].value == EXPECTED["production_resumed"]
    assert cards["production_resumed"].delta == EXPECTED["production_resumed"] - EXPECTED_BEFORE["production_resumed"]
    assert float(cards["on_duty_rate"].value) == EXPECTED["on_duty_rate"]
    assert float(cards["capacity_recovery"].value) == EXPECTED["capacity_recovery"]
    assert cards["on_duty"].delta == EXPECTED["on_duty"] - EXPECTED_BEFORE["on_duty"]
    assert [c.key for c in board.completeness][:4] == ["due", "filed", "late", "missing"]
    assert [r.code for r in board.ranking.rows if not r.separately_listed][:1] == ["150700"]  # Hulunbuir, 100 %
    assert board.ranking.rows[-1].code == "150781" and board.ranking.rows[-1].separately_listed
    assert {e.name for e in board.key_enterprises} == {"包头钢铁（集团）有限责任公司", "包头骨干机械有限公司"}
    assert len(board.trend) == 14 and board.trend[-1].values["production_resumed"] == 4
    html = response.text
    assert 'id="dashboard-data"' in html and "js/dashboard.js" in html and "neimenggu.js" in html
    assert "<script>" not in html and " style=" not in html
    assert "/analytics/drill/?" in html and "measure=production_resumed" in html


def test_officials_land_on_their_home_and_the_dashboard_is_one_tap_away(client, picture):
    for role in (Role.REGION, Role.LEAGUE, Role.COUNTY, Role.WORKGROUP):
        client.force_login(picture["users"][role])
        response = client.get("/")
        assert "home.html" in [t.name for t in response.templates], role
        assert 'data-testid="open-dashboard"' in response.text
    client.force_login(picture["users"][Role.ENTERPRISE])
    response = client.get("/")
    assert "home.html" in [t.name for t in response.templates]
    assert client.get("/analytics/").status_code == 404


def test_a_saved_report_shows_at_once(client, picture):
    as_region(client, picture)
    before = client.get(f"/api/v1/figures?{AS_OF}").json()["production_resumed"]
    file(services.DAILY, picture["silent"], DAY, daily(PR, 40, "30"))
    assert client.get(f"/api/v1/figures?{AS_OF}").json()["production_resumed"] == before + 1
    response = client.get(f"/analytics/?{AS_OF}")
    assert {k.key: k.value for k in response.context["board"].kpis}["production_resumed"] == before + 1


def test_the_api_answers_every_figure_and_each_league(client, picture):
    as_region(client, picture)
    got = client.get(f"/api/v1/figures?{AS_OF}").json()
    assert got["as_of"] == DAY.isoformat()
    assert {k: got[k] for k in EXPECTED} == EXPECTED
    leagues = {r["code"]: r for r in got["by_league"]}
    assert set(leagues) == {"150200", "150600", "150700", "150781"}
    assert leagues["150200"]["name"] == "包头市" and leagues["150200"]["production_resumed"] == 2
    assert leagues["150781"]["separately_listed"] and leagues["150700"]["filed_late"] == 1
    assert sum(r["enterprises"] for r in got["by_league"] if not r["separately_listed"]) == got["enterprises"]
    narrowed = client.get(f"/api/v1/figures?{AS_OF}&league=150600&industry=06").json()
    assert (narrowed["enterprises"], narrowed["production_resumed"], narrowed["never_reported"]) == (2, 1, 1)
    assert client.get("/api/v1/figures?as_of=2020-02-31").status_code == 400  # a malformed filter


def test_the_league_official_sees_only_the_league(client, picture):
    as_region(client, picture, Role.LEAGUE)
    got = client.get(f"/api/v1/figures?{AS_OF}").json()
    assert [r["code"] for r in got["by_league"]] == ["150200"]
    assert (got["enterprises"], got["production_resumed"]) == (3, 2)
    response = client.get(f"/analytics/?{AS_OF}")
    assert "准格尔" not in response.text and "鄂尔多斯" not in response.text
    assert response.context["board"].ranking.by == "county"
    names = {e.name for e in client.get(f"/analytics/drill/?{AS_OF}&measure=enterprises").context["page"]}
    assert names == {"包头钢铁（集团）有限责任公司", "包头骨干机械有限公司", "包头东河停产有限公司"}
    for url in (
        f"/analytics/drill/?{AS_OF}&league=150600",
        f"/analytics/?{AS_OF}&league=150600",
        f"/analytics/drill/?{AS_OF}&county=150622",
        f"/analytics/export/industry.xlsx?{AS_OF}&league=150600",
        f"/analytics/brief/?{AS_OF}&league=150600",
        f"/api/v1/figures?{AS_OF}&league=150600",
        f"/api/v1/brief?{AS_OF}&county=150781",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "measure,figure",
    [
        ("enterprises", "enterprises"), ("production_resumed", "production_resumed"),
        ("work_resumed", "work_resumed"), ("not_resumed", "not_resumed"), ("filed", "filed"),
        ("late", "filed_late"), ("missing", "missing"), ("stale", "stale"), ("never_reported", "never_reported"),
    ],
)  # fmt: skip
def test_every_number_opens_exactly_the_enterprises_behind_it(client, picture, measure, figure):
    as_region(client, picture)
    response = client.get(f"/analytics/drill/?{AS_OF}&measure={measure}")
    assert response.context["totals"].enterprises == EXPECTED[figure]
    assert len(response.context["page"]) == EXPECTED[figure]
    rows = sheet(client.get(f"/analytics/drill/?{AS_OF}&measure={measure}&format=xlsx"))
    assert len(rows) == 2 + EXPECTED[figure] + 1  # title, header, enterprises, totals


def test_the_drill_down_sums_to_the_headline_and_filters(client, picture):
    as_region(client, picture)
    response = client.get(f"/analytics/drill/?{AS_OF}&measure=enterprises")
    totals = response.context["totals"]
    assert (totals.employees, totals.on_duty) == (EXPECTED["employees"], EXPECTED["on_duty"])
    on_duty = client.get(f"/analytics/drill/?{AS_OF}&measure=on_duty").context["totals"]
    assert on_duty.on_duty == EXPECTED["on_duty"]
    found = client.get(f"/analytics/drill/?{AS_OF}&measure=production_resumed&league=150700").context["page"]
    assert [e.name for e in found] == ["满洲里口岸加工有限公司"]
    found = client.get(f"/analytics/drill/?{AS_OF}&measure=enterprises&q=满洲里").context["page"]
    assert [e.last_late for e in found] == [True]
    assert client.get(f"/analytics/drill/?{AS_OF}&measure=nonsense").status_code == 404


def test_page_export_api_and_brief_agree(client, picture):
    as_region(client, picture)
    api = client.get(f"/api/v1/figures?{AS_OF}").json()
    rows = sheet(client.get(f"/analytics/export/ranking.xlsx?{AS_OF}"))
    assert "2020-02-22" in rows[0][0]
    header, totals = rows[1], rows[-1]
    assert header[:2] == ["Rank", "Name"] or header[1] in ("名称", "Name")
    assert totals[2:12] == [api["enterprises"], api["production_resumed"], api["resumption_rate"],
                            api["work_resumed"], api["not_resumed"], api["employees"], api["on_duty"],
                            api["on_duty_rate"], api["capacity_recovery"], api["reporting_rate"]]  # fmt: skip
    page = client.get(f"/analytics/?{AS_OF}").context["board"]
    assert page.ranking.totals["production_resumed"] == api["production_resumed"]
    baotou = next(r for r in rows if isinstance(r[1], str) and r[1].startswith("包头"))
    assert baotou[3] == next(r for r in api["by_league"] if r["code"] == "150200")["production_resumed"]
    brief = client.get(f"/api/v1/brief?{AS_OF}").json()["text"]
    assert HEADLINE in brief
    assert f"规模以上工业企业应报{api['due']}户，已填报{api['filed']}户" in brief


def test_every_table_exports_with_title_units_and_totals(client, picture):
    as_region(client, picture)
    for table, total in (("ranking", 6), ("industry", 6), ("park", 0), ("tag", 6)):
        rows = sheet(client.get(f"/analytics/export/{table}.xlsx?{AS_OF}&language=en"))
        assert "2020-02-22" in rows[0][0], table
        assert any("%" in str(h) for h in rows[1]), table
        enterprises = rows[1].index(next(h for h in rows[1] if str(h).startswith(("Enterprises", "企业"))))
        assert rows[-1][enterprises] == total, table
    assert client.get(f"/analytics/export/nothing.xlsx?{AS_OF}").status_code == 404
    rows = sheet(client.get(f"/analytics/projects/?{AS_OF}&measure=projects&format=xlsx"))
    assert rows[-1][6:9] == [30, 120.5, 100000]


def test_key_projects_count_started_workers_and_this_weeks_investment(client, picture):
    as_region(client, picture)
    board = client.get(f"/analytics/?{AS_OF}").context["board"]
    p = board.projects
    assert (p.projects, p.started, p.workers_on_site, str(p.investment_week), p.filed) == (2, 1, 30, "120.50", 1)
    assert float(next(k for k in board.project_kpis if k.key == "start_rate").value) == 50.0
    started = client.get(f"/analytics/projects/?{AS_OF}&measure=projects_started")
    assert [p.name for p, _ in started.context["rows"]] == ["包头稀土新材料项目"]
    # A week later the report is carried forward, but nothing was invested that week.
    week_after = selectors.project_figures(user=picture["users"][Role.REGION], as_of=DAY + timedelta(days=7))
    assert (week_after.started, week_after.workers_on_site, week_after.investment_week) == (1, 30, 0)


def test_the_brief_on_screen_as_docx_and_over_the_api(client, picture):
    as_region(client, picture)
    page = client.get(f"/analytics/brief/?{AS_OF}")
    assert page.status_code == 200 and HEADLINE in page.text
    assert 'data-copy="#brief-text"' in page.text
    response = client.get(f"/analytics/brief/?{AS_OF}&format=docx")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    # The masthead: title, issue number (reports began on 02-21: the 22nd is the second), issuing body and date.
    assert texts[:4] == ["全区工业企业复工复产工作简报", "第2期", "内蒙古自治区工业和信息化厅\t2020年2月22日", ""]
    assert texts[4].startswith(HEADLINE)
    assert document.core_properties.author == document.core_properties.last_modified_by == "内蒙古自治区工业和信息化厅"
    assert "python-docx" not in (document.core_properties.comments + document.core_properties.author)
    assert document.core_properties.created.year > 2013
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%86%85%E8%92%99%E5%8F%A4%E8%87%AA%E6%B2%BB%E5%8C%BA_"
        "%E5%A4%8D%E5%B7%A5%E5%A4%8D%E4%BA%A7%E7%AE%80%E6%8A%A5_2020-02-22.docx"
    )  # 内蒙古自治区_复工复产简报_2020-02-22.docx
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert document.paragraphs[0].runs[0].font.name == "方正小标宋简体"
    assert document.paragraphs[4].runs[-1].font.name == "仿宋_GB2312"
    api = client.get(f"/api/v1/brief?{AS_OF}&format=docx")
    assert Document(io.BytesIO(api.content)).paragraphs[4].text == texts[4]
    league = client.get(f"/api/v1/brief?{AS_OF}&league=150200").json()["text"]
    assert "截至2月22日，包头市规模以上工业企业复工复产企业达到2户，复产率66.7%" in league


def test_a_work_group_sees_its_leagues(client, picture):
    make_enterprise(county="152921", name="阿拉善化工有限公司", industry="26")
    as_region(client, picture, Role.WORKGROUP)
    got = client.get(f"/api/v1/figures?{AS_OF}").json()
    assert [r["code"] for r in got["by_league"]] == ["150200"]
    assert client.get(f"/analytics/?{AS_OF}&league=152900").status_code == 404


def test_weekly_dispatch_reads_the_weekly_reports(client, picture):
    from fugong.analytics.tests.conftest import MONDAY
    from fugong.areas.models import Park

    park = Park.objects.get(name="包头铝业产业园区")
    filed = make_enterprise(county="150202", name="包头园区周报企业", above_scale=False, park=park)
    make_enterprise(county="150202", name="包头园区未报企业", above_scale=False, park=park)
    file(services.WEEKLY, filed, MONDAY, daily(PR, 40, "60"))
    as_region(client, picture)
    weekly = f"{AS_OF}&duty=weekly&above_scale=all"
    got = client.get(f"/api/v1/figures?{weekly}").json()
    assert (got["enterprises"], got["production_resumed"], got["on_duty"], got["filed"]) == (2, 1, 40, 1)
    drill = client.get(f"/analytics/drill/?{weekly}&measure=production_resumed")
    assert [e.name for e in drill.context["page"]] == ["包头园区周报企业"]
    response = client.get(f"/analytics/?{weekly}")
    board = response.context["board"]
    assert board.previous_day == DAY - timedelta(days=7)
    assert board.trend[-2].day == DAY - timedelta(days=7)
    assert "当周纳入调度企业应报2户，已填报1户" in client.get(f"/api/v1/brief?{weekly}").json()["text"]


def test_the_project_cards_open_the_projects_behind_them(client, picture):
    as_region(client, picture)
    html = client.get(f"/analytics/?{AS_OF}").text
    assert "/analytics/projects/?as_of=2020-02-22&amp;measure=projects_started" in html
    filed = client.get(f"/analytics/projects/?{AS_OF}&measure=projects_filed").context["rows"]
    assert [(p.name, invested) for p, invested in filed] == [("包头稀土新材料项目", Decimal("120.50"))]
    assert client.get(f"/analytics/projects/?{AS_OF}&measure=nothing").status_code == 404


def test_a_league_brief_is_issued_by_the_league_and_numbered_from_the_first_day(client, picture, settings):
    as_region(client, picture, Role.LEAGUE)
    response = client.get(f"/analytics/brief/?{AS_OF}&format=docx")
    document = Document(io.BytesIO(response.content))
    assert [p.text for p in document.paragraphs[:3]] == [
        "包头市工业企业复工复产工作简报",
        "第2期",
        "包头市工业和信息化局\t2020年2月22日",
    ]
    assert document.core_properties.author == "包头市工业和信息化局"
    assert "%E5%8C%85%E5%A4%B4%E5%B8%82_" in response["Content-Disposition"]  # 包头市_
    # The first brief day may be set: the emergency's numbering does not move when old data is loaded.
    settings.BRIEF_FIRST_DAY = "2020-02-03"
    assert selectors.brief_issue(DAY) == 20
    assert selectors.brief_issue(DAY - timedelta(days=30)) is None
    page = client.get(f"/analytics/brief/?{AS_OF}").text
    assert "第20期" in page and "包头市工业和信息化局" in page


def test_the_printed_dashboard_has_its_title_and_date_and_the_map_its_words(client, picture):
    as_region(client, picture, Role.LEAGUE)
    response = client.get(f"/analytics/?{AS_OF}")
    html = response.text
    header = html.split('data-testid="print-header"')[1].split("</div>")[0]
    assert "工业企业复工复产情况 · 包头市 · 规模以上工业企业" in header and "截至2020年2月22日" in header
    assert "d-print-block" in html.split('data-testid="print-header"')[0].rsplit("<div", 1)[1]
    text = response.context["chart_data"]["text"]
    assert text["tooltip"] == "%(label)s：%(value)s"
    assert text["legend"]["resumption_rate"].endswith("（%）")
    assert text["legend"]["production_resumed"].endswith("（户）")
    assert text["legend"]["on_duty"].endswith("（人）")


def test_the_tables_load_on_their_own_request_paged_with_the_totals_of_every_row(client, picture, monkeypatch):
    as_region(client, picture)
    html = client.get(f"/analytics/?{AS_OF}").text
    for table in ("industry", "park", "tag"):  # placeholders the page fills after itself
        assert f'hx-get="/analytics/table/{table}/?{AS_OF}"' in html and f'data-testid="table-{table}"' not in html
    assert 'hx-get="/analytics/panels/?' in html
    whole = client.get(f"/analytics/table/ranking/?{AS_OF}", HTTP_HX_REQUEST="true")
    codes = [r.code for r in whole.context["table"].rows]
    assert "<html" not in whole.text and [r.code for r in whole.context["rows"]] == codes and len(codes) == 4
    # Three rows a page: the second page holds the last, the totals row is still the whole table's.
    monkeypatch.setattr(selectors, "TABLE_PAGE_SIZE", 3)
    second = client.get(f"/analytics/table/ranking/?{AS_OF}&page=2", HTTP_HX_REQUEST="true")
    assert [r.code for r in second.context["rows"]] == codes[3:]
    assert second.context["table"].totals == whole.context["table"].totals
    assert 'hx-get="/analytics/table/ranking/?' in second.text and "page=1" in second.text
    # Without htmx it is a page of its own; a table the dashboard has not, or a scope out of reach, is not found.
    assert "<html" in client.get(f"/analytics/table/tag/?{AS_OF}").text
    assert client.get(f"/analytics/table/nothing/?{AS_OF}").status_code == 404
    assert client.get(f"/analytics/table/ranking/?{AS_OF}&county=150202").status_code == 404
