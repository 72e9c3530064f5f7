"""How an area is named on official outputs: in a brief, a file name, as the issuing body.

Shared by the dispatch pages (the missing list's export) and the figures (exports, the brief), so
every file an office downloads is named the same way: 包头市_未填报企业_2020-02-22.xlsx.
"""

from datetime import date

from django.utils.translation import gettext as _

from fugong import access
from fugong.accounts.models import User
from fugong.areas.models import Area

REGION_WORDS = "全区"


def area_name(*, user: User, league: str = "", county: str = "", chinese: bool = True) -> str:
    """The area a figure is about, as a brief names it: 全区, a league, a county, a work group's leagues."""
    code = county or league
    if code:
        area = Area.objects.get(code=code)
        return area.name if chinese else area.display_name
    group = access.scope_work_group(user)
    if group is not None:
        return f"{group.name}联系盟市" if chinese else group.name
    own = access.scope_area(user)
    if own is not None and own.level != Area.Level.REGION:
        return own.name if chinese else own.display_name
    return REGION_WORDS if chinese else _("Whole region")


def _region_name() -> str:
    return Area.objects.filter(level=Area.Level.REGION).values_list("name", flat=True).first() or REGION_WORDS


def export_name(*, user: User, what: str, day: date, ext: str, league: str = "", county: str = "") -> str:
    """A file name an office can file away: 包头市_已复产_2020-02-22.xlsx, in Chinese whatever the page's language."""
    area = area_name(user=user, league=league, county=county, chinese=True)
    if area == REGION_WORDS:
        area = _region_name()
    safe = "".join(c for c in f"{area}_{what}" if c not in '\\/:*?"<>|')
    return f"{safe}_{day.isoformat()}.{ext}"


def issuing_body(user: User) -> str:
    """Who issues what the user prints: the industry department of their own area (a work group's is the region's).

    The region's is 内蒙古自治区工业和信息化厅; a league's or a county's, its 工业和信息化局.
    """
    own = access.scope_area(user)
    if own is None or own.level == Area.Level.REGION:
        return f"{_region_name()}工业和信息化厅"
    return f"{own.name}工业和信息化局"
