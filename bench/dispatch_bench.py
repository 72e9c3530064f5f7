"""Report intake: one PUT, and the bulk API against one PUT per report. Prints one JSON object."""

import json
import sys
from datetime import date, timedelta

from common import build_enterprises, official_token, setup_django, summary, timed

SCALES = {
    "quick": {"enterprises": 10_000, "puts": 300, "baseline": 500},
    "full": {"enterprises": 40_000, "puts": 1000, "baseline": 1000},
}


def main(scale: str) -> dict:
    setup_django()
    from django.test import Client

    from fugong.dispatch.models import DailyReport

    size = SCALES[scale]
    enterprises = build_enterprises(size["enterprises"])
    _, token = official_token()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"status": "production_resumed", "employees": 500, "on_duty": 320, "capacity_pct": 61.5, "note": ""}
    start_day = date(2020, 2, 3)
    DailyReport.objects.filter(enterprise__in=enterprises).delete()

    # One PUT per request, each a new report (the common case at the deadline).
    samples = []
    for n, enterprise in enumerate(enterprises[: size["puts"]]):
        url = f"/api/v1/reports/daily/{enterprise.credit_code}/{start_day.isoformat()}"
        seconds, response = timed(lambda url=url: client.put(url, json.dumps(body), content_type="application/json"))
        assert response.status_code == 201, (n, response.status_code, response.content[:300])
        samples.append(seconds * 1000)
    put = summary(samples)

    # Baseline: reports one PUT at a time, as a client without the bulk endpoint would send them.
    day = start_day + timedelta(days=1)
    baseline_items = enterprises[: size["baseline"]]
    seconds, _ = timed(lambda: [
        client.put(f"/api/v1/reports/daily/{e.credit_code}/{day.isoformat()}", json.dumps(body),
                   content_type="application/json")
        for e in baseline_items
    ])  # fmt: skip
    baseline_rate = len(baseline_items) / seconds

    # Bulk: 5,000 reports a request, new reports for the next days.
    bulk_total, bulk_seconds = 0, 0.0
    for k in range(len(enterprises) // 5000):
        batch = enterprises[k * 5000 : (k + 1) * 5000]
        payload = {
            "items": [
                {**body, "credit_code": e.credit_code, "date": (day + timedelta(days=1)).isoformat()} for e in batch
            ]
        }
        raw = json.dumps(payload)
        seconds, response = timed(
            lambda raw=raw: client.post("/api/v1/reports/daily/bulk", raw, content_type="application/json")
        )
        assert response.status_code == 200 and response.json()["counts"].get("created") == len(batch), response.content[
            :300
        ]
        bulk_total += len(batch)
        bulk_seconds += seconds
    return {
        "put_single": put,
        "bulk_reports_per_s": round(bulk_total / bulk_seconds),
        "bulk_reports": bulk_total,
        "one_put_per_report_per_s": round(baseline_rate),
    }


if __name__ == "__main__":
    result = main(sys.argv[1] if len(sys.argv) > 1 else "quick")
    print(json.dumps(result))
