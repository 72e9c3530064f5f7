"""Writing the plan: a list of steps, each able to build its part and to wipe it.

`STEPS` is the seam for later issues: the dispatch issue appends a "reports" step (daily and weekly reports along
a resumption curve, filed by the demo users), and the problems issue a "problems" step after that. A step reads
what earlier steps left in the context (the plan, enterprises by credit code, ...) and returns counts for the
summary. Build runs the steps in order; wipe runs them in reverse, so later data goes before what it points to.
A wipe must empty everything that points at an earlier step's rows: enterprises and projects go with plain
DELETEs, which cascade to nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q

from fugong.accounts import services as account_services
from fugong.accounts.models import Bank, Department, User, WorkGroup
from fugong.areas.models import Area, Park
from fugong.core.text import clean_name
from fugong.demo import data as d
from fugong.demo.arrears import build_arrears, wipe_arrears
from fugong.demo.catalogue import build_catalogue, wipe_catalogue
from fugong.demo.chains import build_chains, wipe_chains
from fugong.demo.finance import build_referrals, wipe_referrals
from fugong.demo.plan import Plan
from fugong.demo.policies import build_policies, wipe_policies
from fugong.demo.problems import build_problems, wipe_problems
from fugong.demo.relief import build_relief, wipe_relief
from fugong.demo.reports import build_reports, wipe_reports
from fugong.demo.workgroups import build_workgroups, wipe_workgroups
from fugong.enterprises import services
from fugong.enterprises.models import Enterprise, Industry, KeyProject

PASSWORD = "Fugong@2020"  # noqa: S105  the one demo password, printed by `manage.py logins`


@dataclass
class Context:
    seed: int
    scale: float
    plan: Plan
    areas: dict[str, Area] = field(default_factory=dict)
    parks: dict[str, Park] = field(default_factory=dict)
    industries: dict[str, Industry] = field(default_factory=dict)
    enterprises: dict[str, Enterprise] = field(default_factory=dict)  # by credit code

    def __post_init__(self):
        self.areas = {a.code: a for a in Area.objects.all()}
        self.parks = {p.name: p for p in Park.objects.all()}
        self.industries = {i.code: i for i in Industry.objects.all()}


@dataclass(frozen=True)
class Step:
    name: str
    build: Callable[[Context], dict[str, int]]
    wipe: Callable[[], None]


def build_organisation(_ctx: Context) -> dict[str, int]:
    # Reference lists with no history and no service of their own yet.
    for name, leagues in d.WORK_GROUPS:
        WorkGroup.objects.create(name=name).leagues.set(Area.objects.filter(code__in=leagues))
    Department.objects.bulk_create(Department(name=name) for name in d.DEPARTMENTS)
    Bank.objects.bulk_create(Bank(name=name) for name in d.BANKS)
    return {"work groups": len(d.WORK_GROUPS), "departments": len(d.DEPARTMENTS), "banks": len(d.BANKS)}


def wipe_organisation() -> None:
    WorkGroup.objects.all().delete()
    Department.objects.all().delete()
    Bank.objects.all().delete()


def build_enterprises(ctx: Context) -> dict[str, int]:
    items = [
        services.EnterpriseData(
            credit_code=row.credit_code,
            name=row.name,
            county=ctx.areas[row.county],
            industry=ctx.industries[row.industry],
            size_class=row.size_class,
            employees=row.employees,
            normal_output=row.normal_output,
            park=ctx.parks[row.park] if row.park else None,
            above_scale=row.above_scale,
            tags=sorted(row.tags),
            contact_name=row.contact_name,
            contact_phone=row.contact_phone,
        )
        for row in ctx.plan.enterprises
    ]
    created = services.enterprise_bulk_create(actor=None, items=items, source=services.Source.DEMO)
    ctx.enterprises = {e.credit_code: e for e in created}
    above = ctx.plan.above_scale
    return {
        "enterprises": len(created),
        "above-scale": len(above),
        "employees of above-scale": sum(row.employees for row in above),
        "in a park": sum(row.park is not None for row in ctx.plan.enterprises),
    }


def wipe_enterprises() -> None:
    _delete_with_history(Enterprise)


def build_projects(ctx: Context) -> dict[str, int]:
    for row in ctx.plan.projects:
        services.key_project_save(
            actor=None,
            data=services.KeyProjectData(
                name=row.name,
                county=ctx.areas[row.county],
                total_investment=row.total_investment,
                planned_start=row.planned_start,
                park=ctx.parks[row.park] if row.park else None,
                owner=ctx.enterprises[row.owner] if row.owner else None,
            ),
            source=services.Source.DEMO,
        )
    return {"key projects": len(ctx.plan.projects)}


def wipe_projects() -> None:
    _delete_with_history(KeyProject)


def build_logins(ctx: Context) -> dict[str, int]:
    for role, username, bound_to in d.LOGINS:
        binding: dict[str, Any] = {}
        if role in ("region", "league", "county"):
            binding["area"] = ctx.areas[bound_to]
        elif role == "workgroup":
            binding["work_group"] = WorkGroup.objects.get(name=bound_to)
        elif role == "handler":
            binding["department"] = Department.objects.get(name=bound_to)
        elif role == "bank":
            binding["bank"] = Bank.objects.get(name=bound_to)
        elif role == "enterprise":
            binding["enterprise"] = Enterprise.objects.get(name=clean_name(bound_to))
        account_services.user_create(username=username, role=role, password=PASSWORD, **binding)
    return {"logins": len(d.LOGINS)}


def wipe_logins() -> None:
    # Users bound to what the demo wipes cannot outlive it; officials of areas other than the demo's stay.
    User.objects.filter(
        Q(username__in=[username for _, username, _ in d.LOGINS])
        | Q(enterprise__isnull=False)
        | Q(work_group__isnull=False)
        | Q(department__isnull=False)
        | Q(bank__isnull=False)
    ).delete()


def _delete_with_history(model) -> None:
    """Empty a model's table, its many-to-many tables and its history, without a "-" history row per object.

    Plain DELETEs: going through the ORM would write and then throw away a history row for each of thousands
    of enterprises. They cascade to nothing, so rows elsewhere that still point here stop the wipe first.
    """
    history = model.history.model
    tables = [f.remote_field.through._meta.db_table for f in model._meta.many_to_many]
    tables += [f.related_model._meta.db_table for f in history._meta.get_fields() if f.one_to_many]
    tables += [history._meta.db_table, model._meta.db_table]
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        if rel.related_model._meta.db_table in tables or not rel.field.db_constraint:
            continue
        if rel.related_model._base_manager.filter(**{f"{rel.field.attname}__isnull": False}).exists():
            raise RuntimeError(
                f"{rel.related_model._meta.label} still points at {model._meta.label}: "
                "a demo step after this one must wipe it."
            )
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608  table names from models


STEPS: list[Step] = [
    Step("organisation", build_organisation, wipe_organisation),
    Step("enterprises", build_enterprises, wipe_enterprises),
    Step("projects", build_projects, wipe_projects),
    Step("logins", build_logins, wipe_logins),
    Step("reports", build_reports, wipe_reports),
    # Problems and referrals follow the reports.
    Step("problems", build_problems, wipe_problems),
    Step("referrals", build_referrals, wipe_referrals),
    Step("relief", build_relief, wipe_relief),
    Step("catalogue", build_catalogue, wipe_catalogue),
    # ---- arrears ----
    Step("arrears", build_arrears, wipe_arrears),
    # ---- chains ----
    Step("chains", build_chains, wipe_chains),
    Step("workgroups", build_workgroups, wipe_workgroups),
    Step("policies", build_policies, wipe_policies),
]
