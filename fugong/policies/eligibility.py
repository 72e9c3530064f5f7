"""Eligibility as data, and the one evaluator.

A rule is a tree: `{"all": [...]}` or `{"any": [...]}` over criteria, a criterion being
`{"fact": ..., "op": ..., "value": ..., "article": "第三条"}`. A threshold that changes on a date holds dated
values instead of one: `"values": [{"from": "2020-02-01", "value": 300}, {"from": "2020-03-01", "value": 500}]`;
on a day the last value from on or before it holds, and before the first the criterion is not met.

Each criterion is met, not met, or unknown (the registry lacks the fact: no daily report yet). `all` and `any`
combine them in three-valued logic; an enterprise is eligible when the rule is met. The same rule compiles to
one database filter (`eligible_q`) that answers for the whole registry at once; the tests hold the filter to
the explanation (`explain`) over random registries and random rules.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fugong.areas.models import Area
from fugong.dispatch.models import DailyReport, Status
from fugong.enterprises.models import Enterprise, Industry, SizeClass, Tag

STATUS_FIELD = "_policy_status"

FACTS = {
    "industry": gettext_lazy("industry"),
    "size_class": gettext_lazy("size class"),
    "above_scale": gettext_lazy("above scale"),
    "tags": gettext_lazy("tags"),
    "league": gettext_lazy("league"),
    "employees": gettext_lazy("employees"),
    "registered_before": gettext_lazy("in the registry before"),
    "resumption": gettext_lazy("resumption status"),
}
OPS = {
    "industry": {"in"},
    "size_class": {"in"},
    "above_scale": {"is"},
    "tags": {"any", "all"},
    "league": {"in"},
    "employees": {"gte", "lte"},
    "registered_before": {"before"},
    "resumption": {"in"},
}
MAX_CRITERIA = 50
LIST_FACTS = {"industry", "size_class", "tags", "league", "resumption"}


@dataclass
class Criterion:
    fact: str
    op: str
    article: str
    value: Any  # the value in force on the day asked about; None when none is
    met: bool | None = None
    actual: str = ""

    @property
    def label(self) -> str:
        return describe(self.fact, self.op, self.value)


@dataclass
class Verdict:
    eligible: bool
    state: bool | None  # None: unknown (a fact the registry lacks)
    criteria: list[Criterion] = field(default_factory=list)
    # Criteria each of which alone, if met, would make the enterprise eligible: what would change the answer.
    near: list[Criterion] = field(default_factory=list)


# --- Checking a rule when it is saved ------------------------------------------------------------------------


def _check_value(fact: str, value, where: str) -> Any:
    def bad(message):
        return ValidationError({"rule": [f"{where}: {message}"]})

    if fact in LIST_FACTS and (not isinstance(value, list) or len(value) > 200):
        raise bad(_("give a list of values."))

    if fact == "industry":
        codes = [str(v) for v in (value or [])]
        known = set(Industry.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if not codes or unknown:
            raise bad(_("unknown industry code “%(code)s”.") % {"code": ", ".join(unknown) or "—"})
        return codes
    if fact == "size_class":
        vals = [str(v) for v in (value or [])]
        if not vals or set(vals) - set(SizeClass.values):
            raise bad(_("size class is one of %(allowed)s.") % {"allowed": ", ".join(SizeClass.values)})
        return vals
    if fact == "tags":
        vals = [str(v) for v in (value or [])]
        unknown = [v for v in vals if v not in Tag.Code.values]
        if not vals or unknown:
            raise bad(_("unknown tag “%(tag)s”.") % {"tag": ", ".join(unknown) or "—"})
        return vals
    if fact == "league":
        vals = [str(v) for v in (value or [])]
        known = set(Area.objects.filter(code__in=vals).values_list("code", flat=True))
        if not vals or set(vals) - known:
            raise bad(_("unknown league “%(code)s”.") % {"code": ", ".join(sorted(set(vals) - known)) or "—"})
        return vals
    if fact == "above_scale":
        if not isinstance(value, bool):
            raise bad(_("above scale is true or false."))
        return value
    if fact == "employees":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000_000:
            raise bad(_("employees is a whole number from 0 to 10,000,000."))
        return value
    if fact == "registered_before":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise bad(_("give the date as YYYY-MM-DD.")) from None
    if fact == "resumption":
        vals = [str(v) for v in (value or [])]
        if not vals or set(vals) - set(Status.values):
            raise bad(_("resumption status is one of %(allowed)s.") % {"allowed": ", ".join(Status.values)})
        return vals
    raise bad(_("unknown fact."))


def check_rule(rule, *, where: str = "rule", depth: int = 0, count: list | None = None) -> dict:
    """The rule as stored, or a ValidationError naming the criterion that is wrong (unknown industry code or
    tag, unknown fact, missing article, malformed dated values)."""
    count = count if count is not None else [0]
    if depth > 5:
        raise ValidationError({"rule": [_("%(where)s: the rule is nested too deeply.") % {"where": where}]})
    if not isinstance(rule, dict):
        raise ValidationError({"rule": [_("%(where)s: expected an object.") % {"where": where}]})
    for key in ("all", "any"):
        if key in rule:
            parts = rule[key]
            if not isinstance(parts, list) or len(rule) != 1:
                raise ValidationError(
                    {"rule": [_("%(where)s: “%(key)s” holds a list.") % {"where": where, "key": key}]}
                )
            return {
                key: [
                    check_rule(p, where=f"{where}.{key}[{i}]", depth=depth + 1, count=count)
                    for i, p in enumerate(parts)
                ]
            }
    count[0] += 1
    if count[0] > MAX_CRITERIA:
        raise ValidationError({"rule": [_("A rule has at most %(n)d criteria.") % {"n": MAX_CRITERIA}]})
    fact, op = rule.get("fact"), rule.get("op")
    if fact not in FACTS:
        raise ValidationError({"rule": [_("%(where)s: unknown fact “%(fact)s”.") % {"where": where, "fact": fact}]})
    if op not in OPS[fact]:
        allowed = ", ".join(sorted(OPS[fact]))
        raise ValidationError(
            {"rule": [_("%(where)s: the operator is one of %(allowed)s.") % {"where": where, "allowed": allowed}]}
        )
    article = str(rule.get("article") or "").strip()
    if not article or len(article) > 40:
        raise ValidationError({"rule": [_("%(where)s: cite the article the criterion comes from.") % {"where": where}]})
    out: dict[str, Any] = {"fact": fact, "op": op, "article": article}
    if "values" in rule:
        dated = rule["values"]
        if not isinstance(dated, list) or not dated or len(dated) > 20:
            raise ValidationError({"rule": [_("%(where)s: dated values are a list of 1 to 20.") % {"where": where}]})
        checked = []
        for i, item in enumerate(dated):
            try:
                start = date.fromisoformat(str(item["from"]))
            except (KeyError, TypeError, ValueError):
                raise ValidationError(
                    {
                        "rule": [
                            _("%(where)s: each dated value has “from” as YYYY-MM-DD.")
                            % {"where": f"{where}.values[{i}]"}
                        ]
                    }
                ) from None
            checked.append(
                {"from": start.isoformat(), "value": _check_value(fact, item.get("value"), f"{where}.values[{i}]")}
            )
        froms = [c["from"] for c in checked]
        if froms != sorted(set(froms)):
            raise ValidationError(
                {"rule": [_("%(where)s: dated values in date order, one per date.") % {"where": where}]}
            )
        out["values"] = checked
    else:
        out["value"] = _check_value(fact, rule.get("value"), where)
    return out


# --- The value in force on a day -----------------------------------------------------------------------------


def value_on(criterion: dict, day: date):
    if "values" not in criterion:
        return criterion["value"]
    held = None
    for item in criterion["values"]:
        if date.fromisoformat(item["from"]) <= day:
            held = item["value"]
    return held


def leaves(rule: dict) -> list[dict]:
    if "all" in rule or "any" in rule:
        return [leaf for part in rule.get("all", rule.get("any", [])) for leaf in leaves(part)]
    return [rule] if rule else []


def uses_status(rule: dict) -> bool:
    return any(leaf["fact"] == "resumption" for leaf in leaves(rule))


# --- The database filter -------------------------------------------------------------------------------------

NOTHING = Q(pk__in=[])
EVERYTHING = Q(pk__isnull=False)


def _leaf_q(criterion: dict, day: date) -> Q:
    value = value_on(criterion, day)
    if value is None:
        return NOTHING
    fact, op = criterion["fact"], criterion["op"]
    if fact == "industry":
        return Q(industry_id__in=value)
    if fact == "size_class":
        return Q(size_class__in=value)
    if fact == "above_scale":
        return Q(above_scale=value)
    if fact == "league":
        return Q(league_id__in=value)
    if fact == "employees":
        return Q(employees__gte=value) if op == "gte" else Q(employees__lte=value)
    if fact == "registered_before":
        return Q(created_at__date__lt=date.fromisoformat(value))
    if fact == "resumption":
        return Q(**{f"{STATUS_FIELD}__in": value})
    through = Enterprise.tags.through.objects
    if op == "any":
        return Q(pk__in=through.filter(tag_id__in=value).values("enterprise_id"))
    q = EVERYTHING
    for tag in value:
        q &= Q(pk__in=through.filter(tag_id=tag).values("enterprise_id"))
    return q


def rule_q(rule: dict, day: date) -> Q:
    # Explicit true and false: Django drops an empty Q() from a combination, which would turn "any of
    # (nothing, everything)" into nothing.
    if "all" in rule or "any" in rule:
        parts = [rule_q(part, day) for part in rule.get("all", rule.get("any", []))]
        if not parts:
            return EVERYTHING if "all" in rule else NOTHING
        q = parts[0]
        for part in parts[1:]:
            q = q & part if "all" in rule else q | part
        return q
    return _leaf_q(rule, day) if rule else EVERYTHING


def with_status(qs: QuerySet, day: date) -> QuerySet:
    """The enterprises with their latest daily status on or before the day (None when never reported)."""
    latest = DailyReport.objects.filter(enterprise=OuterRef("pk"), date__lte=day).order_by("-date")
    return qs.annotate(**{STATUS_FIELD: Subquery(latest.values("status")[:1])})


def eligible(qs: QuerySet[Enterprise], rule: dict, day: date) -> QuerySet[Enterprise]:
    """The enterprises of `qs` eligible under `rule` on `day`: one query over all of them."""
    if uses_status(rule):
        qs = with_status(qs, day)
    return qs.filter(rule_q(rule, day))


# --- One enterprise, with the reasons ------------------------------------------------------------------------


def facts_of(enterprise: Enterprise, day: date, *, status: str | None | bool = False) -> dict:
    """The facts of an enterprise that the rules name; `status=False` reads its latest daily status."""
    if status is False:
        status = (
            DailyReport.objects.filter(enterprise=enterprise, date__lte=day)
            .order_by("-date")
            .values_list("status", flat=True)
            .first()
        )
    return {
        "industry": enterprise.industry_id,
        "size_class": enterprise.size_class,
        "above_scale": enterprise.above_scale,
        "tags": {t.code for t in enterprise.tags.all()},
        "league": enterprise.league_id,
        "employees": enterprise.employees,
        # The day in the project's zone, as the database filter reads created_at__date: not the UTC day.
        "registered": timezone.localdate(enterprise.created_at) if enterprise.created_at else None,
        "resumption": status,
    }


def _leaf_met(criterion: dict, facts: dict, day: date) -> Criterion:
    value = value_on(criterion, day)
    c = Criterion(criterion["fact"], criterion["op"], criterion["article"], value)
    fact, op = c.fact, c.op
    if value is None:
        c.met = False
        first = criterion["values"][0]["from"]
        c.actual = _("not in force before %(day)s") % {"day": first}
        return c
    if fact in ("industry", "size_class", "league"):
        c.met, c.actual = facts[fact] in value, str(facts[fact])
    elif fact == "above_scale":
        c.met, c.actual = facts[fact] is value, _("yes") if facts[fact] else _("no")
    elif fact == "employees":
        n = facts["employees"]
        c.met, c.actual = (n >= value if op == "gte" else n <= value), str(n)
    elif fact == "registered_before":
        reg = facts["registered"]
        c.met, c.actual = (reg is not None and reg < date.fromisoformat(value)), str(reg or "")
    elif fact == "resumption":
        status = facts["resumption"]
        if status is None:
            c.met, c.actual = None, _("no daily report yet")
        else:
            c.met, c.actual = status in value, str(Status(status).label)
    elif fact == "tags":
        have = facts["tags"]
        c.met = bool(have & set(value)) if op == "any" else set(value) <= have
        c.actual = "、".join(str(Tag.Code(t).label) for t in sorted(have)) or "—"
    return c


def _combine(rule: dict, results: dict[int, bool | None]) -> bool | None:
    """Three-valued: `all` is false if any part is, else unknown if any is; `any` the mirror."""
    if "all" in rule or "any" in rule:
        parts = [_combine(p, results) for p in rule.get("all", rule.get("any", []))]
        if "all" in rule:
            return False if False in parts else (None if None in parts else True)
        return True if True in parts else (None if None in parts else False)
    return results[id(rule)] if rule else True


def explain(rule: dict, facts: dict, day: date) -> Verdict:
    criteria: dict[int, Criterion] = {id(leaf): _leaf_met(leaf, facts, day) for leaf in leaves(rule)}
    results = {k: c.met for k, c in criteria.items()}
    state = _combine(rule, results)
    near = []
    if state is not True:
        for key, c in criteria.items():
            if c.met is not True and _combine(rule, {**results, key: True}) is True:
                near.append(c)
    return Verdict(eligible=state is True, state=state, criteria=list(criteria.values()), near=near)


def evaluate(rule: dict, enterprise: Enterprise, day: date) -> Verdict:
    """Is the enterprise eligible under the rule on the day, and why (or why not)."""
    return explain(rule, facts_of(enterprise, day), day)


def describe(fact: str, op: str, value) -> str:
    name = str(FACTS.get(fact, fact))
    if value is None:
        return name
    if fact == "above_scale":
        return str(_("above scale") if value else _("below scale"))
    if fact == "employees":
        return (_("employees at least %(n)s") if op == "gte" else _("employees at most %(n)s")) % {"n": value}
    if fact == "registered_before":
        return _("in the registry before %(day)s") % {"day": value}
    if fact == "tags":
        labels = "、".join(str(Tag.Code(t).label) for t in value)
        return (_("tagged any of %(tags)s") if op == "any" else _("tagged all of %(tags)s")) % {"tags": labels}
    if fact == "size_class":
        labels = "、".join(str(SizeClass(v).label) for v in value)
    elif fact == "resumption":
        labels = "、".join(str(Status(v).label) for v in value)
    elif fact == "league":
        labels = "、".join(Area.objects.filter(code__in=value).values_list("name", flat=True))
    else:
        labels = "、".join(value)
    return f"{name}：{labels}"


def criteria_labels(rule: dict) -> list[tuple[str, str]]:
    """Each criterion of a rule in words with its article; a dated threshold lists each value from its date."""
    out = []
    for leaf in leaves(rule):
        if "values" in leaf:
            label = "；".join(
                _("from %(day)s: %(what)s") % {"day": v["from"], "what": describe(leaf["fact"], leaf["op"], v["value"])}
                for v in leaf["values"]
            )
        else:
            label = describe(leaf["fact"], leaf["op"], leaf["value"])
        out.append((label, leaf["article"]))
    return out
