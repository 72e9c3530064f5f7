"""Work groups at the demo's size: the region's coverage page, a group's visit list, and a visit saved.

The demo is built at the given scale (full: the Inner Mongolia demo, 2,180 park enterprises and about 2,300
visits) in a SQLite file of its own, then measured through Django's test client (no HTTP server): server time.
Targets from issue 12: the coverage page and the visit list under 150 ms, a visit saved under 50 ms p50.
"""

import json
import sys
import uuid
from datetime import date

from common import row, setup_django, summary, timed, use_sqlite

SCALES = {"quick": {"demo": 0.25, "repeat": 15}, "full": {"demo": 1.0, "repeat": 30}}


def run(scale: str, *, demo_scale: float | None = None) -> list[dict]:
    use_sqlite("bench_workgroups")
    setup_django()
    from django.test import Client

    from fugong.accounts.models import User
    from fugong.demo import build
    from fugong.enterprises.models import Enterprise
    from fugong.workgroups.models import Visit

    size = SCALES[scale]
    build.build(scale=demo_scale or size["demo"])
    region = Client()
    region.force_login(User.objects.get(username="region"))
    member = User.objects.get(username="group1")
    group = Client()
    group.force_login(member)

    def sample(client, url, n):
        client.get(url)  # warm the caches of the process, as a running server has them
        samples = []
        for _ in range(n):
            seconds, response = timed(lambda: client.get(url))
            assert response.status_code == 200, (url, response.status_code)
            samples.append(seconds * 1000)
        return summary(samples)

    coverage = sample(region, "/workgroups/?as_of=2020-02-22", size["repeat"])
    visits = sample(group, "/workgroups/visits/", size["repeat"])

    enterprises = list(Enterprise.objects.filter(league_id__in=member.work_group.leagues.values("code"))[:50])
    saves = []
    before = Visit.objects.count()
    for e in enterprises[: size["repeat"]]:
        body = {
            "credit_code": e.credit_code,
            "visited_on": date(2020, 3, 20).isoformat(),
            "status": "production_resumed",
            "employees": e.employees,
            "on_duty": e.employees // 2,
            "capacity_pct": "60",
            "again": True,
        }
        seconds, response = timed(
            lambda body=body: group.post(
                "/api/v1/visits",
                json.dumps(body),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            )
        )
        assert response.status_code == 201, response.content[:300]
        saves.append(seconds * 1000)
    assert Visit.objects.count() == before + len(saves)
    save = summary(saves)
    note = f"demo at scale {demo_scale or size['demo']}, {Visit.objects.count()} visits, SQLite, test client"
    return [
        row("workgroups: coverage page, region (p50)", coverage["p50_ms"], "ms", target="<= 150", note=note),
        row("workgroups: visit list, a group (p50)", visits["p50_ms"], "ms", target="<= 150", note=note),
        row("workgroups: visit saved through the API (p50)", save["p50_ms"], "ms", target="<= 50", note=note),
    ]


if __name__ == "__main__":
    scale = sys.argv[1] if len(sys.argv) > 1 else "quick"
    print(json.dumps(run(scale, demo_scale=float(sys.argv[2]) if len(sys.argv) > 2 else None)))
