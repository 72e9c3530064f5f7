"""Work groups, plans and visits for tests, built through the services."""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from fugong.workgroups import services

_keys = itertools.count(1)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def key() -> str:
    return f"test-key-{next(_keys):06d}"


def visit_data(enterprise, *, days_ago=1, **values) -> services.VisitData:
    fields = {
        "enterprise": enterprise,
        "visited_on": timezone.localdate() - timedelta(days=days_ago),
        "status": "production_resumed",
        "employees": 100,
        "on_duty": 60,
        "capacity_pct": Decimal("50.0"),
        "met": "张经理",
        "guidance": "指导企业落实防疫措施",
    }
    fields.update(values)
    return services.VisitData(**fields)


def make_visit(group, enterprise, *, actor=None, client_key=None, **values):
    visit, _created = services.visit_record(
        actor=actor, group=group, data=visit_data(enterprise, **values), client_key=client_key or key()
    )
    return visit


def matrix_context(inside, outside) -> dict:
    """In scope: the persona group's (Baotou) plan, visit and photo; out of scope: an Ordos group's."""
    from fugong.accounts.models import WorkGroup
    from fugong.areas.models import Area

    today = timezone.localdate()
    groups = {
        True: WorkGroup.objects.get(name="第一工作组"),
        False: WorkGroup.objects.get_or_create(name="第三工作组")[0],
    }
    groups[False].leagues.add(Area.objects.get(code="150600"))
    found = {}
    for inside_, enterprise in ((True, inside), (False, outside)):
        group = groups[inside_]
        plan = services.plan_create(
            actor=None, group=group, name="矩阵计划", starts_on=today - timedelta(days=9), ends_on=today
        )
        services.plan_add_enterprise(actor=None, plan=plan, enterprise=enterprise, day=today - timedelta(days=3))
        visit = make_visit(group, enterprise, days_ago=3, photos=[("site.png", PNG + bytes([inside_]))])
        found[inside_] = {"group": group, "plan": plan, "visit": visit, "photo": visit.photos.get()}
    return {"workgroups": found}
