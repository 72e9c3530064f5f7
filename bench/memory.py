"""Memory: peak RSS of importing a 100,000-row registry workbook, and of a dashboard request at national scale.

Each measurement runs in a fresh child process and reads its own VmHWM (peak resident set, /proc status), so
nothing measured before (the workbook's generation, other benchmarks) counts; DEBUG is off, as in production.
The import goes the way of the import pages (fugong/core/imports.py, the registry's importer): the upload read and
planned and stored as a preview batch (one request: batch_preview), then the batch planned again and committed a
chunk at a time (a second request: batch_commit), each in its own process.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import (
    VAR,
    peak_rss_mb,
    postgres_exists,
    postgres_url,
    row,
    rss_mb,
    setup_django,
    use_postgres,
)

DATABASE = "fugong_bench_memory"
TARGET_MB = 300
SCALES = {"smoke": 2_000, "quick": 100_000, "full": 100_000}


def workbook_path(rows: int) -> Path:
    return VAR / f"bench-registry-{rows}.xlsx"


def build_workbook(rows: int) -> tuple[Path, float]:
    """A registry workbook of `rows` new enterprises across the region's counties, as the template lays out."""
    from fugong.accounts.models import User
    from fugong.areas.models import Area
    from fugong.core.excel import write_xlsx
    from fugong.enterprises import excel
    from fugong.enterprises.credit_code import make

    user = User.objects.get(username="bench_region")
    counties = list(Area.objects.filter(level=Area.Level.COUNTY).order_by("code"))
    sizes = ["大型", "中型", "小型", "微型"]
    index = {c.key: i for i, c in enumerate(excel.COLUMNS)}
    template = excel.example_row(user)

    def lines():
        for n in range(rows):
            county = counties[n % len(counties)]
            line = list(template)
            line[index["credit_code"]] = make(area_code=county.code, org_body=f"M{n:07d}")
            line[index["name"]] = f"内存基准{county.display_name}第{n}号制造有限公司"
            line[index["county"]] = f"{county.code} {county.display_name}"
            line[index["park"]] = ""
            line[index["above_scale"]] = "是" if n % 5 == 0 else "否"
            line[index["size_class"]] = sizes[n % 4]
            line[index["tags"]] = "专精特新" if n % 17 == 0 else ""
            line[index["employees"]] = 20 + n % 900
            line[index["normal_output"]] = 100 + n % 5000
            yield line

    started = time.monotonic()
    content = write_xlsx(excel.COLUMNS, lines(), title="企业名录导入", sheet_name="企业")
    path = workbook_path(rows)
    path.write_bytes(content)
    return path, time.monotonic() - started


def prepare(rows: int) -> Path:
    from fugong.accounts import services
    from fugong.areas.models import Area

    services.user_create(
        username="bench_region", role="region", area=Area.objects.get(code="150000"), password="x", check_password=False
    )
    path, seconds = build_workbook(rows)
    size = path.stat().st_size / 1e6
    print(f"  workbook of {rows:,} rows, {size:.1f} MB, written in {seconds:.0f} s", file=sys.stderr)
    return path


# --- measured in a child process -------------------------------------------------------------------------


def measure_preview(path: str) -> dict:
    """The upload request: read the sheet, plan every row, store the preview batch."""
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fugong.accounts.models import User
    from fugong.core.excel import read_table
    from fugong.core.imports import batch_preview
    from fugong.enterprises import excel

    user = User.objects.get(username="bench_region")
    start_mb = peak_rss_mb()
    marks = {}
    started = time.monotonic()
    upload = SimpleUploadedFile(Path(path).name, Path(path).read_bytes())
    table = read_table(upload, excel.COLUMNS, max_rows=max(settings.IMPORT_MAX_ROWS, 100_000), lazy=True)
    marks["read"] = peak_rss_mb()
    batch = batch_preview(importer=excel.IMPORTER, user=user, filename=upload.name, table=table)
    marks["planned and stored"] = peak_rss_mb()
    return {
        "batch": batch.pk,
        "rows": batch.row_set.count(),
        "errors": batch.action_counts().get(excel.Action.ERROR, 0),
        "seconds": round(time.monotonic() - started, 1),
        "start_mb": round(start_mb, 1),
        "peak_mb": round(peak_rss_mb(), 1),
        "marks": {k: round(v, 1) for k, v in marks.items()},
    }


def measure_commit(batch_id: str) -> dict:
    """The commit request: the stored rows planned again (the registry may have changed), then saved."""

    from fugong.core.imports import batch_commit
    from fugong.core.models import ImportBatch
    from fugong.enterprises import excel

    start_mb = peak_rss_mb()
    started = time.monotonic()
    batch = ImportBatch.objects.get(pk=batch_id)
    batch_commit(importer=excel.IMPORTER, batch=batch, user=batch.user)  # locks the batch, as the page does
    result = ImportBatch.objects.get(pk=batch_id).result
    return {
        "created": result["created"],
        "updated": result["updated"],
        "failed": len(result["failed"]),
        "seconds": round(time.monotonic() - started, 1),
        "start_mb": round(start_mb, 1),
        "peak_mb": round(peak_rss_mb(), 1),
        "marks": {"committed": round(peak_rss_mb(), 1)},
    }


def measure_dashboard(_database: str) -> dict:
    """A region official's dashboard at national scale: the page if it is there, else its figures calls."""
    from django.db.models import Max
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from fugong.accounts import services
    from fugong.accounts.models import User
    from fugong.analytics import figures
    from fugong.areas.models import Area
    from fugong.dispatch.models import DailyReport

    user = User.objects.filter(username="bench_dashboard").first() or services.user_create(
        username="bench_dashboard", role="region", area=Area.objects.get(code="150000"), password="x",
        check_password=False,
    )  # fmt: skip
    as_of = DailyReport.objects.aggregate(last=Max("date"))["last"]
    start_mb = peak_rss_mb()
    started = time.monotonic()
    try:
        url = reverse("analytics:dashboard")
    except NoReverseMatch:
        url = None
    if url:
        client = Client()
        client.force_login(user)
        response = client.get(url, {"as_of": as_of.isoformat()} if as_of else {})
        if response.status_code != 200:
            raise RuntimeError(f"GET {url}: {response.status_code}")
        what = f"GET {url} (the dashboard page, {len(response.content):,} bytes)"
    else:
        figures.figures(user=user, as_of=as_of)
        for by in ("league", "county", "industry"):
            figures.breakdown(user=user, as_of=as_of, by=by)
        what = "figures() and breakdown() by league, county and industry (no dashboard view yet)"
    return {
        "what": what,
        "as_of": str(as_of),
        "reports": DailyReport.objects.count(),
        "seconds": round(time.monotonic() - started, 2),
        "start_mb": round(start_mb, 1),
        "peak_mb": round(peak_rss_mb(), 1),
        "rss_mb": round(rss_mb(), 1),
    }


def _child(what: str, arg: str, database_url: str) -> dict:
    done = subprocess.run(  # noqa: S603  our own interpreter and script
        [sys.executable, str(Path(__file__)), what, arg],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
        # DEBUG off, as in production: Django's debug query log would keep the text of every statement.
        env={**os.environ, "DATABASE_URL": database_url, "DEBUG": "0"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what}: " + " | ".join(done.stderr.strip().splitlines()[-4:]))
    return json.loads(done.stdout.strip().splitlines()[-1])


def national_database() -> tuple[str, int] | None:
    """The national data set's database (bench/national.py), the full one if built, else the quick one."""
    try:
        import national
    except ImportError:
        return None
    import psycopg

    for scale in ("full", "quick"):
        count, name = national.SCALES[scale]
        if not postgres_exists(name):
            continue
        with psycopg.connect(postgres_url(name).replace("postgres://", "postgresql://")) as conn:
            done = conn.execute("SELECT 1 FROM areas_area WHERE code = '990000' AND name = %s", [national.MARK])
            if done.fetchone():
                return name, count
    return None


def run(scale: str) -> list[dict]:
    rows_count = SCALES[scale]
    url = use_postgres(DATABASE)
    setup_django()
    path = prepare(rows_count)
    rows = []

    preview = _child("preview", str(path), url)
    rows.append(
        row(
            f"registry import of {preview['rows']:,} rows: preview request, peak RSS",
            preview["peak_mb"],
            "MB",
            target=f"<= {TARGET_MB}",
            baseline=preview["start_mb"],
            note=f"read, plan every row, store the batch in {preview['seconds']} s, {preview['errors']} rows in "
            f"error; peak after each step {preview['marks']}; baseline: the process before reading "
            f"(Django set up); workbook {path.stat().st_size / 1e6:.1f} MB",
        )
    )
    commit = _child("commit", str(preview["batch"]), url)
    rows.append(
        row(
            f"registry import of {preview['rows']:,} rows: commit request, peak RSS",
            commit["peak_mb"],
            "MB",
            target=f"<= {TARGET_MB}",
            baseline=commit["start_mb"],
            note=f"plan again and save: {commit['created']:,} created, {commit['failed']} failed in "
            f"{commit['seconds']} s; peak after each step {commit['marks']}",
        )
    )

    found = national_database()
    if found is None:
        rows.append(
            row(
                "dashboard at national scale: peak RSS",
                None,
                "MB",
                note="not measured: the national data set (bench/national.py, run by figures_bench) is not built",
            )
        )
    else:
        national, enterprises = found
        dash = _child("dashboard", national, postgres_url(national))
        rows.append(
            row(
                f"dashboard over {enterprises:,} enterprises: peak RSS",
                dash["peak_mb"],
                "MB",
                baseline=dash["start_mb"],
                note=f"Inner Mongolia's region official: {dash['what']} as of {dash['as_of']}, database of "
                f"{dash['reports']:,} reports ({national}), in {dash['seconds']} s; baseline: the process before the "
                "request (Django set up)",
            )
        )
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("preview", "commit", "dashboard"):
        setup_django(migrate=False)
        what, arg = sys.argv[1:]
        result = {"preview": measure_preview, "commit": measure_commit, "dashboard": measure_dashboard}[what](arg)
        print(json.dumps(result, default=str))
    else:
        for item in run(sys.argv[1] if len(sys.argv) > 1 else "quick"):
            print(json.dumps(item, ensure_ascii=False, default=str))
