"""Policy matching at national scale on PostgreSQL: one measure against the whole registry, an enterprise's own list.

    .venv/bin/python bench/policies_bench.py [quick|full]    # prints the rows as JSON

The registry of bench/national.py (its COPY of 400,000 enterprises in 31 provinces, 20,000 at the quick scale),
built into a database of this benchmark's own (fugong_bench_policies[_quick]), with tags (专精特新 one in ten,
防疫物资 one in 25, 龙头 one in 50) and the daily reports of the last three days only (one enterprise in 40 has
none: its resumption is unknown), then the demo's library (four documents, nine measures, eligibility as data)
and a benefit for one eligible enterprise in seven of one measure.

- Matching one measure: `selectors.matching` as the measure's page calls it for the region (eligible, received
  and not applied, by league, over the whole registry), for a measure on tags and size and for one on the
  latest daily status; and the first page of the eligible list. Target: under 1 s. Baseline: the straightforward
  evaluation, `eligibility.evaluate` one enterprise at a time in Python, timed on a sample and scaled to the
  registry (its answers on the sample must equal the database filter's).
- An enterprise's own list: `selectors.measures_for` (its facts read once, every measure in force evaluated on
  them) for enterprises drawn at random. Target p95 under 100 ms. Baseline: each measure evaluated by
  `eligibility.evaluate`, which reads the facts again for every measure.
"""

import json
import random
import sys
import time
from datetime import date

import common
import national

SCALES = {"quick": (20_000, "fugong_bench_policies_quick"), "full": (400_000, "fugong_bench_policies")}
DAY = date(2020, 3, 2)
BASELINE_SAMPLE = {"quick": 1_000, "full": 2_000}
REPS = {"quick": 7, "full": 9}
OWN_LISTS = {"quick": 40, "full": 60}

REPORTS_SQL = """
INSERT INTO dispatch_dailyreport
    (enterprise_id, league_id, county_id, date, status, employees, on_duty, capacity_pct, note, warnings, version,
     source, on_behalf, filed_by_id, filed_at, late)
SELECT e.id, e.league_id, e.county_id, %(day)s::date - d,
       CASE (e.id + d) %% 3 WHEN 0 THEN 'not_resumed' WHEN 1 THEN 'work_resumed' ELSE 'production_resumed' END,
       e.employees, 0, 0, '', '[]'::jsonb, 1, 'api', false, NULL, %(day)s::date - d + time '18:00', false
FROM enterprises_enterprise e CROSS JOIN generate_series(0, 2) AS d
WHERE e.id %% 40 <> 0
"""
TAGS_SQL = """
INSERT INTO enterprises_enterprise_tags (enterprise_id, tag_id)
SELECT id, %(tag)s FROM enterprises_enterprise WHERE id %% %(every)s = 0
"""


def build(scale: str) -> dict:
    count, name = SCALES[scale]
    common.use_postgres(name, fresh=True)
    start = time.perf_counter()
    common.setup_django()
    from django.db import connection, transaction

    timings = {}
    with connection.cursor() as cursor:
        t = time.perf_counter()
        with transaction.atomic():
            national._copy_enterprises(cursor, count)
        for tag, every in (("specialised", 10), ("epidemic_supply", 25), ("leading", 50)):
            cursor.execute(TAGS_SQL, {"tag": tag, "every": every})
        cursor.execute(REPORTS_SQL, {"day": DAY})
        for table in ("enterprises_enterprise", "enterprises_enterprise_tags", "dispatch_dailyreport"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        timings["registry_s"] = round(time.perf_counter() - t, 1)
    timings["total_s"] = round(time.perf_counter() - start, 1)
    return timings


def library() -> dict:
    """The demo's documents and measures, through the services; a benefit for one in seven eligible of 稳岗返还."""
    from django.db import connection
    from django.db.models import F

    from fugong.demo.policies import DOCUMENTS
    from fugong.enterprises.models import Enterprise
    from fugong.policies import eligibility, services
    from fugong.policies.models import Benefit, Measure

    for doc in DOCUMENTS:
        policy = services.policy_save(
            actor=None, **{k: doc[k] for k in ("title", "number", "issuer", "issued_on", "valid_until", "text")}
        )
        for article, title, benefit_type, delivery, amount, rate, rule in doc["measures"]:
            data = services.MeasureData(
                article=article, title=title, benefit_type=benefit_type, delivery=delivery, amount=amount, rate=rate,
                department="自治区工业和信息化厅", rule=rule,
            )  # fmt: skip
            services.measure_save(actor=None, policy=policy, data=data)
    wages = Measure.objects.get(title="中小企业稳岗返还")
    eligible = eligibility.eligible(Enterprise.objects.all(), wages.rule, DAY)
    reached = eligible.filter(id__in=Enterprise.objects.annotate(r=F("id") % 7).filter(r=0).values("id"))
    Benefit.objects.bulk_create(
        (
            Benefit(enterprise_id=pk, league_id=league, county_id=county, measure=wages, amount=30, on=DAY,
                    source=Benefit.Source.AUTOMATIC)
            for pk, league, county in reached.values_list("pk", "league_id", "county_id").iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE policies_benefit")
    return {m.title: m for m in Measure.objects.select_related("policy")}


def region_user():
    from fugong.accounts import services
    from fugong.areas.models import Area

    return services.user_create(
        username="bench_region", role="region", area=Area.objects.get(code="150000"), password="x", check_password=False
    )


def samples(fn, reps: int) -> list[float]:
    fn()  # warm: plans and caches, as a page that has been opened before
    out = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def baseline_matching(measure, sample_ids: list[int], total: int) -> tuple[float, set, set]:
    """The straightforward evaluation, one enterprise at a time in Python, on a sample; ms scaled to `total`."""
    from fugong.enterprises.models import Enterprise
    from fugong.policies import eligibility

    start = time.perf_counter()
    found = {
        e.pk
        for e in Enterprise.objects.filter(pk__in=sample_ids).prefetch_related("tags").iterator(chunk_size=500)
        if eligibility.evaluate(measure.rule, e, DAY).eligible
    }
    ms = (time.perf_counter() - start) * 1000
    by_filter = set(
        eligibility.eligible(Enterprise.objects.filter(pk__in=sample_ids), measure.rule, DAY).values_list(
            "pk", flat=True
        )
    )
    return ms * total / len(sample_ids), found, by_filter


def run(scale: str) -> list[dict]:
    load_before = common_load()
    timings = build(scale)
    from fugong.enterprises.models import Enterprise
    from fugong.policies import eligibility, selectors

    measures = library()
    user = region_user()
    count = Enterprise.objects.count()
    rng = random.Random(14)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    rows = []
    note_data = (
        f"{count:,} enterprises (bench/national.py's registry: COPY), tags, 3 days of daily reports, the demo's 9 "
        f"measures; PostgreSQL, the region's sight (everything); build {timings['registry_s']} s"
    )
    sample = rng.sample(ids, BASELINE_SAMPLE[scale])
    for title, label in (
        ("专精特新中小企业专项资金", "tags and size"),
        ("中小企业稳岗返还", "size and latest daily status"),
    ):
        measure = measures[title]
        ms = samples(lambda m=measure: selectors.matching(user=user, measure=m, day=DAY), REPS[scale])
        found = selectors.matching(user=user, measure=measure, day=DAY)
        base_ms, by_python, by_filter = baseline_matching(measure, sample, count)
        if by_python != by_filter:
            raise AssertionError(f"{title}: the Python evaluation and the filter disagree on the sample")
        rows.append(
            common.row(
                f"policies: match one measure ({label}) against {count:,} enterprises, p95",
                common.summary(ms)["p95_ms"],
                "ms",
                target="<= 1000",
                baseline=round(base_ms),
                note=f"selectors.matching for the region (eligible {found.eligible:,}, received {found.received:,}, "
                f"not applied {found.not_applied:,}, by {len(found.by_league)} leagues), p50 "
                f"{common.summary(ms)['p50_ms']} ms over {REPS[scale]} runs. Baseline: eligibility.evaluate one "
                f"enterprise at a time, {len(sample):,} sampled, scaled to the registry (same answers as the filter "
                f"on the sample). {note_data}",
            )
        )
    wages = measures["中小企业稳岗返还"]
    page = samples(
        lambda: list(selectors.eligible_list(user=user, measure=wages, day=DAY, which="not_applied")[:50]), REPS[scale]
    )
    rows.append(
        common.row(
            f"policies: first page of a measure's eligible not applied ({count:,} enterprises), p95",
            common.summary(page)["p95_ms"],
            "ms",
            target="<= 1000",
            note=f"selectors.eligible_list(which=not_applied)[:50], ordered by league, county, name. {note_data}",
        )
    )
    own, naive = [], []
    chosen = [Enterprise.objects.get(pk=pk) for pk in rng.sample(ids, OWN_LISTS[scale])]
    selectors.measures_for(enterprise=chosen[0], day=DAY, user=user)  # warm
    all_measures = list(measures.values())
    for e in chosen:
        start = time.perf_counter()
        eligible, near = selectors.measures_for(enterprise=e, day=DAY, user=user)
        own.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        by_each = {
            m.pk for m in all_measures if m.policy.in_force(DAY) and eligibility.evaluate(m.rule, e, DAY).eligible
        }
        naive.append((time.perf_counter() - start) * 1000)
        if by_each != {r.measure.pk for r in eligible}:
            raise AssertionError(f"enterprise {e.pk}: its own list and the measure-by-measure evaluation disagree")
    rows.append(
        common.row(
            f"policies: an enterprise's own list of eligible measures ({count:,} enterprises), p95",
            common.summary(own)["p95_ms"],
            "ms",
            target="<= 100",
            baseline=common.summary(naive)["p95_ms"],
            note=f"selectors.measures_for (facts read once, {len(all_measures)} measures evaluated on them) for "
            f"{len(chosen)} enterprises drawn at random, p50 {common.summary(own)['p50_ms']} ms. Baseline: "
            f"eligibility.evaluate measure by measure (facts read again each time), p95. {note_data}",
        )
    )
    load_after = common_load()
    for r in rows:
        r["note"] += f"; load average {load_before} before, {load_after} after (shared machine)"
    return rows


def common_load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1] if len(sys.argv) > 1 else "quick"), ensure_ascii=False, indent=1))
