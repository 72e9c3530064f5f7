"""The day and area an official last chose, carried from page to page.

A page opened with a day in its URL remembers that day and the area filters beside it in the session;
a page opened bare (from the menu) is sent on to the same choice, so the dashboard, completeness, the
brief and the grid show one day and one area until the official chooses another. The URL stays the
whole truth, so a link can still be shared.
"""

from datetime import date
from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.utils import timezone

SESSION_KEY = "fugong_chosen"
FILTERS = ("league", "county")


def _day(text) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def remember(request, *, day_param: str) -> None:
    """Keeps the URL's day (when it is a real, past or present one) and its area filters."""
    day = _day(request.GET.get(day_param))
    if day is None or day > timezone.localdate():
        return
    request.session[SESSION_KEY] = {"day": day.isoformat(), **{k: request.GET.get(k, "").strip() for k in FILTERS}}


def chosen(request) -> dict:
    """{"day": date | None, "league": str, "county": str}: what the user last chose, or nothing."""
    stored = request.session.get(SESSION_KEY) or {}
    return {"day": _day(stored.get("day")), **{k: stored.get(k, "") for k in FILTERS}}


def chosen_day(request) -> date | None:
    return chosen(request)["day"]


def follows_choice(*, day_param: str):
    """A page that opens on the last chosen day and area, and remembers a new choice made on it."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            bare = request.method == "GET" and not request.GET and not request.headers.get("HX-Request")
            if bare:
                last = chosen(request)
                if last["day"] is not None:
                    query = {day_param: last["day"].isoformat(), **{k: last[k] for k in FILTERS if last[k]}}
                    return redirect(f"{request.path}?{urlencode(query)}")
            response = view(request, *args, **kwargs)
            # Only a page that answered remembers: a choice outside the user's scope answers 404.
            if request.method == "GET" and response.status_code == 200 and day_param in request.GET:
                remember(request, day_param=day_param)
            return response

        return wrapped

    return decorator
