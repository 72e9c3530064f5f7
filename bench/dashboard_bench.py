"""The region official's dashboard at national scale and at the region's size: server time and bytes of the first
HTML, its on-demand parts, a drill-down page and the drill-down export's first byte and memory.

Server time is the request through Django's whole stack in this process (test client: middleware, view,
template; no network), the median of REPEATS requests after one to warm up. The baseline, measured in the same
run, is the straightforward page: everything the dashboard shows in one answer, as it was before it was split,
that is the page plus every page of every table it loads on demand and the other capabilities' panels, their
server times and bytes added up. The national set is bench/national.py's (built by the `national` module; built
here if missing), the region's a set of 2,757 enterprises in Inner Mongolia's counties built the same way.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import common

REPEATS = {"quick": 5, "full": 3}
TARGET_NATIONAL_MS = 300
TARGET_REGION_MS = 100
TARGET_KB = 150
TARGET_FIRST_BYTE_MS = 1000
# hx-get="..." of the parts the page loads after itself, and of the next page of a paged table
LAZY = re.compile(r'hx-get="([^"]+)"')


def _user():
    from fugong.accounts import services
    from fugong.accounts.models import User
    from fugong.areas.models import Area

    return User.objects.filter(username="bench_dashboard").first() or services.user_create(
        username="bench_dashboard", role="region", area=Area.objects.get(code="150000"), password="x",
        check_password=False,
    )  # fmt: skip


def _get(client, url: str, **headers) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = client.get(url, **headers)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return (time.perf_counter() - started) * 1000, body


def _median(client, url: str, repeats: int, **headers) -> tuple[float, bytes]:
    _get(client, url, **headers)  # warm
    times, body = [], b""
    for _ in range(repeats):
        ms, body = _get(client, url, **headers)
        times.append(ms)
    return statistics.median(times), body


def _parts(html: str) -> list[str]:
    urls = (url.replace("&amp;", "&") for url in LAZY.findall(html))
    return [url for url in urls if url.startswith("/analytics/")]  # not the notices badge of every page


def measure(scale: str) -> dict:
    """In a child process pointed at the database: the figures of one data set."""
    from django.db.models import Max
    from django.test import Client

    from fugong.dispatch.models import DailyReport
    from fugong.enterprises.models import Enterprise

    repeats = REPEATS.get(scale, 3)
    client = Client()
    client.force_login(_user())
    as_of = DailyReport.objects.aggregate(last=Max("date"))["last"]
    page = f"/analytics/?as_of={as_of.isoformat()}"
    out: dict = {"enterprises": Enterprise.objects.count(), "reports": DailyReport.objects.count(), "load": []}
    out["load"].append(os.getloadavg()[0])
    ms, body = _median(client, page, repeats)
    html = body.decode()
    out["page_ms"], out["page_kb"] = ms, len(body) / 1000
    # The straightforward page: the same content in one answer, every table whole.
    total_ms, total_bytes, parts = ms, len(body), {}
    seen, queue = set(), _parts(html)
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        part_ms, part = _median(client, url, 1, HTTP_HX_REQUEST="true")
        total_ms += part_ms
        total_bytes += len(part)
        parts[url.split("?")[0]] = max(parts.get(url.split("?")[0], 0), part_ms)
        queue.extend(_parts(part.decode()))
    out["whole_ms"], out["whole_kb"], out["parts_ms"] = total_ms, total_bytes / 1000, parts
    out["slowest_part_ms"] = max(parts.values()) if parts else 0
    out["load"].append(os.getloadavg()[0])
    drill = f"/analytics/drill/?as_of={as_of.isoformat()}&measure=enterprises"
    out["drill_ms"], drill_body = _median(client, drill, repeats)
    out["drill_kb"] = len(drill_body) / 1000
    out["load"].append(os.getloadavg()[0])
    return out


def measure_export(_scale: str) -> dict:
    """The drill-down export of every enterprise in scope: first byte, all bytes, peak RSS against the rows."""
    from django.db.models import Max
    from django.test import Client

    from fugong.dispatch.models import DailyReport

    client = Client()
    client.force_login(_user())
    as_of = DailyReport.objects.aggregate(last=Max("date"))["last"]
    url = f"/analytics/drill/?as_of={as_of.isoformat()}&measure=enterprises&format=xlsx"
    start_mb = common_rss()
    started = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url}: {response.status_code}")
    chunks = iter(response.streaming_content) if response.streaming else iter([response.content])
    size, first_ms = len(next(chunks)), (time.perf_counter() - started) * 1000
    for chunk in chunks:
        size += len(chunk)
    return {
        "first_byte_ms": first_ms,
        "all_ms": (time.perf_counter() - started) * 1000,
        "bytes": size,
        "start_mb": start_mb,
        "peak_mb": peak_mb(),
        "load": os.getloadavg()[0],
    }


def common_rss() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(what: str, scale: str, database: str) -> dict:
    done = subprocess.run(  # noqa: S603  our own interpreter and script
        [sys.executable, str(Path(__file__)), what, scale],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
        env={**os.environ, "DATABASE_URL": common.postgres_url(database), "DEBUG": "0"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} {scale}: " + " | ".join(done.stderr.strip().splitlines()[-4:]))
    return json.loads(done.stdout.strip().splitlines()[-1])


def _database(scale: str) -> str:
    """The data set's database, built unless it is there complete (bench/national.py)."""
    import national

    _count, name = national.SCALES[scale]
    script = f"import sys; sys.path.insert(0, {str(common.BENCH)!r}); import national; "
    script += f"national.build({scale!r}, fresh=False)"
    done = subprocess.run(  # noqa: S603  our own interpreter
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=3600
    )
    if done.returncode != 0:
        raise RuntimeError(f"building {name}: " + " | ".join(done.stderr.strip().splitlines()[-4:]))
    return name


def _load(values) -> str:
    return "/".join(f"{v:.1f}" for v in values)


def run(scale: str) -> list[dict]:
    national_db = _database(scale)
    region_db = _database("region")
    big = _child("measure", scale, national_db)
    small = _child("measure", "region", region_db)
    export = _child("export", scale, national_db)
    n, r = f"{big['enterprises']:,}", f"{small['enterprises']:,}"
    repeats = REPEATS.get(scale, 3)
    split = (
        "; baseline: the straightforward page, everything the dashboard shows in one answer (the page, every page"
        " of its tables, the panels), server times added up"
    )
    parts = ", ".join(f"{k} {v:.0f} ms" for k, v in big["parts_ms"].items())
    rows = [
        common.row(
            f"dashboard over {n} enterprises: first HTML, server time",
            round(big["page_ms"], 1),
            "ms",
            target=f"<= {TARGET_NATIONAL_MS}",
            baseline=round(big["whole_ms"], 1),
            note=f"GET /analytics/ as the region official, median of {repeats}, {big['reports']:,} reports, "
            f"load average {_load(big['load'])}{split}",
        ),
        common.row(
            f"dashboard over {n} enterprises: first HTML, size",
            round(big["page_kb"], 1),
            "KB",
            target=f"<= {TARGET_KB}",
            baseline=round(big["whole_kb"], 1),
            note="the page as sent before htmx loads the rest; baseline: the straightforward page's bytes",
        ),
        common.row(
            f"dashboard over {n} enterprises: slowest part loaded on demand",
            round(big["slowest_part_ms"], 1),
            "ms",
            target=f"<= {TARGET_NATIONAL_MS}",
            baseline=None,
            note=f"each part once: {parts}",
        ),
        common.row(
            f"dashboard at the region's size ({r} enterprises): first HTML, server time",
            round(small["page_ms"], 1),
            "ms",
            target=f"<= {TARGET_REGION_MS}",
            baseline=round(small["whole_ms"], 1),
            note=f"{small['reports']:,} reports in Inner Mongolia's counties, "
            f"load average {_load(small['load'])}{split}",
        ),
        common.row(
            f"dashboard at the region's size ({r} enterprises): first HTML, size",
            round(small["page_kb"], 1),
            "KB",
            target=f"<= {TARGET_KB}",
            baseline=round(small["whole_kb"], 1),
            note="baseline: the straightforward page's bytes",
        ),
        common.row(
            f"drill-down page over {n} enterprises (all enterprises, page 1)",
            round(big["drill_ms"], 1),
            "ms",
            target=f"<= {TARGET_NATIONAL_MS}",
            baseline=None,
            note=f"GET /analytics/drill/?measure=enterprises, {big['drill_kb']:.0f} KB, median of {repeats}",
        ),
        common.row(
            f"drill-down page at the region's size ({r} enterprises)",
            round(small["drill_ms"], 1),
            "ms",
            target=f"<= {TARGET_REGION_MS}",
            baseline=None,
            note=f"{small['drill_kb']:.0f} KB",
        ),
        common.row(
            f"drill-down export of {n} enterprises: first byte",
            round(export["first_byte_ms"], 1),
            "ms",
            target=f"<= {TARGET_FIRST_BYTE_MS}",
            baseline=round(export["all_ms"], 1),
            note=f"format=xlsx, {export['bytes']:,} bytes; baseline: the last byte; load average {export['load']:.1f}",
        ),
        common.row(
            f"drill-down export of {n} enterprises: peak RSS",
            round(export["peak_mb"], 1),
            "MB",
            target=None,
            baseline=round(export["start_mb"], 1),
            note="baseline: the process before the request (Django set up)",
        ),
    ]
    return rows


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("measure", "export"):
        common.setup_django(migrate=False)
        result = (measure if sys.argv[1] == "measure" else measure_export)(sys.argv[2])
        print(json.dumps(result))
    else:
        print(json.dumps(run(sys.argv[1] if len(sys.argv) > 1 else "quick"), ensure_ascii=False, indent=1))
