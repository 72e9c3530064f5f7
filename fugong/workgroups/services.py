"""Every write of the work groups: plans, visits (from the phone form, the API and the demo) and their photos.

A visit carries a key made by the phone. Sent again after a lost connection, the same key answers the visit
already stored (and adds any photo that did not arrive), so a visit is stored once. Photos are named by the
SHA-256 of their bytes: a photo sent twice is stored once.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fugong import access
from fugong.accounts.models import Role, User, WorkGroup
from fugong.areas.models import Area, Park
from fugong.core import bounds
from fugong.dispatch.models import Status
from fugong.enterprises.models import Enterprise
from fugong.problems import attachments
from fugong.problems import services as problems
from fugong.problems.models import Source as ProblemSource
from fugong.workgroups.models import Photo, PlanItem, Source, Visit, VisitPlan

KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
PHOTOS_MAX = 6
IMAGE_KINDS = ("png", "jpeg", "gif", "webp")
PROBLEMS_MAX = 5
GROUP_NAME_MAX = 60


def photo_max_bytes() -> int:
    return getattr(settings, "VISIT_PHOTO_MAX_BYTES", 5 * 1024 * 1024)


@dataclass
class FoundProblem:
    category: str
    description: str
    urgency: str = "normal"


@dataclass
class VisitData:
    enterprise: Enterprise
    visited_on: date
    status: str
    employees: int
    on_duty: int
    capacity_pct: Decimal
    met: str = ""
    guidance: str = ""
    problems: list[FoundProblem] = field(default_factory=list)
    photos: list[tuple[str, bytes]] = field(default_factory=list)  # (file name, bytes)
    again: bool = False  # a second visit of the enterprise on the same day, made knowingly


def check_key(key: str) -> str:
    key = (key or "").strip()
    if not KEY.match(key):
        raise ValidationError({"client_key": [_("The visit key is 8 to 64 letters, digits, “-” or “_”.")]})
    return key


def check_photo(name: str, content: bytes) -> str:
    """The kind of an image, or a ValidationError on `photos` saying what is wrong with the file."""
    limit = photo_max_bytes()
    if len(content) > limit:
        raise ValidationError(
            {"photos": [_("“%(name)s” is larger than %(mb)d MB.") % {"name": name, "mb": limit // (1024 * 1024)}]}
        )
    kind = attachments.sniff(content[:16], content) if content else None
    if kind not in IMAGE_KINDS:
        if content.startswith(attachments.EXECUTABLE_MAGIC):
            raise ValidationError(
                {"photos": [_("“%(name)s” is a program or an archive, not a photo.") % {"name": name}]}
            )
        raise ValidationError({"photos": [_("“%(name)s” is not an image (PNG, JPEG, GIF, WebP).") % {"name": name}]})
    return str(kind)


def _check_visit(actor: User | None, group: WorkGroup, data: VisitData, today: date) -> None:
    errors: dict[str, list[str]] = {}
    if actor is not None and not access.recording_groups(actor).filter(pk=group.pk).exists():
        errors["group"] = [_("You do not record visits for this work group.")]
    if not access.group_enterprises(group).filter(pk=data.enterprise.pk).exists():
        errors["enterprise"] = [_("This enterprise is outside the work group's areas.")]
    day = data.visited_on
    if day > today:
        errors["visited_on"] = [_("A visit cannot be dated in the future.")]
    elif group.starts_on and day < group.starts_on:
        errors["visited_on"] = [_("The work group's period starts on %(day)s.") % {"day": group.starts_on.isoformat()}]
    elif group.ends_on and day > group.ends_on:
        errors["visited_on"] = [_("The work group's period ended on %(day)s.") % {"day": group.ends_on.isoformat()}]
    elif not bounds.in_window(day):
        errors["visited_on"] = [_("Give a date from 2000-01-01 to today.")]
    if data.status not in Status.values:
        errors["status"] = [_("Choose a status.")]
    for name, value in (("employees", data.employees), ("on_duty", data.on_duty)):
        try:
            bounds.check_int(value, max_value=bounds.PEOPLE_MAX)
        except ValidationError as e:
            errors[name] = e.messages
    if "employees" not in errors and "on_duty" not in errors and data.on_duty > data.employees:
        errors["on_duty"] = [_("Employees on duty cannot exceed employees.")]
    try:
        bounds.check_decimal(data.capacity_pct, max_digits=5, decimal_places=1, max_value=200)
    except ValidationError as e:
        errors["capacity_pct"] = e.messages
    for name, text, limit in (("met", data.met, 100), ("guidance", data.guidance, bounds.TEXT_MAX)):
        if refused := bounds.text_problem(text, max_length=limit, multiline=name == "guidance"):
            errors[name] = [refused]
    if len(data.problems) > PROBLEMS_MAX:
        errors["problems"] = [_("At most %(n)d problems per visit.") % {"n": PROBLEMS_MAX}]
    if len(data.photos) > PHOTOS_MAX:
        errors["photos"] = [_("At most %(n)d photos per visit.") % {"n": PHOTOS_MAX}]
    else:
        for name, content in data.photos:
            try:
                check_photo(name, content)
            except ValidationError as e:
                errors.setdefault("photos", []).extend(e.message_dict["photos"])
    if errors:
        raise ValidationError(errors)


def same_day_visits(*, group: WorkGroup, enterprise_id: int, day: date):
    return Visit.objects.filter(group=group, enterprise_id=enterprise_id, visited_on=day)


def _store_photos(visit: Visit, photos: list[tuple[str, bytes]]) -> int:
    """Adds the photos the visit does not have yet; the file of a hash is written once, whoever sends it."""
    have = set(visit.photos.values_list("sha256", flat=True))
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    added = 0
    for name, content in photos:
        digest = hashlib.sha256(content).hexdigest()
        if digest in have:
            continue
        kind = check_photo(name, content)
        suffix = sorted(attachments.KINDS[kind][1])[0]
        relative = f"visits/{digest[:2]}/{digest}{suffix}"
        target = root / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        Photo.objects.create(
            visit=visit, sha256=digest, path=relative, content_type=attachments.KINDS[kind][0], size=len(content)
        )
        have.add(digest)
        added += 1
    return added


def _replay(existing: Visit, data: VisitData) -> tuple[Visit, bool]:
    if existing.enterprise_id != data.enterprise.pk or existing.visited_on != data.visited_on:
        raise ValidationError({"client_key": [_("This visit key was already used for another visit.")]})
    with transaction.atomic():
        _store_photos(existing, data.photos)
    return existing, False


def visit_record(
    *,
    actor: User | None,
    group: WorkGroup,
    data: VisitData,
    client_key: str,
    source: str = Source.FORM,
    at: datetime | None = None,
    today: date | None = None,
) -> tuple[Visit, bool]:
    """Stores a visit and the problems found on it; (visit, created). The same key again answers the stored visit."""
    client_key = check_key(client_key)
    existing = Visit.objects.filter(group=group, client_key=client_key).first()
    if existing is not None:
        return _replay(existing, data)
    _check_visit(actor, group, data, today or timezone.localdate())
    if not data.again and same_day_visits(group=group, enterprise_id=data.enterprise.pk, day=data.visited_on).exists():
        raise ValidationError(
            {
                "enterprise": [
                    _("The group already visited this enterprise on this day; tick “another visit” to record one more.")
                ]
            },
            code="duplicate",
        )
    try:
        with transaction.atomic():
            visit = _create(actor=actor, group=group, data=data, client_key=client_key, source=source, at=at)
    except IntegrityError:
        # The same key sent twice at once: the first one stored it.
        existing = Visit.objects.filter(group=group, client_key=client_key).first()
        if existing is None:
            raise
        return _replay(existing, data)
    return visit, True


def _create(*, actor, group, data: VisitData, client_key: str, source: str, at) -> Visit:
    enterprise = data.enterprise
    visit = Visit.objects.create(
        group=group,
        enterprise=enterprise,
        league_id=enterprise.league_id,
        county_id=enterprise.county_id,
        park_id=enterprise.park_id,
        visited_on=data.visited_on,
        met=data.met,
        status=data.status,
        employees=data.employees,
        on_duty=data.on_duty,
        capacity_pct=data.capacity_pct,
        guidance=data.guidance,
        client_key=client_key,
        source=source,
        recorded_by=actor,
        recorded_at=at or timezone.now(),
    )
    # An official who joined a group may visit outside their own area: the problem is then raised in the group's name.
    raiser = actor if actor is not None and access.can_raise_problem_for(actor, enterprise) else None
    found = []
    for i, p in enumerate(data.problems):
        try:
            found.append(
                problems.problem_raise(
                    actor=raiser,
                    enterprise=enterprise,
                    category=p.category,
                    description=p.description,
                    urgency=p.urgency,
                    source=ProblemSource.VISIT,
                    raised_on=data.visited_on,
                    at=at,
                )
            )
        except ValidationError as e:
            raise ValidationError(
                {
                    f"problems.{i}.{name}" if name != "__all__" else "problems": msgs
                    for name, msgs in e.message_dict.items()
                }
            ) from None
    if found:
        if raiser is None and actor is not None:
            for problem in found:
                problem.raised_by = actor
                problem.save(update_fields=["raised_by"])
        visit.problems.set(found)
    _store_photos(visit, data.photos)
    return visit


# --- Plans ---------------------------------------------------------------------------------------------------


def _check_period(starts_on: date, ends_on: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not bounds.in_window(day, future=True):
            errors[name] = [_("Give a date within the next ten years.")]
    if not errors and ends_on < starts_on:
        errors["ends_on"] = [_("The plan ends before it starts.")]
    return errors


@transaction.atomic
def plan_create(*, actor: User | None, group: WorkGroup, name: str, starts_on: date, ends_on: date) -> VisitPlan:
    errors = _check_period(starts_on, ends_on)
    if actor is not None and not access.plannable_groups(actor).filter(pk=group.pk).exists():
        errors["group"] = [_("You do not make plans for this work group.")]
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Name the plan.")]
    elif refused := bounds.text_problem(name, max_length=100, name=True):
        errors["name"] = [refused]
    if errors:
        raise ValidationError(errors)
    return VisitPlan.objects.create(group=group, name=name, starts_on=starts_on, ends_on=ends_on, created_by=actor)


def _check_day(actor: User | None, plan: VisitPlan, day: date) -> None:
    if actor is not None and not access.plannable_groups(actor).filter(pk=plan.group_id).exists():
        raise ValidationError({"plan": [_("You do not make plans for this work group.")]})
    if not plan.starts_on <= day <= plan.ends_on:
        raise ValidationError(
            {
                "day": [
                    _("Choose a day from %(first)s to %(last)s.")
                    % {"first": plan.starts_on.isoformat(), "last": plan.ends_on.isoformat()}
                ]
            }
        )


def _add(plan: VisitPlan, enterprises, day: date) -> int:
    have = set(plan.items.values_list("enterprise_id", flat=True))
    rows = [
        PlanItem(plan=plan, enterprise=e, park_id=e.park_id, league_id=e.league_id, county_id=e.county_id, day=day)
        for e in enterprises
        if e.pk not in have
    ]
    PlanItem.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def plan_add_park(*, actor: User | None, plan: VisitPlan, park: Park, day: date) -> int:
    """Every enterprise of the park in the group's areas, from the registry, on the day; answers how many were added."""
    _check_day(actor, plan, day)
    enterprises = list(access.group_enterprises(plan.group).filter(park=park).order_by("pk"))
    if not enterprises:
        raise ValidationError({"park": [_("The park has no enterprise in the work group's areas.")]})
    return _add(plan, enterprises, day)


@transaction.atomic
def plan_add_enterprise(*, actor: User | None, plan: VisitPlan, enterprise: Enterprise, day: date) -> int:
    _check_day(actor, plan, day)
    if not access.group_enterprises(plan.group).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": [_("This enterprise is outside the work group's areas.")]})
    return _add(plan, [enterprise], day)


@transaction.atomic
def plan_remove_item(*, actor: User | None, plan: VisitPlan, item_id: int) -> int:
    _check_day(actor, plan, plan.starts_on)
    return PlanItem.objects.filter(plan=plan, pk=item_id).delete()[0]


# --- Groups --------------------------------------------------------------------------------------------------


@dataclass
class GroupData:
    name: str
    leagues: list[Area]
    cities: list[Area]
    officials: list[User]
    leader: User | None = None
    starts_on: date | None = None
    ends_on: date | None = None


def group_members(group: WorkGroup):
    """The group's own members: active users of the work-group role bound to it."""
    return User.objects.filter(role=Role.WORKGROUP, work_group=group, is_active=True)


def _check_group(actor: User | None, group: WorkGroup | None, data: GroupData) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if actor is not None and not access.can_manage_work_groups(actor):
        errors["__all__"] = [_("Only the region's officials form and change work groups.")]
    name = (data.name or "").strip()
    if not name:
        errors["name"] = [_("Name the work group.")]
    elif refused := bounds.text_problem(name, max_length=GROUP_NAME_MAX, name=True):
        errors["name"] = [refused]
    elif WorkGroup.objects.filter(name=name).exclude(pk=group.pk if group and group.pk else 0).exists():
        errors["name"] = [_("Another work group has this name.")]
    if any(a.level != Area.Level.LEAGUE for a in data.leagues):
        errors["leagues"] = [_("Choose leagues.")]
    elif any(not a.separately_listed for a in data.cities):
        errors["cities"] = [_("Choose separately listed cities.")]
    elif not data.leagues and not data.cities:
        errors["leagues"] = [_("Assign at least one league or separately listed city.")]
    if any(not (u.is_active and u.is_official) for u in data.officials):
        errors["officials"] = [_("Only active officials join a work group.")]
    for field_name, day in (("starts_on", data.starts_on), ("ends_on", data.ends_on)):
        if day is not None and not bounds.in_window(day, future=True):
            errors[field_name] = [_("Give a date within the next ten years.")]
    first, last = data.starts_on, data.ends_on
    if "starts_on" not in errors and "ends_on" not in errors and first and last and last < first:
        errors["ends_on"] = [_("The period ends before it starts.")]
    leader = data.leader
    if leader is not None:
        member = group is not None and group_members(group).filter(pk=leader.pk).exists()
        if not (member or (leader.is_active and leader in data.officials)):
            errors["leader"] = [_("The leader is a member of the group or one of the officials who join it.")]
    return errors


def _version(name, leader_id, starts_on, ends_on, leagues, cities, officials) -> str:
    parts = [name.strip(), str(leader_id or ""), str(starts_on or ""), str(ends_on or "")]
    parts += [",".join(sorted(str(pk) for pk in pks)) for pks in (leagues, cities, officials)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def group_version(group: WorkGroup) -> str:
    """What an editor saw of the group; the group changed since then is a conflict, never a silent overwrite."""
    return _version(
        group.name, group.leader_id, group.starts_on, group.ends_on, group.leagues.values_list("pk", flat=True),
        group.cities.values_list("pk", flat=True), group.officials.values_list("pk", flat=True),
    )  # fmt: skip


def _data_version(data: GroupData) -> str:
    return _version(
        data.name, data.leader.pk if data.leader else None, data.starts_on, data.ends_on,
        [a.pk for a in data.leagues], [a.pk for a in data.cities], [u.pk for u in data.officials],
    )  # fmt: skip


@transaction.atomic
def work_group_save(
    *, actor: User | None, group: WorkGroup | None = None, data: GroupData, seen_version: str | None = None
) -> WorkGroup:
    """Forms a work group (group None) or changes one: its name, areas, leader, period and the officials who join.
    `seen_version` (group_version when the editor read it) refuses a change over someone else's."""
    if group is not None and group.pk is not None:
        # The lock makes two editors of the same version take turns: the second one is told.
        group = WorkGroup.objects.select_for_update().get(pk=group.pk)
        # Sent again as stored (a double click), it changes nothing and is no conflict.
        current = group_version(group)
        if seen_version is not None and seen_version != current and _data_version(data) != current:
            raise ValidationError(
                _("Someone changed this work group since you opened it; the form now shows it as it is."),
                code="conflict",
            )
    errors = _check_group(actor, group, data)
    if errors:
        raise ValidationError(errors)
    if group is None:
        group = WorkGroup()
    group.name = data.name.strip()
    group.leader = data.leader
    group.starts_on = data.starts_on
    group.ends_on = data.ends_on
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:
        # Saved under the same name by someone else at the same moment.
        raise ValidationError({"name": [_("Another work group has this name.")]}) from None
    group.leagues.set(data.leagues)
    group.cities.set(data.cities)
    group.officials.set(data.officials)
    return group
