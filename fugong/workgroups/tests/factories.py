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
