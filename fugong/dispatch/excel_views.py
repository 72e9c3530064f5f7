"""Excel intake: a template per league and date, upload, a preview of every error and warning, commit."""

from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from fugong import access
from fugong.areas.models import Area
from fugong.core import bounds, imports
from fugong.core.excel import ExtraSheet, export_rows, write_xlsx, xlsx_response
from fugong.dispatch import excel, selectors
from fugong.dispatch.models import PeriodType
from fugong.enterprises.filters import query_text


class UploadForm(imports.UploadForm):
    date = forms.DateField(
        label=gettext_lazy("Date of the reports"),
        help_text=gettext_lazy("Used for rows without a date of their own."),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}, format="%Y-%m-%d"),
    )
    period_type = forms.ChoiceField(
        label=gettext_lazy("Reports"),
        choices=PeriodType.choices,
        initial=PeriodType.DAILY,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def _day(raw: str | None, today: date) -> date:
    return min(bounds.lenient_date_param(raw, "date") or today, today)


def _leagues(user):
    return access.visible_areas(user).filter(level=Area.Level.LEAGUE).order_by("code")


@login_required
@require_http_methods(["GET"])
def report_template(request):
    if not access.can_edit_registry(request.user):
        raise Http404
    today = timezone.localdate()
    kind = excel.kind_of(request.GET.get("period_type", "daily"))
    period = excel.period_for(kind, _day(request.GET.get("date"), today))
    league = query_text(request.GET, "league")
    if league and not _leagues(request.user).filter(code=league).exists():
        raise Http404
    due = selectors.due_enterprises(user=request.user, period_type=kind.period_type, league=league)
    enterprises = list(due.select_related("county").order_by("county_id", "name", "pk"))
    rows = excel.template_rows(kind=kind, enterprises=enterprises, period=period)
    scope = Area.objects.get(code=league).display_name if league else request.user.binding
    if kind.name == "weekly":
        title = _("Weekly reports, week starting %(date)s") % {"date": period.isoformat()}
    else:
        title = _("Daily reports of %(date)s") % {"date": period.isoformat()}
    statuses = ExtraSheet(
        name=_("Codes"),
        headers=[_("Status"), _("Also accepted")],
        rows=excel.status_sheet_rows(),
        widths=[16, 50],
    )
    content = write_xlsx(
        excel.COLUMNS,
        export_rows(excel.COLUMNS, rows),
        title=f"{title}　{scope}",
        subtitle=_("Prefilled with the last figures; correct each row and upload the file."),
        sheet_name=_("Reports"),
        extra_sheets=[statuses],
    )
    return xlsx_response(content, f"reports-{kind.name}-{league or 'all'}-{period.isoformat()}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def report_upload(request):
    if not access.can_edit_registry(request.user):
        raise Http404
    today = timezone.localdate()
    form = UploadForm(request.POST or None, request.FILES or None, initial={"date": today})
    if request.method == "POST" and form.is_valid():
        importer = excel.IMPORTERS[excel.kind_of(form.cleaned_data["period_type"]).name]
        options = {"date": form.cleaned_data["date"].isoformat()}
        done = imports.upload_to_preview(
            request, form, importer=importer, url_name="dispatch:excel_preview", options=options
        )
        if done is not None:
            return done
    context = {
        **imports.upload_context(form, excel.COLUMNS, cancel="dispatch:grid"),
        "leagues": _leagues(request.user),
        "today": today,
    }
    return render(request, "dispatch/excel_upload.html", context)


report_preview = imports.preview_view(
    gate=access.can_edit_registry, importers=list(excel.IMPORTERS.values()), upload_url_name="dispatch:excel_upload"
)
