"""Set-up shared by the benchmarks: a fresh database, Django, a league of enterprises, a token."""

import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("AXES_ENABLED", "0")
os.environ.setdefault("LOG_LEVEL", "ERROR")


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def backend() -> str:
    from django.db import connection

    return connection.vendor


def build_enterprises(count: int, *, county: str = "150203", prefix: str = "B") -> list:
    """`count` above-scale enterprises in one county, through the bulk service."""
    from fugong.areas.models import Area
    from fugong.enterprises import services
    from fugong.enterprises.credit_code import make
    from fugong.enterprises.models import Enterprise, Industry

    area = Area.objects.get(code=county)
    industry = Industry.objects.get(code="31")
    existing = Enterprise.objects.filter(county=area, name__startswith=f"基准{prefix}").count()
    items = [
        services.EnterpriseData(
            credit_code=make(area_code=county, org_body=f"{prefix}{n:07d}"),
            name=f"基准{prefix}企业{n}有限公司",
            county=area,
            industry=industry,
            size_class="medium",
            employees=500,
            normal_output=Decimal(1000),
            above_scale=True,
        )
        for n in range(existing, count)
    ]
    if items:
        services.enterprise_bulk_create(actor=None, items=items, source="command")
    return list(Enterprise.objects.filter(county=area, name__startswith=f"基准{prefix}").order_by("pk")[:count])


def official_token(username: str = "bench_league", area: str = "150200") -> tuple[object, str]:
    from fugong.accounts import services
    from fugong.accounts.models import User
    from fugong.areas.models import Area

    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            username=username, role="league", area=Area.objects.get(code=area), password="x", check_password=False
        )
    return user, services.token_create(user=user, name="bench")[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def summary(samples_ms: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(samples_ms), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "n": len(samples_ms),
    }
