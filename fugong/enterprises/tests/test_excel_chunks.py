"""The registry import a chunk at a time: a sheet larger than a chunk reads, previews and saves as one small sheet.

The chunk is made tiny here so that a few rows cross several chunks; bench/memory.py measures the memory it saves.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from config.testing import credit_code
from fugong.accounts.models import Role
from fugong.core.excel import SheetError, read_table
from fugong.core.models import ImportBatch, ImportRow
from fugong.enterprises import excel
from fugong.enterprises.models import Enterprise
from fugong.enterprises.tests.test_excel import HEADER, decide, preview, row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(ImportBatch, "CHUNK", 3)


def test_a_sheet_of_several_chunks_is_checked_and_saved_as_a_whole(client, users, tiny_chunks):
    client.force_login(users[Role.COUNTY])
    codes = [credit_code("150203") for _ in range(6)]
    rows = [row(code, f"企业{n}", "150203") for n, code in enumerate(codes)]
    rows.insert(3, row(codes[0], "重复的企业", "150203"))  # sheet row 5, in another chunk than row 2
    rows.append(row(credit_code("150203"), "", "150203"))  # sheet row 9: no name
    content = xlsx([HEADER, *rows])
    batch = preview(client, content)
    assert [r["row"] for r in batch.rows] == list(range(2, 10))
    assert {(i["row"], i["column"]) for i in batch.issues} == {(2, "credit_code"), (5, "credit_code"), (9, "name")}
    assert [i["row"] for i in batch.issues] == sorted(i["row"] for i in batch.issues)
    assert batch.action_counts() == {"create": 5, "error": 3}
    page = client.get(reverse("enterprises:import_preview", args=[batch.pk]))
    assert page.text.count('data-testid="issue"') == 3

    decide(client, batch, "commit")
    batch.refresh_from_db()
    assert batch.result == {"created": 5, "updated": 0, "failed": []}
    assert Enterprise.objects.filter(credit_code__in=codes[1:]).count() == 5

    again = preview(client, content)  # the same file twice creates nothing twice
    assert again.action_counts() == {"update": 5, "error": 3}
    decide(client, again, "commit")
    again.refresh_from_db()
    assert again.result["created"] == 0 and again.result["updated"] == 5
    assert Enterprise.objects.filter(credit_code__in=codes).count() == 5


def test_a_lazy_read_keeps_no_row_and_yields_what_an_eager_one_holds():
    rows = [row(credit_code("150203"), f"企业{n}", "150203") for n in range(5)]
    content = xlsx([HEADER, *rows])
    lazy = read_table(SimpleUploadedFile("r.xlsx", content), excel.COLUMNS, lazy=True)
    eager = read_table(SimpleUploadedFile("r.xlsx", content), excel.COLUMNS)
    assert lazy.rows == [] and len(eager.rows) == 5
    assert list(lazy.iter_rows()) == eager.rows == list(lazy.iter_rows())  # each pass reads the sheet again


def test_a_lazy_read_refuses_a_sheet_too_long_on_its_first_pass():
    rows = [row(credit_code("150203"), f"企业{n}", "150203") for n in range(5)]
    table = read_table(SimpleUploadedFile("r.xlsx", xlsx([HEADER, *rows])), excel.COLUMNS, lazy=True, max_rows=4)
    with translation.override("en"), pytest.raises(SheetError, match="more than 4 rows"):
        list(table.iter_rows())


def test_the_stored_preview_stays_small(client, users, tiny_chunks):
    # The whole preview was once one JSON document of every row (65 MB for 100,000 rows), built in memory
    # several times over; a row is now stored alone, and stays well under a kilobyte.
    client.force_login(users[Role.COUNTY])
    rows = [row(credit_code("150203"), f"包头新材料第{n}号有限公司", "150203") for n in range(40)]
    batch = preview(client, xlsx([HEADER, *rows]))
    stored = list(ImportRow.objects.filter(batch=batch).values_list("data", flat=True))
    assert len(stored) == 40
    assert max(len(json.dumps(data, ensure_ascii=False).encode()) for data in stored) < 1000
