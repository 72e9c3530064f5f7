"""The clerk's Excel round trip never loses or invents data (issue 10 §1).

Download the template, change some rows, upload, commit: only the changed rows change a report; notes,
filers and versions of the rest are kept; rows still holding prefilled figures are not filed unless asked;
a report changed since the template was made is a conflict, never overwritten.
"""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from config.testing import make_enterprise
from fugong.accounts.models import Role
from fugong.core import imports
from fugong.core.models import ImportBatch
from fugong.dispatch import excel, services
from fugong.dispatch.models import DailyReport, ReportVersion, Source
from fugong.dispatch.tests.test_excel import DAY, HEADER, decide, preview, xlsx

pytestmark = pytest.mark.django_db

FIGURES = {"status": "production_resumed", "employees": 100, "on_duty": 60, "capacity_pct": Decimal(50)}
COLUMN = {c.key: i for i, c in enumerate(excel.COLUMNS)}


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def league(client, users):
    client.force_login(users[Role.LEAGUE])
    return users[Role.LEAGUE]


def self_file(enterprise, day, actor=None, **overrides):
    outcome = services.report_save(
        actor=actor,
        kind=services.DAILY,
        subject=enterprise,
        period=day,
        values={**FIGURES, "note": f"{enterprise.name}自报", **overrides},
        source=Source.FORM,
    )
    assert outcome.ok, outcome.errors
    return outcome.report


def template(client, day=DAY, **params) -> openpyxl.Workbook:
    response = client.get(reverse("dispatch:excel_template"), {"date": day.isoformat(), "league": "150200", **params})
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(workbook) -> dict[str, list]:
    return {row[0].value: row for row in workbook.active.iter_rows(min_row=3)}


def saved(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        r.enterprise_id: (r.version, r.filed_by_id, r.on_behalf, r.note, r.on_duty, r.status)
        for r in DailyReport.objects.filter(date=DAY)
    }


@pytest.fixture
def morning(users, baotou_enterprise):
    """Four enterprises that filed for DAY themselves, two that filed only the day before, one never."""
    filed = [baotou_enterprise] + [make_enterprise(county="150202", name=f"包头自报{n}有限公司") for n in range(3)]
    self_file(baotou_enterprise, DAY, actor=users[Role.ENTERPRISE])
    for enterprise in filed[1:]:
        self_file(enterprise, DAY)
    earlier = [make_enterprise(county="150203", name=f"包头昨报{n}有限公司") for n in range(2)]
    for enterprise in earlier:
        self_file(enterprise, DAY - timedelta(days=1), on_duty=40)
    never = make_enterprise(county="150203", name="包头未报有限公司")
    return {"filed": filed, "earlier": earlier, "never": never}


def test_the_template_carries_notes_report_states_and_versions(client, league, morning):
    workbook = template(client)
    sheet = workbook.active
    header = [c.value for c in sheet[2]]
    assert header[COLUMN["note"]] == "Note" and header[COLUMN["state"]] == "Report state"
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(COLUMN["version"] + 1)].hidden
    rows = rows_of(workbook)
    filed = rows[morning["filed"][0].credit_code]
    assert filed[COLUMN["note"]].value == f"{morning['filed'][0].name}自报"
    assert (filed[COLUMN["state"]].value, filed[COLUMN["version"]].value) == ("Filed", 1)
    prefilled = rows[morning["earlier"][0].credit_code]
    assert (prefilled[COLUMN["state"]].value, prefilled[COLUMN["version"]].value) == ("Prefilled", 0)
    assert prefilled[COLUMN["on_duty"]].value == 40 and prefilled[COLUMN["note"]].value is None
    assert rows[morning["never"].credit_code][COLUMN["state"]].value is None


def test_the_untouched_template_changes_nothing(client, league, morning):
    before, versions = snapshot(), ReportVersion.objects.count()
    batch = preview(client, saved(template(client)))
    assert batch.counts == {"unchanged": 4, "prefilled": 2, "blank": 1}
    page = client.get(reverse("dispatch:excel_preview", args=[batch.pk])).text
    assert 'data-testid="prefilled-note"' in page and 'data-testid="include-prefilled"' in page
    decide(client, batch)
    assert snapshot() == before and ReportVersion.objects.count() == versions
    assert not DailyReport.objects.filter(date=DAY, enterprise__in=morning["earlier"]).exists()


def test_the_clerk_round_trip_changes_exactly_the_rows_changed(client, league, users, morning):
    workbook = template(client)
    rows = rows_of(workbook)
    first, second = morning["filed"][0], morning["filed"][1]
    rows[first.credit_code][COLUMN["on_duty"]].value = 70
    rows[second.credit_code][COLUMN["capacity_pct"]].value = "65%"
    confirmed = morning["earlier"][0]
    rows[confirmed.credit_code][COLUMN["on_duty"]].value = 45
    content = saved(workbook)
    before, versions = snapshot(), ReportVersion.objects.count()

    batch = preview(client, content)
    assert batch.counts == {"updated": 2, "created": 1, "unchanged": 2, "prefilled": 1, "blank": 1}
    page = client.get(reverse("dispatch:excel_preview", args=[batch.pk]), {"rows": "updated"}).text
    # Before and after, side by side, for each row that would change a report.
    assert '<del class="text-secondary" data-testid="before">60</del>' in page
    assert '<strong data-testid="after">70</strong>' in page
    assert '<del class="text-secondary" data-testid="before">50%</del>' in page and ">65%</strong>" in page
    decide(client, batch)

    after = snapshot()
    changed = {pk for pk in after if after[pk] != before.get(pk)}
    assert changed == {first.pk, second.pk, confirmed.pk}
    assert ReportVersion.objects.count() == versions + 3
    for enterprise in (first, second):
        report = DailyReport.objects.get(enterprise=enterprise, date=DAY)
        assert (report.version, report.filed_by, report.on_behalf) == (2, league, True)
        assert report.note == f"{enterprise.name}自报"  # the enterprise's own note, kept
    created = DailyReport.objects.get(enterprise=confirmed, date=DAY)
    assert (created.on_duty, created.filed_by, created.version, created.note) == (45, league, 1, "")
    assert not DailyReport.objects.filter(enterprise=morning["earlier"][1], date=DAY).exists()

    # The same file again: nothing changes, no version, the filers kept.
    before, versions = snapshot(), ReportVersion.objects.count()
    again = preview(client, content)
    assert again.counts == {"unchanged": 5, "prefilled": 1, "blank": 1}
    decide(client, again)
    assert snapshot() == before and ReportVersion.objects.count() == versions


def test_prefilled_rows_are_filed_only_when_the_clerk_includes_them(client, league, morning):
    content = saved(template(client))
    batch = preview(client, content)
    client.post(reverse("dispatch:excel_preview", args=[batch.pk]), {"action": "commit", "include": ["prefilled"]})
    batch.refresh_from_db()
    assert batch.result["created"] == 2 and batch.result["failed"] == []
    filed = DailyReport.objects.filter(date=DAY, enterprise__in=morning["earlier"])
    assert sorted(filed.values_list("on_duty", flat=True)) == [40, 40]


def test_a_prefilled_row_whose_enterprise_reported_since_is_not_filed(client, league, morning):
    content = saved(template(client))
    late = morning["earlier"][0]
    self_file(late, DAY, on_duty=33)
    batch = preview(client, content)
    assert {r["enterprise_id"]: r["action"] for r in batch.rows}[late.pk] == "prefilled"
    client.post(reverse("dispatch:excel_preview", args=[batch.pk]), {"action": "commit", "include": ["prefilled"]})
    batch.refresh_from_db()
    assert DailyReport.objects.get(enterprise=late, date=DAY).on_duty == 33  # its own report stands
    assert len(batch.result["failed"]) == 1


def test_a_report_changed_since_the_template_is_a_conflict_with_both_values(client, league, morning):
    workbook = template(client)
    corrected = morning["filed"][2]
    self_file(corrected, DAY, on_duty=88)  # corrected in the grid after the template was downloaded
    rows = rows_of(workbook)
    rows[corrected.credit_code][COLUMN["on_duty"]].value = 61
    batch = preview(client, saved(workbook))
    row = next(r for r in batch.rows if r["enterprise_id"] == corrected.pk)
    assert row["action"] == "conflict" and row["before"]["on_duty"] == 88 and row["values"]["on_duty"] == 61
    page = client.get(reverse("dispatch:excel_preview", args=[batch.pk]), {"rows": "conflict"}).text
    assert 'data-testid="conflict-note"' in page
    assert '<del class="text-secondary" data-testid="before">88</del>' in page and ">61</strong>" in page
    decide(client, batch)
    report = DailyReport.objects.get(enterprise=corrected, date=DAY)
    assert (report.on_duty, report.version) == (88, 2)  # never silently put back


def test_a_sheet_without_a_note_column_keeps_the_notes(client, league, baotou_enterprise):
    self_file(baotou_enterprise, DAY)
    header = [h for h in HEADER if h != "备注"]
    batch = preview(client, xlsx([header, [baotou_enterprise.credit_code, "", "已复产", 100, 70, 50]]))
    decide(client, batch)
    report = DailyReport.objects.get(date=DAY)
    assert (report.on_duty, report.note) == (70, f"{baotou_enterprise.name}自报")


def test_every_row_is_listed_a_page_at_a_time(client, league):
    enterprises = [make_enterprise(county="150202") for _ in range(imports.ROWS_PER_PAGE + 5)]
    rows = [[e.credit_code, "", "已复产", 100, 50, 50] for e in enterprises]
    batch = preview(client, xlsx([HEADER, *rows]))
    url = reverse("dispatch:excel_preview", args=[batch.pk])
    first = client.get(url).text
    assert first.count('data-testid="valid-row"') == imports.ROWS_PER_PAGE and "rows_page=2" in first
    second = client.get(url, {"rows_page": 2}).text
    assert second.count('data-testid="valid-row"') == 5 and f'data-row="{len(rows) + 1}"' in second


def test_a_batch_is_committed_once_and_records_who_and_when(client, league, baotou_enterprise):
    batch = preview(client, xlsx([HEADER, [baotou_enterprise.credit_code, "", "已复产", 100, 50, 50]]))
    importer = excel.IMPORTERS["daily"]
    assert imports.batch_commit(importer=importer, batch=batch, user=league) is True
    assert imports.batch_commit(importer=importer, batch=batch, user=league) is False
    assert imports.batch_discard(batch=batch, user=league) is False
    batch.refresh_from_db()
    assert (batch.state, batch.decided_by) == (ImportBatch.State.COMMITTED, league) and batch.decided_at
    assert ReportVersion.objects.count() == 1


def test_the_weekly_template_carries_the_same_markers(client, league):
    from fugong.areas.models import Park

    weekly = make_enterprise(county="150203", above_scale=False, park=Park.objects.get(name="包头铝业产业园区"))
    services.report_save(
        actor=None,
        kind=services.WEEKLY,
        subject=weekly,
        period=DAY - timedelta(days=10),
        values={**FIGURES, "note": ""},
        source=Source.API,
    )
    rows = rows_of(template(client, period_type="weekly"))
    assert rows[weekly.credit_code][COLUMN["state"]].value == "Prefilled"
    batch = preview(client, saved(template(client, period_type="weekly")), period_type="weekly")
    assert batch.counts == {"prefilled": 1}
