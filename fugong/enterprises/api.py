from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.areas.models import Area, Park
from fugong.core import bounds
from fugong.core.bounds import Amount, Filter, Int, Text
from fugong.core.schemas import Pagination
from fugong.enterprises import selectors, services
from fugong.enterprises.models import Enterprise, Industry, Tag

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    credit_code: str
    name: str
    league: str = Field(..., alias="league_id")
    county: str = Field(..., alias="county_id")
    park: str | None
    industry: str = Field(..., alias="industry_id")
    above_scale: bool
    size_class: str
    tags: list[str]
    employees: int
    normal_output: Decimal
    contact_name: str
    contact_phone: str

    @staticmethod
    def resolve_park(obj):
        return obj.park.name if obj.park_id else None

    @staticmethod
    def resolve_tags(obj):
        return sorted(t.code for t in obj.tags.all())


class EnterpriseFilterIn(Schema):
    league: Filter = ""
    county: Filter = ""
    park: Filter = ""
    industry: Filter = ""
    tag: Filter = ""
    above_scale: bool | None = None
    size_class: Filter = ""
    q: Filter = ""


# The limits are the registry's own (models.py and services._validate); these say them in the API's schema.
Code = Text(40)
Name = Text(100, name=True)
Employees = Int(bounds.PEOPLE_MAX)
Output = Amount(14, 2)
TagList = Annotated[list[Text(20)], Field(max_length=len(Tag.Code.values))]


class EnterpriseIn(Schema):
    credit_code: Code
    name: Name
    county: Code
    industry: Code
    size_class: Code
    employees: Employees
    normal_output: Output
    park: Name | None = None
    above_scale: bool = False
    tags: TagList = []
    contact_name: Text(40, name=True) = ""
    contact_phone: Text(20) = ""


class EnterprisePatch(Schema):
    name: Name | None = None
    county: Code | None = None
    industry: Code | None = None
    size_class: Code | None = None
    employees: Employees | None = None
    normal_output: Output | None = None
    park: Name | None = None
    above_scale: bool | None = None
    tags: TagList | None = None
    contact_name: Text(40, name=True) | None = None
    contact_phone: Text(20) | None = None


class Error(Schema):
    error: dict | str


def _resolve_refs(values: dict) -> dict:
    """Turn the codes and names of a payload into model objects, or name the field that is wrong."""
    errors = {}
    if "county" in values:
        county = Area.objects.filter(code=values["county"], level=Area.Level.COUNTY).first()
        if county is None:
            errors["county"] = [_("Unknown county code “%(code)s”.") % {"code": values["county"]}]
        values["county"] = county
    if "industry" in values:
        industry = Industry.objects.filter(code=values["industry"]).first()
        if industry is None:
            errors["industry"] = [_("Unknown industry code “%(code)s”.") % {"code": values["industry"]}]
        values["industry"] = industry
    if values.get("park"):
        park = Park.objects.filter(name=values["park"]).first()
        if park is None:
            errors["park"] = [_("Unknown park “%(name)s”.") % {"name": values["park"]}]
        values["park"] = park
    if errors:
        raise ValidationError(errors)
    return values


def _reload(enterprise: Enterprise) -> Enterprise:
    return Enterprise.objects.select_related("park").prefetch_related("tags").get(pk=enterprise.pk)


@router.get("", response=list[EnterpriseOut])
@paginate(Pagination)
def list_enterprises(request, filters: Query[EnterpriseFilterIn]):
    return selectors.enterprise_list(user=request.auth, filters=selectors.EnterpriseFilters(**filters.dict()))


@router.get("/{credit_code}", response={200: EnterpriseOut, 404: Error})
def get_enterprise(request, credit_code: str):
    return _reload(access.access_enterprise(request.auth, credit_code.upper()))


@router.post("", response={201: EnterpriseOut, 400: Error, 404: Error})
def create_enterprise(request, payload: EnterpriseIn):
    if not access.can_edit_registry(request.auth):
        raise Http404
    data = services.EnterpriseData(**_resolve_refs(payload.dict()))
    enterprise = services.enterprise_create(actor=request.auth, data=data, source=services.Source.API)
    return 201, _reload(enterprise)


@router.patch("/{credit_code}", response={200: EnterpriseOut, 400: Error, 404: Error})
def update_enterprise(request, credit_code: str, payload: EnterprisePatch):
    enterprise = access.access_enterprise(request.auth, credit_code.upper(), write=True)
    changes = payload.dict(exclude_unset=True)
    # Only the park may be emptied; null for anything else is a missing value, not a change.
    if nulls := sorted(k for k, v in changes.items() if v is None and k != "park"):
        raise ValidationError({k: [_("This field cannot be empty.")] for k in nulls})
    changes = _resolve_refs(changes)
    data = services.enterprise_data_from(enterprise, **changes)
    enterprise = services.enterprise_update(
        actor=request.auth, enterprise=enterprise, data=data, source=services.Source.API
    )
    return _reload(enterprise)
