"""Every write to the registry: forms, the API, Excel import and the demo all come through here."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from fugong import access
from fugong.accounts.models import User
from fugong.areas.models import Area, Park
from fugong.core import bounds
from fugong.core.text import clean, clean_name, pinyin_keys
from fugong.enterprises.credit_code import CreditCodeError, check
from fugong.enterprises.models import ENTERPRISE_HISTORY, Enterprise, Industry, KeyProject, SizeClass, Tag
from fugong.enterprises.signals import enterprises_changed, enterprises_moved, key_projects_moved

# Rows per INSERT and per IN (...) lookup in bulk writes; well under SQLite's limit on query parameters.
BULK_BATCH = 500


class Source:
    FORM = "form"
    API = "api"
    EXCEL = "excel"
    DEMO = "demo"
    COMMAND = "command"


@dataclass(kw_only=True)
class EnterpriseData:
    credit_code: str
    name: str
    county: Area
    industry: Industry
    size_class: str
    employees: int
    normal_output: Decimal
    park: Park | None = None
    above_scale: bool = False
    tags: list[str] = field(default_factory=list)
    contact_name: str = ""
    contact_phone: str = ""


def _validate(data: EnterpriseData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        data.credit_code = check(data.credit_code)
    except CreditCodeError as e:
        errors["credit_code"] = [str(e)]
    for name, max_length in (("name", 100), ("contact_name", 40), ("contact_phone", 20)):
        if problem := bounds.text_problem(getattr(data, name), max_length=max_length, name=True):
            errors[name] = [problem]
    data.name = clean_name(data.name)
    if not data.name and "name" not in errors:
        errors["name"] = [_("The name is required.")]
    if data.county.level != Area.Level.COUNTY:
        errors["county"] = [_("Choose a county, not a league or the region.")]
    if data.park is not None and data.park.league_id != data.county.parent_id:
        errors["park"] = [_("The park %(park)s is not in this county's league.") % {"park": data.park.name}]
    if data.size_class not in SizeClass.values:
        errors["size_class"] = [_("Unknown size class.")]
    unknown = set(data.tags) - set(Tag.Code.values)
    if unknown:
        errors["tags"] = [_("Unknown tag: %(tag)s.") % {"tag": ", ".join(sorted(unknown))}]
    if data.employees is None or data.employees < 0:
        errors["employees"] = [_("Employees cannot be negative.")]
    else:
        try:
            data.employees = bounds.check_int(data.employees, max_value=bounds.PEOPLE_MAX)
        except ValidationError as e:
            errors["employees"] = e.messages
    if data.normal_output is None or data.normal_output < 0:
        errors["normal_output"] = [_("The normal output value cannot be negative.")]
    else:
        try:
            field = Enterprise._meta.get_field("normal_output")
            data.normal_output = bounds.check_decimal(data.normal_output, **bounds.decimal_of_field(field))
        except ValidationError as e:
            errors["normal_output"] = e.messages
    if not isinstance(data.above_scale, bool):
        errors["above_scale"] = [_("Answer yes or no.")]
    if not isinstance(data.tags, list | tuple | set):
        errors["tags"] = [_("Give a list of tags.")]
    return errors


def _leagues_of(actor: User | None) -> set[str] | None:
    """The leagues whose credit codes the actor may register (None: all of them)."""
    if actor is None:
        return None
    areas = access.visible_areas(actor)
    if areas.filter(level=Area.Level.REGION).exists():
        return None
    return {code if level == Area.Level.LEAGUE else parent for code, level, parent in
            areas.values_list("code", "level", "parent_id")}  # fmt: skip


def _refused_codes(actor: User | None, codes: list[str], existing: set[str]) -> set[str]:
    """Codes the actor cannot register: issued in another league, or already registered outside their area.

    Both get the same answer, so that a refusal never tells whether an enterprise exists out of scope.
    """
    leagues = _leagues_of(actor)
    if actor is None:
        return set()
    refused = set()
    if leagues is not None:
        # A code naming an area of this region is judged by its league; others only by their registration.
        known = set(Area.objects.exclude(level=Area.Level.REGION).values_list("code", flat=True))
        refused = {c for c in codes if c[2:8] in known and f"{c[2:6]}00" not in leagues}
    if existing:
        visible = set(
            access.visible_enterprises(actor).filter(credit_code__in=existing).values_list("credit_code", flat=True)
        )
        refused |= existing - visible
    return refused


def _refuse_code(code: str) -> str:
    return _("The credit code %(code)s cannot be registered in your area.") % {"code": code}


def _apply(enterprise: Enterprise, data: EnterpriseData) -> None:
    enterprise.credit_code = data.credit_code
    enterprise.name = data.name
    enterprise.name_pinyin, enterprise.name_initials = pinyin_keys(data.name)
    enterprise.county = data.county
    enterprise.league_id = data.county.parent_id  # type: ignore[assignment]  # a county always has its league
    enterprise.park = data.park
    enterprise.industry = data.industry
    enterprise.above_scale = data.above_scale
    enterprise.size_class = data.size_class
    enterprise.employees = data.employees
    enterprise.normal_output = data.normal_output
    enterprise.contact_name = clean(data.contact_name)
    enterprise.contact_phone = clean(data.contact_phone).replace(" ", "")


def _check_scope(actor: User | None, county: Area) -> None:
    # The demo and operations commands run without an actor; every user-facing path passes one.
    if actor is not None and not access.can_write_in_county(actor, county):
        raise ValidationError({"county": [_("This county is outside your area.")]})


def _save(enterprise: Enterprise, data: EnterpriseData, *, actor: User | None, source: str) -> Enterprise:
    created = enterprise.pk is None
    enterprise._history_user = actor
    enterprise._change_reason = source
    # The save and the tag change make one version, not two: history is written once, after both.
    enterprise.skip_history_when_saving = True
    try:
        with transaction.atomic():
            enterprise.save()
        current = set() if created else set(enterprise.tags.values_list("code", flat=True))
        if current != set(data.tags):
            enterprise.tags.set(data.tags)  # type: ignore[arg-type]  # a tag's primary key is its code
    except IntegrityError as e:
        # Two creates racing on one credit code: the loser gets the same message as a late duplicate.
        raise ValidationError(
            {"credit_code": [_("An enterprise with credit code %(code)s already exists.") % {"code": data.credit_code}]}
        ) from e
    finally:
        del enterprise.skip_history_when_saving
    ENTERPRISE_HISTORY.create_historical_record(enterprise, "+" if created else "~")
    # The figures rollup follows moves between counties, industries, duties, headcount and output.
    enterprises_changed.send(sender=Enterprise, ids=[enterprise.pk])
    return enterprise


@transaction.atomic
def enterprise_create(*, actor: User | None, data: EnterpriseData, source: str) -> Enterprise:
    errors = _validate(data)
    if errors:
        raise ValidationError(errors)
    _check_scope(actor, data.county)
    existing = set(Enterprise.objects.filter(credit_code=data.credit_code).values_list("credit_code", flat=True))
    if _refused_codes(actor, [data.credit_code], existing):
        raise ValidationError({"credit_code": [_refuse_code(data.credit_code)]})
    if Enterprise.objects.filter(credit_code=data.credit_code).exists():
        raise ValidationError(
            {"credit_code": [_("An enterprise with credit code %(code)s already exists.") % {"code": data.credit_code}]}
        )
    enterprise = Enterprise()
    _apply(enterprise, data)
    return _save(enterprise, data, actor=actor, source=source)


@transaction.atomic
def enterprise_bulk_create(*, actor: User | None, items: list[EnterpriseData], source: str) -> list[Enterprise]:
    """Create many enterprises with the checks of enterprise_create in a few queries (the demo, large imports).

    Nothing is written unless every item passes; an error names its row (1-based) as "Row 12: ...".
    """
    errors: dict[str, list[str]] = {}

    def add(row: int, field_name: str, message: str) -> None:
        errors.setdefault(field_name, []).append(_("Row %(row)d: %(error)s") % {"row": row, "error": message})

    seen: dict[str, int] = {}
    for row, data in enumerate(items, start=1):
        for field_name, messages in _validate(data).items():
            for message in messages:
                add(row, field_name, message)
        if data.credit_code in seen:
            add(row, "credit_code", _("The credit code %(code)s is also in row %(row)d.") % {
                "code": data.credit_code, "row": seen[data.credit_code]})  # fmt: skip
        seen.setdefault(data.credit_code, row)
    codes = list(seen)
    existing: set[str] = set()
    for start in range(0, len(codes), BULK_BATCH):
        existing.update(
            Enterprise.objects.filter(credit_code__in=codes[start : start + BULK_BATCH]).values_list(
                "credit_code", flat=True
            )
        )
    refused = _refused_codes(actor, codes, existing)
    for code in sorted(refused | existing, key=seen.__getitem__):
        message = _("An enterprise with credit code %(code)s already exists.") % {"code": code}
        add(seen[code], "credit_code", _refuse_code(code) if code in refused else message)
    if errors:
        raise ValidationError(errors)
    for county in {data.county.code: data.county for data in items}.values():
        _check_scope(actor, county)

    enterprises = []
    for data in items:
        enterprise = Enterprise()
        _apply(enterprise, data)
        enterprise._history_user = actor
        enterprise._change_reason = source
        enterprises.append(enterprise)
    enterprises = bulk_create_with_history(
        enterprises, Enterprise, batch_size=BULK_BATCH, default_user=actor, default_change_reason=source
    )
    # Tags, and their place in the history rows just written, so the first version shows them as a single save would.
    through = Enterprise.tags.through
    links = through.objects.bulk_create(
        [
            through(enterprise_id=enterprise.pk, tag_id=code)
            for enterprise, data in zip(enterprises, items, strict=True)
            for code in sorted(set(data.tags))
        ],
        batch_size=BULK_BATCH,
    )
    if links:
        history: dict[int, int] = {}
        pks = [e.pk for e in enterprises]
        for start in range(0, len(pks), BULK_BATCH):
            for pk, history_id in Enterprise.history.filter(id__in=pks[start : start + BULK_BATCH]).values_list(
                "id", "history_id"
            ):
                history[pk] = history_id
        tag_history = apps.get_model("enterprises", "HistoricalEnterprise_tags")
        tag_history.objects.bulk_create(
            [
                tag_history(id=link.pk, history_id=history[link.enterprise_id], enterprise_id=link.enterprise_id,
                            tag_id=link.tag_id)
                for link in links
            ],
            batch_size=BULK_BATCH,
        )  # fmt: skip
    enterprises_changed.send(sender=Enterprise, ids=[e.pk for e in enterprises])  # they join the figures rollup
    return enterprises


@transaction.atomic
def enterprise_update(*, actor: User | None, enterprise: Enterprise, data: EnterpriseData, source: str) -> Enterprise:
    errors = _validate(data)
    if data.credit_code != enterprise.credit_code and "credit_code" not in errors:
        errors["credit_code"] = [_("The credit code of a registered enterprise cannot be changed.")]
    if errors:
        raise ValidationError(errors)
    _check_scope(actor, data.county)
    moved = data.county.code != enterprise.county_id
    _apply(enterprise, data)
    enterprise = _save(enterprise, data, actor=actor, source=source)
    if moved:
        enterprises_moved.send(sender=Enterprise, ids=[enterprise.pk])
    return enterprise


def enterprise_data_from(enterprise: Enterprise, **changes) -> EnterpriseData:
    """The current values of an enterprise as EnterpriseData, with some replaced (for PATCH)."""
    values: dict[str, Any] = {
        "credit_code": enterprise.credit_code,
        "name": enterprise.name,
        "county": enterprise.county,
        "industry": enterprise.industry,
        "size_class": enterprise.size_class,
        "employees": enterprise.employees,
        "normal_output": enterprise.normal_output,
        "park": enterprise.park,
        "above_scale": enterprise.above_scale,
        "tags": sorted(t.code for t in enterprise.tags.all()),
        "contact_name": enterprise.contact_name,
        "contact_phone": enterprise.contact_phone,
    }
    values.update(changes)
    return EnterpriseData(**values)


@dataclass(kw_only=True)
class KeyProjectData:
    name: str
    county: Area
    total_investment: Decimal
    planned_start: date
    park: Park | None = None
    owner: Enterprise | None = None


@transaction.atomic
def key_project_save(
    *, actor: User | None, data: KeyProjectData, source: str, project: KeyProject | None = None
) -> KeyProject:
    errors: dict[str, list[str]] = {}
    data.name = clean(data.name)
    if not data.name:
        errors["name"] = [_("The name is required.")]
    if data.county.level != Area.Level.COUNTY:
        errors["county"] = [_("Choose a county, not a league or the region.")]
    if data.park is not None and data.park.league_id != data.county.parent_id:
        errors["park"] = [_("The park %(park)s is not in this county's league.") % {"park": data.park.name}]
    if data.total_investment is None or data.total_investment < 0:
        errors["total_investment"] = [_("The total investment cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    _check_scope(actor, data.county)
    duplicate = KeyProject.objects.filter(name=data.name, county=data.county)
    if project is not None:
        duplicate = duplicate.exclude(pk=project.pk)
    if duplicate.exists():
        raise ValidationError({"name": [_("A key project of this name already exists in this county.")]})
    project = project or KeyProject()
    moved = project.pk is not None and project.county_id != data.county.code
    project.name = data.name
    project.county = data.county
    project.league_id = data.county.parent_id  # type: ignore[assignment]  # a county always has its league
    project.park = data.park
    project.total_investment = data.total_investment
    project.planned_start = data.planned_start
    project.owner = data.owner
    project._history_user = actor
    project._change_reason = source
    project.save()
    if moved:
        key_projects_moved.send(sender=KeyProject, ids=[project.pk])
    return project
