from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from fugong import access
from fugong.notices import selectors, services

PAGE_SIZE = 50


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.inbox(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": page, "query": ""})


@login_required
@require_GET
def badge(request):
    """The unread count in the header, loaded by htmx after the page: no page pays a query for it."""
    return render(request, "notices/_badge.html", {"unread": selectors.unread_count(user=request.user)})


@login_required
@require_GET
def open_notice(request, pk: int):
    notice = services.notice_read(user=request.user, notice=access.access_notice(request.user, pk))
    # Only a link on this site is followed; anything else lands in the inbox.
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return redirect("notices:inbox")


@login_required
@require_POST
def read_all(request):
    services.notices_read_all(user=request.user)
    return redirect("notices:inbox")
