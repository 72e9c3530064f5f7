"""Reports by Excel saved by a task (fugong/core/tasks.py) once the sheet is large: the same result, the options
the clerk ticked kept, nothing saved on failure. The threshold is made tiny so that a few rows go that way."""

import pytest
from django.urls import reverse

from fugong.core import imports
from fugong.core.models import ImportBatch
from fugong.dispatch import excel
from fugong.dispatch.models import DailyReport, ReportVersion
from fugong.dispatch.tests import test_excel_round_trip as round_trip
from fugong.dispatch.tests.test_excel import preview
from fugong.dispatch.tests.test_excel_round_trip import DAY, saved, snapshot, template

pytestmark = pytest.mark.django_db

english, league, morning = round_trip.english, round_trip.league, round_trip.morning


@pytest.fixture(autouse=True)
def background(settings):
    settings.IMPORT_BACKGROUND_ROWS = 2


def commit(client, batch, **data):
    return client.post(reverse("dispatch:excel_preview", args=[batch.pk]), {"action": "commit", **data})


def test_prefilled_rows_ticked_are_filed_by_the_task(client, league, morning, monkeypatch):
    batch = preview(client, saved(template(client)))
    seen = []
    commit_chunk = excel.IMPORTERS["daily"].commit_chunk

    def watched(*, user, rows):
        seen.append(imports.progress_of(ImportBatch.objects.get(pk=batch.pk)))
        return commit_chunk(user=user, rows=rows)

    monkeypatch.setattr(excel.IMPORTERS["daily"], "commit_chunk", watched)
    assert commit(client, batch, include=["prefilled"]).status_code == 302
    assert [(p["done"], p["total"]) for p in seen] == [(0, 6)]  # 4 unchanged rows (counted), 2 prefilled ticked
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.COMMITTED and batch.result["created"] == 2
    filed = DailyReport.objects.filter(date=DAY, enterprise__in=morning["earlier"])
    assert sorted(filed.values_list("on_duty", flat=True)) == [40, 40]


def test_a_failing_task_files_nothing(client, league, morning, monkeypatch):
    before, versions = snapshot(), ReportVersion.objects.count()
    batch = preview(client, saved(template(client)))

    def failing(*, user, rows):
        excel.commit(user=user, kind=excel.IMPORTERS["daily"].report_kind, stored=rows)  # written, then undone
        raise RuntimeError("the database went away")

    monkeypatch.setattr(excel.IMPORTERS["daily"], "commit_chunk", failing)
    commit(client, batch, include=["prefilled"])
    assert snapshot() == before and ReportVersion.objects.count() == versions
    page = client.get(reverse("dispatch:excel_preview", args=[batch.pk])).text
    assert "Saving failed, and nothing was saved: the database went away" in page
