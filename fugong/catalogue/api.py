"""The catalogue feed for outside platforms (万企登云, 两化融合-style), and the uptake figures.

`GET /api/v1/catalogue` pages through every product ever published, oldest change first; a reader keeps the
`updated_at` of the last item it took and asks again with `updated_since` for what changed since. A withdrawn
product stays in the feed with `status: "withdrawn"`. Read with a token of a provider or a platform account.
"""

from datetime import UTC, date, datetime

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from fugong import access
from fugong.catalogue import excel, selectors
from fugong.catalogue.models import Product
from fugong.core.bounds import BadParameter, Day, Filter, Text
from fugong.core.excel import xlsx_response
from fugong.core.schemas import Error, Pagination

router = Router(tags=["catalogue"])

FIRST = datetime(2000, 1, 1, tzinfo=UTC)


def product_url(product: Product, request=None) -> str:
    path = reverse("catalogue:product", args=[product.pk])
    return request.build_absolute_uri(path) if request is not None else path


def json_ld(product: Product, url: str) -> dict:
    """The product as schema.org Product with its free Offer, as catalogue harvesters read it."""
    offer: dict = {
        "@type": "Offer",
        "price": "0",
        "priceCurrency": "CNY",
        "availability": "https://schema.org/Discontinued" if product.withdrawn_at else "https://schema.org/InStock",
        "description": "；".join(x for x in (product.free_terms, product.limits) if x),
        "seller": {"@type": "Organization", "name": product.provider.name},
    }
    if product.link:
        offer["url"] = product.link
    if product.free_months:
        offer["eligibleDuration"] = {"@type": "QuantitativeValue", "value": product.free_months, "unitCode": "MON"}
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "@id": url,
        "url": url,
        "productID": product.number,
        "sku": product.number,
        "name": product.name,
        "description": product.description,
        "category": str(product.get_category_display()),
        "brand": {"@type": "Organization", "name": product.provider.name, "identifier": product.provider.credit_code},
        "offers": offer,
    }


class FeedItemOut(Schema):
    number: str
    name: str
    category: str = Field(description="epidemic | collaboration | security | production")
    category_label: str
    provider: str
    provider_credit_code: str
    description: str
    free_terms: str
    free_months: int | None = Field(description="empty: free for as long as the emergency lasts")
    limits: str
    delivery: str = Field(description="saas | download | onsite")
    link: str
    industries: list[str] = Field(description="GB/T 4754 divisions; empty: every industry")
    contact_name: str
    contact_phone: str
    status: str = Field(description="listed | withdrawn")
    published_at: str = Field(description="ISO 8601, to the microsecond")
    withdrawn_at: str | None
    updated_at: str = Field(
        description="when what the feed shows last changed, to the microsecond: the next updated_since"
    )
    url: str
    json_ld: dict = Field(description="schema.org Product with its Offer")

    @staticmethod
    def resolve_category_label(obj):
        return str(obj.get_category_display())

    @staticmethod
    def resolve_provider(obj):
        return obj.provider.name

    @staticmethod
    def resolve_provider_credit_code(obj):
        return obj.provider.credit_code

    @staticmethod
    def resolve_industries(obj):
        return obj.industry_list

    @staticmethod
    def resolve_status(obj):
        return "withdrawn" if obj.withdrawn_at else "listed"

    @staticmethod
    def resolve_published_at(obj):
        return obj.published_at.isoformat()

    @staticmethod
    def resolve_withdrawn_at(obj):
        return obj.withdrawn_at.isoformat() if obj.withdrawn_at else None

    @staticmethod
    def resolve_updated_at(obj):
        # Full precision (the JSON encoder would cut it to milliseconds): updated_since compares exactly.
        return obj.feed_updated_at.isoformat()

    @staticmethod
    def resolve_url(obj, context):
        return product_url(obj, context["request"])

    @staticmethod
    def resolve_json_ld(obj, context):
        return json_ld(obj, product_url(obj, context["request"]))


class FeedQuery(Schema):
    updated_since: datetime | None = Field(None, description="ISO 8601; only products changed after it")


def _feed(request, updated_since: datetime | None):
    if not access.can_read_feed(request.auth):
        raise Http404
    if updated_since is not None:
        if timezone.is_naive(updated_since):
            updated_since = updated_since.replace(tzinfo=timezone.get_current_timezone())
        try:
            updated_since = updated_since.astimezone(UTC)
        except OverflowError as e:
            raise BadParameter("updated_since") from e
        if updated_since < FIRST:
            updated_since = None
    return selectors.feed(user=request.auth, updated_since=updated_since)


@router.get("", response=list[FeedItemOut], url_name="catalogue_feed", operation_id="catalogue_feed",
            summary="The published catalogue, oldest change first")  # fmt: skip
@paginate(Pagination)
def catalogue_feed(request, query: Query[FeedQuery]):
    return _feed(request, query.updated_since)


@router.get("/export.xlsx", url_name="catalogue_feed_export", operation_id="catalogue_feed_export",
            summary="The published catalogue as a workbook in a fixed layout")  # fmt: skip
def catalogue_feed_export(request, query: Query[FeedQuery]):
    return xlsx_response(excel.feed_workbook(_feed(request, query.updated_since)), "信息技术产品目录.xlsx")


class TallyOut(Schema):
    key: str
    label: str
    products: int
    claims: int
    enterprises: int
    delivered: int
    declined: int
    average_rating: float | None

    @staticmethod
    def resolve_enterprises(obj):
        return obj.enterprise_count


class FiguresOut(Schema):
    as_of: date
    products: int
    total: TallyOut
    by_category: list[TallyOut]
    by_provider: list[TallyOut]
    by_league: list[TallyOut]
    by_product: list[TallyOut]
    unclaimed: list[str]

    @staticmethod
    def resolve_unclaimed(obj):
        return [p.number for p in obj.unclaimed]


class FiguresQuery(Schema):
    as_of: Day() | None = None
    league: Filter = ""


@router.get("/figures", response={200: FiguresOut, 404: Error}, url_name="catalogue_figures",
            operation_id="catalogue_figures", summary="Uptake of the catalogue")  # fmt: skip
def catalogue_figures(request, query: Query[FiguresQuery]):
    if not access.can_see_catalogue_figures(request.auth):
        raise Http404
    if query.league and not access.visible_areas(request.auth).filter(code=query.league).exists():
        raise Http404
    as_of = query.as_of or timezone.localdate()
    return selectors.catalogue_figures(user=request.auth, as_of=as_of, scope=query.league or None)


@router.get("/{number}", response={200: FeedItemOut, 404: Error}, url_name="catalogue_feed_item",
            operation_id="catalogue_feed_item", summary="One product of the feed, by catalogue number")  # fmt: skip
def catalogue_feed_item(request, number: Text(12)):
    product = _feed(request, None).filter(number=number).first()
    if product is None:
        raise Http404
    return product
