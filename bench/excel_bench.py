"""Reports by Excel: a 3,000-row league workbook previewed and committed, and read by calamine and openpyxl.

The preview and the commit are timed through the pages a league official uses (upload, then save), so
the figures hold the HTTP handling, the reader, the matching, the service's checks and the writes.
Reading the same file with python-calamine and with openpyxl is timed in the same run.
Run alone: `.venv/bin/python bench/excel_bench.py [quick|full]`; it uses its own SQLite file in var/.
"""

import io
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import common  # noqa: E402  (after the path is set)

ROWS = 3000
SCALES = {"quick": {"repeats": 1}, "full": {"repeats": 3}}
FIRST_DAY = date(2020, 2, 20)
PREVIEW_TARGET_S = 2.0
COMMIT_TARGET_S = 3.0


def _row(name, value, unit, *, target=None, baseline=None, note=""):
    return {"name": name, "value": value, "unit": unit, "target": target, "baseline": baseline, "note": note}


def _own_database() -> None:
    # Never db.sqlite3: a file of this benchmark's own, made afresh.
    if hasattr(common, "use_sqlite"):
        common.use_sqlite("bench_excel")
        return
    path = ROOT / "var" / "bench_excel.sqlite3"
    path.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"


def _workbook(enterprises, day: date) -> bytes:
    """The league's sheet as the template writes it, every row filled in by the official."""
    from fugong.core.excel import write_xlsx
    from fugong.dispatch import excel

    rows = [
        [e.credit_code, e.name, "昆都仑区", day, "已复产", e.employees, 300 + n % 150, f"{55 + n % 40}%", ""]
        for n, e in enumerate(enterprises)
    ]
    return write_xlsx(excel.COLUMNS, rows, title=f"日调度表 {day.isoformat()} 包头市")


def _read_calamine(content: bytes) -> int:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
    return len(workbook.get_sheet_by_index(0).to_python())


def _read_openpyxl(content: bytes) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    count = sum(1 for _ in workbook.active.iter_rows(values_only=True))
    workbook.close()
    return count


def _best(fn, repeats: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(max(repeats, 3)):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return min(samples), result


def run(scale: str = "quick") -> list[dict]:
    _own_database()
    common.setup_django()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from fugong.core.models import ImportBatch
    from fugong.dispatch import services
    from fugong.dispatch.models import DailyReport, ReportVersion

    repeats = SCALES[scale]["repeats"]
    enterprises = common.build_enterprises(ROWS, county="150203", prefix="X")
    user, _token = common.official_token("bench_excel_league", "150200")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    # Yesterday's reports, so the checks compare with a previous report as they do on a real morning.
    figures = {"status": "production_resumed", "employees": 500, "on_duty": 320, "capacity_pct": Decimal(60)}
    items = [services.Item(subject=e, period=FIRST_DAY - timedelta(days=1), values=figures) for e in enterprises]
    services.reports_save(actor=None, kind=services.DAILY, items=items, source="demo")

    # A warm server: the first request imports the URL conf and the readers; timing starts after it.
    warm = client.post(
        "/dispatch/excel/upload/",
        {
            "file": SimpleUploadedFile("warm.xlsx", _workbook(enterprises[:5], FIRST_DAY)),
            "date": FIRST_DAY.isoformat(),
            "period_type": "daily",
        },
    )
    assert warm.status_code == 302, warm.content[-2000:]

    previews, commits, again = [], [], []
    size = 0
    for k in range(repeats):
        day = FIRST_DAY + timedelta(days=k)
        content = _workbook(enterprises, day)
        size = len(content)

        def post(content=content, day=day):
            upload = SimpleUploadedFile("league.xlsx", content)
            return client.post(
                "/dispatch/excel/upload/", {"file": upload, "date": day.isoformat(), "period_type": "daily"}
            )

        start = time.perf_counter()
        response = post()
        previews.append(time.perf_counter() - start)
        assert response.status_code == 302, response.content[-2000:]
        batch = ImportBatch.objects.order_by("-created_at").first()
        actions = {r["action"] for r in batch.rows}
        assert actions == {"created"} and len(batch.rows) == ROWS, (actions, batch.issues[:3])

        start = time.perf_counter()
        response = client.post(f"/dispatch/excel/{batch.pk}/", {"action": "commit"})
        commits.append(time.perf_counter() - start)
        assert response.status_code == 302
        assert DailyReport.objects.filter(date=day, source="excel").count() == ROWS

        # The same file again: a preview of unchanged rows and a commit that writes nothing.
        versions = ReportVersion.objects.count()
        start = time.perf_counter()
        post()
        again.append(time.perf_counter() - start)
        batch = ImportBatch.objects.order_by("-created_at").first()
        client.post(f"/dispatch/excel/{batch.pk}/", {"action": "commit"})
        assert ReportVersion.objects.count() == versions and DailyReport.objects.filter(date=day).count() == ROWS

    calamine_s, calamine_rows = _best(lambda: _read_calamine(content), repeats)
    openpyxl_s, openpyxl_rows = _best(lambda: _read_openpyxl(content), repeats)
    assert calamine_rows == openpyxl_rows == ROWS + 2, (calamine_rows, openpyxl_rows)
    backend = common.backend()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    where = f"{ROWS:,} rows, {size / 1024:.0f} KiB .xlsx, {backend}, median of {repeats}, warm server, load {load}"
    return [
        _row(
            "excel_preview_3000_rows",
            round(statistics.median(previews), 3),
            "s",
            target=f"<= {PREVIEW_TARGET_S}",
            note=f"upload to preview page (read, match, dry-run checks, batch saved); {where}",
        ),
        _row(
            "excel_commit_3000_rows",
            round(statistics.median(commits), 3),
            "s",
            target=f"<= {COMMIT_TARGET_S}",
            note=f"commit of every row through reports_save (source excel, versions written); {where}",
        ),
        _row(
            "excel_same_file_again_preview",
            round(statistics.median(again), 3),
            "s",
            note="the same file uploaded again: every row unchanged, its commit writes nothing (checked)",
        ),
        _row(
            "excel_read_calamine",
            round(calamine_s * 1000, 1),
            "ms",
            baseline=round(openpyxl_s * 1000, 1),
            note=f"whole sheet to Python values, best of {max(repeats, 3)}; baseline: openpyxl read-only, same file, "
            f"{openpyxl_s / calamine_s:.1f}x slower",
        ),
    ]


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1] if len(sys.argv) > 1 else "quick"), ensure_ascii=False, indent=1))
