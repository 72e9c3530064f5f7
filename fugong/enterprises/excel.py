"""The registry's Excel columns (template, import and export) and the import plan."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _

from fugong import access
from fugong.accounts.models import User
from fugong.areas.models import Area, Park
from fugong.core.excel import Column, Row, parse_bool, parse_decimal, parse_int, parse_row, parse_text
from fugong.core.imports import Importer
from fugong.core.text import clean, name_key
from fugong.enterprises import services
from fugong.enterprises.credit_code import CreditCodeError, check, make, normalise
from fugong.enterprises.models import Enterprise, Industry, SizeClass, Tag

# The template's example row carries this code; a row still holding it is the example, not data.
EXAMPLE_CREDIT_CODE = make(area_code="150000", org_body="EXAMPLE0")

SIZE_ALIASES = {
    SizeClass.LARGE: ("大型", "大", "大型企业", "large", "l"),
    SizeClass.MEDIUM: ("中型", "中", "中型企业", "medium", "m"),
    SizeClass.SMALL: ("小型", "小", "小型企业", "small", "s"),
    SizeClass.MICRO: ("微型", "微", "微型企业", "micro", "xs"),
}
TAG_ALIASES = {
    Tag.Code.LEADING: ("龙头", "龙头企业", "leading", "leading enterprise"),
    Tag.Code.BACKBONE: ("骨干", "骨干企业", "backbone", "backbone enterprise"),
    Tag.Code.KEY_INDUSTRY: ("重点行业", "重点行业企业", "key industry"),
    Tag.Code.SPECIALISED: ("专精特新", "专精特新企业", "specialised", "specialised sme", "specialized"),
    Tag.Code.EPIDEMIC_SUPPLY: (
        "防疫物资",
        "防疫物资生产企业",
        "防疫物资企业",
        "epidemic supply",
        "epidemic-supply producer",
    ),
}
TAG_SEPARATORS = re.compile(r"[、,;，；/|]+")
COUNTY_CODE = re.compile(r"^(\d{6})\b")
INDUSTRY_CODE = re.compile(r"^(\d{2})(?:\D|$)")


def parse_credit_code(value) -> str:
    return normalise(parse_text(value))


@lru_cache(maxsize=8)
def _spellings(choices: type, language: str | None) -> dict[str, str]:
    """Every accepted spelling of a choice (its aliases, its value, its label in the current language)."""
    aliases = SIZE_ALIASES if choices is SizeClass else TAG_ALIASES
    spellings = {}
    with override(language):  # the labels in that language: it is the cache key
        labels = {code: str(code.label).lower() for code in aliases}
    for code, names in aliases.items():
        for name in (*names, code.value, labels[code]):
            spellings[name] = code.value
    return spellings


def parse_size_class(value) -> str:
    code = _spellings(SizeClass, get_language()).get(parse_text(value).lower())
    if code is None:
        raise ValueError(_("Write 大型, 中型, 小型 or 微型, not “%(value)s”.") % {"value": value})
    return code


def _tag_code(part: str) -> str | None:
    return _spellings(Tag.Code, get_language()).get(part)


def parse_tags(value) -> list[str]:
    codes = []
    for part in TAG_SEPARATORS.split(parse_text(value).lower()):
        part = part.strip()
        if not part:
            continue
        # English labels hold spaces, and a Chinese list may be separated by them: the whole part first.
        whole = _tag_code(part)
        pairs = [(part, whole)] if whole else [(word, _tag_code(word)) for word in part.split()]
        for word, code in pairs:
            if code is None:
                raise ValueError(_("Unknown tag “%(tag)s”; see the codes sheet of the template.") % {"tag": word})
            if code not in codes:
                codes.append(code)
    return codes


def parse_employees(value) -> int:
    number = parse_int(value)
    if number < 0:
        raise ValueError(_("Employees cannot be negative."))
    return number


def parse_output(value) -> Decimal:
    # The column is in 万元 already: "1200万元" means 1200, not 12,000,000.
    if isinstance(value, str):
        value = clean(value).replace(" ", "").removesuffix("万元").removesuffix("万")
    number = parse_decimal(value)
    if number < 0:
        raise ValueError(_("The normal output value cannot be negative."))
    if abs(number) >= Decimal("1e12"):
        raise ValueError(_("“%(value)s” is too large.") % {"value": value})
    return number.quantize(Decimal("0.01"))


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


COLUMNS = [
    Column(
        "credit_code",
        gettext_lazy("Credit code"),
        width=22,
        required=True,
        parse=parse_credit_code,
        aliases=("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "credit code", "uscc"),
        example=EXAMPLE_CREDIT_CODE,
    ),
    Column(
        "name",
        gettext_lazy("Enterprise name"),
        width=36,
        required=True,
        aliases=("企业名称", "单位名称", "企业全称", "名称", "企业", "name", "enterprise"),
        example="示例企业有限公司",
    ),
    Column(
        "county",
        gettext_lazy("County"),
        width=18,
        required=True,
        aliases=(
            "旗县代码",
            "旗县",
            "旗县(市、区)",
            "旗县(市区)",
            "旗县市区",
            "所在旗县",
            "县区",
            "区县",
            "county code",
        ),
        export=lambda e: f"{e.county_id} {e.county.display_name}",
    ),
    Column(
        "park",
        gettext_lazy("Park"),
        width=28,
        aliases=("园区", "所在园区", "工业园区", "园区名称"),
        export=lambda e: e.park.name if e.park_id else "",
    ),
    Column(
        "industry",
        gettext_lazy("Industry"),
        width=30,
        required=True,
        aliases=("行业代码", "行业", "所属行业", "行业大类", "国民经济行业分类", "industry code"),
        export=lambda e: f"{e.industry_id} {e.industry.display_name}",
    ),
    Column(
        "above_scale",
        gettext_lazy("Above-scale"),
        width=10,
        parse=parse_bool,
        aliases=("是否规上", "规上", "是否规模以上", "是否规模以上工业企业", "规模以上", "above scale"),
        export=lambda e: _yes_no(e.above_scale),
        example="是",
    ),
    Column(
        "size_class",
        gettext_lazy("Size class"),
        width=10,
        required=True,
        parse=parse_size_class,
        aliases=("企业规模", "规模", "企业类型", "size"),
        export=lambda e: e.get_size_class_display(),
        example="中型",
    ),
    Column(
        "tags",
        gettext_lazy("Tags"),
        width=24,
        parse=parse_tags,
        aliases=("标签", "企业标签", "企业类别"),
        export=lambda e: "、".join(str(t.label) for t in e.tags.all()),
        example="骨干、专精特新",
    ),
    Column(
        "employees",
        gettext_lazy("Employees"),
        width=10,
        required=True,
        parse=parse_employees,
        aliases=("员工总数", "员工人数", "职工人数", "职工总数", "从业人员", "从业人数"),
        example=120,
    ),
    Column(
        "normal_output",
        gettext_lazy("Normal output value (10k yuan)"),
        width=16,
        required=True,
        parse=parse_output,
        aliases=("正常产值(万元)", "正常产值", "正常月产值(万元)", "正常月产值", "月产值(万元)", "normal output"),
        example=850,
    ),
    Column(
        "contact_name",
        gettext_lazy("Contact name"),
        width=12,
        aliases=("联系人", "联系人姓名", "企业联系人", "contact"),
        example="张三",
    ),
    Column(
        "contact_phone",
        gettext_lazy("Contact phone"),
        width=16,
        aliases=("联系电话", "电话", "手机", "手机号", "联系方式", "phone"),
        example="13800000000",
    ),
]
COLUMNS_BY_KEY = {c.key: c for c in COLUMNS}


def example_row(user: User) -> list:
    county = access.visible_areas(user).filter(level=Area.Level.COUNTY).order_by("code").first()
    industry = Industry.objects.filter(code="31").first() or Industry.objects.first()
    extra = {
        "county": f"{county.code} {county.display_name}" if county else "",
        "industry": f"{industry.code} {industry.display_name}" if industry else "",
    }
    return [extra.get(c.key, c.example) for c in COLUMNS]


def code_sheets(user: User) -> list[list]:
    """The rows of the template's second sheet: the counties and parks one may file under, industries, tags, sizes."""
    counties = access.visible_areas(user).filter(level=Area.Level.COUNTY).select_related("parent").order_by("code")
    rows: list[list] = [[_("County"), c.code, c.display_name, c.parent.display_name] for c in counties]
    rows += [
        [_("Park"), "", p.name, p.county.display_name] for p in access.visible_parks(user).select_related("county")
    ]
    rows += [[_("Industry"), i.code, i.display_name, ""] for i in Industry.objects.all()]
    rows += [[_("Tag"), code, label, "、".join(TAG_ALIASES[code][:2])] for code, label in Tag.Code.choices]
    rows += [[_("Size class"), code, label, SIZE_ALIASES[code][0]] for code, label in SizeClass.choices]
    rows += [[_("Above-scale"), "", "是 / 否", _("Yes") + " / " + _("No")]]
    return rows


# --- The import plan ----------------------------------------------------------------------------


class Action:
    CREATE = "create"
    UPDATE = "update"
    ERROR = "error"


@dataclass
class PlannedRow:
    number: int
    raw: dict
    action: str = Action.ERROR
    credit_code: str = ""
    name: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    data: services.EnterpriseData | None = None
    enterprise: Enterprise | None = None

    def as_json(self) -> dict:
        return {
            "row": self.number,
            "raw": self.raw,
            "action": self.action,
            "credit_code": self.credit_code,
            "name": self.name,
            "errors": self.errors,
        }


class Lookups:
    """Counties, parks and industries loaded once per import, so a row costs no query."""

    def __init__(self, user: User):
        counties = list(Area.objects.filter(level=Area.Level.COUNTY))
        self.counties = {a.code: a for a in counties}
        self.county_names: dict[str, list[Area]] = defaultdict(list)
        for a in counties:
            self.county_names[name_key(a.name)].append(a)
            self.county_names[name_key(a.name_en).lower()].append(a)
        self.writable_counties = (
            set(access.visible_areas(user).filter(level=Area.Level.COUNTY).values_list("code", flat=True))
            if access.can_edit_registry(user)
            else set()
        )
        self.parks = {name_key(p.name): p for p in Park.objects.all()}
        self.industries = {i.code: i for i in Industry.objects.all()}
        self.industry_names = {name_key(i.name): i for i in self.industries.values()}
        self.industry_names.update({name_key(i.name_en).lower(): i for i in self.industries.values()})

    def county(self, text: str) -> Area:
        found = COUNTY_CODE.match(text)
        if found:
            area = self.counties.get(found.group(1))
            if area is None:
                raise ValueError(_("No county has the code %(code)s.") % {"code": found.group(1)})
            return area
        matches = self.county_names.get(name_key(text)) or self.county_names.get(name_key(text).lower()) or []
        if len(matches) > 1:
            raise ValueError(_("Several counties are called “%(name)s”; write its six-digit code.") % {"name": text})
        if not matches:
            raise ValueError(_("Unknown county “%(name)s”; write its six-digit code.") % {"name": text})
        return matches[0]

    def park(self, text: str) -> Park:
        park = self.parks.get(name_key(text))
        if park is None:
            raise ValueError(_("Unknown park “%(name)s”; see the codes sheet of the template.") % {"name": text})
        return park

    def industry(self, text: str) -> Industry:
        found = INDUSTRY_CODE.match(text)
        industry = self.industries.get(found.group(1)) if found else None
        industry = (
            industry or self.industry_names.get(name_key(text)) or self.industry_names.get(name_key(text).lower())
        )
        if industry is None:
            raise ValueError(_("Unknown industry “%(name)s”; write its two-digit code.") % {"name": text})
        return industry


def _existing(codes: set[str], user: User) -> tuple[dict[str, Enterprise], set[str]]:
    """Registered enterprises by credit code, and which of them the user may edit."""
    found: dict[str, Enterprise] = {}
    editable: set[str] = set()
    codes_list = sorted(codes)
    for i in range(0, len(codes_list), 500):  # SQLite limits the parameters of one query
        chunk = codes_list[i : i + 500]
        for e in (
            Enterprise.objects.filter(credit_code__in=chunk)
            .select_related("county", "park", "industry")
            .prefetch_related("tags")
        ):
            found[e.credit_code] = e
        editable.update(
            access.editable_enterprises(user).filter(credit_code__in=chunk).values_list("credit_code", flat=True)
        )
    return found, editable


def plan_import(
    *,
    user: User,
    rows: list[Row],
    lookups: Lookups | None = None,
    duplicates: dict[str, list[int]] | None = None,
) -> list[PlannedRow]:
    """Decide, for each parsed row, create, update or error; nothing is saved.

    `duplicates` (credit code -> the sheet rows holding it, see duplicate_codes()) is given when
    `rows` is one chunk of a larger sheet; without it the codes are compared among `rows`.
    """
    lookups = lookups or Lookups(user)
    planned = [
        PlannedRow(number=r.number, raw=r.raw, errors=dict(r.errors))
        for r in rows
        if r.values.get("credit_code") != EXAMPLE_CREDIT_CODE
    ]
    values_by_row = {r.number: r.values for r in rows}
    codes = {values_by_row[p.number].get("credit_code") for p in planned} - {None, ""}
    existing, editable = _existing(codes, user)
    if duplicates is None:
        duplicates = duplicate_codes(rows)
    for p in planned:
        values = values_by_row[p.number]
        p.credit_code = values.get("credit_code") or ""
        p.name = values.get("name") or ""
        others = [n for n in duplicates.get(p.credit_code, []) if n != p.number]
        if others and "credit_code" not in p.errors:
            p.errors["credit_code"] = _("The same credit code is on row %(rows)s; keep one row per enterprise.") % {
                "rows": ", ".join(str(n) for n in others)
            }
        _check_row(p, values, lookups, existing.get(p.credit_code), p.credit_code in editable)
        p.action = Action.ERROR if p.errors else p.action
    return planned


def duplicate_codes(rows) -> dict[str, list[int]]:
    """Credit codes held by more than one row (the template's example aside), each with its row numbers."""
    first: dict[str, int] = {}
    duplicates: dict[str, list[int]] = {}
    for r in rows:
        code = r.values.get("credit_code")
        if not code or code == EXAMPLE_CREDIT_CODE:
            continue
        if code in duplicates:
            duplicates[code].append(r.number)
        elif code in first:
            duplicates[code] = [first[code], r.number]
        else:
            first[code] = r.number
    return duplicates


def _check_row(p: PlannedRow, values: dict, lookups: Lookups, enterprise: Enterprise | None, editable: bool) -> None:
    if enterprise is not None and not editable:
        p.errors.setdefault("credit_code", _("This enterprise is registered outside your area."))
        return
    resolved = {}
    for key, resolve in (("county", lookups.county), ("park", lookups.park), ("industry", lookups.industry)):
        if values.get(key):
            try:
                resolved[key] = resolve(values[key])
            except ValueError as e:
                p.errors.setdefault(key, str(e))
        elif key in values:
            resolved[key] = None
    county = resolved.get("county")
    if county is not None and county.code not in lookups.writable_counties:
        p.errors.setdefault("county", _("This county is outside your area."))
    if p.errors:
        # The service's checks need a whole row; these two run anyway so that every error shows at once.
        _check_code_and_park(p, values, county, resolved.get("park"))
        return
    changes = {k: v for k, v in {**values, **resolved}.items() if k in COLUMNS_BY_KEY}
    # A blank optional cell clears the field; a column missing from the sheet keeps what is registered.
    for key, empty in (("above_scale", False), ("tags", []), ("contact_name", ""), ("contact_phone", "")):
        if key in changes and changes[key] is None:
            changes[key] = empty
    if enterprise is not None:
        data = services.enterprise_data_from(enterprise, **changes)
        p.action, p.enterprise = Action.UPDATE, enterprise
    else:
        defaults = {"park": None, "above_scale": False, "tags": [], "contact_name": "", "contact_phone": ""}
        data = services.EnterpriseData(**{**defaults, **changes})
        p.action = Action.CREATE
    # The service's own checks, run without saving so the preview and the commit cannot disagree.
    for key, messages in services._validate(data).items():
        p.errors.setdefault(key if key in COLUMNS_BY_KEY else "", " ".join(messages))
    p.data = data


def _check_code_and_park(p: PlannedRow, values: dict, county: Area | None, park: Park | None) -> None:
    if values.get("credit_code") and "credit_code" not in p.errors:
        try:
            check(values["credit_code"])
        except CreditCodeError as e:
            p.errors["credit_code"] = str(e)
    if county is not None and park is not None and park.league_id != county.parent_id:
        p.errors.setdefault("park", _("The park %(park)s is not in this county's league.") % {"park": park.name})


class RegistryImporter(Importer):
    """The registry's import in the one import flow (fugong.core.imports)."""

    kind = "enterprises"
    columns = COLUMNS
    counted = (
        (Action.CREATE, gettext_lazy("To create")),
        (Action.UPDATE, gettext_lazy("To update")),
        (Action.ERROR, gettext_lazy("Rows with errors")),
    )
    writes = committed = (Action.CREATE, Action.UPDATE)
    template = "enterprises/import_preview.html"
    scan_keys = {"credit_code"}

    def scan(self, *, user, rows, options) -> dict:
        return {"duplicates": duplicate_codes(rows), "lookups": Lookups(user)}

    def plan_chunk(self, *, user, rows, scan, options) -> list[dict]:
        planned = plan_import(user=user, rows=rows, lookups=scan["lookups"], duplicates=scan["duplicates"])
        return [p.as_json() for p in planned]

    def commit_chunk(self, *, user, rows) -> dict:
        """Check a chunk again (the registry may have changed since the preview), then save its valid rows.

        Rows valid at the preview hold credit codes no other row of the sheet holds, so checking a chunk
        alone finds the same errors as checking all.
        """
        planned = plan_from_json(user=user, stored=rows)
        done = commit(user=user, planned=planned)
        unplanned = [
            {"row": p.number, "column": key, "message": message}
            for p in planned
            if p.action == Action.ERROR
            for key, message in p.errors.items()
        ]
        return {"created": done.created, "updated": done.updated, "failed": unplanned + done.failed}


IMPORTER = RegistryImporter()


def plan_from_json(*, user: User, stored: list[dict], lookups: Lookups | None = None) -> list[PlannedRow]:
    """The plan again from the stored cells: the registry may have changed since the preview."""
    rows = []
    for item in stored:
        values, errors = parse_row(COLUMNS, item["raw"])
        rows.append(Row(number=item["row"], raw=item["raw"], values=values, errors=errors))
    return plan_import(user=user, rows=rows, lookups=lookups)


@dataclass
class CommitResult:
    created: int = 0
    updated: int = 0
    failed: list[dict] = field(default_factory=list)


def commit(*, user: User, planned: list[PlannedRow]) -> CommitResult:
    """Save the valid rows; a row that fails now is reported and the others are still saved."""
    result = CommitResult()
    creates = [p for p in planned if p.action == Action.CREATE]
    try:
        # New enterprises in a few queries; if any is refused, fall back to one savepoint per row below.
        with transaction.atomic():
            services.enterprise_bulk_create(actor=user, items=[p.data for p in creates], source=services.Source.EXCEL)
        result.created = len(creates)
        creates = []
    except (ValidationError, IntegrityError):
        pass
    for p in [*creates, *(p for p in planned if p.action == Action.UPDATE)]:
        try:
            with transaction.atomic():
                if p.action == Action.CREATE:
                    services.enterprise_create(actor=user, data=p.data, source=services.Source.EXCEL)
                    result.created += 1
                else:
                    services.enterprise_update(
                        actor=user, enterprise=p.enterprise, data=p.data, source=services.Source.EXCEL
                    )
                    result.updated += 1
        except ValidationError as e:
            for key, messages in e.message_dict.items():
                column = key if key in COLUMNS_BY_KEY else ""
                result.failed.append({"row": p.number, "column": column, "message": " ".join(messages)})
    result.failed.sort(key=lambda f: f["row"])
    return result
