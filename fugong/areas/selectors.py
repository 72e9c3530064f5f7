from django.db.models import QuerySet

from fugong.areas.models import Area, Park


def leagues() -> QuerySet[Area]:
    return Area.objects.filter(level=Area.Level.LEAGUE)


def counties(*, league: str | None = None) -> QuerySet[Area]:
    qs = Area.objects.filter(level=Area.Level.COUNTY)
    return qs.filter(parent_id=league) if league else qs


def separately_listed() -> QuerySet[Area]:
    return Area.objects.filter(separately_listed=True)


def parks(*, league: str | None = None, county: str | None = None) -> QuerySet[Park]:
    qs = Park.objects.all()
    if league:
        qs = qs.filter(league_id=league)
    if county:
        qs = qs.filter(county_id=county)
    return qs
