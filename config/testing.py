"""Factories and personas for tests: built through the services, never from fixtures."""

import itertools
from decimal import Decimal
from typing import Any

from fugong.accounts import services as account_services
from fugong.accounts.models import Bank, Department, Role, WorkGroup
from fugong.areas.models import Area
from fugong.enterprises import services
from fugong.enterprises.credit_code import make
from fugong.enterprises.models import Enterprise, Industry

PASSWORD = "Test-pass-2020"  # noqa: S105 (test personas only)
_serial = itertools.count(1)


def credit_code(area_code: str = "150203") -> str:
    return make(area_code=area_code, org_body=f"T{next(_serial):07d}")


def make_enterprise(*, county: str = "150203", name: str | None = None, **fields) -> Enterprise:
    n = next(_serial)
    values: dict[str, Any] = {
        "credit_code": credit_code(county),
        "name": name or f"测试企业{n}有限公司",
        "county": Area.objects.get(code=county),
        "industry": Industry.objects.get(code=fields.pop("industry", "31")),
        "size_class": "medium",
        "employees": 100,
        "normal_output": Decimal("1000.00"),
        "above_scale": True,
    }
    values.update(fields)
    return services.enterprise_create(
        actor=None, data=services.EnterpriseData(**values), source=services.Source.COMMAND
    )


def make_user(username: str, role: str, **binding):
    return account_services.user_create(
        username=username, role=role, password=PASSWORD, check_password=False, **binding
    )


def personas(enterprise: Enterprise) -> dict:
    """One user per role: officials of the region, Baotou and Kundulun; a group for Baotou."""
    group, _ = WorkGroup.objects.get_or_create(name="第一工作组")
    group.leagues.add(Area.objects.get(code="150200"))
    return {
        Role.REGION: make_user("alice_region", Role.REGION, area=Area.objects.get(code="150000")),
        Role.LEAGUE: make_user("bob_league", Role.LEAGUE, area=Area.objects.get(code="150200")),
        Role.COUNTY: make_user("carol_county", Role.COUNTY, area=Area.objects.get(code="150203")),
        Role.WORKGROUP: make_user("dave_group", Role.WORKGROUP, work_group=group),
        Role.HANDLER: make_user(
            "erin_handler", Role.HANDLER, department=Department.objects.get_or_create(name="交通运输厅")[0]
        ),
        Role.ENTERPRISE: make_user("frank_enterprise", Role.ENTERPRISE, enterprise=enterprise),
        Role.PROVIDER: make_user("grace_provider", Role.PROVIDER),
        Role.BANK: make_user("heidi_bank", Role.BANK, bank=Bank.objects.get_or_create(name="中国银行内蒙古分行")[0]),
        Role.GUARANTOR: make_user("ivan_guarantor", Role.GUARANTOR),
        Role.PLATFORM: make_user("judy_platform", Role.PLATFORM),
        # ---- security ----: the three administrators (三员分立), bound to nothing
        Role.SYSADMIN: make_user("kim_sysadmin", Role.SYSADMIN),
        Role.SECADMIN: make_user("leo_secadmin", Role.SECADMIN),
        Role.AUDITADMIN: make_user("mia_auditadmin", Role.AUDITADMIN),
    }
