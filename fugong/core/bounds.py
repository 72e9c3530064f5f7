"""The one rule for every input: text, numbers, dates and filter values, for forms, the API and Excel alike.

Each check is a plain function returning the cleaned value or raising Django's ValidationError with a
message in the user's language. The API's schemas use them through the Annotated types below, forms and
models through the validators below, the Excel intake by calling them from the row parser: one rule,
so a value refused in one place is refused in all of them.
"""

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from django.core.exceptions import BadRequest, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

# C0 and C1 controls and DEL. Multi-line text keeps tab, line feed and carriage return.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Direction overrides and isolates: they make a name read differently from what it is (U+202A-202E, U+2066-2069).
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Invisible characters: two names that look the same must be the same name.
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")

# Integers the database holds on both SQLite and PostgreSQL (a 32-bit integer column).
INT_MAX = 2_147_483_647
# Headcounts and other counts of people: no enterprise or project has ten million.
PEOPLE_MAX = 10_000_000
# Identifiers in a URL or a query: a positive 64-bit integer.
ID_MAX = 2**63 - 1
# How far a list may be paged, and how long a page.
OFFSET_MAX = 10_000_000
LIMIT_MAX = 1000
# Free text entered by a person (a comment, a note, a description): the web forms' limit too.
TEXT_MAX = 2000
# A filter or search value.
FILTER_MAX = 100
# The first day any record of this platform can be about.
FIRST_DAY = date(2000, 1, 1)
# How far ahead a plan may reach (a project's planned start, a deadline).
PLAN_YEARS = 10


def _today() -> date:
    return timezone.localdate()


def last_day(*, future: bool) -> date:
    """The last day a date may name: today for what has happened, a few years ahead for a plan."""
    today = _today()
    return today.replace(year=today.year + PLAN_YEARS) if future else today


# Text


def check_text(value: Any, *, max_length: int, multiline: bool = False, name: bool = False) -> str:
    """Text as a person typed it, refused if too long or holding characters that are not text."""
    if value is None:
        return ""
    text = str(value)
    if len(text) > max_length:
        raise ValidationError(
            _("At most %(max)d characters (this has %(n)d).") % {"max": max_length, "n": len(text)}, code="max_length"
        )
    controls = _CONTROLS_MULTILINE if multiline else _CONTROLS
    if controls.search(text) or _BIDI.search(text) or (name and _INVISIBLE.search(text)):
        raise ValidationError(_("Contains control or invisible characters; type the text again."), code="characters")
    return text


def text_problem(value: Any, **limits) -> str | None:
    try:
        check_text(value, **limits)
    except ValidationError as e:
        return e.messages[0]
    return None


class TextValidator:
    """The Django form and model validator for the same rule as check_text."""

    def __init__(self, max_length: int, *, multiline: bool = False, name: bool = False):
        self.limits: dict[str, Any] = {"max_length": max_length, "multiline": multiline, "name": name}

    def __call__(self, value):
        check_text(value, **self.limits)

    def __eq__(self, other):
        return isinstance(other, TextValidator) and self.limits == other.limits

    def deconstruct(self):
        limits = dict(self.limits)
        return ("fugong.core.bounds.TextValidator", (limits.pop("max_length"),), limits)


def text_validators(max_length: int, *, multiline: bool = False, name: bool = False) -> list:
    return [TextValidator(max_length, multiline=multiline, name=name)]


# Numbers


def check_int(value: Any, *, min_value: int = 0, max_value: int = INT_MAX) -> int:
    if isinstance(value, bool):
        raise ValidationError(_("Enter a whole number."), code="invalid")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(_("Enter a whole number."), code="invalid") from None
    if number != value and not isinstance(value, str | Decimal):
        raise ValidationError(_("Enter a whole number."), code="invalid")
    if not min_value <= number <= max_value:
        raise ValidationError(
            _("Enter a number from %(min)s to %(max)s.") % {"min": min_value, "max": max_value}, code="range"
        )
    return number


def check_decimal(
    value: Any, *, max_digits: int, decimal_places: int, min_value: Decimal | int = 0, max_value=None
) -> Decimal:
    """A decimal the database column holds: at most max_digits digits, decimal_places after the point."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("Enter a number."), code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("Enter a number."), code="invalid")
    top = Decimal(10) ** (max_digits - decimal_places) - Decimal(1).scaleb(-decimal_places)
    high = top if max_value is None else min(Decimal(max_value), top)
    if number < min_value or number > high:
        raise ValidationError(
            _("Enter a number from %(min)s to %(max)s.") % {"min": min_value, "max": _plain(high)}, code="range"
        )
    if number != number.quantize(Decimal(1).scaleb(-decimal_places), rounding="ROUND_DOWN"):
        raise ValidationError(
            _("At most %(n)d digits after the decimal point.") % {"n": decimal_places}, code="decimal_places"
        )
    return number.quantize(Decimal(1).scaleb(-decimal_places))


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def decimal_of_field(field) -> dict:
    """The digit limits of a model's DecimalField, for check_decimal."""
    return {"max_digits": field.max_digits, "decimal_places": field.decimal_places}


# Dates


def check_date(value: date, *, future: bool = False, first: date = FIRST_DAY) -> date:
    """A date in the window the platform deals with: not before 2000, not after today (or a plan's horizon)."""
    last = last_day(future=future)
    if not first <= value <= last:
        raise ValidationError(
            _("Give a date from %(first)s to %(last)s.") % {"first": first.isoformat(), "last": last.isoformat()},
            code="date_window",
        )
    return value


def in_window(value: date | None, *, future: bool = False) -> bool:
    return value is not None and FIRST_DAY <= value <= last_day(future=future)


def clamp_date(value: date, *, future: bool = False) -> date:
    """A date pulled into the window: for a page that shows figures as of a day, instead of refusing."""
    return min(max(value, FIRST_DAY), last_day(future=future))


def windowed(parse):
    """A cell parser whose dates must lie in the window: the Excel intake's row error, as a ValueError."""

    def parse_in_window(value) -> date:
        day = parse(value)
        try:
            return check_date(day)
        except ValidationError as e:
            raise ValueError(e.messages[0]) from None

    return parse_in_window


def date_validators(*, future: bool = False) -> list:
    return [DateValidator(future=future)]


class DateValidator:
    def __init__(self, *, future: bool = False):
        self.future = future

    def __call__(self, value):
        if value is not None:
            check_date(value, future=self.future)

    def __eq__(self, other):
        return isinstance(other, DateValidator) and self.future == other.future

    def deconstruct(self):
        return ("fugong.core.bounds.DateValidator", (), {"future": self.future})


def safe_shift(day: date, days: int) -> date:
    """day + days, held to the calendar instead of raising at year 1 or 9999."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


# Filter and query values


class BadParameter(BadRequest):
    """A query parameter that is malformed or unknown: answered 400 naming the parameter."""

    def __init__(self, param: str, message: str | None = None):
        self.param = param
        self.message = message or _("Unknown or malformed value.")
        super().__init__(f"{param}: {self.message}")


def id_param(value: Any, param: str) -> int | None:
    """An identifier given in a query ('' for none): a positive integer, or 400 naming the parameter."""
    text = str(value or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= ID_MAX:
        raise BadParameter(param, _("Give a number."))
    return int(text)


def date_param(value: Any, param: str, *, future: bool = False) -> date | None:
    """A date given in a query ('' for none): YYYY-MM-DD in the window, or 400 naming the parameter."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise BadParameter(param, _("Give a date as YYYY-MM-DD.")) from None
    try:
        return check_date(day, future=future)
    except ValidationError as e:
        raise BadParameter(param, e.messages[0]) from None


def has_controls(text: str) -> bool:
    return bool(_CONTROLS.search(text))


_LONG_NUMBER = re.compile(r"(?:^|/)(\d{19,})(?=/|$)")


def has_huge_id(path: str) -> bool:
    return any(int(n) > ID_MAX for n in _LONG_NUMBER.findall(path))


def lenient_date_param(value: Any, param: str, *, future: bool = True) -> date | None:
    """For pages that fall back to a default on a malformed date: None for that, 400 for a date out of the window."""
    try:
        date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
    return date_param(value, param, future=future)


def query_problem(params) -> tuple[str, str] | None:
    """The first query parameter holding a NUL or another control character, named for a 400."""
    for key, values in params.lists():
        for value in [key, *values]:
            if _CONTROLS.search(value):
                return key, _("Contains control characters.")
    return None


# The API's types: the same checks, as pydantic annotations, with the limits in the OpenAPI description.


def _pydantic(check, **kwargs):
    def run(value):
        try:
            return check(value, **kwargs)
        except ValidationError as e:
            # Not a number at all is a malformed body (422); a number out of bounds is a refused value (400).
            kind = "malformed" if e.code == "invalid" else "bounds"
            raise PydanticCustomError(kind, "{message}", {"message": e.messages[0]}) from None

    return run


def Text(max_length: int = TEXT_MAX, *, multiline: bool = False, name: bool = False):  # noqa: N802 - a type
    pattern = r"^[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"
    if multiline:
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"
    return Annotated[
        str,
        AfterValidator(_pydantic(check_text, max_length=max_length, multiline=multiline, name=name)),
        WithJsonSchema({"type": "string", "maxLength": max_length, "pattern": pattern}),
    ]


def Int(max_value: int = INT_MAX, *, min_value: int = 0):  # noqa: N802 - a type
    return Annotated[
        int,
        BeforeValidator(_pydantic(check_int, min_value=min_value, max_value=max_value)),
        WithJsonSchema({"type": "integer", "minimum": min_value, "maximum": max_value}),
    ]


def Amount(max_digits: int, decimal_places: int, *, min_value=0, max_value=None):  # noqa: N802 - a type
    check = _pydantic(
        check_decimal, max_digits=max_digits, decimal_places=decimal_places, min_value=min_value, max_value=max_value
    )
    top = Decimal(10) ** (max_digits - decimal_places) - Decimal(1).scaleb(-decimal_places)
    high = top if max_value is None else min(Decimal(max_value), top)
    return Annotated[
        Decimal,
        BeforeValidator(lambda v: check(v) if not isinstance(v, bool) else check("x")),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "minimum": float(min_value), "maximum": float(high)},
                    {"type": "string", "pattern": rf"^-?\d{{1,{max_digits}}}(\.\d{{1,{decimal_places}}})?$"},
                ]
            }
        ),
    ]


def Day(*, future: bool = False):  # noqa: N802 - a type
    return Annotated[
        date,
        AfterValidator(_pydantic(check_date, future=future)),
        WithJsonSchema({"type": "string", "format": "date"}),
    ]


# A path or query identifier; anything else is refused before it reaches the database.
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
# A filter value: a code, a name or a search term.
Filter = Text(FILTER_MAX)
