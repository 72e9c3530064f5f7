from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from fugong import access
from fugong.areas.models import Area, Park
from fugong.enterprises import selectors, services
from fugong.enterprises.models import Enterprise, Industry

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
    league: str = ""
    county: str = ""
    park: str = ""
    industry: str = ""
    tag: str = ""
    above_scale: bool | None = None
    size_class: str = ""
    q: str = ""


class EnterpriseIn(Schema):
    credit_code: str
    name: str
    county: str
    industry: str
    size_class: str
    employees: int
    normal_output: Decimal
    park: str | None = None
    above_scale: bool = False
    tags: list[str] = []
    contact_name: str = ""
    contact_phone: str = ""


class EnterprisePatch(Schema):
    name: str | None = None
    county: str | None = None
    industry: str | None = None
    size_class: str | None = None
    employees: int | None = None
    normal_output: Decimal | None = None
    park: str | None = None
    above_scale: bool | None = None
    tags: list[str] | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


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
@paginate(LimitOffsetPagination)
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
    changes = _resolve_refs(payload.dict(exclude_unset=True))
    data = services.enterprise_data_from(enterprise, **changes)
    enterprise = services.enterprise_update(
        actor=request.auth, enterprise=enterprise, data=data, source=services.Source.API
    )
    return _reload(enterprise)
